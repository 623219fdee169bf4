package blob

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
)

// Width is the field elements of a blob (EIP-4844's FIELD_ELEMENTS_PER_BLOB).
const Width = 4096

// Bytes is a blob's size: Width 32-byte big-endian field elements.
const Bytes = 32 * Width

// Modulus is the blob field's modulus: BLS12-381's scalar field.
var Modulus = fr.Modulus()

var (
	rootsOnce sync.Once
	roots     []fr.Element // ω^brp(i), i < Width
)

// Roots are the blob's evaluation points in its order: ω^brp(i) for the
// Width-th root of unity ω = 7^((r-1)/Width) and the bit-reversal
// permutation brp of log2(Width) bits (EIP-4844's
// bit_reversal_permutation(compute_roots_of_unity(Width))).
func Roots() []fr.Element {
	rootsOnce.Do(func() {
		e := new(big.Int).Sub(Modulus, big.NewInt(1))
		e.Div(e, big.NewInt(Width))
		var omega fr.Element
		omega.SetUint64(7)
		omega.Exp(omega, e)
		natural := make([]fr.Element, Width)
		natural[0].SetOne()
		for i := 1; i < Width; i++ {
			natural[i].Mul(&natural[i-1], &omega)
		}
		roots = make([]fr.Element, Width)
		shift := 64 - bits.Len(Width-1)
		for i := range roots {
			roots[i] = natural[bits.Reverse64(uint64(i))>>shift]
		}
	})
	return roots
}

// Encode is the blob of elems, each below Modulus, in order, the rest zero.
func Encode(elems []*big.Int) ([]byte, error) {
	if len(elems) > Width {
		return nil, fmt.Errorf("blob: %d elements, a blob holds %d", len(elems), Width)
	}
	b := make([]byte, Bytes)
	for i, e := range elems {
		if e.Sign() < 0 || e.Cmp(Modulus) >= 0 {
			return nil, fmt.Errorf("blob: element %d is outside the blob field", i)
		}
		e.FillBytes(b[32*i : 32*i+32])
	}
	return b, nil
}

// Value is p(z), for the polynomial p of degree below Width whose values
// at Roots are elems and then zeros, by the barycentric formula of
// EIP-4844's evaluate_polynomial_in_evaluation_form:
//
//	p(z) = (z^Width - 1)/Width · Σ_i elems_i·ω_i/(z - ω_i)
//
// z must not be an evaluation point (the circuit cannot prove that case,
// and a challenge drawn by a hash never is but with probability Width/r).
func Value(elems []*big.Int, z *big.Int) (*big.Int, error) {
	if len(elems) > Width {
		return nil, fmt.Errorf("blob: %d elements, a blob holds %d", len(elems), Width)
	}
	if z.Sign() < 0 || z.Cmp(Modulus) >= 0 {
		return nil, errors.New("blob: the point is outside the blob field")
	}
	var zf, sum, t, d, e fr.Element
	zf.SetBigInt(z)
	w := Roots()
	for i, v := range elems {
		if v.Sign() < 0 || v.Cmp(Modulus) >= 0 {
			return nil, fmt.Errorf("blob: element %d is outside the blob field", i)
		}
		d.Sub(&zf, &w[i])
		if d.IsZero() {
			return nil, errors.New("blob: the point is one of the blob's evaluation points")
		}
		d.Inverse(&d)
		t.Mul(&w[i], &d)
		e.SetBigInt(v)
		t.Mul(&t, &e)
		sum.Add(&sum, &t)
	}
	var zn, n fr.Element
	zn.Exp(zf, big.NewInt(Width))
	one := fr.One()
	zn.Sub(&zn, &one)
	n.SetUint64(Width)
	n.Inverse(&n)
	sum.Mul(&sum, &zn)
	sum.Mul(&sum, &n)
	return sum.BigInt(new(big.Int)), nil
}
