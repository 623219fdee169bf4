package fhe

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Sigmoid is an odd polynomial approximation of the logistic function on
// [−Interval, Interval]: 0.5 + Σ Coeffs[k]·x^(2k+1), fitted by least
// squares in the variable x/Interval (where the odd monomials are well
// conditioned) and stated here in x, the form the encrypted step evaluates.
type Sigmoid struct {
	Degree   int     // odd
	Interval float64 // the fit covers [−Interval, Interval]
	Coeffs   []float64
}

// DefaultSigmoid is the approximation the logistic step uses: degree 7 on
// [−48, 48]. The interval is wide enough that the logits of five epochs of
// logistic regression on breast_cancer at learning rate 0.1 stay inside it
// (they reach about 42.5; the cubic on [−8, 8] let them leave in the third
// epoch and training diverged), and degree 7 takes 3 levels, so the step
// still fits the 6 levels of the standard parameters.
var DefaultSigmoid = FitSigmoid(7, 48)

// FitSigmoid fits the odd polynomial of the given degree to the logistic
// function on [−interval, interval] by least squares over 4001 evenly spaced
// points.
func FitSigmoid(degree int, interval float64) *Sigmoid {
	if degree < 1 || degree%2 == 0 || interval <= 0 {
		panic(fmt.Sprintf("fhe: an odd sigmoid approximation needs an odd degree and an interval, got %d on [−%g, %g]", degree, interval, interval))
	}
	const n = 4001
	terms := (degree + 1) / 2
	a := mat.NewDense(n, terms, nil)
	b := mat.NewVecDense(n, nil)
	for i := range n {
		x := -interval + 2*interval*float64(i)/(n-1)
		t := x / interval
		for k := range terms {
			a.Set(i, k, math.Pow(t, float64(2*k+1)))
		}
		b.SetVec(i, 1/(1+math.Exp(-x))-0.5)
	}
	var c mat.VecDense
	if err := c.SolveVec(a, b); err != nil {
		panic(err) // a fixed, well-conditioned least-squares problem
	}
	s := &Sigmoid{Degree: degree, Interval: interval, Coeffs: make([]float64, terms)}
	for k := range terms {
		s.Coeffs[k] = c.AtVec(k) / math.Pow(interval, float64(2*k+1))
	}
	return s
}

// At evaluates the approximation.
func (s *Sigmoid) At(x float64) float64 {
	y, x2, p := 0.5, x*x, x
	for _, c := range s.Coeffs {
		y += c * p
		p *= x2
	}
	return y
}

// Depth is the number of levels the evaluation takes:
// ceil(log2(Degree+1)).
func (s *Sigmoid) Depth() int {
	d := 0
	for 1<<d < s.Degree+1 {
		d++
	}
	return d
}

// MaxError is the largest difference from the logistic function on the
// interval, over 100,001 evenly spaced points.
func (s *Sigmoid) MaxError() float64 {
	const n = 100001
	var worst float64
	for i := range n {
		x := -s.Interval + 2*s.Interval*float64(i)/(n-1)
		worst = max(worst, math.Abs(s.At(x)-1/(1+math.Exp(-x))))
	}
	return worst
}

// normalized returns the coefficients of factor·(approximation − 1/2) in
// the variable t = x/Interval, constant first: the form the encrypted step
// evaluates, with coefficients of order one (in x, the top one is below
// 1e−11 and would round away at a 45-bit scale).
func (s *Sigmoid) normalized(factor float64) []float64 {
	out := make([]float64, s.Degree+1)
	for k, c := range s.Coeffs {
		out[2*k+1] = c * math.Pow(s.Interval, float64(2*k+1)) * factor
	}
	return out
}

// String names the approximation as the report states it.
func (s *Sigmoid) String() string {
	return fmt.Sprintf("odd degree-%d least-squares fit on [−%g, %g]", s.Degree, s.Interval, s.Interval)
}
