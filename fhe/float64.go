package fhe

// Float64Step is the step the encrypted one computes, in float64 with
// activation act (the identity for least squares, a Sigmoid's At or the
// exact sigmoid for logistic regression): it returns the new weights and
// bias.
func Float64Step(x [][]float64, y, w []float64, bias, lr float64, act func(float64) float64) ([]float64, float64) {
	g := make([]float64, len(w))
	var gb float64
	for i, r := range x {
		z := bias
		for j, v := range r {
			z += v * w[j]
		}
		e := act(z) - y[i]
		for j, v := range r {
			g[j] += v * e
		}
		gb += e
	}
	out := make([]float64, len(w))
	for j := range w {
		out[j] = w[j] - lr/float64(len(x))*g[j]
	}
	return out, bias - lr/float64(len(x))*gb
}
