package linreg

import (
	"math/big"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
)

type fixture struct {
	p  Params
	ds *commit.Dataset
	m  Model
	lr int64
}

func newFixture(t *testing.T, seed uint64, b, d, batches int) fixture {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	p := DefaultParams(b, d, commit.Depth(batches))
	one := int64(1) << p.Data.Frac
	ds, err := commit.NewDataset(commit.RoleTrain, circuittest.Rows(rng, b*batches, d+1, -2*one, 2*one), b, p.Data)
	if err != nil {
		t.Fatal(err)
	}
	w := int64(1) << p.Model.Frac
	m := Model{W: circuittest.Ints(rng, d, -w, w), Bias: rng.Int64N(w) - w/2}
	return fixture{p: p, ds: ds, m: m, lr: int64(0.05 * float64(int64(1)<<p.LRFrac))}
}

func (f fixture) assign(t *testing.T, k int) (*Circuit, Model) {
	t.Helper()
	c, next, err := f.p.Assign(f.ds, k, f.m, f.lr)
	if err != nil {
		t.Fatal(err)
	}
	return c, next
}

var checkOpts = []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}

func TestStepMatchesNative(t *testing.T) {
	circuittest.ForLanes(t, func(t *testing.T, lanes bool) {
		f := newFixture(t, 1, 4, 3, 4)
		f.p.Lanes = lanes
		opts := append([]test.TestingOption{}, checkOpts...)
		for k := 0; k < f.ds.NumBatches(); k++ {
			c, _ := f.assign(t, k)
			opts = append(opts, test.WithValidAssignment(c))
		}
		// 9 rows: lanes of 4, 4 and 1
		g := newFixture(t, 5, 9, 6, 2)
		g.p.Lanes = lanes
		c, _ := g.assign(t, 1)
		test.NewAssert(t).CheckCircuit(NewCircuit(f.p), opts...)
		test.NewAssert(t).CheckCircuit(NewCircuit(g.p), append([]test.TestingOption{test.WithValidAssignment(c)}, checkOpts...)...)
	})
}

func TestStepNativeMatchesFloat(t *testing.T) {
	f := newFixture(t, 2, 8, 5, 2)
	next, err := f.p.NativeStep(f.m, f.ds.Batch(0), f.lr)
	if err != nil {
		t.Fatal(err)
	}
	// The same step in float64 on the decoded values.
	lr := float64(f.lr) / float64(int64(1)<<f.p.LRFrac)
	rows := f.ds.Batch(0)
	w := make([]float64, f.p.D)
	for j := range w {
		w[j] = f.p.Model.Decode(f.m.W[j])
	}
	b := f.p.Model.Decode(f.m.Bias)
	gw, gb := make([]float64, f.p.D), 0.0
	for _, r := range rows {
		e := b - f.p.Data.Decode(r[f.p.D])
		for j := range w {
			e += f.p.Data.Decode(r[j]) * w[j]
		}
		for j := range w {
			gw[j] += f.p.Data.Decode(r[j]) * e
		}
		gb += e
	}
	ulp := 1 / f.p.Model.Scale()
	for j := range w {
		want := w[j] - lr*gw[j]/float64(f.p.B)
		if got := f.p.Model.Decode(next.W[j]); abs(got-want) > ulp {
			t.Errorf("w[%d] = %g, float64 gives %g", j, got, want)
		}
	}
	if got, want := f.p.Model.Decode(next.Bias), b-lr*gb/float64(f.p.B); abs(got-want) > ulp {
		t.Errorf("bias = %g, float64 gives %g", got, want)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestStepEdgeValues(t *testing.T) { circuittest.ForLanes(t, testStepEdgeValues) }

func testStepEdgeValues(t *testing.T, lanes bool) {
	p := DefaultParams(2, 3, 1)
	p.Lanes = lanes
	dmin, dmax := p.Data.Min(), p.Data.Max()
	// Extreme data with small weights, and extreme weights with a zero
	// learning rate (the update is then exactly zero).
	ds, err := commit.NewDataset(commit.RoleTrain, [][]int64{{dmin, dmax, dmin, dmax}, {dmax, -1, 0, dmin}, {1, -1, 1, -1}, {0, 0, 0, 0}}, 2, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	small := Model{W: []int64{3, -7, 1}, Bias: -2}
	extreme := Model{W: []int64{p.Model.Min(), p.Model.Max(), -1}, Bias: p.Model.Max()}
	opts := append([]test.TestingOption{}, checkOpts...)
	for _, tc := range []struct {
		m  Model
		lr int64
		k  int
	}{{small, 1 << 10, 0}, {small, 1<<p.LRBits - 1, 1}, {extreme, 0, 0}, {extreme, 0, 1}} {
		c, _, err := p.Assign(ds, tc.k, tc.m, tc.lr)
		if err != nil {
			t.Fatalf("native step on edge values: %v", err)
		}
		opts = append(opts, test.WithValidAssignment(c))
	}
	test.NewAssert(t).CheckCircuit(NewCircuit(p), opts...)

	// A step that leaves the weight range has no proof; the mirror says so.
	if _, _, err := p.Assign(ds, 0, extreme, 1<<16); err == nil {
		t.Error("native step accepted an update that overflows the model format")
	}
}

func TestTamperedWitnessesRejected(t *testing.T) {
	circuittest.ForLanes(t, testTamperedWitnessesRejected)
}

func testTamperedWitnessesRejected(t *testing.T, lanes bool) {
	f := newFixture(t, 3, 4, 3, 4)
	f.p.Lanes = lanes
	const k = 2
	honest, next := f.assign(t, k)

	wrongAfter := *honest
	bumped := next.Clone()
	bumped.W[1]++
	wrongAfter.ModelAfter, _ = f.p.Commitment(ecc.BN254, bumped)

	wrongBefore := *honest
	wrongBefore.W = append([]frontend.Variable{}, honest.W...)
	wrongBefore.W[0] = f.m.W[0] + 1

	wrongLR := *honest
	wrongLR.LearningRate = f.lr + 1

	wrongIndex := *honest
	wrongIndex.BatchIndex = k + 1

	// A row outside the dataset, with ModelAfter recomputed from that row so
	// that only the membership check can object.
	rows := f.ds.Batch(k)
	foreignRows := make([][]int64, len(rows))
	for i := range rows {
		foreignRows[i] = append([]int64{}, rows[i]...)
	}
	foreignRows[1][0] += 17
	foreignNext, err := f.p.NativeStep(f.m, foreignRows, f.lr)
	if err != nil {
		t.Fatal(err)
	}
	foreign := *honest
	foreign.X = make([][]frontend.Variable, len(honest.X))
	copy(foreign.X, honest.X)
	foreign.X[1] = append([]frontend.Variable{}, honest.X[1]...)
	foreign.X[1][0] = foreignRows[1][0]
	foreign.ModelAfter, _ = f.p.Commitment(ecc.BN254, foreignNext)

	test.NewAssert(t).CheckCircuit(NewCircuit(f.p), append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithInvalidAssignment(&wrongAfter),
		test.WithInvalidAssignment(&wrongBefore),
		test.WithInvalidAssignment(&wrongLR),
		test.WithInvalidAssignment(&wrongIndex),
		test.WithInvalidAssignment(&foreign),
	}, checkOpts...)...)
}

// A prover whose rescale hint returns a quotient off by one (with the
// remainder moved to keep v = q·d + r) must fail, for any single weight.
func TestShiftedRescaleQuotientRejected(t *testing.T) {
	f := newFixture(t, 4, 4, 3, 2)
	honest, _ := f.assign(t, 1)
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewCircuit(f.p))
	if err != nil {
		t.Fatal(err)
	}
	if err := circuittest.Solve(cs, honest); err != nil {
		t.Fatalf("honest witness rejected: %v", err)
	}
	for target := 0; target <= f.p.D; target++ { // every weight and the bias
		for _, delta := range []int64{1, -1} {
			var calls atomic.Int32
			hint := func(field *big.Int, in, out []*big.Int) error {
				if err := fixedpoint.DivHint(field, in, out); err != nil {
					return err
				}
				if int(calls.Add(1)-1) == target {
					out[0].Add(out[0], big.NewInt(delta)).Mod(out[0], field)
					out[1].Sub(out[1], new(big.Int).Mul(in[1], big.NewInt(delta))).Mod(out[1], field)
				}
				return nil
			}
			err := circuittest.Solve(cs, honest, solver.OverrideHint(solver.GetHintID(fixedpoint.DivHint), hint))
			if err == nil {
				t.Fatalf("rescale %d with quotient off by %d accepted", target, delta)
			}
		}
	}
}

func TestGroth16ProveVerify(t *testing.T) {
	f := newFixture(t, 5, 4, 4, 2)
	assignment, _ := f.assign(t, 1)
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewCircuit(f.p))
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	full, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(cs, pk, full)
	if err != nil {
		t.Fatal(err)
	}
	public, err := full.Public()
	if err != nil {
		t.Fatal(err)
	}
	if err := groth16.Verify(proof, vk, public); err != nil {
		t.Fatalf("honest proof rejected: %v", err)
	}
	// The same proof under another public learning rate must not verify.
	other := *assignment
	other.LearningRate = f.lr + 1
	otherFull, err := frontend.NewWitness(&other, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		t.Fatal(err)
	}
	if err := groth16.Verify(proof, vk, otherFull); err == nil {
		t.Fatal("proof verified against a different learning rate")
	}
}
