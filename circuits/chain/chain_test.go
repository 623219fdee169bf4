package chain

import (
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
)

var checkOpts = []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}

func setup(t *testing.T, logistic bool, k int) (Params, *commit.Dataset, linreg.Model) {
	rng := rand.New(rand.NewPCG(uint64(k), 7))
	p := Params{K: k, Logistic: logistic, Step: logreg.DefaultParams(3, 2, 3)}
	rows := circuittest.Rows(rng, 3*8, 3, -2<<12, 2<<12)
	if logistic {
		for _, r := range rows {
			r[2] = rng.Int64N(2)
		}
	}
	ds, err := commit.NewDataset(commit.RoleTrain, rows, 3, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	return p, ds, linreg.Model{W: circuittest.Ints(rng, 2, -1<<16, 1<<16), Bias: 5}
}

func TestChainMatchesNativeSteps(t *testing.T) {
	for _, logistic := range []bool{false, true} {
		for _, k := range []int{1, 2, 4} {
			p, ds, m := setup(t, logistic, k)
			c, last, err := p.Assign(ds, 2, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			// the chain's last model is K single steps
			cur := m
			for s := 0; s < k; s++ {
				if logistic {
					cur, _ = p.Step.NativeStep(cur, ds.Batch(2+s), 1<<14)
				} else {
					cur, _ = p.Step.Params.NativeStep(cur, ds.Batch(2+s), 1<<14)
				}
			}
			if cur.Bias != last.Bias || cur.W[0] != last.W[0] || cur.W[1] != last.W[1] {
				t.Fatalf("chain of %d gives %+v, single steps %+v", k, last, cur)
			}
			test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{test.WithValidAssignment(c)}, checkOpts...)...)
		}
	}
}

func TestChainTampering(t *testing.T) {
	p, ds, m := setup(t, false, 3)
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
	p2 := Params{K: 2, Step: p.Step}
	short, _, err := p2.Assign(ds, 1, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	skipped := *honest
	skipped.ModelLast = short.ModelLast
	// a later start claimed as the stated one
	moved := *honest
	moved.FirstBatch = 2
	// a wrong last model
	bumped := last.Clone()
	bumped.Bias++
	wrongLast := *honest
	wrongLast.ModelLast, _ = p.Step.Commitment(ecc.BN254, bumped)
	test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithInvalidAssignment(&swapped),
		test.WithInvalidAssignment(&skipped),
		test.WithInvalidAssignment(&moved),
		test.WithInvalidAssignment(&wrongLast),
	}, checkOpts...)...)
}
