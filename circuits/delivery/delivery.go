// Package delivery proves the sale of a committed model by fair exchange (a
// zero-knowledge contingent payment): a ciphertext of the model, a digest of
// the key that decrypts it, and nothing else, so that the key can be sold
// against the digest.
//
// Statement. Public: a model commitment M, the SHA-256 digest D = (D_hi,
// D_lo) of a key, a deal identifier E and ciphertext elements C_0..C_{n-1}.
// Private: the model's fixed-point values w and the key k. The circuit
// proves
//
//	M   = Sponge_dom(Pack(w))                  (the model the score proof used)
//	C_j = Pack(w)_j + KS_j(k)      for j < n   (KS: Keystream, KeystreamOf(dom))
//	D   = SHA-256(k as 32 big-endian bytes)
//
// where Pack range-checks every value to the domain's width, k is decomposed
// into its canonical 254 bits (so one key has one byte string), and the
// keystream is the curve's Poseidon2 sponge keyed with k (package commit).
// E is bound to the proof (it enters one constraint, E·E) without a relation
// to the rest: a proof made for one deal fails verification for another, so
// whoever reads a proof from the chain cannot reuse it for another offer or
// payee. A buyer who holds C and later learns a key whose SHA-256 is D
// decrypts the model whose commitment is M: C_j - KS_j(k) unpacks to w.
//
// Cost on BN254 R1CS: one block of SHA-256 (gnark std/hash/sha2 with its
// lookup tables), the 254-bit decomposition of k, the commitment of the model
// (about 2.5 constraints per 16-bit value plus 571 per permutation) and one
// permutation per 15 keystream elements. Constraint counts are tracked in
// bench/testdata/constraints.csv.
//
// Soundness: a proof for a ciphertext that does not decrypt to the committed
// model under the key behind D needs a collision of Poseidon2's sponge (the
// commitment), of SHA-256 (the key digest) or a forged Groth16 proof; the
// packed elements are injective because every value is range-checked.
// Secrecy until the key is revealed rests on Poseidon2 being a
// pseudorandom permutation: the capacity lane of the keyed sponge is never
// output. Once the key is revealed on chain, anyone who reads the
// ciphertext can decrypt the model.
package delivery

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/sha2"
	"github.com/consensys/gnark/std/math/bits"
	"github.com/consensys/gnark/std/math/uints"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
)

// KeyBytes is the length of the key's byte string, the SHA-256 preimage.
const KeyBytes = 32

// Circuit is the delivery statement for models of one commitment domain.
// The public inputs are, in order: Model, DigestHi, DigestLo, Deal, then
// Cipher.
type Circuit struct {
	Model    frontend.Variable   `gnark:",public"` // commitment of the model
	DigestHi frontend.Variable   `gnark:",public"` // SHA-256(key), bytes 0..15, big-endian
	DigestLo frontend.Variable   `gnark:",public"` // bytes 16..31
	Deal     frontend.Variable   `gnark:",public"` // the deal the proof is made for
	Cipher   []frontend.Variable `gnark:",public"` // the model's packed elements plus the keystream

	Values []frontend.Variable // the model's fixed-point values
	Key    frontend.Variable   // the key, an element of the scalar field

	dom commit.Domain
}

// New returns the circuit for models of the domain dom, to compile.
func New(dom commit.Domain) *Circuit {
	return &Circuit{
		Cipher: make([]frontend.Variable, Elements(dom)),
		Values: make([]frontend.Variable, dom.Values),
		dom:    dom,
	}
}

// Elements is how many ciphertext elements a model of the domain takes.
func Elements(dom commit.Domain) int { return commit.PackedLen(dom.Values, dom.Format.Bits) }

// Inputs is the number of public inputs of the circuit for dom.
func Inputs(dom commit.Domain) int { return 4 + Elements(dom) }

func (c *Circuit) Define(api frontend.API) error {
	if len(c.Values) != c.dom.Values || len(c.Cipher) != Elements(c.dom) {
		return fmt.Errorf("delivery: %d values and %d ciphertext elements for %s", len(c.Values), len(c.Cipher), c.dom)
	}
	fp := fixedpoint.New(api)
	packed := commit.Pack(fp, c.Values, c.dom.Format.Bits)
	model, err := commit.Sponge(api, c.dom, packed)
	if err != nil {
		return err
	}
	api.AssertIsEqual(model, c.Model)

	stream, err := commit.Keystream(api, commit.KeystreamOf(c.dom), c.Key, len(packed))
	if err != nil {
		return err
	}
	for j := range packed {
		api.AssertIsEqual(c.Cipher[j], api.Add(packed[j], stream[j]))
	}

	digest, err := keyDigest(api, c.Key)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.DigestHi, digest[0])
	api.AssertIsEqual(c.DigestLo, digest[1])

	api.Mul(c.Deal, c.Deal) // the deal enters a constraint: its input is bound to the proof
	return nil
}

// keyDigest is SHA-256 of the key's canonical 32 big-endian bytes, as two
// 128-bit halves.
func keyDigest(api frontend.API, key frontend.Variable) ([2]frontend.Variable, error) {
	bapi, err := uints.NewBytes(api)
	if err != nil {
		return [2]frontend.Variable{}, err
	}
	h, err := sha2.New(api)
	if err != nil {
		return [2]frontend.Variable{}, err
	}
	kbits := bits.ToBinary(api, key, bits.WithNbDigits(8*KeyBytes)) // canonical: below the modulus
	msg := make([]uints.U8, KeyBytes)
	for i := range msg { // byte i holds bits 8(31-i) .. 8(31-i)+7: big-endian
		lo := 8 * (KeyBytes - 1 - i)
		msg[i] = bapi.ValueOf(bits.FromBinary(api, kbits[lo:lo+8]))
	}
	h.Write(msg)
	sum := h.Sum()
	var out [2]frontend.Variable
	for half := range out {
		var acc frontend.Variable = 0
		for _, b := range sum[16*half : 16*half+16] {
			acc = api.Add(api.Mul(acc, 256), b.Val)
		}
		out[half] = acc
	}
	return out, nil
}

// split is a 32-byte digest as the circuit's two public halves.
func split(d [32]byte) [2]*big.Int {
	return [2]*big.Int{new(big.Int).SetBytes(d[:16]), new(big.Int).SetBytes(d[16:])}
}
