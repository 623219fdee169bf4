package lineage

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
)

var checkOpts = []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}

func fixture(seed uint64) (Params, [][]int64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	raw := circuittest.Rows(rng, 6, 4, 0, 16) // pixel-like integers
	for _, r := range raw {
		r[2] = 7 // a constant column
		r[3] = rng.Int64N(10)
	}
	return DefaultParams(6, 2, 3), raw
}

func TestTransformMatchesNative(t *testing.T) {
	p, raw := fixture(1)
	feats, err := p.Apply(p.MinMax(raw), raw)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range feats {
		for j := 0; j < 3; j++ {
			if r[j] < -1<<12 || r[j] > 1<<12 {
				t.Fatalf("feature %d,%d = %d outside [-1, 1]", i, j, r[j])
			}
		}
		if r[2] != 0 || r[3] != raw[i][3] {
			t.Fatalf("row %d: constant column %d, label %d", i, r[2], r[3])
		}
	}
	c, _, err := p.Assign(ecc.BN254, raw)
	if err != nil {
		t.Fatal(err)
	}
	test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{test.WithValidAssignment(c)}, checkOpts...)...)
}

func TestLineageTampering(t *testing.T) {
	p, raw := fixture(2)
	honest, _, err := p.Assign(ecc.BN254, raw)
	if err != nil {
		t.Fatal(err)
	}
	// raw data changed: the raw root no longer matches
	changed := *honest
	changed.Raw = append([][]frontend.Variable{}, honest.Raw...)
	changed.Raw[3] = append([]frontend.Variable{}, honest.Raw[3]...)
	changed.Raw[3][0] = raw[3][0] ^ 1
	// features from another transform (column 0 shifted by one unit) claimed
	tr := p.MinMax(raw)
	shifted := tr
	shifted.Offset = append([]int64{}, tr.Offset...)
	shifted.Offset[0]++
	_, otherDS, err := p.AssignWith(ecc.BN254, raw, shifted)
	if err != nil {
		t.Fatal(err)
	}
	wrongFeatures := *honest
	wrongFeatures.FeatureRoot = otherDS.Root()
	// the same raw rows in another order
	swapped := *honest
	swapped.Raw = append([][]frontend.Variable{}, honest.Raw...)
	swapped.Raw[0], swapped.Raw[5] = honest.Raw[5], honest.Raw[0]
	test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithInvalidAssignment(&changed),
		test.WithInvalidAssignment(&wrongFeatures),
		test.WithInvalidAssignment(&swapped),
	}, checkOpts...)...)
}

// cheat returns the assignment of a prover who claims the transform with
// column 0's bounds replaced, its multiplier recomputed from them, and the
// features that follow.
func cheat(t *testing.T, p Params, raw [][]int64, lo, hi int64) *Circuit {
	t.Helper()
	tr := p.MinMax(raw)
	tr.Lo[0], tr.Hi[0] = lo, hi
	c, _, err := p.AssignWith(ecc.BN254, raw, p.Fit(tr.Lo, tr.Hi))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLineageBoundsPinned: the minimum and maximum are witnesses, so a prover
// could claim others; each is rejected.
func TestLineageBoundsPinned(t *testing.T) {
	p, raw := fixture(3)
	tr := p.MinMax(raw)
	lo, hi := tr.Lo[0], tr.Hi[0]
	mid := raw[0][0]
	for _, r := range raw {
		if r[0] > lo && r[0] < hi {
			mid = r[0]
		}
	}
	if mid == lo || mid == hi {
		t.Fatal("fixture column 0 has no value strictly inside its range")
	}
	honest, _, err := p.Assign(ecc.BN254, raw)
	if err != nil {
		t.Fatal(err)
	}
	test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithInvalidAssignment(cheat(t, p, raw, mid, hi)),  // minimum moved into the column
		test.WithInvalidAssignment(cheat(t, p, raw, lo-1, hi)), // a minimum below every value
		test.WithInvalidAssignment(cheat(t, p, raw, lo, hi+3)), // a maximum above every value
		test.WithInvalidAssignment(cheat(t, p, raw, lo, hi-1)), // a maximum inside the column
	}, checkOpts...)...)
}

func TestMinMaxRounding(t *testing.T) {
	p := DefaultParams(3, 1, 1)
	raw := [][]int64{{-7, 0}, {0, 1}, {13, 0}} // span 20: 2^33/20 is not an integer
	tr := p.MinMax(raw)
	want := fixedpoint.DivRound(p.multNumerator(), big.NewInt(20)).Int64()
	if tr.Lo[0] != -7 || tr.Hi[0] != 13 || tr.Mult[0] != want {
		t.Fatalf("MinMax = %+v, want lo -7, hi 13, mult %d", tr, want)
	}
	feats, err := p.Apply(tr, raw)
	if err != nil {
		t.Fatal(err)
	}
	if feats[0][0] != -1<<12 || feats[2][0] != 1<<12 {
		t.Errorf("extremes map to %d and %d, want -1 and +1 (±4096)", feats[0][0], feats[2][0])
	}
	c, _, err := p.Assign(ecc.BN254, raw)
	if err != nil {
		t.Fatal(err)
	}
	test.NewAssert(t).CheckCircuit(NewCircuit(p), append([]test.TestingOption{test.WithValidAssignment(c)}, checkOpts...)...)
}
