package workloads

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"gonum.org/v1/gonum/mat"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/training"
)

// Chain workloads: "chain/K=4,B=16,D=16" proves K consecutive linear-
// regression steps on the synthetic table in one proof.
func chainFamilies() (out []bench.FamilyDef) {
	out = append(out, bench.FamilyDef{Name: "chain", Bench: "Chain", Example: "K=4,B=16,D=16", Keys: []string{"K", "B", "D"}, New: func(s map[string]int) (bench.Workload, error) {
		batches := max(linregBatches, s["K"])
		t := datasets.Synthetic(s["B"]*batches, s["D"], 1)
		base, err := newLinReg(fmt.Sprintf("chain/K=%d,B=%d,D=%d", s["K"], s["B"], s["D"]), t, s["B"])
		if err != nil {
			return nil, err
		}
		p := chain.Params{K: s["K"], Step: base.params}
		return &chainWorkload{linRegWorkload: base, p: p, first: 0}, nil
	}})
	return out
}

type chainWorkload struct {
	*linRegWorkload
	p     chain.Params
	first int
}

func (w *chainWorkload) Elements() int             { return w.p.K * w.params.B * w.params.D }
func (w *chainWorkload) Circuit() frontend.Circuit { return chain.NewCircuit(w.p) }

func (w *chainWorkload) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	ds, err := w.ds.On(curve)
	if err != nil {
		return nil, err
	}
	c, _, err := w.p.Assign(ds, w.first, w.model.Values(), w.lr)
	return c, err
}

// Plain is the same K steps in float64 on the same batches.
func (w *chainWorkload) Plain() func() {
	xs, ys := w.batchesF64()
	weights := append([]float64{}, w.w...)
	bias := w.bias
	grad := make([]float64, len(weights))
	return func() {
		for t := range xs {
			bias = training.LinearPlainStep(xs[t], ys[t], weights, bias, w.lrF, nil, grad)
		}
	}
}

// PlainBLAS is the same K steps with gonum matrices.
func (w *chainWorkload) PlainBLAS() func() {
	xs, ys := w.batchesF64()
	b, d := len(xs[0]), len(w.w)
	var xm []*mat.Dense
	var ym []*mat.VecDense
	for t := range xs {
		x := mat.NewDense(b, d, nil)
		for i, r := range xs[t] {
			x.SetRow(i, r)
		}
		xm, ym = append(xm, x), append(ym, mat.NewVecDense(b, ys[t]))
	}
	weights := mat.NewVecDense(d, append([]float64{}, w.w...))
	bias := w.bias
	e, g := mat.NewVecDense(b, nil), mat.NewVecDense(d, nil)
	scale := w.lrF / float64(b)
	return func() {
		for t := range xm {
			e.MulVec(xm[t], weights)
			for i := 0; i < b; i++ {
				e.SetVec(i, e.AtVec(i)+bias)
			}
			e.SubVec(e, ym[t])
			g.MulVec(xm[t].T(), e)
			weights.AddScaledVec(weights, -scale, g)
			bias -= scale * mat.Sum(e)
		}
	}
}

func (w *chainWorkload) batchesF64() ([][][]float64, [][]float64) {
	var xs [][][]float64
	var ys [][]float64
	p := w.params
	for t := 0; t < w.p.K; t++ {
		var x [][]float64
		var y []float64
		for _, r := range w.ds.Batch(w.first + t) {
			row := make([]float64, p.D)
			for j := range row {
				row[j] = p.Data.Decode(r[j])
			}
			x = append(x, row)
			y = append(y, p.Data.Decode(r[p.D]))
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	return xs, ys
}

// EpochSteps is the number of proofs an epoch takes: each covers K batches.
func (w *chainWorkload) EpochSteps() int { return w.ds.NumBatches() / w.p.K }
