package fixedpoint

import (
	"errors"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/internal/circuittest"
)

var p = ecc.BN254.ScalarField()

type divCircuit struct {
	V, Q  frontend.Variable
	d     *big.Int
	qBits int
}

func (c *divCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(New(api).DivRound(c.V, c.d, c.qBits), c.Q)
	return nil
}

func divCases(rng *rand.Rand, d *big.Int, qBits int) []*big.Int {
	lim := new(big.Int).Lsh(d, uint(qBits-1)) // |v| < d·2^(qBits-1) keeps the quotient in range
	lim.Sub(lim, d)
	vals := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(-1), new(big.Int).Set(lim), new(big.Int).Neg(lim),
		new(big.Int).Rsh(d, 1), new(big.Int).Neg(new(big.Int).Rsh(d, 1))}
	for range 20 {
		v := new(big.Int).SetUint64(rng.Uint64())
		v.Lsh(v, 64).Or(v, new(big.Int).SetUint64(rng.Uint64())).Mod(v, lim)
		if rng.IntN(2) == 0 {
			v.Neg(v)
		}
		vals = append(vals, v)
	}
	return vals
}

func TestDivRoundMatchesNative(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, d := range []*big.Int{big.NewInt(1 << 20), big.NewInt(3 << 18), big.NewInt(7)} {
		qBits := 33
		circuit := &divCircuit{d: d, qBits: qBits}
		for _, v := range divCases(rng, d, qBits) {
			q := DivRound(v, d)
			if err := test.IsSolved(circuit, &divCircuit{V: v, Q: q}, p); err != nil {
				t.Fatalf("d=%s v=%s: circuit rejects native quotient %s: %v", d, v, q, err)
			}
			wrong := new(big.Int).Add(q, big.NewInt(1))
			if err := test.IsSolved(circuit, &divCircuit{V: v, Q: wrong}, p); err == nil {
				t.Fatalf("d=%s v=%s: circuit accepts quotient %s, native says %s", d, v, wrong, q)
			}
		}
	}
}

func TestDivRoundRounding(t *testing.T) {
	d := big.NewInt(4)
	for v, want := range map[int64]int64{5: 1, 6: 2, 7: 2, -5: -1, -6: -1, -7: -2, 2: 1, -2: 0} {
		if got := DivRound(big.NewInt(v), d); got.Int64() != want {
			t.Errorf("DivRound(%d, 4) = %s, want %d", v, got, want)
		}
	}
}

// offBy returns a DivHint replacement that shifts the quotient by delta and
// keeps v = q·d + r, as a cheating prover would.
func offBy(delta int64) solver.Hint {
	return func(field *big.Int, in, out []*big.Int) error {
		if err := DivHint(field, in, out); err != nil {
			return err
		}
		dd := new(big.Int).Mul(in[1], big.NewInt(delta))
		out[0].Add(out[0], big.NewInt(delta)).Mod(out[0], field)
		out[1].Sub(out[1], dd).Mod(out[1], field)
		return nil
	}
}

func TestDivRoundRejectsShiftedQuotient(t *testing.T) {
	d := big.NewInt(3 << 10)
	circuit := &divCircuit{d: d, qBits: 20}
	for _, v := range []*big.Int{big.NewInt(-123456), big.NewInt(98765), big.NewInt(0)} {
		q := DivRound(v, d)
		if err := circuittest.SolveR1CS(circuit, &divCircuit{V: v, Q: q}); err != nil {
			t.Fatalf("v=%s: honest quotient rejected: %v", v, err)
		}
		for _, delta := range []int64{1, -1} {
			// The cheating prover claims q+delta and its hint keeps v = q·d + r
			// by moving r out of [0, d): the range check on r must catch it.
			claimed := new(big.Int).Add(q, big.NewInt(delta))
			err := circuittest.SolveR1CS(circuit, &divCircuit{V: v, Q: claimed},
				solver.OverrideHint(solver.GetHintID(DivHint), offBy(delta)))
			if err == nil {
				t.Fatalf("v=%s: quotient off by %d accepted", v, delta)
			}
		}
	}
}

type signedCircuit struct {
	V    frontend.Variable
	bits int
}

func (c *signedCircuit) Define(api frontend.API) error {
	New(api).AssertSigned(c.V, c.bits)
	return nil
}

func TestAssertSignedEdges(t *testing.T) {
	f := Format{Bits: 16}
	c := &signedCircuit{bits: 16}
	assert := test.NewAssert(t)
	assert.CheckCircuit(c,
		test.WithValidAssignment(&signedCircuit{V: f.Min()}),
		test.WithValidAssignment(&signedCircuit{V: f.Max()}),
		test.WithValidAssignment(&signedCircuit{V: 0}),
		test.WithInvalidAssignment(&signedCircuit{V: f.Max() + 1}),
		test.WithInvalidAssignment(&signedCircuit{V: f.Min() - 1}),
		test.WithInvalidAssignment(&signedCircuit{V: new(big.Int).Rsh(p, 1)}),
		test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks())
}

func TestEncodeRange(t *testing.T) {
	f := Format{Bits: 16, Frac: 12}
	for _, x := range []float64{0, 1, -1, 7.9997, -8, 0.5, -3.25} {
		v, err := f.Encode(x)
		if err != nil {
			t.Fatalf("Encode(%g): %v", x, err)
		}
		if got := f.Decode(v); got-x > 1.0/8192 || x-got > 1.0/8192 {
			t.Errorf("Decode(Encode(%g)) = %g", x, got)
		}
	}
	for _, x := range []float64{8, -8.001, 1e9} {
		if _, err := f.Encode(x); !errors.Is(err, ErrRange) {
			t.Errorf("Encode(%g) = %v, want ErrRange", x, err)
		}
	}
}
