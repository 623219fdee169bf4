package onchain

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// committed is a circuit with one BSB22 commitment: X = Y² with Y committed.
type committed struct {
	X frontend.Variable `gnark:",public"`
	Y frontend.Variable
}

func (c *committed) Define(api frontend.API) error {
	v, err := api.(frontend.Committer).Commit(c.Y)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(v, 0)
	api.AssertIsEqual(api.Mul(c.Y, c.Y), c.X)
	return nil
}

// TestBatchCommitmentCheck: the rewritten verifier accepts an honest proof
// for less gas than gnark's, and refuses a proof whose commitment's proof
// of knowledge, or whose commitment, was changed, and a proof for another
// input; gnark's verifier refuses the same.
func TestBatchCommitmentCheck(t *testing.T) {
	solc := compiler(t)
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &committed{})
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	w, err := frontend.NewWitness(&committed{X: 9, Y: 3}, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(cs, pk, w, ProverOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	p := proof.(*groth16bn254.Proof)
	var sol bytes.Buffer
	if err := vk.ExportSolidity(&sol, solidity.WithPragmaVersion("^0.8.20")); err != nil {
		t.Fatal(err)
	}
	batched, err := BatchCommitmentCheck(sol.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := BatchCommitmentCheck(batched); err == nil {
		t.Error("a verifier rewritten twice")
	}
	evm := NewEVM()
	deploy := func(src string) func(proof []byte, x int64) (uint64, error) {
		code, err := solc.Compile(src, "Verifier")
		if err != nil {
			t.Fatal(err)
		}
		addr, err := evm.Deploy(code)
		if err != nil {
			t.Fatal(err)
		}
		return func(proof []byte, x int64) (uint64, error) {
			return evm.Call(addr, Calldata(proof, []*big.Int{big.NewInt(x)}), 0)
		}
	}
	gnarks, ours := deploy(sol.String()), deploy(batched)
	honest := p.MarshalSolidity()
	var g curve.G1Affine
	_, _, g, _ = curve.Generators()
	pok := *p
	pok.CommitmentPok.Add(&pok.CommitmentPok, &g)
	other := *p
	other.Commitments = []curve.G1Affine{{}}
	other.Commitments[0].Add(&p.Commitments[0], &g)
	for name, v := range map[string]func([]byte, int64) (uint64, error){"gnark's": gnarks, "batched": ours} {
		if _, err := v(honest, 9); err != nil {
			t.Fatalf("%s verifier refuses the honest proof: %v", name, err)
		}
		for what, q := range map[string][]byte{"proof of knowledge": pok.MarshalSolidity(), "commitment": other.MarshalSolidity()} {
			if _, err := v(q, 9); err == nil {
				t.Errorf("%s verifier accepts another %s", name, what)
			}
		}
		if _, err := v(honest, 10); err == nil {
			t.Errorf("%s verifier accepts another input", name)
		}
	}
	before, _ := gnarks(honest, 9)
	after, _ := ours(honest, 9)
	if after >= before {
		t.Errorf("batched verification %d gas, gnark's %d", after, before)
	}
	t.Logf("verification: gnark's %d gas, batched %d", before, after)
}
