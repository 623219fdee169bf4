// Package commit binds data and models to single field elements: values are
// packed several to a field element, packed elements are absorbed by a
// Poseidon2 sponge of width 16, and dataset batches are leaves of a Poseidon2
// Merkle tree. Each in-circuit function has a native twin computing the same
// field elements with gnark-crypto (BN254).
//
// Cost on BN254 R1CS: one width-16 permutation (8 full, 57 partial rounds) is
// about 571 constraints and absorbs 15 field elements; with 16-bit values
// packed 15 to an element that is about 2.5 constraints per value, against
// about 186 per value for gnark's default width-2 Merkle-Damgard hash on
// unpacked values. Packing is only injective when every value is in range, so
// the packer range-checks each value (about 3 constraints for 16 bits).
//
// Commitments here are binding, not hiding: a model or dataset with little
// entropy can be found by trying candidates against its commitment.
package commit

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	poseidon2bn254 "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/permutation/poseidon2"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Sponge parameters: BN254 Poseidon2 with published round constants for t=16.
const (
	Width         = 16
	Rate          = Width - 1 // one capacity element
	FullRounds    = 8
	PartialRounds = 57
)

// PackedBits is how many bits of a field element the packer fills: BN254's
// modulus exceeds 2^253, so any sum below 2^253 is stored without reduction.
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

// Sponge absorbs elems and returns one digest. The input length is written to
// the capacity lane first, so inputs of different lengths never collide
// through zero padding.
func Sponge(api frontend.API, elems []frontend.Variable) (frontend.Variable, error) {
	perm, err := poseidon2.NewPoseidon2FromParameters(api, Width, FullRounds, PartialRounds)
	if err != nil {
		return nil, err
	}
	state := make([]frontend.Variable, Width)
	state[0] = len(elems)
	for i := 1; i < Width; i++ {
		state[i] = 0
	}
	for start := 0; start < len(elems) || start == 0; start += Rate {
		for k := 0; k < Rate && start+k < len(elems); k++ {
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

// PackAndHash is Sponge(Pack(vals, bits)): the commitment to a vector of
// signed values.
func PackAndHash(fp *fixedpoint.API, vals []frontend.Variable, bits int) (frontend.Variable, error) {
	return Sponge(fp.Frontend(), Pack(fp, vals, bits))
}

var nativePerm = poseidon2bn254.NewPermutation(Width, FullRounds, PartialRounds)

// NativePack is the native twin of Pack; it fails on a value outside signed bits.
func NativePack(vals []int64, bits int) ([]fr.Element, error) {
	f := fixedpoint.Format{Bits: bits}
	per := PerElement(bits)
	offset := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	out := make([]fr.Element, 0, PackedLen(len(vals), bits))
	acc, u := new(big.Int), new(big.Int)
	for start := 0; start < len(vals); start += per {
		acc.SetInt64(0)
		for k := 0; k < per && start+k < len(vals); k++ {
			v := vals[start+k]
			if err := f.Check(v); err != nil {
				return nil, fmt.Errorf("commit: value %d: %w", start+k, err)
			}
			u.SetInt64(v)
			u.Add(u, offset)
			u.Lsh(u, uint(bits*k))
			acc.Add(acc, u)
		}
		var e fr.Element
		e.SetBigInt(acc)
		out = append(out, e)
	}
	return out, nil
}

// NativeSponge is the native twin of Sponge.
func NativeSponge(elems []fr.Element) fr.Element {
	var state [Width]fr.Element
	state[0].SetUint64(uint64(len(elems)))
	for start := 0; start < len(elems) || start == 0; start += Rate {
		for k := 0; k < Rate && start+k < len(elems); k++ {
			state[1+k].Add(&state[1+k], &elems[start+k])
		}
		if err := nativePerm.Permutation(state[:]); err != nil {
			panic(err) // width is fixed above
		}
		if len(elems) == 0 {
			break
		}
	}
	return state[1]
}

// NativePackAndHash is the native twin of PackAndHash.
func NativePackAndHash(vals []int64, bits int) (fr.Element, error) {
	packed, err := NativePack(vals, bits)
	if err != nil {
		return fr.Element{}, err
	}
	return NativeSponge(packed), nil
}
