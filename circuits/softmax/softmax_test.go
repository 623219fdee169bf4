package softmax

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
)

var checkOpts = []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}

func fixture(t *testing.T, seed uint64) (Params, *commit.Dataset, Model) {
	rng := rand.New(rand.NewPCG(seed, 3))
	p := DefaultParams(3, 4, 3, 1)
	rows := circuittest.Rows(rng, 6, 5, -2<<12, 2<<12)
	for _, r := range rows {
		r[4] = rng.Int64N(3)
	}
	ds, err := commit.NewDataset(commit.RoleTrain, rows, 3, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Zero()
	for k := range m.Classes {
		m.Classes[k].W = circuittest.Ints(rng, 4, -1<<16, 1<<16)
		m.Classes[k].Bias = rng.Int64N(1<<14) - 1<<13
	}
	return p, ds, m
}

func TestStepMatchesNative(t *testing.T) { circuittest.ForLanes(t, testStepMatchesNative) }

func testStepMatchesNative(t *testing.T, lanes bool) {
	opts := append([]test.TestingOption{}, checkOpts...)
	var p Params
	for seed := uint64(1); seed <= 3; seed++ {
		var ds *commit.Dataset
		var m Model
		p, ds, m = fixture(t, seed)
		p.Lanes = lanes
		if seed == 3 { // a dominant class: logits 16+ apart saturate the exp table
			m.Classes[0].Bias = 30 << 16
		}
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
	p, ds, m := fixture(t, 9)
	p.Lanes = lanes
	honest, next, err := p.Assign(ds, 1, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	commitTo := func(mm Model) frontend.Variable {
		h, err := p.Commitment(ecc.BN254, mm)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	bumped := next.Clone()
	bumped.Classes[2].W[1]++
	wrongAfter := *honest
	wrongAfter.ModelAfter = commitTo(bumped)

	rows := ds.Batch(1)
	relabeled := make([][]int64, len(rows))
	for i := range rows {
		relabeled[i] = append([]int64{}, rows[i]...)
	}
	relabeled[0][4] = (relabeled[0][4] + 1) % 3
	relNext, err := p.NativeStep(m, relabeled, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	wrongLabel := *honest
	wrongLabel.Y = append([]frontend.Variable{}, honest.Y...)
	wrongLabel.Y[0] = relabeled[0][4]
	wrongLabel.ModelAfter = commitTo(relNext)

	outOfClass := *honest
	outOfClass.Y = append([]frontend.Variable{}, honest.Y...)
	outOfClass.Y[1] = 3

	wrongBefore := *honest
	wrongBefore.Bias = append([]frontend.Variable{}, honest.Bias...)
	wrongBefore.Bias[0] = m.Classes[0].Bias + 1

	wrongLR := *honest
	wrongLR.LearningRate = 1<<14 + 1

	test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithInvalidAssignment(&wrongAfter),
		test.WithInvalidAssignment(&wrongLabel),
		test.WithInvalidAssignment(&outOfClass),
		test.WithInvalidAssignment(&wrongBefore),
		test.WithInvalidAssignment(&wrongLR),
	}, checkOpts...)...)
}

// A prover whose max hint answers a value above the row maximum (which would
// shift every exp down and change the probabilities' rounding) is caught by
// Π(m - t) = 0; one below the maximum by the range checks on m - t.
func TestMaxHintPinned(t *testing.T) {
	p, ds, m := fixture(t, 4)
	honest, _, err := p.Assign(ds, 0, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	for _, delta := range []int64{1, -1} {
		cheat := func(f *big.Int, in, out []*big.Int) error {
			if err := MaxHint(f, in, out); err != nil {
				return err
			}
			out[0].Add(out[0], big.NewInt(delta)).Mod(out[0], f)
			return nil
		}
		if err := circuittest.SolveR1CS(NewCircuit(p), honest, solver.OverrideHint(solver.GetHintID(MaxHint), cheat)); err == nil {
			t.Errorf("row maximum off by %d accepted", delta)
		}
	}
}
