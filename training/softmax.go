package training

import (
	"fmt"
	"math"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/softmax"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/resultset"
)

// SoftmaxPlainStep is one mini-batch SGD step of softmax regression in
// float64 (w is K × D, updated in place with b).
func SoftmaxPlainStep(x [][]float64, y []int, w [][]float64, b []float64, lr float64) {
	k := len(w)
	gw := make([][]float64, k)
	for c := range gw {
		gw[c] = make([]float64, len(w[c]))
	}
	gb := make([]float64, k)
	z := make([]float64, k)
	for i, row := range x {
		for c := range w {
			z[c] = b[c]
			for j, v := range row {
				z[c] += v * w[c][j]
			}
		}
		SoftmaxInPlace(z)
		for c := range z {
			e := z[c]
			if c == y[i] {
				e--
			}
			for j, v := range row {
				gw[c][j] += v * e
			}
			gb[c] += e
		}
	}
	scale := lr / float64(len(x))
	for c := range w {
		for j := range w[c] {
			w[c][j] -= scale * gw[c][j]
		}
		b[c] -= scale * gb[c]
	}
}

// TrainSoftmaxDigits trains softmax regression on digits (seeded shuffle,
// 1437 rows to train, 360 to test) and reports test accuracy both ways.
func TrainSoftmaxDigits(epochs, batch int, lr float64, seed uint64, snap func(step, batch int, ds *commit.Dataset, m softmax.Model, lr int64)) (TrainReport, error) {
	t, err := datasets.Digits()
	if err != nil {
		return TrainReport{}, err
	}
	p := softmax.DefaultParams(batch, t.Features(), t.Classes, Depth(1437, batch))
	sp, err := NewSplit(t, seed, 1437, batch, p.Data)
	if err != nil {
		return TrainReport{}, err
	}
	trainS, testS, testRows, ds := sp.Train, sp.Test, sp.TestRows, sp.DS
	lrInt := int64(math.Round(lr * float64(int64(1)<<p.LRFrac)))
	m := p.Zero()
	w := make([][]float64, p.K)
	for c := range w {
		w[c] = make([]float64, p.D)
	}
	b := make([]float64, p.K)
	step := 0
	for range epochs {
		for k := 0; k < ds.NumBatches(); k++ {
			if snap != nil {
				snap(step, k, ds, m.Clone(), lrInt)
			}
			if m, err = p.NativeStep(m, ds.Batch(k), lrInt); err != nil {
				return TrainReport{}, fmt.Errorf("step %d: %w", step, err)
			}
			ys := make([]int, batch)
			for i := range ys {
				ys[i] = int(trainS.Y[k*batch+i])
			}
			SoftmaxPlainStep(trainS.X[k*batch:(k+1)*batch], ys, w, b, lr)
			step++
		}
	}
	var fixedOK, floatOK int
	for i, r := range testRows {
		label := int(testS.Y[i])
		if p.Predict(m, r[:p.D]) == label {
			fixedOK++
		}
		best, bestZ := 0, math.Inf(-1)
		for c := range w {
			z := b[c]
			for j, x := range testS.X[i] {
				z += x * w[c][j]
			}
			if z > bestZ {
				best, bestZ = c, z
			}
		}
		if best == label {
			floatOK++
		}
	}
	n := float64(len(testRows))
	return TrainReport{Training: resultset.Training{Model: "softmax", Dataset: "digits", Metric: "accuracy", Epochs: epochs, Batch: batch, LR: lr,
		TrainRows: trainS.Rows(), TestRows: len(testRows), FixedPoint: float64(fixedOK) / n, Float64: float64(floatOK) / n}, StepsProved: step,
		Train: trainS, Test: testS, Quant: testRows, Dataset: ds}, nil
}

// SoftmaxInPlace turns logits into probabilities, subtracting the maximum first.
func SoftmaxInPlace(z []float64) {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = math.Max(mx, v)
	}
	var s float64
	for k := range z {
		z[k] = math.Exp(z[k] - mx)
		s += z[k]
	}
	for k := range z {
		z[k] /= s
	}
}
