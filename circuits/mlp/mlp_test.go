package mlp

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/matmul"
)

var checkOpts = []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}

func fixture(t *testing.T, seed uint64, freivalds bool) (Params, *commit.Dataset, Model) {
	rng := rand.New(rand.NewPCG(seed, 11))
	p := DefaultParams(3, 4, 3, 3, 1, freivalds)
	rows := circuittest.Rows(rng, 6, 5, -2<<12, 2<<12)
	for _, r := range rows {
		r[4] = rng.Int64N(3)
	}
	ds, err := commit.NewDataset(commit.RoleTrain, rows, 3, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Zero()
	for h := range m.Hidden {
		m.Hidden[h].W = circuittest.Ints(rng, 4, -1<<16, 1<<16)
		m.Hidden[h].Bias = rng.Int64N(1<<15) - 1<<14
	}
	for k := range m.Output {
		m.Output[k].W = circuittest.Ints(rng, 3, -1<<16, 1<<16)
		m.Output[k].Bias = rng.Int64N(1<<15) - 1<<14 // non-zero: the bias is added to a hinted product
	}
	return p, ds, m
}

func TestStepMatchesNative(t *testing.T) {
	for _, fr := range []bool{false, true} {
		opts := append([]test.TestingOption{}, checkOpts...)
		var p Params
		for seed := uint64(1); seed <= 2; seed++ {
			var ds *commit.Dataset
			var m Model
			p, ds, m = fixture(t, seed, fr)
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
}

func TestTamperedWitnessesRejected(t *testing.T) {
	p, ds, m := fixture(t, 5, true)
	honest, next, err := p.Assign(ds, 0, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	bumped := next.Clone()
	bumped.Hidden[1].W[2]++
	wrongAfter := *honest
	wrongAfter.ModelAfter, _ = p.Commitment(ecc.BN254, bumped)

	wrongBefore := *honest
	wrongBefore.W2 = [][]frontend.Variable{honest.W2[0], append([]frontend.Variable{}, honest.W2[1]...), honest.W2[2]}
	wrongBefore.W2[1][0] = m.Output[1].W[0] + 1

	rows := ds.Batch(0)
	rel := make([][]int64, len(rows))
	for i := range rows {
		rel[i] = append([]int64{}, rows[i]...)
	}
	rel[1][4] = (rel[1][4] + 1) % 3
	relNext, err := p.NativeStep(m, rel, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	wrongLabel := *honest
	wrongLabel.Y = append([]frontend.Variable{}, honest.Y...)
	wrongLabel.Y[1] = rel[1][4]
	wrongLabel.ModelAfter, _ = p.Commitment(ecc.BN254, relNext)

	wrongLR := *honest
	wrongLR.LearningRate = 1<<14 - 1

	test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithInvalidAssignment(&wrongAfter),
		test.WithInvalidAssignment(&wrongBefore),
		test.WithInvalidAssignment(&wrongLabel),
		test.WithInvalidAssignment(&wrongLR),
	}, checkOpts...)...)

	// Cheating hints: a product off by one (Freivalds must catch it) and a
	// flipped ReLU mask.
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewCircuit(p))
	if err != nil {
		t.Fatal(err)
	}
	if err := circuittest.Solve(cs, honest); err != nil {
		t.Fatalf("honest witness rejected: %v", err)
	}
	wrongProduct := func(f *big.Int, in, out []*big.Int) error {
		if err := matmul.ProductHint(f, in, out); err != nil {
			return err
		}
		out[len(out)-1].Add(out[len(out)-1], big.NewInt(1))
		return nil
	}
	if err := circuittest.Solve(cs, honest, solver.OverrideHint(solver.GetHintID(matmul.ProductHint), wrongProduct)); err == nil {
		t.Error("a wrong matrix product passed Freivalds' test")
	}
	flipMask := func(f *big.Int, in, out []*big.Int) error {
		if err := activation.ReLUHint(f, in, out); err != nil {
			return err
		}
		out[0].Sub(big.NewInt(1), out[0])
		return nil
	}
	if err := circuittest.Solve(cs, honest, solver.OverrideHint(solver.GetHintID(activation.ReLUHint), flipMask)); err == nil {
		t.Error("flipped ReLU masks accepted")
	}
}

func TestFreivaldsCheaper(t *testing.T) {
	count := func(fr bool) int {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewCircuit(DefaultParams(16, 64, 32, 10, 4, fr)))
		if err != nil {
			t.Fatal(err)
		}
		return cs.GetNbConstraints()
	}
	naive, fast := count(false), count(true)
	t.Logf("mlp 64-32-10, B=16: %d constraints with direct products, %d with Freivalds", naive, fast)
	if fast >= naive {
		t.Errorf("Freivalds variant is not smaller: %d vs %d", fast, naive)
	}
}
