package activation

import (
	"math"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
)

var field = ecc.BN254.ScalarField()

type clampCircuit struct{ T, C frontend.Variable }

func (c *clampCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(Clamp(fixedpoint.New(api), c.T, -512, 511, 40), c.C)
	return nil
}

func TestClamp(t *testing.T) {
	opts := []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}
	for _, v := range []int64{0, 5, -5, 511, 512, -512, -513, 1 << 39, -(1 << 39) + 1, 100000, -77777} {
		c := NativeClamp(v, -512, 511)
		opts = append(opts, test.WithValidAssignment(&clampCircuit{T: v, C: c}),
			test.WithInvalidAssignment(&clampCircuit{T: v, C: c + 1}),
			test.WithInvalidAssignment(&clampCircuit{T: v, C: c - 1}))
	}
	test.NewAssert(t).CheckCircuit(&clampCircuit{}, opts...)
}

// A prover whose clamp hint claims the bound for an in-range value (moving
// the difference into tp) must fail.
func TestClampRejectsFalseSaturation(t *testing.T) {
	cheat := func(f *big.Int, in, out []*big.Int) error {
		if err := ClampHint(f, in, out); err != nil {
			return err
		}
		tv := fixedpoint.FromField(in[0], f)
		out[0].SetInt64(511)
		out[1].Mod(new(big.Int).Sub(tv, big.NewInt(511)), f) // negative: t - 511
		out[2].SetInt64(0)
		return nil
	}
	err := circuittest.SolveR1CS(&clampCircuit{}, &clampCircuit{T: 100, C: 511}, solver.OverrideHint(solver.GetHintID(ClampHint), cheat))
	if err == nil {
		t.Fatal("clamp of 100 to 511 accepted")
	}
}

type reluCircuit struct{ A, R, M frontend.Variable }

func (c *reluCircuit) Define(api frontend.API) error {
	r, m := ReLU(fixedpoint.New(api), c.A, 40)
	api.AssertIsEqual(r, c.R)
	api.AssertIsEqual(m, c.M)
	return nil
}

func TestReLU(t *testing.T) {
	opts := []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}
	for _, a := range []int64{0, 1, -1, 12345, -12345, 1<<39 - 1, -(1 << 39)} {
		r, m := NativeReLU(a)
		opts = append(opts, test.WithValidAssignment(&reluCircuit{A: a, R: r, M: m}),
			test.WithInvalidAssignment(&reluCircuit{A: a, R: r, M: 1 - m}))
		if a != 0 {
			opts = append(opts, test.WithInvalidAssignment(&reluCircuit{A: a, R: a - r, M: m}))
		}
	}
	test.NewAssert(t).CheckCircuit(&reluCircuit{}, opts...)
	// A hint that flips the mask of 0 (where r = m·a holds either way) is caught.
	flip := func(f *big.Int, in, out []*big.Int) error { out[0].SetInt64(1); return nil }
	if err := circuittest.SolveR1CS(&reluCircuit{}, &reluCircuit{A: 0, R: 0, M: 1}, solver.OverrideHint(solver.GetHintID(ReLUHint), flip)); err == nil {
		t.Fatal("mask 1 for a = 0 accepted")
	}
}

type sigmoidCircuit struct {
	Z, S frontend.Variable
	tbl  Table
}

func (c *sigmoidCircuit) Define(api frontend.API) error {
	fp := New(api)
	x := Clamp(fp, c.Z, c.tbl.Lo, c.tbl.Hi(), 40)
	api.AssertIsEqual(c.tbl.Lookup(api, x)[0], c.S)
	return nil
}

func New(api frontend.API) *fixedpoint.API { return fixedpoint.New(api) }

func TestSigmoidTable(t *testing.T) {
	tbl := Sigmoid(6, 12)
	// the table is the function to within half a unit of the output
	for k, v := range tbl.Values {
		x := float64(tbl.Lo+int64(k)) / 64
		if d := math.Abs(float64(v)/4096 - 1/(1+math.Exp(-x))); d > 0.5/4096+1e-12 {
			t.Fatalf("entry %d off by %g", k, d)
		}
	}
	opts := []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}
	for _, z := range []int64{0, 1, -1, 100, -100, 511, -512, 600, -100000} {
		s := tbl.Native(NativeClamp(z, tbl.Lo, tbl.Hi()))
		opts = append(opts, test.WithValidAssignment(&sigmoidCircuit{Z: z, S: s}),
			test.WithInvalidAssignment(&sigmoidCircuit{Z: z, S: s + 1}))
	}
	test.NewAssert(t).CheckCircuit(&sigmoidCircuit{tbl: tbl}, opts...)
}

type clampRangeCircuit struct {
	T, C   frontend.Variable
	lo, hi int64
}

func (c *clampRangeCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(Clamp(fixedpoint.New(api), c.T, c.lo, c.hi, 20), c.C)
	return nil
}

// TestClampEveryWidth: for clamps 1, 2, 4 and 1024 wide, a prover whose hint
// answers one past a bound (c = hi+1 or lo-1, with the excess moved so that
// t = c + tp - tn still holds) is rejected, and the honest clamp accepted. A
// one-wide clamp used to accept c = hi+1.
func TestClampEveryWidth(t *testing.T) {
	for _, w := range []int64{1, 2, 4, 1024} {
		lo := int64(5)
		hi := lo + w - 1
		for _, tv := range []int64{lo - 3, lo - 1, lo, hi, hi + 1, hi + 7} {
			for _, past := range []int64{hi + 1, lo - 1} {
				cheat := func(f *big.Int, in, out []*big.Int) error {
					out[0].Mod(big.NewInt(past), f)
					tp, tn := max(tv-past, 0), max(past-tv, 0)
					out[1].SetInt64(tp)
					out[2].SetInt64(tn)
					return nil
				}
				circuit := &clampRangeCircuit{lo: lo, hi: hi}
				honest := &clampRangeCircuit{T: tv, C: NativeClamp(tv, lo, hi)}
				if err := circuittest.SolveR1CS(circuit, honest); err != nil {
					t.Fatalf("width %d, t=%d: honest clamp rejected: %v", w, tv, err)
				}
				if circuittest.SolveR1CS(circuit, &clampRangeCircuit{T: tv, C: past}, solver.OverrideHint(solver.GetHintID(ClampHint), cheat)) == nil {
					t.Errorf("width %d: clamp of %d to [%d, %d] returned %d", w, tv, lo, hi, past)
				}
			}
		}
	}
}
