package score

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/softmax"
	"github.com/potbench/potbench/circuits/step"
)

// ClassScore is the statement "the K-class model committed by Model gives
// the label of Correct of the HeldoutRows = N rows of the set committed by
// Heldout the strictly largest logit": held-out accuracy of a classifier
// (softmax regression, the MLP). A row counts as correct only when its label's logit is above every
// other logit of the row; a tie for the maximum counts as wrong, so the
// all-zero model (every logit equal) scores 0, never N.
//
// The logits are exact (the Classifier's CircuitLogits: softmax.Logits,
// or mlp.Forward with its Freivalds-checked products); the row maximum m comes from a hint and is
// pinned by m - z_k >= 0 for every k (range checks) and Π_k (m - z_k) = 0;
// e_k = [z_k = m] (api.IsZero) marks the logits that attain it, the label's
// is read with a pinned one-hot vector, and a row is correct exactly when
// the label's e is 1 and Σ_k e_k = 1. Cost per row: the model's
// multiply-accumulates (for the MLP, Freivalds' O(n²) instead), K range
// checks, K products and K zero tests, besides hashing the rows.
type ClassScore struct {
	Heldout     frontend.Variable `gnark:",public"`
	HeldoutRows frontend.Variable `gnark:",public"`
	Model       frontend.Variable `gnark:",public"`
	Correct     frontend.Variable `gnark:",public"`

	Rows   [][]frontend.Variable // N rows: D features, then the label in [0, K)
	Values []frontend.Variable   // the model's committed values

	Params ClassParams `gnark:"-"`
}

// A Classifier is a K-class model family as the class score reads it: its
// shape, how its model is committed, and its logits from the committed
// values, in the circuit and natively (softmax.Params and mlp.Params are
// classifiers; a new family implements these in its own package).
type Classifier interface {
	Features() int
	NumClasses() int
	ModelDomain() commit.Domain
	DataFormat() fixedpoint.Format
	// CircuitLogits are the exact logits of rows x under the model with
	// committed values v, and the bits that bound them.
	CircuitLogits(fp *fixedpoint.API, x [][]frontend.Variable, v []frontend.Variable) ([][]frontend.Variable, int)
	// ValueLogits is CircuitLogits' native twin for one row's features.
	ValueLogits(v []int64, features []int64) ([]*big.Int, error)
	// LimbChecked says whether the family's circuits range-check with
	// package limbcheck (fixedpoint.For); the score does as they do.
	LimbChecked() bool
}

// ClassParams: N held-out rows and the model's family.
type ClassParams struct {
	N     int
	Model Classifier
}

func (p ClassParams) shape() (d, k int, dom commit.Domain, data fixedpoint.Format) {
	return p.Model.Features(), p.Model.NumClasses(), p.Model.ModelDomain(), p.Model.DataFormat()
}

// Set is how the held-out set is committed.
func (p ClassParams) Set() commit.Set {
	d, _, _, data := p.shape()
	return commit.Set{Role: commit.RoleHeldout, BatchSize: p.N, Width: d + 1, Depth: 0, Format: data}
}

// NewClassScore returns an empty ClassScore circuit.
func NewClassScore(p ClassParams) *ClassScore {
	d, _, dom, _ := p.shape()
	c := &ClassScore{Params: p, Values: make([]frontend.Variable, dom.Values)}
	for range p.N {
		c.Rows = append(c.Rows, make([]frontend.Variable, d+1))
	}
	return c
}

// Define implements frontend.Circuit.
func (c *ClassScore) Define(api frontend.API) error {
	p := c.Params
	if p.Model == nil {
		return fmt.Errorf("score: a class score needs a model family")
	}
	fp := fixedpoint.For(api, p.Model.LimbChecked())
	d, k, dom, _ := p.shape()
	if err := commit.VerifyRows(fp, p.Set(), c.Heldout, 1, 0, c.Rows, nil); err != nil {
		return err
	}
	api.AssertIsEqual(c.HeldoutRows, p.N)
	if err := step.BindModel(fp, dom, c.Values, c.Model); err != nil {
		return err
	}
	x := make([][]frontend.Variable, len(c.Rows))
	for i, r := range c.Rows {
		x[i] = r[:d]
	}
	z, zBits := p.Model.CircuitLogits(fp, x, c.Values)
	var correct frontend.Variable = 0
	for i, row := range z {
		res, err := api.Compiler().NewHint(softmax.MaxHint, 1, row...)
		if err != nil {
			return err
		}
		mx := res[0]
		var prod, ties frontend.Variable = 1, 0
		at := make([]frontend.Variable, len(row)) // at[j] = [z_j = m]
		for j, v := range row {
			gap := api.Sub(mx, v)
			fp.AssertUnsigned(gap, zBits+1)
			prod = api.Mul(prod, gap)
			at[j] = api.IsZero(gap)
			ties = api.Add(ties, at[j])
		}
		api.AssertIsEqual(prod, 0)
		oh := softmax.OneHot(api, c.Rows[i][d], k)
		var mine frontend.Variable = 0 // [the label's logit attains m]
		for j := range row {
			mine = api.Add(mine, api.Mul(oh[j], at[j]))
		}
		correct = api.Add(correct, api.Mul(mine, api.IsZero(api.Sub(ties, 1))))
	}
	api.AssertIsEqual(correct, c.Correct)
	return nil
}

// NativeClassScore is the twin of ClassScore: how many rows' labels have the
// strictly largest logit of their row under the model with committed values
// m (a tie for the maximum is wrong).
func (p ClassParams) NativeClassScore(m []int64, rows [][]int64) (int64, error) {
	d, k, dom, _ := p.shape()
	if len(m) != dom.Values || len(rows) != p.N {
		return 0, fmt.Errorf("score: %d model values and %d rows, want %d and %d", len(m), len(rows), dom.Values, p.N)
	}
	var correct int64
	for i, r := range rows {
		if len(r) != d+1 || r[d] < 0 || r[d] >= int64(k) {
			return 0, fmt.Errorf("score: row %d: want %d features and a label in [0, %d)", i, d, k)
		}
		z, err := p.Model.ValueLogits(m, r[:d])
		if err != nil {
			return 0, fmt.Errorf("score: row %d: %w", i, err)
		}
		strict := true
		for j, v := range z {
			if j != int(r[d]) && v.Cmp(z[r[d]]) >= 0 {
				strict = false
			}
		}
		if strict {
			correct++
		}
	}
	return correct, nil
}

// ClassSet commits rows as a held-out set for ClassScore.
func (p ClassParams) ClassSet(rows [][]int64) (*commit.Dataset, error) {
	if len(rows) != p.N {
		return nil, fmt.Errorf("score: %d held-out rows, circuit expects %d", len(rows), p.N)
	}
	_, _, _, data := p.shape()
	return commit.NewDataset(commit.RoleHeldout, rows, p.N, data)
}

// AssignClassScore builds the assignment for the model with committed
// values m on the held-out set.
func (p ClassParams) AssignClassScore(set *commit.Dataset, m []int64) (*ClassScore, error) {
	if err := set.Expect(p.Set()); err != nil {
		return nil, fmt.Errorf("score: %w", err)
	}
	correct, err := p.NativeClassScore(m, set.Batch(0))
	if err != nil {
		return nil, err
	}
	_, _, dom, _ := p.shape()
	h, err := step.CommitModel(set.Curve, dom, m)
	if err != nil {
		return nil, err
	}
	c := NewClassScore(p)
	c.Heldout, c.HeldoutRows, c.Model, c.Correct = set.Root(), p.N, h, correct
	assignRows(c.Rows, set.Batch(0))
	for j, v := range m {
		c.Values[j] = v
	}
	return c, nil
}
