package fhe

import "github.com/potbench/potbench/training"

// Float64Step is the step the encrypted one computes, in float64 with
// activation act (the identity for least squares, a Sigmoid's At or the
// exact sigmoid for logistic regression): it returns the new weights and
// bias, leaving w as it was.
func Float64Step(x [][]float64, y, w []float64, bias, lr float64, act func(float64) float64) ([]float64, float64) {
	out := append([]float64{}, w...)
	return out, training.LinearPlainStep(x, y, out, bias, lr, act, make([]float64, len(w)))
}
