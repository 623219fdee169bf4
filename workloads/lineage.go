package workloads

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/lineage"
	"github.com/potbench/potbench/datasets"
)

// Lineage workloads: "lineage/N=64" proves that the min-max-scaled features
// of the first N digits rows (batches of 16) were derived from their raw
// pixels. The plain baseline scales the same rows in float64.
const lineageBatch = 16

func lineageFamilies() (out []bench.FamilyDef) {
	out = append(out, bench.FamilyDef{Name: "lineage", Bench: "Lineage", Example: "N=64", Keys: []string{"N"}, New: func(s map[string]int) (bench.Workload, error) {
		n := s["N"]
		if n%lineageBatch != 0 {
			return nil, fmt.Errorf("lineage: N=%d is not a multiple of the batch size %d", n, lineageBatch)
		}
		t, err := datasets.Digits()
		if err != nil {
			return nil, err
		}
		if n > t.Rows() {
			return nil, fmt.Errorf("lineage: N=%d is larger than the dataset (%d rows)", n, t.Rows())
		}
		raw := make([][]int64, n)
		for i := range raw {
			for _, v := range t.X[i] {
				raw[i] = append(raw[i], int64(v))
			}
			raw[i] = append(raw[i], int64(t.Y[i]))
		}
		p := lineage.DefaultParams(n, lineageBatch, len(t.X[0]))
		return &lineageWorkload{name: fmt.Sprintf("lineage/N=%d", n), p: p, raw: raw, x: t.X[:n]}, nil
	}})
	return out
}

type lineageWorkload struct {
	name string
	p    lineage.Params
	raw  [][]int64
	x    [][]float64
}

func (w *lineageWorkload) Name() string              { return w.name }
func (w *lineageWorkload) Elements() int             { return w.p.N * w.p.D }
func (w *lineageWorkload) Circuit() frontend.Circuit { return lineage.NewCircuit(w.p) }

func (w *lineageWorkload) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	c, _, err := w.p.Assign(curve, w.raw)
	return c, err
}

// Plain: min-max scaling of the same rows in float64 (find the ranges, scale).
func (w *lineageWorkload) Plain() func() {
	d := len(w.x[0])
	out := make([][]float64, len(w.x))
	for i := range out {
		out[i] = make([]float64, d)
	}
	lo, hi := make([]float64, d), make([]float64, d)
	return func() {
		copy(lo, w.x[0])
		copy(hi, w.x[0])
		for _, r := range w.x {
			for j, v := range r {
				lo[j], hi[j] = min(lo[j], v), max(hi[j], v)
			}
		}
		for i, r := range w.x {
			for j, v := range r {
				if hi[j] > lo[j] {
					out[i][j] = 2*(v-lo[j])/(hi[j]-lo[j]) - 1
				}
			}
		}
	}
}

// PlainBLAS is the same scaling with gonum: column ranges with floats.Min and
// floats.Max, then one scaled copy per column.
func (w *lineageWorkload) PlainBLAS() func() {
	n, d := len(w.x), len(w.x[0])
	x := mat.NewDense(n, d, nil)
	for i, r := range w.x {
		x.SetRow(i, r)
	}
	out := mat.NewDense(n, d, nil)
	col := make([]float64, n)
	return func() {
		for j := 0; j < d; j++ {
			mat.Col(col, j, x)
			lo, hi := floats.Min(col), floats.Max(col)
			if hi > lo {
				floats.AddConst(-lo, col)
				floats.Scale(2/(hi-lo), col)
				floats.AddConst(-1, col)
			} else {
				floats.Scale(0, col)
			}
			out.SetCol(j, col)
		}
	}
}
