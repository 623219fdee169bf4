// Package lineage proves that a committed training set was derived from a
// committed raw set by a stated preprocessing step: per-column min-max
// scaling onto the fixed-point grid,
//
//	feature = round((raw - Lo_j) · Mult_j / 2^Shift) - Offset_j,
//
// with labels (the last column) carried over. Both sets are committed exactly
// as training circuits expect (commit.Dataset: batches of B rows as Merkle
// leaves), so FeatureRoot is the DatasetRoot a training proof names, and this
// proof ties it to RawRoot. The transform's constants are part of the circuit
// (and so of its verifying key).
package lineage

import (
	"fmt"
	"math"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Transform is per-column min-max scaling to [-1, 1] at Out.Frac fractional bits.
type Transform struct {
	Lo, Mult, Offset []int64
	Shift            int
	Raw, Out         fixedpoint.Format
}

// MinMax fits the transform to raw rows (features first, label last): column
// j's minimum maps to -1 and its maximum to +1; a constant column maps to 0.
func MinMax(raw [][]int64, rawFmt, out fixedpoint.Format) Transform {
	d := len(raw[0]) - 1
	t := Transform{Lo: make([]int64, d), Mult: make([]int64, d), Offset: make([]int64, d), Shift: 20, Raw: rawFmt, Out: out}
	for j := 0; j < d; j++ {
		lo, hi := raw[0][j], raw[0][j]
		for _, r := range raw {
			lo, hi = min(lo, r[j]), max(hi, r[j])
		}
		t.Lo[j] = lo
		if hi > lo {
			t.Mult[j] = int64(math.Round(math.Ldexp(2, t.Shift+out.Frac) / float64(hi-lo)))
			t.Offset[j] = 1 << out.Frac
		}
	}
	return t
}

// Apply is the native transform; it fails on a value outside the formats.
func (t Transform) Apply(raw [][]int64) ([][]int64, error) {
	d := len(t.Lo)
	out := make([][]int64, len(raw))
	div := big.NewInt(1 << t.Shift)
	for i, r := range raw {
		if len(r) != d+1 {
			return nil, fmt.Errorf("lineage: row %d has %d values, want %d", i, len(r), d+1)
		}
		out[i] = make([]int64, d+1)
		for j := 0; j < d; j++ {
			if err := t.Raw.Check(r[j]); err != nil {
				return nil, fmt.Errorf("lineage: raw row %d column %d: %w", i, j, err)
			}
			v := fixedpoint.DivRound(big.NewInt((r[j]-t.Lo[j])*t.Mult[j]), div).Int64() - t.Offset[j]
			if err := t.Out.Check(v); err != nil {
				return nil, fmt.Errorf("lineage: feature row %d column %d: %w", i, j, err)
			}
			out[i][j] = v
		}
		out[i][d] = r[d]
	}
	return out, nil
}

// Params: N rows in batches of B.
type Params struct {
	N, B      int
	Transform Transform
}

// Circuit is the statement "FeatureRoot commits to Transform applied to the
// rows committed by RawRoot".
type Circuit struct {
	RawRoot     frontend.Variable `gnark:",public"`
	FeatureRoot frontend.Variable `gnark:",public"`

	Raw [][]frontend.Variable // N rows, features then label

	Params Params `gnark:"-"`
}

// NewCircuit returns an empty circuit.
func NewCircuit(p Params) *Circuit {
	c := &Circuit{Params: p}
	for range p.N {
		c.Raw = append(c.Raw, make([]frontend.Variable, len(p.Transform.Lo)+1))
	}
	return c
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	p, t := c.Params, c.Params.Transform
	if p.N%p.B != 0 {
		return fmt.Errorf("lineage: %d rows are not whole batches of %d", p.N, p.B)
	}
	fp := fixedpoint.New(api)
	d := len(t.Lo)
	div := big.NewInt(1 << t.Shift)
	qBits := t.Out.Bits + 2
	features := make([][]frontend.Variable, p.N)
	for i, r := range c.Raw {
		features[i] = make([]frontend.Variable, d+1)
		for j := 0; j < d; j++ {
			q := fp.DivRound(api.Mul(api.Sub(r[j], t.Lo[j]), t.Mult[j]), div, qBits)
			features[i][j] = api.Sub(q, t.Offset[j])
		}
		features[i][d] = r[d]
	}
	var rawLeaves, featLeaves []frontend.Variable
	for k := 0; k < p.N/p.B; k++ {
		rl, err := commit.PackAndHash(fp, flat(c.Raw[k*p.B:(k+1)*p.B]), t.Raw.Bits)
		if err != nil {
			return err
		}
		fl, err := commit.PackAndHash(fp, flat(features[k*p.B:(k+1)*p.B]), t.Out.Bits)
		if err != nil {
			return err
		}
		rawLeaves, featLeaves = append(rawLeaves, rl), append(featLeaves, fl)
	}
	rawRoot, err := commit.TreeRoot(api, rawLeaves)
	if err != nil {
		return err
	}
	featRoot, err := commit.TreeRoot(api, featLeaves)
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

// Assign commits the raw rows and their transform on the given curve and
// returns the assignment with the feature dataset (the one training proofs
// use).
func (p Params) Assign(curve ecc.ID, raw [][]int64) (*Circuit, *commit.Dataset, error) {
	if len(raw) != p.N {
		return nil, nil, fmt.Errorf("lineage: %d raw rows, circuit expects %d", len(raw), p.N)
	}
	feats, err := p.Transform.Apply(raw)
	if err != nil {
		return nil, nil, err
	}
	rawDS, err := commit.NewDatasetOn(curve, raw, p.B, p.Transform.Raw.Bits)
	if err != nil {
		return nil, nil, err
	}
	featDS, err := commit.NewDatasetOn(curve, feats, p.B, p.Transform.Out.Bits)
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
	return c, featDS, nil
}
