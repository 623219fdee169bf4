package lineage

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
)

// MinMax fits the transform to raw rows (features first, label last): column
// j's minimum maps to -1 and its maximum to +1; a constant column maps to 0.
// The multiplier is rounded exactly as the circuit rounds it.
func (p Params) MinMax(raw [][]int64) Transform {
	lo, hi := make([]int64, p.D), make([]int64, p.D)
	for j := range lo {
		lo[j], hi[j] = raw[0][j], raw[0][j]
		for _, r := range raw {
			lo[j], hi[j] = min(lo[j], r[j]), max(hi[j], r[j])
		}
	}
	return p.Fit(lo, hi)
}

// Fit is the transform that maps lo to -1 and hi to +1 per column, whether
// or not they are the columns' bounds (a prover's claim, checked by the
// circuit).
func (p Params) Fit(lo, hi []int64) Transform {
	t := Transform{Lo: append([]int64{}, lo...), Hi: append([]int64{}, hi...), Mult: make([]int64, len(lo)), Offset: make([]int64, len(lo))}
	for j := range lo {
		if hi[j] > lo[j] {
			t.Mult[j] = fixedpoint.DivRound(p.multNumerator(), big.NewInt(hi[j]-lo[j])).Int64()
			t.Offset[j] = 1 << p.Out.Frac
		}
	}
	return t
}

// Apply is the native transform; it fails on a value outside the formats.
func (p Params) Apply(t Transform, raw [][]int64) ([][]int64, error) {
	d := p.D
	out := make([][]int64, len(raw))
	div := big.NewInt(1 << p.Shift)
	for i, r := range raw {
		if len(r) != d+1 {
			return nil, fmt.Errorf("lineage: row %d has %d values, want %d", i, len(r), d+1)
		}
		out[i] = make([]int64, d+1)
		for j := 0; j < d; j++ {
			if err := p.Raw.Check(r[j]); err != nil {
				return nil, fmt.Errorf("lineage: raw row %d column %d: %w", i, j, err)
			}
			v := fixedpoint.DivRound(big.NewInt((r[j]-t.Lo[j])*t.Mult[j]), div).Int64() - t.Offset[j]
			if err := p.Out.Check(v); err != nil {
				return nil, fmt.Errorf("lineage: feature row %d column %d: %w", i, j, err)
			}
			out[i][j] = v
		}
		out[i][d] = r[d]
	}
	return out, nil
}

// Assign fits the min-max transform to the raw rows, commits both sets on
// the given curve and returns the assignment with the feature dataset (the
// one training proofs use).
func (p Params) Assign(curve ecc.ID, raw [][]int64) (*Circuit, *commit.Dataset, error) {
	if len(raw) != p.N {
		return nil, nil, fmt.Errorf("lineage: %d raw rows, circuit expects %d", len(raw), p.N)
	}
	return p.AssignWith(curve, raw, p.MinMax(raw))
}

// AssignWith is Assign with a given transform: a cheating prover's claim when
// t is not the min-max fit of raw, which the circuit must then reject.
func (p Params) AssignWith(curve ecc.ID, raw [][]int64, t Transform) (*Circuit, *commit.Dataset, error) {
	feats, err := p.Apply(t, raw)
	if err != nil {
		return nil, nil, err
	}
	rawDS, err := commit.NewDatasetOn(curve, commit.RoleRaw, raw, p.B, p.Raw)
	if err != nil {
		return nil, nil, err
	}
	featDS, err := commit.NewDatasetOn(curve, commit.RoleTrain, feats, p.B, p.Out)
	if err != nil {
		return nil, nil, err
	}
	c := NewCircuit(p)
	c.RawRoot, c.FeatureRoot = rawDS.Root(), featDS.Root()
	for i, r := range raw {
		for j, v := range r {
			c.Raw[i][j] = v
		}
	}
	for j := range t.Lo {
		c.Lo[j], c.Hi[j] = t.Lo[j], t.Hi[j]
	}
	return c, featDS, nil
}
