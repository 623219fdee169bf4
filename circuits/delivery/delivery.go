// Package delivery proves the sale of a committed model by fair exchange (a
// zero-knowledge contingent payment): a ciphertext of the model, a digest of
// the key that decrypts it, and nothing else, so that the key can be sold
// against the digest.
//
// Statement. Public: a model commitment M, the SHA-256 digest D = (D_hi,
// D_lo) of a key, a deal identifier E, a challenge ρ and an evaluation S.
// Private: the model's fixed-point values w and the key k. With C_j =
// Pack(w)_j + KS_j(k) the ciphertext's n elements, the circuit proves
//
//	M   = Sponge_dom(Pack(w))                  (the model the score proof used)
//	S   = ρ^n + Σ_{j<n} C_j·ρ^j                (KS: Keystream, KeystreamOf(dom))
//	D   = SHA-256(k as 32 big-endian bytes)
//
// where Pack range-checks every value to the domain's width, k is decomposed
// into its canonical 254 bits (so one key has one byte string), and the
// keystream is the curve's Poseidon2 sponge keyed with k (package commit).
// S evaluates a monic polynomial of degree n, so that the count of
// elements is bound as well: a ciphertext with a zero appended is another
// polynomial. E is bound to the proof (it enters one constraint, E·E) without a relation
// to the rest: a proof made for one deal fails verification for another, so
// whoever reads a proof from the chain cannot reuse it for another offer or
// payee.
//
// The ciphertext itself is not a public input: the verifier (the settlement
// contract, or Challenge and Evaluation natively) takes the n elements it is
// given, each below the scalar field's modulus r, derives
// ρ = keccak256(M ‖ D ‖ E ‖ C_0 ‖ … ‖ C_{n-1}) >> 3 from them (32-byte
// big-endian words; the shift keeps ρ below r) and computes S by Horner's
// rule. A buyer who holds those elements and later learns a key whose SHA-256
// is D decrypts the model whose commitment is M: C_j - KS_j(k) unpacks to w.
// A verifier thus pays two public inputs, a hash and n multiply-adds for the
// ciphertext instead of one public input (an elliptic-curve multiplication,
// and a constant in gnark's Solidity verifier) per element, so that models
// of any size are delivered by a verifier of one size.
//
// Cost on BN254 R1CS: one block of SHA-256 (gnark std/hash/sha2 with its
// lookup tables), the 254-bit decomposition of k, the commitment of the model
// (about 2.5 constraints per 16-bit value plus 571 per permutation), one
// permutation per 15 keystream elements and one constraint per element for
// S. Constraint counts are tracked in testdata/constraints.txt.
//
// Soundness: a proof for a ciphertext that does not decrypt to the committed
// model under the key behind D needs a collision of Poseidon2's sponge (the
// commitment), of SHA-256 (the key digest), a forged Groth16 proof, or a
// challenge ρ that is a root of P_C - P_C*, where P_C = X^m + Σ_{j<m}
// C_j·X^j for the m elements C sent and C* is the encryption of the w and k
// that M and D bind (n elements): a nonzero polynomial when C ≠ C*, of
// degree at most max(m, n), so with at most that many roots among r. C*,
// being fixed by M and D, is fixed before ρ, which hashes M, D and C: a
// prover who tries q ciphertexts succeeds with probability at most
// q·max(m, n)/2^253 when keccak256 is a random oracle (about 2^-244 per try
// for the MLP's 345 elements). The
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

// Inputs is the number of public inputs of the circuit, whatever the model.
const Inputs = 6

// Circuit is the delivery statement for models of one commitment domain.
// The public inputs are, in order: Model, DigestHi, DigestLo, Deal,
// Challenge, Evaluation.
type Circuit struct {
	Model      frontend.Variable `gnark:",public"` // commitment of the model
	DigestHi   frontend.Variable `gnark:",public"` // SHA-256(key), bytes 0..15, big-endian
	DigestLo   frontend.Variable `gnark:",public"` // bytes 16..31
	Deal       frontend.Variable `gnark:",public"` // the deal the proof is made for
	Challenge  frontend.Variable `gnark:",public"` // ρ: Challenge of the ciphertext and the inputs above
	Evaluation frontend.Variable `gnark:",public"` // S: the ciphertext's elements evaluated at ρ

	Values []frontend.Variable // the model's fixed-point values
	Key    frontend.Variable   // the key, an element of the scalar field

	dom commit.Domain
}

// New returns the circuit for models of the domain dom, to compile.
func New(dom commit.Domain) *Circuit {
	return &Circuit{
		Values: make([]frontend.Variable, dom.Values),
		dom:    dom,
	}
}

// Elements is how many ciphertext elements a model of the domain takes.
func Elements(dom commit.Domain) int { return commit.PackedLen(dom.Values, dom.Format.Bits) }

func (c *Circuit) Define(api frontend.API) error {
	if len(c.Values) != c.dom.Values {
		return fmt.Errorf("delivery: %d values for %s", len(c.Values), c.dom)
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
	var s frontend.Variable = 1 // ρ^n + Σ C_j·ρ^j by Horner's rule, from the leading 1
	for j := len(packed) - 1; j >= 0; j-- {
		s = api.Add(api.Mul(s, c.Challenge), packed[j], stream[j])
	}
	api.AssertIsEqual(s, c.Evaluation)

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
