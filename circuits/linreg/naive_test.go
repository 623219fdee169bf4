package linreg

import (
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/internal/circuittest"
)

func TestNaiveMatchesNativeAndRejectsTampering(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	rows := circuittest.Rows(rng, 8, 4, -2<<12, 2<<12)
	ds, err := NewNaiveDataset(ecc.BN254, rows, 2)
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultParams(2, 3, ds.Depth())
	m := Model{W: circuittest.Ints(rng, 3, -1<<16, 1<<16), Bias: 4321}
	honest, next, err := p.AssignNaive(ds, 2, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := p.AssignNaive(ds, 1, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	bumped := next.Clone()
	bumped.W[0]++
	wrongAfter := *honest
	wrongAfter.ModelAfter = ds.NaiveCommitment(bumped)
	foreign := *honest
	foreign.X = [][]frontend.Variable{honest.X[0], append([]frontend.Variable{}, honest.X[1]...)}
	foreign.X[1][1] = 999
	wrongLR := *honest
	wrongLR.LearningRate = 1<<14 + 1
	moved := *honest
	moved.BatchIndex = 1
	test.NewAssert(t).CheckCircuit(NewNaiveCircuit(p), append([]test.TestingOption{
		test.WithValidAssignment(honest), test.WithValidAssignment(other),
		test.WithInvalidAssignment(&wrongAfter), test.WithInvalidAssignment(&foreign),
		test.WithInvalidAssignment(&wrongLR), test.WithInvalidAssignment(&moved),
	}, checkOpts...)...)
	// The naive step rounds every product, so it may differ from the
	// optimised step by a few units in the last place, no more.
	opt, err := p.NativeStep(m, rows[4:6], 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	for j := range opt.W {
		if d := opt.W[j] - next.W[j]; d < -4 || d > 4 {
			t.Errorf("weight %d: naive %d, optimised %d", j, next.W[j], opt.W[j])
		}
	}
}
