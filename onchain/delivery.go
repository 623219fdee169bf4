package onchain

import (
	"fmt"
	"math/big"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/delivery"
	"github.com/potbench/potbench/proving"
)

// DeliveryKeys are the delivery circuit's keys for models of one
// commitment domain (package circuits/delivery).
//
// Who sets them up matters: whoever knows the setup's trapdoor can prove
// the delivery of a ciphertext of anything. SetupDelivery is the buyer's own
// one-party setup: the buyer is the party a forged delivery would rob, and in
// an offer that names its seller only that seller may deliver, so the buyer
// cannot use the trapdoor against it. An open offer (any seller) needs
// delivery keys from a ceremony the sellers trust as well.
type DeliveryKeys struct {
	Domain      commit.Domain
	CS          constraint.ConstraintSystem
	PK          groth16.ProvingKey
	VK          groth16.VerifyingKey
	Source      string // who set them up
	Constraints int    // of the circuit
	SetupNs     int64  // the setup's time (0: loaded from the cache)
	Cached      bool   // the keys came from the key cache
}

// SetupDelivery compiles the delivery circuit for models of dom on BN254
// and sets up its Groth16 keys, or loads them from cache (nil: always set
// up).
func SetupDelivery(dom commit.Domain, cache *proving.KeyCache) (*DeliveryKeys, error) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, delivery.New(dom))
	if err != nil {
		return nil, fmt.Errorf("onchain: the delivery circuit: %w", err)
	}
	k := &DeliveryKeys{Domain: dom, CS: cs, Source: "one-party setup by the buyer", Constraints: cs.GetNbConstraints()}
	var name string
	if cache != nil {
		if name, err = cache.Key(cs, ecc.BN254.String(), "groth16"); err != nil {
			return nil, err
		}
		pk, vk := groth16.NewProvingKey(ecc.BN254), groth16.NewVerifyingKey(ecc.BN254)
		if cache.Load(name, pk, vk) {
			k.PK, k.VK, k.Cached = pk, vk, true
			return k, nil
		}
	}
	start := time.Now()
	if k.PK, k.VK, err = groth16.Setup(cs); err != nil {
		return nil, fmt.Errorf("onchain: the delivery circuit's setup: %w", err)
	}
	k.SetupNs = time.Since(start).Nanoseconds()
	if cache != nil {
		cache.Store(name, k.PK, k.VK)
	}
	return k, nil
}

// deliveryProof is what the seller sends with deliver: the ciphertext, the
// key's digest and the proof, made for one deal; the key stays with the
// seller until settle.
type deliveryProof struct {
	Proof     []byte
	Cipher    []*big.Int
	KeyDigest [32]byte

	key     *big.Int
	proveNs int64
}

// prove seals the model values under a fresh key and proves the delivery
// for the deal.
func (k *DeliveryKeys) prove(values []int64, deal *big.Int) (*deliveryProof, error) {
	key, err := delivery.NewKey(ecc.BN254)
	if err != nil {
		return nil, err
	}
	s, err := delivery.Seal(ecc.BN254, k.Domain, values, key)
	if err != nil {
		return nil, err
	}
	a, err := delivery.Assignment(ecc.BN254, k.Domain, values, key, deal, s)
	if err != nil {
		return nil, err
	}
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	start := time.Now()
	proof, err := groth16.Prove(k.CS, k.PK, w, ProverOptions()...)
	if err != nil {
		return nil, fmt.Errorf("onchain: the delivery proof: %w", err)
	}
	d := &deliveryProof{Proof: proof.(*groth16bn254.Proof).MarshalSolidity(), Cipher: s.Cipher, KeyDigest: s.Digest, key: key,
		proveNs: time.Since(start).Nanoseconds()}
	return d, nil
}
