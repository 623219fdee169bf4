package chain

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/circuits/softmax"
)

var checkOpts = []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}

// families are a small step of every family that chains: batches of 3 rows
// of 2 features, 8 batches.
var families = []struct {
	name    string
	step    Stepper
	classes int64 // labels in [0, classes); 0: a least-squares target
}{
	{"linreg", linreg.DefaultParams(3, 2, 3), 0},
	{"logreg", logreg.DefaultParams(3, 2, 3), 2},
	{"softmax", softmax.DefaultParams(3, 2, 3, 3), 3},
	{"mlp", mlp.DefaultParams(3, 2, 4, 3, 3, true), 3},
}

func setup(t *testing.T, st Stepper, classes int64, k int) (Params, *commit.Dataset, []int64) {
	rng := rand.New(rand.NewPCG(uint64(k), 7))
	p := Params{K: k, Step: st}
	rows := circuittest.Rows(rng, 3*8, 3, -2<<12, 2<<12)
	if classes > 0 {
		for _, r := range rows {
			r[2] = rng.Int64N(classes)
		}
	}
	ds, err := commit.NewDataset(commit.RoleTrain, rows, 3, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	return p, ds, circuittest.Ints(rng, p.ModelDomain().Values, -1<<15, 1<<15)
}

// TestChainMatchesNativeSteps: for every family, a chain of K steps ends
// where K single native steps end, and the circuit accepts it.
func TestChainMatchesNativeSteps(t *testing.T) {
	for _, f := range families {
		for _, k := range []int{1, 2, 3} {
			p, ds, m := setup(t, f.step, f.classes, k)
			c, last, err := p.Assign(ds, 2, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			cur := m
			for s := 0; s < k; s++ {
				if cur, err = f.step.NativeStepValues(cur, ds.Batch(2+s), 1<<14); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(cur, last) {
				t.Fatalf("%s: chain of %d gives %v, single steps %v", f.name, k, last, cur)
			}
			test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{test.WithValidAssignment(c)}, checkOpts...)...)
		}
	}
}

// TestChainTampering: for every family, batches out of order, a skipped
// step, a later start, a tampered intermediate model, a batch of another
// set and a wrong last model are all refused.
func TestChainTampering(t *testing.T) {
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			p, ds, m := setup(t, f.step, f.classes, 3)
			honest, last, err := p.Assign(ds, 1, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			// batches out of order: steps on 1, 3, 2 claimed as 1, 2, 3
			swapped := *honest
			swapped.X = [][][]frontend.Variable{honest.X[0], honest.X[2], honest.X[1]}
			swapped.Y = [][]frontend.Variable{honest.Y[0], honest.Y[2], honest.Y[1]}
			swapped.Siblings = [][]frontend.Variable{honest.Siblings[0], honest.Siblings[2], honest.Siblings[1]}
			// skipping the middle step: two steps claimed as three
			short, _, err := Params{K: 2, Step: p.Step}.Assign(ds, 1, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			skipped := *honest
			skipped.ModelLast = short.ModelLast
			// a later start claimed as the stated one
			moved := *honest
			moved.FirstBatch = 2
			// a wrong last model
			bumped := append([]int64{}, last...)
			bumped[len(bumped)-1]++
			wrongLast := *honest
			wrongLast.ModelLast, _ = p.Commitment(ecc.BN254, bumped)
			// a tampered intermediate model: the chain restarted after its
			// first step from another model, the rest honest from there
			other := append([]int64{}, m...)
			other[0] += 1 << 10
			mid, err := p.Step.NativeStepValues(other, ds.Batch(1), 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			tail, _, err := Params{K: 2, Step: p.Step}.Assign(ds, 2, mid, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			spliced := *honest
			spliced.ModelLast = tail.ModelLast
			// the batches of another set with the same shape, claimed under
			// this set's root
			_, foreignSet, _ := setup(t, f.step, f.classes, 4)
			foreign, _, err := p.Assign(foreignSet, 1, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			fromOther := *foreign
			fromOther.DatasetRoot = honest.DatasetRoot
			test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{
				test.WithValidAssignment(honest),
				test.WithInvalidAssignment(&swapped),
				test.WithInvalidAssignment(&skipped),
				test.WithInvalidAssignment(&moved),
				test.WithInvalidAssignment(&wrongLast),
				test.WithInvalidAssignment(&spliced),
				test.WithInvalidAssignment(&fromOther),
			}, checkOpts...)...)
		})
	}
}

// TestWrappingChain: for every family, a wrapping chain past the set's end
// (batches 6, 7, 0, 1 of 8) ends where the native steps on those batches
// end and is accepted; refused: the same chain claimed from another first
// batch, the steps on 6, 7, 8 mod 8 read without the wrap (a quotient hint
// one too small or one too large), and a chain that does not wrap asked to
// pass the end.
func TestWrappingChain(t *testing.T) {
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			p, ds, m := setup(t, f.step, f.classes, 4)
			p.Wrap = true
			c, last, err := p.Assign(ds, 6, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			cur := m
			for _, b := range []int{6, 7, 0, 1} {
				if cur, err = f.step.NativeStepValues(cur, ds.Batch(b), 1<<14); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(cur, last) {
				t.Fatalf("wrapping chain gives %v, single steps %v", last, cur)
			}
			moved := *c
			moved.FirstBatch = 5
			test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{
				test.WithValidAssignment(c),
				test.WithInvalidAssignment(&moved),
			}, checkOpts...)...)
			for _, shift := range []int64{-1, 1} {
				cheat := func(_ *big.Int, in, out []*big.Int) error {
					out[0].Quo(in[0], in[1])
					out[0].Add(out[0], big.NewInt(shift))
					return nil
				}
				if err := circuittest.SolveR1CS(NewCircuit(p), c, solver.OverrideHint(solver.GetHintID(WrapHint), cheat)); err == nil {
					t.Errorf("quotient hint moved by %d: accepted", shift)
				}
			}
			if _, _, err := (Params{K: 4, Step: p.Step}).Assign(ds, 6, m, 1<<14); err == nil {
				t.Error("a chain that does not wrap assigned past the set's end")
			}
		})
	}
}

// TestWholeSetChain: for every family, a chain of two whole passes over a
// set of 8 batches (Params.Set) ends where the chain of per-step paths ends,
// with the same public inputs, and is accepted; refused: two batches
// swapped, the batches of another set under this root, another first batch,
// another batch count, a step skipped and a wrong last model; and Assign
// refuses a whole-set chain that does not start at batch 0 or does not make
// whole passes.
func TestWholeSetChain(t *testing.T) {
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			p, ds, m := setup(t, f.step, f.classes, 16)
			p.Wrap = true
			paths, want, err := p.Assign(ds, 0, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			p.Set = ds.NumBatches()
			honest, last, err := p.Assign(ds, 0, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			same := func(a, b frontend.Variable) bool { return fmt.Sprint(a) == fmt.Sprint(b) }
			if !slices.Equal(last, want) || !same(honest.ModelLast, paths.ModelLast) || !same(honest.DatasetRoot, paths.DatasetRoot) || !same(honest.Batches, paths.Batches) {
				t.Fatalf("whole-set chain ends at %v, the chain of paths at %v", last, want)
			}
			if len(honest.X) != p.Set || len(honest.Siblings) != 0 {
				t.Fatalf("whole-set chain witnesses %d batches and %d paths", len(honest.X), len(honest.Siblings))
			}
			swapped := *honest
			swapped.X = slices.Clone(honest.X)
			swapped.Y = slices.Clone(honest.Y)
			swapped.X[1], swapped.X[2] = honest.X[2], honest.X[1]
			swapped.Y[1], swapped.Y[2] = honest.Y[2], honest.Y[1]
			_, foreignSet, _ := setup(t, f.step, f.classes, 4)
			foreign, _, err := p.Assign(foreignSet, 0, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			fromOther := *foreign
			fromOther.DatasetRoot = honest.DatasetRoot
			moved := *honest
			moved.FirstBatch = 1
			fewer := *honest
			fewer.Batches = p.Set - 1
			short, _, err := Params{K: 15, Step: p.Step, Wrap: true}.Assign(ds, 0, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			skipped := *honest
			skipped.ModelLast = short.ModelLast
			bumped := append([]int64{}, last...)
			bumped[0]++
			wrongLast := *honest
			wrongLast.ModelLast, _ = p.Commitment(ecc.BN254, bumped)
			test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{
				test.WithValidAssignment(honest),
				test.WithInvalidAssignment(&swapped),
				test.WithInvalidAssignment(&fromOther),
				test.WithInvalidAssignment(&moved),
				test.WithInvalidAssignment(&fewer),
				test.WithInvalidAssignment(&skipped),
				test.WithInvalidAssignment(&wrongLast),
			}, checkOpts...)...)
			if _, _, err := p.Assign(ds, 1, m, 1<<14); err == nil {
				t.Error("a whole-set chain assigned from batch 1")
			}
			if _, _, err := (Params{K: 12, Step: p.Step, Wrap: true, Set: p.Set}).Assign(ds, 0, m, 1<<14); err == nil {
				t.Error("a whole-set chain of 12 steps over 8 batches assigned")
			}
		})
	}
}
