package lineage

import (
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
	t := MinMax(raw, fixedpoint.Format{Bits: 16}, fixedpoint.Format{Bits: 16, Frac: 12})
	return Params{N: 6, B: 2, Transform: t}, raw
}

func TestTransformMatchesNative(t *testing.T) {
	p, raw := fixture(1)
	feats, err := p.Transform.Apply(raw)
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
	other := p
	other.Transform.Offset = append([]int64{}, p.Transform.Offset...)
	other.Transform.Offset[0]++
	_, otherDS, err := other.Assign(ecc.BN254, raw)
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
