// Package lineage proves that a committed training set was derived from a
// committed raw set by per-column min-max scaling onto the fixed-point grid:
//
//	lo_j = min_i raw_ij,  hi_j = max_i raw_ij
//	mult_j = round(2^(Shift+Out.Frac+1) / (hi_j - lo_j))   (0 for a constant column)
//	feature_ij = round((raw_ij - lo_j) · mult_j / 2^Shift) - offset_j
//
// with offset_j = 2^Out.Frac (0 for a constant column), so each column's
// minimum maps to -1 and its maximum to about +1; labels (the last column) are
// carried over. Both sets are committed exactly as training circuits expect
// (commit.Dataset: batches of B rows as Merkle leaves), the raw set with role
// raw and the features with role train, so FeatureRoot is the DatasetRoot a
// training proof names, and this proof ties it to RawRoot.
//
// Soundness: lo_j and hi_j are private witnesses pinned in the circuit: every
// raw value lies between them (two range checks of Raw.Bits bits per value)
// and each is attained (Π_i (raw_ij - lo_j) = 0 and Π_i (hi_j - raw_ij) = 0).
// mult_j is a hinted rounding division by the variable hi_j - lo_j, pinned by
// fixedpoint.DivFloorVar. Nothing about the raw data is a circuit constant, so
// the verifying key reveals only the shape and formats.
//
// Cost per raw feature value: the two range checks, two products for the
// attainment checks, one product with mult_j and one rounding division,
// beside packing both sets; per column one variable division.
package lineage

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Params: N raw rows of D features and a label, in batches of B; values in
// the Raw format are scaled into the Out format with Shift bits of precision
// in the multiplier.
type Params struct {
	N, B, D  int
	Shift    int
	Raw, Out fixedpoint.Format
}

// DefaultParams: 16-bit integer raw values scaled to Q4.12 with a 20-bit
// multiplier shift.
func DefaultParams(n, b, d int) Params {
	return Params{N: n, B: b, D: d, Shift: 20, Raw: fixedpoint.Format{Bits: 16}, Out: fixedpoint.Format{Bits: 16, Frac: 12}}
}

// RawSet and FeatureSet are how the two sets are committed.
func (p Params) RawSet() commit.Set {
	return commit.Set{Role: commit.RoleRaw, BatchSize: p.B, Width: p.D + 1, Depth: commit.Depth(p.N / p.B), Format: p.Raw}
}

// FeatureSet is the training set the features are committed as.
func (p Params) FeatureSet() commit.Set {
	return commit.Set{Role: commit.RoleTrain, BatchSize: p.B, Width: p.D + 1, Depth: commit.Depth(p.N / p.B), Format: p.Out}
}

// multNumerator is 2^(Shift+Out.Frac+1): the multiplier maps a column's span
// onto 2 (from -1 to +1).
func (p Params) multNumerator() *big.Int {
	return new(big.Int).Lsh(big.NewInt(1), uint(p.Shift+p.Out.Frac+1))
}

// Transform is per-column min-max scaling: the native side, with each
// column's bounds and the derived multiplier and offset.
type Transform struct {
	Lo, Hi, Mult, Offset []int64
}

// Circuit is the statement "FeatureRoot commits to the min-max scaling of
// the rows committed by RawRoot".
type Circuit struct {
	RawRoot     frontend.Variable `gnark:",public"`
	FeatureRoot frontend.Variable `gnark:",public"`

	Raw    [][]frontend.Variable // N rows, features then label
	Lo, Hi []frontend.Variable   // per feature column: its minimum and maximum

	Params Params `gnark:"-"`
}

// NewCircuit returns an empty circuit.
func NewCircuit(p Params) *Circuit {
	c := &Circuit{Params: p, Lo: make([]frontend.Variable, p.D), Hi: make([]frontend.Variable, p.D)}
	for range p.N {
		c.Raw = append(c.Raw, make([]frontend.Variable, p.D+1))
	}
	return c
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	p := c.Params
	if p.B <= 0 || p.N%p.B != 0 {
		return fmt.Errorf("lineage: %d rows are not whole batches of %d", p.N, p.B)
	}
	fp := fixedpoint.New(api)
	d := p.D
	features := make([][]frontend.Variable, p.N)
	for i := range features {
		features[i] = make([]frontend.Variable, d+1)
		features[i][d] = c.Raw[i][d]
	}
	div := new(big.Int).Lsh(big.NewInt(1), uint(p.Shift))
	multBits := p.Shift + p.Out.Frac + 2
	for j := 0; j < d; j++ {
		lo, hi := c.Lo[j], c.Hi[j]
		// lo <= raw_ij <= hi for every i, with equality attained on each side
		var atLo, atHi frontend.Variable = 1, 1
		for i := range c.Raw {
			below, above := api.Sub(c.Raw[i][j], lo), api.Sub(hi, c.Raw[i][j])
			fp.AssertUnsigned(below, p.Raw.Bits)
			fp.AssertUnsigned(above, p.Raw.Bits)
			atLo, atHi = api.Mul(atLo, below), api.Mul(atHi, above)
		}
		api.AssertIsEqual(atLo, 0)
		api.AssertIsEqual(atHi, 0)
		// mult = round(A / span) = floor((2A + span) / (2·span)) for span > 0;
		// a constant column divides by 1 instead and gets mult = offset = 0.
		span := api.Sub(hi, lo)
		constant := api.IsZero(span)
		varies := api.Sub(1, constant)
		safe := api.Add(span, constant)
		q := fp.DivFloorVar(api.Add(new(big.Int).Lsh(p.multNumerator(), 1), safe), api.Mul(safe, 2), multBits, p.Raw.Bits+1)
		mult := api.Mul(q, varies)
		offset := api.Mul(varies, 1<<p.Out.Frac)
		for i := range c.Raw {
			v := fp.DivRound(api.Mul(api.Sub(c.Raw[i][j], lo), mult), div, p.Out.Bits+2)
			features[i][j] = api.Sub(v, offset)
		}
	}
	rawSet, featSet := p.RawSet(), p.FeatureSet()
	var rawLeaves, featLeaves []frontend.Variable
	for k := 0; k < p.N/p.B; k++ {
		rl, err := commit.PackAndHash(fp, rawSet.Leaf(), flat(c.Raw[k*p.B:(k+1)*p.B]))
		if err != nil {
			return err
		}
		fl, err := commit.PackAndHash(fp, featSet.Leaf(), flat(features[k*p.B:(k+1)*p.B]))
		if err != nil {
			return err
		}
		rawLeaves, featLeaves = append(rawLeaves, rl), append(featLeaves, fl)
	}
	rawRoot, err := commit.TreeRoot(api, rawSet, rawLeaves)
	if err != nil {
		return err
	}
	featRoot, err := commit.TreeRoot(api, featSet, featLeaves)
	if err != nil {
		return err
	}
	api.AssertIsEqual(rawRoot, c.RawRoot)
	api.AssertIsEqual(featRoot, c.FeatureRoot)
	return nil
}

func flat(rows [][]frontend.Variable) []frontend.Variable {
	var out []frontend.Variable
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
