package training

import (
	"math"
)

// LogRegPlainStep is one mini-batch SGD step of logistic regression in
// float64 with the exact sigmoid: it updates w in place and returns the new
// bias; grad is scratch of len(w).
func LogRegPlainStep(x [][]float64, y, w []float64, b, lr float64, grad []float64) float64 {
	clear(grad)
	var gb float64
	for i, row := range x {
		z := b
		for j, v := range row {
			z += v * w[j]
		}
		e := 1/(1+math.Exp(-z)) - y[i]
		for j, v := range row {
			grad[j] += v * e
		}
		gb += e
	}
	scale := lr / float64(len(x))
	for j := range w {
		w[j] -= scale * grad[j]
	}
	return b - scale*gb
}

// LinRegPlainStep is one mini-batch SGD step of linear regression in float64,
// written as plainly as the circuit's statement: it updates w in place and
// returns the new bias; grad is scratch of len(w).
func LinRegPlainStep(x [][]float64, y, w []float64, b, lr float64, grad []float64) float64 {
	clear(grad)
	var gb float64
	for i, row := range x {
		e := b - y[i]
		for j, v := range row {
			e += v * w[j]
		}
		for j, v := range row {
			grad[j] += v * e
		}
		gb += e
	}
	scale := lr / float64(len(x))
	for j := range w {
		w[j] -= scale * grad[j]
	}
	return b - scale*gb
}
