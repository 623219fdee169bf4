// Package chain proves K consecutive SGD steps in one proof: the model
// committed by ModelFirst, trained on batches FirstBatch, FirstBatch+1, ...,
// FirstBatch+K-1 (each below Batches) of the dataset of Batches batches
// committed by DatasetRoot, becomes the model committed by ModelLast. The
// intermediate models stay private and are only range-checked, so the two
// model commitments are paid once per chain rather than once per step.
//
// A chain that wraps (Params.Wrap) may cross epochs: step t trains on batch
// (FirstBatch + t) mod Batches, so one chain proves a whole run of several
// epochs over the same set ("-chain run").
//
// Scored (scored.go) is a chain and the held-out score of the model it
// reaches in one circuit, so that a run's last proof carries its score.
//
// Steps is public and asserted equal to the circuit's K: a verifier passes
// the number of steps it counts for the proof, so a step's key (one input
// fewer) or another chain's key (another K) cannot stand in for this one.
//
// Any model family whose step is a Stepper chains: least squares
// (linreg.Params), logistic regression (logreg.Params), softmax regression
// (softmax.Params) and the MLP (mlp.Params). The chain is the family's step
// circuit K times over, less K-1 pairs of model commitments: per step, the
// batch's hash and Merkle path and the update itself; the model between two
// steps costs only a range check per value (the check its commitment would
// have made).
//
// Soundness: each step's rows are bound to the committed set at index
// FirstBatch+t (below Batches), so no batch can be skipped, repeated,
// reordered or taken from another set; the first model is bound to
// ModelFirst and the last to ModelLast; an intermediate model is the output
// of the step before it, range-checked as the next step's input must be.
// The step's own soundness (its package doc) holds for every step. A
// wrapping chain's batch index is FirstBatch + t - q·Batches with the
// quotient q from a hint, range-checked to QuotientBits(K) bits; the index
// is pinned to [0, Batches) by the Merkle path and the batch-count check, so
// q·Batches + index stays far below the field's modulus and the equation
// holds over the integers: q and the index are Euclid's quotient and
// remainder, the only ones (cost per step: one product and one range check).
//
// Whole sets (Params.Set = n): a chain of whole epochs from batch 0 (-chain
// epoch, -chain run) witnesses each of the n batches once, hashes it once
// (its leaf) and computes the root from all n leaves exactly as the set was
// committed (commit.TreeRoot: the tree of depth ceil(log2 n) with the count
// n in its initial state), asserted equal to DatasetRoot; FirstBatch is
// asserted 0 and Batches n. Step t then trains on batch t mod n, a circuit
// constant. The statement is the same (the batches it names are the same
// rows, bound by the same root); the cost is n leaf hashes and one tree
// (about 3n compressions) instead of K leaf hashes and K paths (about
// K(2·depth + 1) compressions): for an epoch of logistic regression at
// B=32 (14 batches) about 15k constraints less, and a run of E epochs
// hashes and range-checks its data once instead of E times.
package chain

import (
	"fmt"
	"math/bits"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/step"
)

// Inputs is the number of public inputs of a chain.
const Inputs = 7

// A Stepper is a model family's SGD step on its committed model values, in
// the circuit and natively: what a chain of its steps needs.
type Stepper interface {
	// Shape is the batch and the training set the step reads.
	Shape() step.Shape
	// ModelDomain is how its model is committed.
	ModelDomain() commit.Domain
	// CheckLabel constrains one row's target as the step requires before
	// the rows are hashed (a 0/1 label); nothing where the step itself
	// pins it.
	CheckLabel(api frontend.API, y frontend.Variable)
	// Steps places what every step shares in the circuit (lookup tables,
	// which must come before any Freivalds check) and returns one step: the
	// model values after it, from the values v before it (range-checked by
	// the caller).
	Steps(fp *fixedpoint.API) func(x [][]frontend.Variable, y []frontend.Variable, v []frontend.Variable, lr frontend.Variable) []frontend.Variable
	// NativeStepValues is StepValues' native mirror.
	NativeStepValues(v []int64, rows [][]int64, lr int64) ([]int64, error)
}

// Params fix the chain length and the step, and whether the chain wraps
// around the set (step t on batch (FirstBatch + t) mod Batches) or must end
// within it (FirstBatch + K <= Batches).
type Params struct {
	K    int
	Step Stepper
	Wrap bool
	// Set, when positive, is the number of batches of the training set, and
	// the chain makes whole passes over it from batch 0 (K a multiple of
	// Set): each batch is witnessed and hashed once, however many epochs
	// read it, and the set's root is computed from all Set leaves instead
	// of one Merkle path per step (see Whole sets in the package doc).
	Set int
}

// QuotientBits bounds how many times a wrapping chain of K steps that
// starts within the set can pass its end: (FirstBatch + K - 1) / Batches
// < K + 1 when FirstBatch < Batches.
func QuotientBits(k int) int { return bits.Len(uint(k)) + 1 }

// Circuit is the statement of a chain of K steps.
type Circuit struct {
	DatasetRoot  frontend.Variable `gnark:",public"`
	FirstBatch   frontend.Variable `gnark:",public"`
	LearningRate frontend.Variable `gnark:",public"`
	ModelFirst   frontend.Variable `gnark:",public"`
	ModelLast    frontend.Variable `gnark:",public"`
	Batches      frontend.Variable `gnark:",public"` // batches of the training set
	Steps        frontend.Variable `gnark:",public"` // K

	X        [][][]frontend.Variable // K × B × D
	Y        [][]frontend.Variable   // K × B
	Siblings [][]frontend.Variable   // K Merkle paths
	Model    []frontend.Variable     // the first model's committed values

	Params Params `gnark:"-"`
}

// NewCircuit returns an empty circuit of the given shape.
func NewCircuit(p Params) *Circuit {
	s := p.Step.Shape()
	c := &Circuit{Params: p, Model: make([]frontend.Variable, p.ModelDomain().Values)}
	batches := p.K
	if p.Set > 0 {
		batches = p.Set
	}
	for range batches {
		x := make([][]frontend.Variable, s.B)
		for i := range x {
			x[i] = make([]frontend.Variable, s.D)
		}
		c.X = append(c.X, x)
		c.Y = append(c.Y, make([]frontend.Variable, s.B))
		if p.Set == 0 {
			c.Siblings = append(c.Siblings, make([]frontend.Variable, s.Depth))
		}
	}
	return c
}

// Define implements frontend.Circuit.
func (c *Circuit) Define(api frontend.API) error {
	p, s := c.Params, c.Params.Step.Shape()
	fp := fixedpoint.For(api, s.LimbChecks)
	dom, set := p.ModelDomain(), s.TrainSet()
	stepOf := p.Step.Steps(fp)
	if err := step.BindModel(fp, dom, c.Model, c.ModelFirst); err != nil {
		return err
	}
	fp.AssertUnsigned(c.LearningRate, s.LRBits)
	api.AssertIsEqual(c.Steps, p.K)

	rowsOf := func(k int) [][]frontend.Variable {
		rows := make([][]frontend.Variable, s.B)
		for i := range rows {
			rows[i] = append(append([]frontend.Variable{}, c.X[k][i]...), c.Y[k][i])
			p.Step.CheckLabel(api, c.Y[k][i])
		}
		return rows
	}
	if p.Set > 0 {
		if err := c.bindWholeSet(fp, rowsOf); err != nil {
			return err
		}
	}
	v := c.Model
	for t := 0; t < p.K; t++ {
		k := t
		if p.Set > 0 {
			k = t % p.Set
		} else {
			rows := rowsOf(t)
			if err := commit.VerifyRows(fp, set, c.DatasetRoot, c.Batches, c.batchIndex(fp, t), rows, c.Siblings[t]); err != nil {
				return err
			}
		}
		if t > 0 { // the first model is range-checked by its commitment
			for _, x := range v {
				fp.AssertSigned(x, dom.Format.Bits)
			}
		}
		v = stepOf(c.X[k], c.Y[k], v, c.LearningRate)
	}
	return step.BindModel(fp, dom, v, c.ModelLast)
}

// bindWholeSet binds the Set batches to DatasetRoot at once: each batch's
// leaf, the root of the tree over all of them, the first batch 0 and the
// count Set (the package doc's Whole sets).
func (c *Circuit) bindWholeSet(fp *fixedpoint.API, rowsOf func(k int) [][]frontend.Variable) error {
	api, p, set := fp.Frontend(), c.Params, c.Params.Step.Shape().TrainSet()
	if p.K%p.Set != 0 {
		return fmt.Errorf("chain: %d steps are not whole passes over %d batches", p.K, p.Set)
	}
	if d := commit.Depth(p.Set); d != set.Depth {
		return fmt.Errorf("chain: %d batches make a tree of depth %d, the step's set has depth %d", p.Set, d, set.Depth)
	}
	leaves := make([]frontend.Variable, p.Set)
	for k := range leaves {
		var flat []frontend.Variable
		for _, r := range rowsOf(k) {
			flat = append(flat, r...)
		}
		leaf, err := commit.PackAndHash(fp, set.Leaf(), flat)
		if err != nil {
			return err
		}
		leaves[k] = leaf
	}
	root, err := commit.TreeRoot(api, set, leaves)
	if err != nil {
		return err
	}
	api.AssertIsEqual(root, c.DatasetRoot)
	api.AssertIsEqual(c.FirstBatch, 0)
	api.AssertIsEqual(c.Batches, p.Set)
	return nil
}

// batchIndex is the batch step t trains on: FirstBatch + t, or with Wrap
// that less q·Batches for the hinted quotient q (the package doc gives why
// it is the remainder).
func (c *Circuit) batchIndex(fp *fixedpoint.API, t int) frontend.Variable {
	api := fp.Frontend()
	at := api.Add(c.FirstBatch, t)
	if !c.Params.Wrap {
		return at
	}
	res, err := api.Compiler().NewHint(WrapHint, 1, at, c.Batches)
	if err != nil {
		panic(err)
	}
	q := res[0]
	fp.AssertUnsigned(q, QuotientBits(c.Params.K))
	return api.Sub(at, api.Mul(q, c.Batches))
}

// ModelDomain is the commitment domain of the chain's models: its step's.
func (p Params) ModelDomain() commit.Domain { return p.Step.ModelDomain() }
