// Package step is what every training-step statement shares: its public
// inputs and the constraints that bind a step's private inputs to them.
//
// Statement: ModelAfter commits to the model obtained from the model
// committed by ModelBefore by one SGD step with learning rate LearningRate on
// batch BatchIndex, below Batches, of the training set of Batches batches
// committed by DatasetRoot. Bind pins
// everything but the update itself (the batch rows, the model before, the
// learning rate's range); each family's Define computes the update and
// BindModel pins ModelAfter.
//
// Cost: hashing the batch (packing with a range check per value, about 2.5
// R1CS per 16-bit value on BN254), one Merkle path of Depth compressions, and
// hashing the model twice; no constraint for the commitments' domain tags.
//
// Soundness: the batch and the models are bound by Poseidon2 commitments whose
// domains fix the set's role, batch shape, depth and value format and the
// model's family, shape and format (commit.Domain), so a root or commitment
// made for another shape fails here; the root binds the number of batches
// (commit.Set.TreeIV), so a verifier that passes Batches from the row count it
// expects learns how many batches the committed set has, and BatchIndex is
// pinned below it (and below 2^Depth by the Merkle path's index
// decomposition).
package step

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Public holds what every training-step statement makes public; circuits
// embed it first, so their public inputs come in this order. Batches comes
// last so that the first five keep the positions they have always had.
type Public struct {
	DatasetRoot  frontend.Variable `gnark:",public"`
	BatchIndex   frontend.Variable `gnark:",public"`
	LearningRate frontend.Variable `gnark:",public"`
	ModelBefore  frontend.Variable `gnark:",public"`
	ModelAfter   frontend.Variable `gnark:",public"`
	Batches      frontend.Variable `gnark:",public"` // batches of the training set
}

// Inputs is the number of public inputs of a step (Public's fields).
const Inputs = 6

// Shape is what a step binds besides its model: batches of B rows of D
// features and one target or label, in a tree of the given Depth, values in
// the Data format, and a learning rate below 2^LRBits.
type Shape struct {
	B, D, Depth int
	Data        fixedpoint.Format
	LRBits      int
	LimbChecks  bool // range checks by package limbcheck (fixedpoint.For)
}

// TrainSet is how the step expects its dataset committed.
func (s Shape) TrainSet() commit.Set {
	return commit.Set{Role: commit.RoleTrain, BatchSize: s.B, Width: s.D + 1, Depth: s.Depth, Format: s.Data}
}

// Bind asserts what every step's inputs are bound to: the rows (x, then the
// target or label y) are batch BatchIndex of the training set committed by
// DatasetRoot, the model values are a model of domain dom committed by
// ModelBefore, and the learning rate is in range. It range-checks the rows
// and the model on the way.
func Bind(fp *fixedpoint.API, s Shape, pub Public, x [][]frontend.Variable, y, siblings []frontend.Variable, dom commit.Domain, model []frontend.Variable) error {
	rows := make([][]frontend.Variable, len(x))
	for i := range rows {
		rows[i] = append(append([]frontend.Variable{}, x[i]...), y[i])
	}
	if err := commit.VerifyRows(fp, s.TrainSet(), pub.DatasetRoot, pub.Batches, pub.BatchIndex, rows, siblings); err != nil {
		return err
	}
	fp.AssertUnsigned(pub.LearningRate, s.LRBits)
	return BindModel(fp, dom, model, pub.ModelBefore)
}

// BindModel asserts that the model values (range-checked here) are a model
// of domain dom with the given commitment.
func BindModel(fp *fixedpoint.API, dom commit.Domain, model []frontend.Variable, commitment frontend.Variable) error {
	h, err := commit.PackAndHash(fp, dom, model)
	if err != nil {
		return err
	}
	fp.Frontend().AssertIsEqual(h, commitment)
	return nil
}

// CommitModel is the native twin of BindModel: the commitment to model
// values in the domain dom.
func CommitModel(curve ecc.ID, dom commit.Domain, values []int64) (frontend.Variable, error) {
	h, err := commit.NativePackAndHash(curve, dom, values)
	if err != nil {
		return nil, fmt.Errorf("%s model: %w", dom.Name, err)
	}
	return h, nil
}

// Batch checks that ds is committed as the step expects and returns batch
// k's rows and Merkle path.
func Batch(ds *commit.Dataset, s Shape, k int) ([][]int64, []frontend.Variable, error) {
	if err := ds.Expect(s.TrainSet()); err != nil {
		return nil, nil, err
	}
	siblings, err := ds.Siblings(k)
	if err != nil {
		return nil, nil, err
	}
	return ds.Batch(k), siblings, nil
}

// FillBatch writes rows (features, then the target or label) into x and y.
func FillBatch(x [][]frontend.Variable, y []frontend.Variable, rows [][]int64) {
	for i, r := range rows {
		d := len(r) - 1
		for j := 0; j < d; j++ {
			x[i][j] = r[j]
		}
		y[i] = r[d]
	}
}

// Trace is one step of a family taken natively for its assignment: the
// batch's rows and Merkle path, the model after the step, and the public
// inputs.
type Trace[M any] struct {
	Rows     [][]int64
	Siblings []frontend.Variable
	Next     M
	Public   Public
}

// Run takes step k of ds natively from model m (native is the family's
// native step, commitment its model commitment) and fills the public inputs;
// a dataset not committed as the shape expects is an error naming family.
func Run[M any](family string, ds *commit.Dataset, s Shape, k int, m M, lr int64,
	native func(M, [][]int64, int64) (M, error), commitment func(ecc.ID, M) (frontend.Variable, error)) (Trace[M], error) {
	var t Trace[M]
	var err error
	if t.Rows, t.Siblings, err = Batch(ds, s, k); err != nil {
		return t, fmt.Errorf("%s: %w", family, err)
	}
	if t.Next, err = native(m, t.Rows, lr); err != nil {
		return t, err
	}
	before, err := commitment(ds.Curve, m)
	if err != nil {
		return t, err
	}
	after, err := commitment(ds.Curve, t.Next)
	if err != nil {
		return t, err
	}
	t.Public = Public{DatasetRoot: ds.Root(), BatchIndex: k, LearningRate: lr, ModelBefore: before, ModelAfter: after, Batches: ds.NumBatches()}
	return t, nil
}
