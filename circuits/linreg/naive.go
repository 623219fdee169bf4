package linreg

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/accumulator/merkle"
	stdmimc "github.com/consensys/gnark/std/hash/mimc"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/step"
)

// NaiveCircuit states the same step as Circuit, built the straightforward
// way and kept as a baseline for the optimised one: MiMC over every value
// (no packing), a Merkle tree with one leaf per row and one path per batch row,
// and every product rescaled to the model's scale before it is summed. Its
// Params.Depth is the depth of the row tree. Its row tree does not bind the
// number of batches: BatchIndex is pinned below Batches, but nothing ties
// Batches to the root, one more reason never to link a naive proof to others.
type NaiveCircuit struct {
	step.Public

	X     [][]frontend.Variable
	Y     []frontend.Variable
	W     []frontend.Variable
	Bias  frontend.Variable
	Paths [][]frontend.Variable // per row: siblings in the row tree

	Params Params `gnark:"-"`
}

// NewNaiveCircuit returns an empty naive circuit.
func NewNaiveCircuit(p Params) *NaiveCircuit {
	c := &NaiveCircuit{Params: p, X: make([][]frontend.Variable, p.B), Y: make([]frontend.Variable, p.B), W: make([]frontend.Variable, p.D)}
	for i := range c.X {
		c.X[i] = make([]frontend.Variable, p.D)
		c.Paths = append(c.Paths, make([]frontend.Variable, p.Depth))
	}
	return c
}

// naive bit bounds: a product rescaled to the model scale, a gradient term.
func (p Params) naiveBits() (prod, grad int) {
	prod = p.Data.Bits + p.Model.Bits - p.Data.Frac + 2
	grad = p.Data.Bits + prod + commit.Depth(p.D+1) - p.Data.Frac + 2
	return
}

// Define implements frontend.Circuit.
func (c *NaiveCircuit) Define(api frontend.API) error {
	p := c.Params
	fp := fixedpoint.New(api)
	h, err := stdmimc.New(api)
	if err != nil {
		return err
	}
	hash := func(xs ...frontend.Variable) frontend.Variable {
		h.Reset()
		h.Write(xs...)
		return h.Sum()
	}
	// BatchIndex < 2^Depth keeps BatchIndex·B + i far from wrapping modulo
	// p, so the row paths below pin rows BatchIndex·B .. BatchIndex·B+B-1:
	// without it, BatchIndex = s/B mod p would name the window starting at
	// any row s.
	if p.Depth == 0 {
		api.AssertIsEqual(c.BatchIndex, 0)
	} else {
		fp.AssertUnsigned(c.BatchIndex, p.Depth)
	}
	fp.AssertUnsigned(api.Sub(c.Batches, 1, c.BatchIndex), commit.BatchBits)
	for i := range c.X {
		for _, v := range append(append([]frontend.Variable{}, c.X[i]...), c.Y[i]) {
			fp.AssertSigned(v, p.Data.Bits)
		}
		leaf := hash(append(append([]frontend.Variable{}, c.X[i]...), c.Y[i])...)
		proof := merkle.MerkleProof{RootHash: c.DatasetRoot, Path: append([]frontend.Variable{leaf}, c.Paths[i]...)}
		proof.VerifyProof(api, h, api.Add(api.Mul(c.BatchIndex, p.B), i))
	}
	model := append(append([]frontend.Variable{}, c.W...), c.Bias)
	for _, v := range model {
		fp.AssertSigned(v, p.Model.Bits)
	}
	api.AssertIsEqual(hash(model...), c.ModelBefore)
	fp.AssertUnsigned(c.LearningRate, p.LRBits)

	prodBits, gradBits := p.naiveBits()
	dataScale := new(big.Int).Lsh(big.NewInt(1), uint(p.Data.Frac))
	yShift := new(big.Int).Lsh(big.NewInt(1), uint(p.Model.Frac-p.Data.Frac))
	e := make([]frontend.Variable, p.B) // scale Model.Frac
	var sumE frontend.Variable = 0
	for i := range e {
		acc := api.Sub(c.Bias, api.Mul(c.Y[i], yShift))
		for j := 0; j < p.D; j++ {
			acc = api.Add(acc, fp.DivRound(api.Mul(c.X[i][j], c.W[j]), dataScale, prodBits))
		}
		e[i] = acc
		sumE = api.Add(sumE, acc)
	}
	d := new(big.Int).Lsh(big.NewInt(int64(p.B)), uint(p.LRFrac))
	after := make([]frontend.Variable, 0, p.D+1)
	for j := 0; j < p.D; j++ {
		var g frontend.Variable = 0
		for i := range e {
			g = api.Add(g, fp.DivRound(api.Mul(c.X[i][j], e[i]), dataScale, gradBits))
		}
		after = append(after, api.Sub(c.W[j], fp.DivRound(api.Mul(c.LearningRate, g), d, p.quotientBits())))
	}
	after = append(after, api.Sub(c.Bias, fp.DivRound(api.Mul(c.LearningRate, sumE), d, p.quotientBits())))
	for _, v := range after {
		fp.AssertSigned(v, p.Model.Bits)
	}
	api.AssertIsEqual(hash(after...), c.ModelAfter)
	return nil
}

// NaiveStep is the naive circuit's native mirror: every product rescaled.
func (p Params) NaiveStep(m Model, rows [][]int64, lr int64) (Model, error) {
	prodBits, gradBits := p.naiveBits()
	div := func(v *big.Int, d *big.Int, bits int) (int64, error) {
		q := fixedpoint.DivRound(v, d)
		lim := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
		if q.Cmp(lim) >= 0 || q.Cmp(new(big.Int).Neg(lim)) < 0 {
			return 0, fmt.Errorf("linreg: naive step: %s does not fit %d signed bits", q, bits)
		}
		return q.Int64(), nil
	}
	dataScale := big.NewInt(1 << p.Data.Frac)
	e := make([]int64, p.B)
	var sumE int64
	for i, r := range rows {
		acc := m.Bias - r[p.D]<<(p.Model.Frac-p.Data.Frac)
		for j := 0; j < p.D; j++ {
			q, err := div(big.NewInt(r[j]*m.W[j]), dataScale, prodBits)
			if err != nil {
				return Model{}, err
			}
			acc += q
		}
		e[i] = acc
		sumE += acc
	}
	d := new(big.Int).Lsh(big.NewInt(int64(p.B)), uint(p.LRFrac))
	out := Model{W: make([]int64, p.D)}
	for j := 0; j < p.D; j++ {
		var g int64
		for i, r := range rows {
			q, err := div(new(big.Int).Mul(big.NewInt(r[j]), big.NewInt(e[i])), dataScale, gradBits)
			if err != nil {
				return Model{}, err
			}
			g += q
		}
		delta, err := div(new(big.Int).Mul(big.NewInt(lr), big.NewInt(g)), d, p.quotientBits())
		if err != nil {
			return Model{}, err
		}
		out.W[j] = m.W[j] - delta
	}
	delta, err := div(new(big.Int).Mul(big.NewInt(lr), big.NewInt(sumE)), d, p.quotientBits())
	if err != nil {
		return Model{}, err
	}
	out.Bias = m.Bias - delta
	for _, v := range out.Values() {
		if err := p.Model.Check(v); err != nil {
			return Model{}, fmt.Errorf("linreg: naive step: %w", err)
		}
	}
	return out, nil
}

// NaiveDataset is the row tree of the naive circuit over all rows.
type NaiveDataset struct {
	Rows  [][]int64
	B     int
	field *commit.Field
	tree  *commit.Tree
}

// NewNaiveDataset commits rows one leaf per row with MiMC on the given curve.
func NewNaiveDataset(curve ecc.ID, rows [][]int64, b int) (*NaiveDataset, error) {
	f, err := commit.FieldOf(curve)
	if err != nil {
		return nil, err
	}
	leaves := make([]*big.Int, len(rows))
	for i, r := range rows {
		leaves[i] = f.MiMC(f.Ints(r)...)
	}
	t, err := commit.NewTreeWith(leaves, f.MiMC)
	if err != nil {
		return nil, err
	}
	return &NaiveDataset{Rows: rows, B: b, field: f, tree: t}, nil
}

// NaiveCommitment is the naive circuit's model commitment: MiMC over every
// value.
func (d *NaiveDataset) NaiveCommitment(m Model) *big.Int {
	return d.field.MiMC(d.field.Ints(m.Values())...)
}

// Depth is the row tree's depth.
func (d *NaiveDataset) Depth() int { return d.tree.Depth() }

// Root is the row tree's root.
func (d *NaiveDataset) Root() *big.Int { return d.tree.Root() }

// RowPath returns the Merkle path of row i as circuit assignments.
func (d *NaiveDataset) RowPath(i int) ([]frontend.Variable, error) {
	sib, err := d.tree.Siblings(i)
	if err != nil {
		return nil, err
	}
	out := make([]frontend.Variable, len(sib))
	for l := range sib {
		out[l] = sib[l]
	}
	return out, nil
}

// AssignNaive runs the naive step on batch k and returns the assignment.
func (p Params) AssignNaive(ds *NaiveDataset, k int, m Model, lr int64) (*NaiveCircuit, Model, error) {
	if ds.Depth() != p.Depth || ds.B != p.B {
		return nil, Model{}, fmt.Errorf("linreg: naive dataset of batches of %d (row depth %d), circuit expects %d (%d)", ds.B, ds.Depth(), p.B, p.Depth)
	}
	if k < 0 || (k+1)*p.B > len(ds.Rows) {
		return nil, Model{}, fmt.Errorf("linreg: batch %d outside the dataset", k)
	}
	rows := ds.Rows[k*p.B : (k+1)*p.B]
	next, err := p.NaiveStep(m, rows, lr)
	if err != nil {
		return nil, Model{}, err
	}
	c := NewNaiveCircuit(p)
	c.DatasetRoot, c.BatchIndex, c.LearningRate, c.Batches = ds.tree.Root(), k, lr, len(ds.Rows)/p.B
	c.ModelBefore, c.ModelAfter = ds.NaiveCommitment(m), ds.NaiveCommitment(next)
	for i, r := range rows {
		for j := 0; j < p.D; j++ {
			c.X[i][j] = r[j]
		}
		c.Y[i] = r[p.D]
		if c.Paths[i], err = ds.RowPath(k*p.B + i); err != nil {
			return nil, Model{}, err
		}
	}
	for j, v := range m.W {
		c.W[j] = v
	}
	c.Bias = m.Bias
	return c, next, nil
}
