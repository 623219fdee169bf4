// Package blob proves the value of an EIP-4844 blob's polynomial at a
// point, so that a proof on BN254 can be tied to data carried in a blob:
// the chain checks the blob's value at the point (the point evaluation
// precompile, against the blob's versioned hash), the circuit computes
// the value of the data it holds, and the two must agree.
//
// Statement. Private: n ≤ Width native values d_i, each below 2^bits
// (bits ≤ 253, stated by the caller, whose other constraints must bound
// them). Public (for the caller to expose): a point z < 2^253 and v. With
// p the polynomial of degree below Width whose values at the blob's
// evaluation points ω_i (Roots) are d_0, …, d_{n-1} and then zeros, the
// gadget proves
//
//	v ≡ p(z) (mod r_BN254),  p(z) = (z^Width - 1)/Width · Σ_{i<n} d_i·ω_i/(z - ω_i)
//
// in BLS12-381's scalar field, emulated over the native field (gnark's
// std/math/emulated, four 64-bit limbs), p(z) reduced to its canonical
// value below r_BLS before it is read into the native field.
//
// Each value and z enter the emulated field as the limbs of their integer
// value: a hint splits them, each limb is range-checked to the bits the
// value can have there (so the limbs' sum is below 2^253 < r_BN254 and
// equals the native value as an integer, not only modulo r_BN254), and the
// limbs' sum is constrained to the native value.
//
// Cost: per value, its four limbs' range checks and one emulated
// multiplication check (the division ω_i/(z - ω_i)); the products d_i·t_i
// are summed unreduced and reduced once; z^Width is twelve squarings.
//
// Soundness: the constraints pin every hint output (limbs by their sum and
// ranges, quotients by gnark's multiplication checks). Reading p(z) into
// the native field loses at most which of {p(z), p(z) ± r_BN254,
// p(z) ± 2·r_BN254} it was: a blob whose value at z is y and a circuit
// whose data give v = y mod r_BN254 agree up to those five offsets c, so
// a blob B other than the data D passes only if z is a root of one of the
// five nonzero polynomials p_B - p_D - c, of degree below Width: at most
// 5·Width/2^253 per point when z is drawn by a hash after B and D are
// fixed.
package blob

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/math/emulated"
	"github.com/consensys/gnark/std/math/emulated/emparams"
	"github.com/consensys/gnark/std/rangecheck"
)

// LimbBits is the emulated field's limb width; Limbs its limbs.
const (
	LimbBits = 64
	Limbs    = 4
)

// PointBits bounds a point: below 2^253, hence below both fields' moduli.
const PointBits = 253

type field = emulated.Field[emparams.BLS12381Fr]

type element = emulated.Element[emparams.BLS12381Fr]

// Evaluate returns p(z) mod r_BN254 for the values d (each below 2^bits)
// and the point z (below 2^PointBits), as the package doc states. Call it
// before the circuit's first direct multicommit.WithCommitment: gnark's
// emulated field adds its commitment from a deferred callback, which
// multicommit refuses once it has committed.
func Evaluate(api frontend.API, d []frontend.Variable, bits int, z frontend.Variable) (frontend.Variable, error) {
	if len(d) == 0 || len(d) > Width {
		return nil, fmt.Errorf("blob: %d values, a blob holds 1 to %d", len(d), Width)
	}
	if bits < 1 || bits > PointBits {
		return nil, fmt.Errorf("blob: values of %d bits, not 1 to %d", bits, PointBits)
	}
	f, err := emulated.NewField[emparams.BLS12381Fr](api)
	if err != nil {
		return nil, err
	}
	rc := rangecheck.New(api)
	ze, err := lift(api, f, rc, z, PointBits)
	if err != nil {
		return nil, err
	}
	w := Roots()
	terms := make([]*element, len(d))
	for i, v := range d {
		de, err := lift(api, f, rc, v, bits)
		if err != nil {
			return nil, err
		}
		wi := f.NewElement(w[i].BigInt(new(big.Int)))
		t := f.Div(wi, f.Sub(ze, wi)) // ω_i/(z - ω_i)
		terms[i] = f.MulNoReduce(de, t)
	}
	sum := f.Reduce(f.Sum(terms...))
	zn := ze
	for range 12 { // z^4096
		zn = f.Mul(zn, zn)
	}
	invWidth := new(big.Int).ModInverse(big.NewInt(Width), Modulus)
	factor := f.Mul(f.Sub(zn, f.One()), f.NewElement(invWidth))
	y := f.ReduceStrict(f.Mul(sum, factor))
	var v frontend.Variable = 0
	for k, l := range y.Limbs {
		v = api.Add(v, api.Mul(l, new(big.Int).Lsh(big.NewInt(1), uint(LimbBits*k))))
	}
	return v, nil
}

// lift is the emulated element of the native value v < 2^bits: its limbs,
// each range-checked to the bits v has there, whose sum is v.
func lift(api frontend.API, f *field, rc frontend.Rangechecker, v frontend.Variable, bits int) (*element, error) {
	limbs, err := api.Compiler().NewHint(LimbsHint, Limbs, v)
	if err != nil {
		return nil, err
	}
	var sum frontend.Variable = 0
	for k, l := range limbs {
		switch b := min(max(bits-LimbBits*k, 0), LimbBits); b {
		case 0:
			api.AssertIsEqual(l, 0)
		default:
			rc.Check(l, b)
		}
		sum = api.Add(sum, api.Mul(l, new(big.Int).Lsh(big.NewInt(1), uint(LimbBits*k))))
	}
	api.AssertIsEqual(sum, v)
	return f.UnsafeFromLimbs(limbs), nil // every limb is below 2^LimbBits
}
