package logreg

import (
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
)

var checkOpts = []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}

func dataset(t *testing.T, rng *rand.Rand, p Params, batches int, lim int64) *commit.Dataset {
	t.Helper()
	rows := circuittest.Rows(rng, p.B*batches, p.D+1, -lim, lim)
	for _, r := range rows {
		r[p.D] = rng.Int64N(2)
	}
	ds, err := commit.NewDataset(commit.RoleTrain, rows, p.B, p.Data)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestStepMatchesNative(t *testing.T) { circuittest.ForLanes(t, testStepMatchesNative) }

func testStepMatchesNative(t *testing.T, lanes bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	p := DefaultParams(5, 3, 2)
	p.Lanes = lanes
	ds := dataset(t, rng, p, 4, 2<<p.Data.Frac)
	opts := append([]test.TestingOption{}, checkOpts...)
	for _, m := range []linreg.Model{
		{W: circuittest.Ints(rng, 3, -1<<16, 1<<16), Bias: 300},
		{W: []int64{20 << 16, -20 << 16, 15 << 16}, Bias: 5 << 16}, // logits far outside [-8, 8): the clamp saturates
		{W: []int64{0, 0, 0}, Bias: 0},
	} {
		for k := 0; k < ds.NumBatches(); k++ {
			c, _, err := p.Assign(ds, k, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			opts = append(opts, test.WithValidAssignment(c))
		}
	}
	test.NewAssert(t).CheckCircuit(NewCircuit(p), opts...)
}

func TestTamperedWitnessesRejected(t *testing.T) {
	circuittest.ForLanes(t, testTamperedWitnessesRejected)
}

func testTamperedWitnessesRejected(t *testing.T, lanes bool) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := DefaultParams(4, 3, 2)
	p.Lanes = lanes
	ds := dataset(t, rng, p, 4, 2<<p.Data.Frac)
	m := linreg.Model{W: circuittest.Ints(rng, 3, -1<<16, 1<<16), Bias: -77}
	const k, lr = 1, 1 << 14
	honest, next, err := p.Assign(ds, k, m, lr)
	if err != nil {
		t.Fatal(err)
	}
	commitTo := func(mm linreg.Model) frontend.Variable {
		h, err := p.Commitment(ecc.BN254, mm)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	wrongAfter := *honest
	bumped := next.Clone()
	bumped.W[0]++
	wrongAfter.ModelAfter = commitTo(bumped)

	// the linear-regression update of the same batch: a step with the wrong loss
	linNext, err := p.Params.NativeStep(m, ds.Batch(k), lr)
	if err != nil {
		t.Fatal(err)
	}
	wrongLoss := *honest
	wrongLoss.ModelAfter = commitTo(linNext)

	// a flipped label, with the after-model recomputed from it
	rows := ds.Batch(k)
	flipped := make([][]int64, len(rows))
	for i := range rows {
		flipped[i] = append([]int64{}, rows[i]...)
	}
	flipped[2][p.D] = 1 - flipped[2][p.D]
	flipNext, err := p.NativeStep(m, flipped, lr)
	if err != nil {
		t.Fatal(err)
	}
	flip := *honest
	flip.Y = append([]frontend.Variable{}, honest.Y...)
	flip.Y[2] = flipped[2][p.D]
	flip.ModelAfter = commitTo(flipNext)

	wrongLR := *honest
	wrongLR.LearningRate = lr + 1

	wrongIndex := *honest
	wrongIndex.BatchIndex = k + 2

	test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithInvalidAssignment(&wrongAfter),
		test.WithInvalidAssignment(&wrongLoss),
		test.WithInvalidAssignment(&flip),
		test.WithInvalidAssignment(&wrongLR),
		test.WithInvalidAssignment(&wrongIndex),
	}, checkOpts...)...)
}

func TestNativeRejectsBadLabels(t *testing.T) {
	p := DefaultParams(1, 1, 0)
	if _, err := p.NativeStep(linreg.Model{W: []int64{0}}, [][]int64{{5, 2}}, 1); err == nil {
		t.Error("label 2 accepted")
	}
}
