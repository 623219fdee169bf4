// Package commit binds data and models to single field elements: values are
// packed several to a field element, packed elements are absorbed by a
// Poseidon2 sponge, and dataset batches are leaves of a Poseidon2 Merkle tree.
// Each in-circuit function has a native twin (Field) computing the same field
// elements with gnark-crypto, on BN254 and BLS12-381.
//
// Cost on BN254 R1CS: one width-16 permutation (8 full, 57 partial rounds) is
// about 571 constraints and absorbs 15 field elements; with 16-bit values
// packed 15 to an element that is about 2.5 constraints per value, against
// about 186 per value for gnark's default width-2 Merkle-Damgard hash on
// unpacked values. BLS12-381 has only widths 2 and 3 in gnark-crypto, so its
// sponge absorbs 2 elements per permutation of about 240 constraints (about 8
// per 16-bit value). Packing is only injective when every value is in range,
// so the packer range-checks each value: 2 constraints for 16 bits with the
// fixed-point API's limb checks (fixedpoint.For, package limbcheck), 3 with
// gnark's std/rangecheck (fixedpoint.New).
//
// Every digest starts from the tag of its Domain (kind, role or family,
// value count, shape, fixed-point format) in the sponge's capacity element,
// and a dataset's tree from its Set's tag, so a commitment means one thing:
// see domain.go. The tags are circuit constants and cost no constraint.
//
// Commitments here are binding, not hiding: a model or dataset with little
// entropy can be found by trying candidates against its commitment.
package commit

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// PackedBits is how many bits of a field element the packer fills: the
// moduli of BN254 and BLS12-381 exceed 2^253, so any sum below 2^253 is stored
// without reduction.
const PackedBits = 253

// PerElement is how many values of the given width share one field element.
func PerElement(bits int) int { return PackedBits / bits }

// PackedLen is the number of field elements n values of the given width take.
func PackedLen(n, bits int) int { return (n + PerElement(bits) - 1) / PerElement(bits) }

// Pack range-checks each value to signed bits and packs them, offset by
// 2^(bits-1) to be non-negative, PerElement(bits) to a field element, lowest
// first. Packing costs no constraint beyond the range checks.
func Pack(fp *fixedpoint.API, vals []frontend.Variable, bits int) []frontend.Variable {
	api := fp.Frontend()
	per := PerElement(bits)
	offset := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	out := make([]frontend.Variable, 0, PackedLen(len(vals), bits))
	for start := 0; start < len(vals); start += per {
		var acc frontend.Variable = 0
		for k := 0; k < per && start+k < len(vals); k++ {
			u := api.Add(vals[start+k], offset)
			fp.AssertUnsigned(u, bits)
			acc = api.Add(acc, api.Mul(u, new(big.Int).Lsh(big.NewInt(1), uint(bits*k))))
		}
		out = append(out, acc)
	}
	return out
}

// Sponge absorbs elems and returns one digest, with the sponge of the
// circuit's curve (SpongeFor). The domain's tag (Domain.Tag) is written to
// the capacity lane first: it fixes the kind, length, shape and format of
// what is absorbed, so digests of different domains never collide through
// zero padding or reinterpretation, at no constraint.
func Sponge(api frontend.API, dom Domain, elems []frontend.Variable) (frontend.Variable, error) {
	perm, sp, err := spongePermutation(api)
	if err != nil {
		return nil, err
	}
	state := make([]frontend.Variable, sp.Width)
	state[0] = dom.Tag()
	for i := 1; i < sp.Width; i++ {
		state[i] = 0
	}
	for start := 0; start < len(elems) || start == 0; start += sp.Rate() {
		for k := 0; k < sp.Rate() && start+k < len(elems); k++ {
			state[1+k] = api.Add(state[1+k], elems[start+k])
		}
		if err := perm.Permutation(state); err != nil {
			return nil, err
		}
		if len(elems) == 0 {
			break
		}
	}
	return state[1], nil
}

// spongePermutation is the Poseidon2 permutation of the circuit's curve's sponge
// (SpongeFor), with its parameters.
func spongePermutation(api frontend.API) (*poseidon2.Permutation, SpongeParams, error) {
	curve, err := CurveOf(api.Compiler().Field())
	if err != nil {
		return nil, SpongeParams{}, err
	}
	sp, _ := SpongeFor(curve)
	perm, err := poseidon2.NewPoseidon2FromParameters(api, sp.Width, sp.FullRounds, sp.PartialRounds)
	return perm, sp, err
}

// PackAndHash is Sponge(dom, Pack(vals, dom.Format.Bits)): the commitment to
// signed values of the domain dom. It fails, at compile time, when the number
// of values is not the domain's.
func PackAndHash(fp *fixedpoint.API, dom Domain, vals []frontend.Variable) (frontend.Variable, error) {
	if err := dom.check(len(vals)); err != nil {
		return nil, err
	}
	return Sponge(fp.Frontend(), dom, Pack(fp, vals, dom.Format.Bits))
}

// Pack is the native twin of Pack; it fails on a value outside signed bits.
func (f *Field) Pack(vals []int64, bits int) ([]*big.Int, error) {
	fmtv := fixedpoint.Format{Bits: bits}
	per := PerElement(bits)
	offset := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	out := make([]*big.Int, 0, PackedLen(len(vals), bits))
	u := new(big.Int)
	for start := 0; start < len(vals); start += per {
		acc := new(big.Int)
		for k := 0; k < per && start+k < len(vals); k++ {
			v := vals[start+k]
			if err := fmtv.Check(v); err != nil {
				return nil, fmt.Errorf("commit: value %d: %w", start+k, err)
			}
			u.SetInt64(v)
			u.Add(u, offset)
			u.Lsh(u, uint(bits*k))
			acc.Add(acc, u)
		}
		out = append(out, acc)
	}
	return out, nil
}

// Sponge is the native twin of Sponge.
func (f *Field) Sponge(dom Domain, elems []*big.Int) *big.Int {
	sp := f.Params
	state := make([]*big.Int, sp.Width)
	state[0] = dom.Tag()
	for i := 1; i < sp.Width; i++ {
		state[i] = new(big.Int)
	}
	for start := 0; start < len(elems) || start == 0; start += sp.Rate() {
		for k := 0; k < sp.Rate() && start+k < len(elems); k++ {
			state[1+k] = f.Reduce(new(big.Int).Add(state[1+k], elems[start+k]))
		}
		f.sponge(state)
		if len(elems) == 0 {
			break
		}
	}
	return state[1]
}

// PackAndHash is the native twin of PackAndHash.
func (f *Field) PackAndHash(dom Domain, vals []int64) (*big.Int, error) {
	if err := dom.check(len(vals)); err != nil {
		return nil, err
	}
	packed, err := f.Pack(vals, dom.Format.Bits)
	if err != nil {
		return nil, err
	}
	return f.Sponge(dom, packed), nil
}

// NativePackAndHash is the native twin of PackAndHash on the given curve.
func NativePackAndHash(curve ecc.ID, dom Domain, vals []int64) (*big.Int, error) {
	f, err := FieldOf(curve)
	if err != nil {
		return nil, err
	}
	return f.PackAndHash(dom, vals)
}
