package commit

import (
	"fmt"
	"math/big"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	frbls12377 "github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	mimcbls12377 "github.com/consensys/gnark-crypto/ecc/bls12-377/fr/mimc"
	poseidon2bls12377 "github.com/consensys/gnark-crypto/ecc/bls12-377/fr/poseidon2"
	frbls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
	mimcbls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381/fr/mimc"
	poseidon2bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381/fr/poseidon2"
	frbn254 "github.com/consensys/gnark-crypto/ecc/bn254/fr"
	mimcbn254 "github.com/consensys/gnark-crypto/ecc/bn254/fr/mimc"
	poseidon2bn254 "github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/potbench/potbench/curves"
)

// CurveOf names the supported curve with the given scalar field.
func CurveOf(field *big.Int) (ecc.ID, error) {
	for _, c := range curves.All {
		if c.ScalarField().Cmp(field) == 0 {
			return c, nil
		}
	}
	return ecc.UNKNOWN, fmt.Errorf("commit: no commitment scheme for the scalar field %s (supported: %s)", field, curves.Names())
}

// SpongeParams are the Poseidon2 parameters of a curve's sponge.
type SpongeParams struct {
	Width, FullRounds, PartialRounds int
}

// Rate is how many field elements one permutation absorbs (one capacity
// element).
func (s SpongeParams) Rate() int { return s.Width - 1 }

// SpongeFor returns the sponge of a curve. BN254 has published Poseidon2
// parameters for width 16 (8 full, 57 partial rounds; about 38 R1CS per
// absorbed element). gnark-crypto implements BLS12-381 Poseidon2 only for
// widths 2 and 3, so BLS12-381 uses width 3 with 8 full and 56 partial rounds,
// the Poseidon2 paper's instance for a 255-bit field and x^5 (about 120 R1CS
// per absorbed element). BLS12-377's S-box is x^17; it uses width 3 with 6
// full and 26 partial rounds, the instance gnark-crypto gives for a sponge on
// that field (about 110 R1CS per absorbed element).
func SpongeFor(curve ecc.ID) (SpongeParams, error) {
	switch curve {
	case ecc.BN254:
		return SpongeParams{Width: 16, FullRounds: 8, PartialRounds: 57}, nil
	case ecc.BLS12_381:
		return SpongeParams{Width: 3, FullRounds: 8, PartialRounds: 56}, nil
	case ecc.BLS12_377:
		return SpongeParams{Width: 3, FullRounds: 6, PartialRounds: 26}, nil
	}
	return SpongeParams{}, fmt.Errorf("commit: no commitment scheme on %s (supported: %s)", curve, curves.Names())
}

// Field is the native side of one curve's commitments: the same field
// elements the circuits compute, as reduced big integers.
type Field struct {
	Curve  ecc.ID
	Params SpongeParams // the sponge's Poseidon2 parameters

	modulus *big.Int
	sponge  func(state []*big.Int) // the sponge's permutation
	md      func(state []*big.Int) // gnark's default width-2 permutation
	mimc    func(xs []*big.Int) *big.Int
}

var fields sync.Map // ecc.ID -> *Field

// FieldOf returns the native commitment functions of a curve.
func FieldOf(curve ecc.ID) (*Field, error) {
	if f, ok := fields.Load(curve); ok {
		return f.(*Field), nil
	}
	sp, err := SpongeFor(curve)
	if err != nil {
		return nil, err
	}
	f := &Field{Curve: curve, Params: sp, modulus: curve.ScalarField()}
	switch curve {
	case ecc.BN254:
		f.sponge = bigPermutation[frbn254.Element](poseidon2bn254.NewPermutation(sp.Width, sp.FullRounds, sp.PartialRounds))
		f.md = bigPermutation[frbn254.Element](poseidon2bn254.NewDefaultPermutation())
		f.mimc = func(xs []*big.Int) *big.Int {
			h := mimcbn254.NewFieldHasher()
			return bigSum[frbn254.Element](h.WriteElement, h.SumElement, xs)
		}
	case ecc.BLS12_381:
		f.sponge = bigPermutation[frbls12381.Element](poseidon2bls12381.NewPermutation(sp.Width, sp.FullRounds, sp.PartialRounds))
		f.md = bigPermutation[frbls12381.Element](poseidon2bls12381.NewDefaultPermutation())
		f.mimc = func(xs []*big.Int) *big.Int {
			h := mimcbls12381.NewFieldHasher()
			return bigSum[frbls12381.Element](h.WriteElement, h.SumElement, xs)
		}
	case ecc.BLS12_377:
		f.sponge = bigPermutation[frbls12377.Element](poseidon2bls12377.NewPermutation(sp.Width, sp.FullRounds, sp.PartialRounds))
		f.md = bigPermutation[frbls12377.Element](poseidon2bls12377.NewDefaultPermutation())
		f.mimc = func(xs []*big.Int) *big.Int {
			h := mimcbls12377.NewFieldHasher()
			return bigSum[frbls12377.Element](h.WriteElement, h.SumElement, xs)
		}
	}
	actual, _ := fields.LoadOrStore(curve, f)
	return actual.(*Field), nil
}

// Reduce returns v modulo the field's modulus, in [0, r).
func (f *Field) Reduce(v *big.Int) *big.Int { return new(big.Int).Mod(v, f.modulus) }

// Ints returns the field elements of signed integers.
func (f *Field) Ints(vals []int64) []*big.Int {
	out := make([]*big.Int, len(vals))
	for i, v := range vals {
		out[i] = f.Reduce(big.NewInt(v))
	}
	return out
}

// MiMC is gnark's MiMC hash of field elements, as std/hash/mimc computes it
// in-circuit on this curve.
func (f *Field) MiMC(xs ...*big.Int) *big.Int { return f.mimc(xs) }

// element is a gnark-crypto scalar-field element type.
type element[E any] interface {
	*E
	SetBigInt(*big.Int) *E
	BigInt(*big.Int) *big.Int
}

type permutation[E any] interface{ Permutation([]E) error }

// bigPermutation runs a gnark-crypto permutation on big-integer state.
func bigPermutation[E any, P element[E]](perm permutation[E]) func([]*big.Int) {
	return func(state []*big.Int) {
		buf := make([]E, len(state))
		for i := range state {
			P(&buf[i]).SetBigInt(state[i])
		}
		if err := perm.Permutation(buf); err != nil {
			panic(err) // widths are fixed by SpongeFor and the defaults
		}
		for i := range state {
			state[i] = P(&buf[i]).BigInt(new(big.Int))
		}
	}
}

func bigSum[E any, P element[E]](write func(E), sum func() E, xs []*big.Int) *big.Int {
	for _, x := range xs {
		var e E
		P(&e).SetBigInt(x)
		write(e)
	}
	s := sum()
	return P(&s).BigInt(new(big.Int))
}
