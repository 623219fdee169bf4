package score

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/circuits/softmax"
)

// classFixture: N rows of 3 features and a label in [0, 3), a model with
// random weights, for each family.
func classFixture(t *testing.T, seed uint64, family string) (ClassParams, []int64, [][]int64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	rows := circuittest.Rows(rng, 6, 4, -2<<12, 2<<12)
	for _, r := range rows {
		r[3] = rng.Int64N(3)
	}
	if family == "softmax" {
		sp := softmax.DefaultParams(1, 3, 3, 0)
		return ClassParams{N: 6, Model: sp}, circuittest.Ints(rng, sp.ModelDomain().Values, -1<<16, 1<<16), rows
	}
	mp := mlp.DefaultParams(1, 3, 2, 3, 0, true)
	return ClassParams{N: 6, Model: mp}, circuittest.Ints(rng, mp.ModelDomain().Values, -1<<16, 1<<16), rows
}

func TestClassScore(t *testing.T) {
	for _, family := range []string{"softmax", "mlp"} {
		p, m, rows := classFixture(t, 41, family)
		set, err := p.ClassSet(rows)
		if err != nil {
			t.Fatal(err)
		}
		honest, err := p.AssignClassScore(set, m)
		if err != nil {
			t.Fatal(err)
		}
		inflated := *honest
		inflated.Correct = honest.Correct.(int64) + 1
		foreign := *honest
		foreign.Rows = append([][]frontend.Variable{}, honest.Rows...)
		foreign.Rows[2] = append([]frontend.Variable{}, honest.Rows[2]...)
		foreign.Rows[2][3] = (rows[2][3] + 1) % 3 // another label
		other := *honest
		other.Values = append([]frontend.Variable{}, honest.Values...)
		other.Values[0] = m[0] + 1
		test.NewAssert(t).CheckCircuit(NewClassScore(p), test.WithValidAssignment(honest),
			test.WithInvalidAssignment(&inflated), test.WithInvalidAssignment(&foreign), test.WithInvalidAssignment(&other),
			test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks(), test.NoProverChecks())
		// a prover whose maximum hint answers another row value
		lower := func(f *big.Int, in, out []*big.Int) error {
			if err := softmax.MaxHint(f, in, out); err != nil {
				return err
			}
			out[0].Sub(out[0], big.NewInt(1))
			return nil
		}
		if circuittest.SolveR1CS(NewClassScore(p), honest, solver.OverrideHint(solver.GetHintID(softmax.MaxHint), lower)) == nil {
			t.Errorf("%s: a row maximum below the largest logit was accepted", family)
		}
	}
}

// TestClassScoreTies: the all-zero model (every logit equal, softmax's
// initial model) proves 0 correct on any held-out set, not N, and the native
// mirror agrees; a claim of N is rejected.
func TestClassScoreTies(t *testing.T) {
	for _, family := range []string{"softmax", "mlp"} {
		p, m, rows := classFixture(t, 43, family)
		set, err := p.ClassSet(rows)
		if err != nil {
			t.Fatal(err)
		}
		zero := make([]int64, len(m))
		got, err := p.NativeClassScore(zero, rows)
		if err != nil {
			t.Fatal(err)
		}
		if got != 0 {
			t.Errorf("%s: the zero model scores %d of %d natively, want 0 (a tie is wrong)", family, got, p.N)
		}
		honest, err := p.AssignClassScore(set, zero)
		if err != nil {
			t.Fatal(err)
		}
		allTies := *honest
		allTies.Correct = p.N
		wrongSize := *honest
		wrongSize.HeldoutRows = p.N + 1
		test.NewAssert(t).CheckCircuit(NewClassScore(p), test.WithValidAssignment(honest),
			test.WithInvalidAssignment(&allTies), test.WithInvalidAssignment(&wrongSize),
			test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks(), test.NoProverChecks())
	}
}
