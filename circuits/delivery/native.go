package delivery

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"golang.org/x/crypto/sha3"

	"github.com/potbench/potbench/circuits/commit"
)

// Sealed is a model encrypted for sale: what the seller publishes before
// the key.
type Sealed struct {
	Model  *big.Int   // the model's commitment
	Digest [32]byte   // SHA-256 of the key's bytes
	Cipher []*big.Int // the packed elements plus the keystream, reduced
}

// NewKey draws a key uniformly from the scalar field of curve.
func NewKey(curve ecc.ID) (*big.Int, error) {
	return rand.Int(rand.Reader, curve.ScalarField())
}

// KeyBytesOf is the key as the 32 big-endian bytes its digest is taken of
// (and the contract is given).
func KeyBytesOf(key *big.Int) [KeyBytes]byte {
	var b [KeyBytes]byte
	key.FillBytes(b[:])
	return b
}

// Digest is SHA-256 of the key's bytes.
func Digest(key *big.Int) [32]byte { b := KeyBytesOf(key); return sha256.Sum256(b[:]) }

// Seal encrypts a model of the domain dom on curve under key: the native
// mirror of the circuit.
func Seal(curve ecc.ID, dom commit.Domain, values []int64, key *big.Int) (*Sealed, error) {
	f, err := fieldFor(curve, key)
	if err != nil {
		return nil, err
	}
	if len(values) != dom.Values {
		return nil, fmt.Errorf("delivery: %d values for a model of %d (%s)", len(values), dom.Values, dom)
	}
	packed, err := f.Pack(values, dom.Format.Bits)
	if err != nil {
		return nil, err
	}
	stream := f.Keystream(commit.KeystreamOf(dom), key, len(packed))
	s := &Sealed{Model: f.Sponge(dom, packed), Digest: Digest(key)}
	for j := range packed {
		s.Cipher = append(s.Cipher, f.Reduce(new(big.Int).Add(packed[j], stream[j])))
	}
	return s, nil
}

// Open decrypts a ciphertext of a model of the domain dom with the key and
// checks the model against its commitment: it returns exactly the values
// the seller committed to, or an error.
func Open(curve ecc.ID, dom commit.Domain, cipher []*big.Int, key, model *big.Int) ([]int64, error) {
	f, err := fieldFor(curve, key)
	if err != nil {
		return nil, err
	}
	if len(cipher) != Elements(dom) {
		return nil, fmt.Errorf("delivery: %d ciphertext elements, a model of %s takes %d", len(cipher), dom, Elements(dom))
	}
	stream := f.Keystream(commit.KeystreamOf(dom), key, len(cipher))
	packed := make([]*big.Int, len(cipher))
	for j := range cipher {
		packed[j] = f.Reduce(new(big.Int).Sub(cipher[j], stream[j]))
	}
	values, err := f.Unpack(packed, dom.Values, dom.Format.Bits)
	if err != nil {
		return nil, fmt.Errorf("delivery: the key does not decrypt this ciphertext: %w", err)
	}
	got, err := f.PackAndHash(dom, values)
	if err != nil {
		return nil, err
	}
	if got.Cmp(model) != 0 {
		return nil, errors.New("delivery: the decrypted model is not the committed one")
	}
	return values, nil
}

// Challenge is ρ = keccak256(model ‖ digest ‖ deal ‖ cipher_0 ‖ … ) >> 3,
// each a 32-byte big-endian word: what the settlement contract derives from
// the ciphertext it is sent (the package doc).
func Challenge(model *big.Int, digest [32]byte, deal *big.Int, cipher []*big.Int) *big.Int {
	h := sha3.NewLegacyKeccak256()
	var w [32]byte
	h.Write(model.FillBytes(w[:]))
	h.Write(digest[:])
	h.Write(deal.FillBytes(w[:]))
	for _, c := range cipher {
		h.Write(c.FillBytes(w[:]))
	}
	return new(big.Int).Rsh(new(big.Int).SetBytes(h.Sum(nil)), 3)
}

// Evaluation is ρ^n + Σ_j cipher_j·ρ^j (n elements) modulo the curve's
// scalar field, by Horner's rule from the leading 1, as the contract
// computes it. It
// fails on an element outside the field, which the contract refuses.
func Evaluation(curve ecc.ID, cipher []*big.Int, rho *big.Int) (*big.Int, error) {
	r := curve.ScalarField()
	s := big.NewInt(1)
	for j := len(cipher) - 1; j >= 0; j-- {
		if cipher[j].Sign() < 0 || cipher[j].Cmp(r) >= 0 {
			return nil, fmt.Errorf("delivery: ciphertext element %d is not below the scalar field's modulus", j)
		}
		s.Mul(s, rho).Add(s, cipher[j]).Mod(s, r)
	}
	return s, nil
}

// Public is the circuit's public inputs for a sealed model and a deal, in
// the circuit's order: the challenge and evaluation of its ciphertext.
func Public(curve ecc.ID, s *Sealed, deal *big.Int) ([]*big.Int, error) {
	rho := Challenge(s.Model, s.Digest, deal, s.Cipher)
	ev, err := Evaluation(curve, s.Cipher, rho)
	if err != nil {
		return nil, err
	}
	d := split(s.Digest)
	return []*big.Int{s.Model, d[0], d[1], deal, rho, ev}, nil
}

// Assignment is the circuit's witness for a model sealed on curve, for a
// deal.
func Assignment(curve ecc.ID, dom commit.Domain, values []int64, key, deal *big.Int, s *Sealed) (*Circuit, error) {
	pub, err := Public(curve, s, deal)
	if err != nil {
		return nil, err
	}
	c := New(dom)
	c.Model, c.DigestHi, c.DigestLo, c.Deal, c.Challenge, c.Evaluation = pub[0], pub[1], pub[2], pub[3], pub[4], pub[5]
	c.Key = key
	for i, v := range values {
		c.Values[i] = v
	}
	return c, nil
}

func fieldFor(curve ecc.ID, key *big.Int) (*commit.Field, error) {
	if key.Sign() < 0 || key.Cmp(curve.ScalarField()) >= 0 {
		return nil, errors.New("delivery: the key is not an element of the scalar field")
	}
	return commit.FieldOf(curve)
}

var _ frontend.Circuit = (*Circuit)(nil)
