package delivery_test

// TestDealBound lives in the external test package: it uses the proving
// package's key cache, and proving imports the chain circuits, which import
// delivery.

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/circuits/delivery"
	"github.com/potbench/potbench/proving"
)

// TestDealBound: a Groth16 proof made for one deal is refused for another,
// so a proof read from the chain settles no other offer or payee.
func TestDealBound(t *testing.T) {
	values, key, s := delivery.TestSealed(t, 4)
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, delivery.New(delivery.TestDomain))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("delivery circuit of %s: %d constraints, %d public inputs", delivery.TestDomain, cs.GetNbConstraints(), cs.GetNbPublicVariables()-1)
	// the key cache's keys when there (the settlement tests set up the same circuit)
	cache := proving.DefaultKeyCache()
	pk, vk := groth16.NewProvingKey(ecc.BN254), groth16.NewVerifyingKey(ecc.BN254)
	name := ""
	if cache != nil {
		if name, err = cache.Key(cs, ecc.BN254.String(), "groth16"); err != nil {
			t.Fatal(err)
		}
	}
	if cache == nil || !cache.Load(name, pk, vk) {
		if pk, vk, err = groth16.Setup(cs); err != nil {
			t.Fatal(err)
		}
		if cache != nil {
			cache.Store(name, pk, vk)
		}
	}
	deal := big.NewInt(777)
	w, err := frontend.NewWitness(delivery.TestAssignment(t, values, key, deal, s), ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(cs, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		deal  *big.Int
		valid bool
	}{{"the deal it was made for", deal, true}, {"another deal", big.NewInt(778), false}, {"deal zero", big.NewInt(0), false}} {
		a := delivery.TestAssignment(t, values, key, deal, s) // the challenge of the deal it was made for: only the deal input differs
		a.Deal = c.deal
		pub, err := frontend.NewWitness(a, ecc.BN254.ScalarField(), frontend.PublicOnly())
		if err != nil {
			t.Fatal(err)
		}
		if err := groth16.Verify(proof, vk, pub); (err == nil) != c.valid {
			t.Errorf("%s: verify = %v", c.name, err)
		}
	}
	pub, err := delivery.Public(ecc.BN254, s, deal)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(pub); got != delivery.Inputs || got != cs.GetNbPublicVariables()-1 {
		t.Errorf("Public gives %d inputs, the circuit has %d", got, cs.GetNbPublicVariables()-1)
	}
}
