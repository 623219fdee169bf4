package workloads

import (
	"fmt"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/datasets"
)

// stepBatch is what every step workload proves on: a table quantised and
// committed in batches of b rows, the middle batch chosen, and that batch
// decoded for the plain step.
type stepBatch struct {
	ds     *commit.Dataset
	batch  int
	x      [][]float64
	y      []float64 // targets decoded, or class indices
	labels []int     // class indices (classification tables)
}

func newStepBatch(name string, t *datasets.Table, b int, data fixedpoint.Format) (stepBatch, error) {
	if b > t.Rows() {
		return stepBatch{}, fmt.Errorf("%s: batch size %d is larger than the dataset (%d rows)", name, b, t.Rows())
	}
	rows, _, err := t.Quantize(data)
	if err != nil {
		return stepBatch{}, err
	}
	ds, err := commit.NewDataset(commit.RoleTrain, rows, b, data)
	if err != nil {
		return stepBatch{}, err
	}
	s := stepBatch{ds: ds, batch: ds.NumBatches() / 2}
	d := t.Features()
	for _, r := range ds.Batch(s.batch) {
		xr := make([]float64, d)
		for j := range xr {
			xr[j] = data.Decode(r[j])
		}
		s.x = append(s.x, xr)
		if t.Classes > 0 {
			s.y, s.labels = append(s.y, float64(r[d])), append(s.labels, int(r[d]))
		} else {
			s.y = append(s.y, data.Decode(r[d]))
		}
	}
	return s, nil
}
