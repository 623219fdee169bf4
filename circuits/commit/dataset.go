package commit

import (
	"fmt"

	"math/big"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Dataset is a committed dataset of fixed-point rows, cut into consecutive
// batches of BatchSize rows (a trailing partial batch is dropped). Shuffle rows
// before committing to train on a random order.
type Dataset struct {
	Rows      [][]int64 // each row: features then targets, signed values of Format
	BatchSize int
	Format    fixedpoint.Format
	Role      Role
	Curve     ecc.ID // the curve whose scalar field holds the commitment
	tree      *Tree

	mu sync.Mutex
	on map[ecc.ID]*Dataset // the same rows committed on other curves
}

// NewDataset commits rows for the given role on BN254 in batches of
// batchSize rows of values in format.
func NewDataset(role Role, rows [][]int64, batchSize int, format fixedpoint.Format) (*Dataset, error) {
	return NewDatasetOn(ecc.BN254, role, rows, batchSize, format)
}

// NewDatasetOn commits rows on the given curve.
func NewDatasetOn(curve ecc.ID, role Role, rows [][]int64, batchSize int, format fixedpoint.Format) (*Dataset, error) {
	f, err := FieldOf(curve)
	if err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		return nil, fmt.Errorf("commit: batch size %d must be positive", batchSize)
	}
	if len(rows) < batchSize {
		return nil, fmt.Errorf("commit: batch size %d is larger than the dataset (%d rows)", batchSize, len(rows))
	}
	width := len(rows[0])
	for i, r := range rows {
		if len(r) != width {
			return nil, fmt.Errorf("commit: row %d has %d values, row 0 has %d", i, len(r), width)
		}
	}
	d := &Dataset{Rows: rows, BatchSize: batchSize, Format: format, Role: role, Curve: curve}
	set := d.Set()
	leaves := make([]*big.Int, d.NumBatches())
	for k := range leaves {
		leaf, err := f.PackAndHash(set.Leaf(), d.BatchValues(k))
		if err != nil {
			return nil, fmt.Errorf("commit: batch %d: %w", k, err)
		}
		leaves[k] = leaf
	}
	t, err := f.NewTree(set, leaves)
	if err != nil {
		return nil, err
	}
	d.tree = t
	return d, nil
}

// Set is how the dataset is committed.
func (d *Dataset) Set() Set {
	return Set{Role: d.Role, BatchSize: d.BatchSize, Width: len(d.Rows[0]), Depth: Depth(d.NumBatches()), Format: d.Format}
}

// On returns the same dataset committed on another curve (computed once).
func (d *Dataset) On(curve ecc.ID) (*Dataset, error) {
	if curve == d.Curve {
		return d, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if o, ok := d.on[curve]; ok {
		return o, nil
	}
	o, err := NewDatasetOn(curve, d.Role, d.Rows, d.BatchSize, d.Format)
	if err != nil {
		return nil, err
	}
	if d.on == nil {
		d.on = map[ecc.ID]*Dataset{}
	}
	d.on[curve] = o
	return o, nil
}

// NumBatches is the number of whole batches.
func (d *Dataset) NumBatches() int { return len(d.Rows) / d.BatchSize }

// Depth is the Merkle path length.
func (d *Dataset) Depth() int { return d.tree.Depth() }

// Root is the dataset commitment: it binds the rows of every whole batch, the
// set's shape and the number of batches.
func (d *Dataset) Root() *big.Int { return d.tree.Root() }

// Batch returns the rows of batch k.
func (d *Dataset) Batch(k int) [][]int64 { return d.Rows[k*d.BatchSize : (k+1)*d.BatchSize] }

// BatchValues returns batch k flattened row by row, as it is hashed.
func (d *Dataset) BatchValues(k int) []int64 {
	out := make([]int64, 0, d.BatchSize*len(d.Rows[0]))
	for _, r := range d.Batch(k) {
		out = append(out, r...)
	}
	return out
}

// Siblings returns the Merkle path of batch k as circuit assignments.
func (d *Dataset) Siblings(k int) ([]frontend.Variable, error) {
	if k < 0 || k >= d.NumBatches() {
		return nil, fmt.Errorf("commit: batch %d outside the dataset's %d batches", k, d.NumBatches())
	}
	path, err := d.tree.Siblings(k)
	if err != nil {
		return nil, err
	}
	out := make([]frontend.Variable, len(path))
	for i := range path {
		out[i] = path[i]
	}
	return out, nil
}

// VerifyRows asserts that rows (values of the set's format, range-checked
// here) are batch index, below batches, of the dataset of set over that many
// batches with the given root.
func VerifyRows(fp *fixedpoint.API, set Set, root, batches, index frontend.Variable, rows [][]frontend.Variable, siblings []frontend.Variable) error {
	if len(rows) != set.BatchSize {
		return fmt.Errorf("commit: %d rows for a %s", len(rows), set)
	}
	var flat []frontend.Variable
	for i, r := range rows {
		if len(r) != set.Width {
			return fmt.Errorf("commit: row %d has %d values for a %s", i, len(r), set)
		}
		flat = append(flat, r...)
	}
	leaf, err := PackAndHash(fp, set.Leaf(), flat)
	if err != nil {
		return err
	}
	return VerifyBatch(fp, set, root, batches, index, leaf, siblings)
}

// Expect reports a dataset committed otherwise than a statement expects.
func (d *Dataset) Expect(want Set) error {
	if got := d.Set(); got != want {
		return fmt.Errorf("commit: the dataset is a %s, the statement expects a %s", got, want)
	}
	return nil
}
