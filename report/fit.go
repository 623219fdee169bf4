// Package report turns stored results into the published report: the verdict
// table, scaling laws with extrapolations, the real-time frontier, a cost
// model and plots. It reads results/ only and never re-runs anything; the
// same inputs give the same bytes.
//
// Files:
//   - report.go: loading stored results (Load) and REPORT.md (Markdown).
//   - plots.go: the plots and Write, which writes every page.
//   - hosts.go: the per-host pages and the hosts page.
//   - results.go: a result set's own page.
//   - paths.go: the aggregation paths, encrypted chains and ceremony costs
//     stored as benchmark text.
//   - compare.go: two hosts or profiles side by side.
//   - fit.go: the scaling laws (power law, linear) and extrapolation.
package report

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// PowerLaw is y = Coef · x^Exp, fitted on a log-log scale.
type PowerLaw struct {
	Coef, Exp float64
	R2        float64 // coefficient of determination of the log-log fit
	N         int     // points
	MinX      float64 // range of the data, to flag extrapolation
	MaxX      float64
}

// FitPowerLaw fits log y = log Coef + Exp · log x by least squares. It needs
// two distinct positive x values.
func FitPowerLaw(xs, ys []float64) (PowerLaw, error) {
	if len(xs) != len(ys) {
		return PowerLaw{}, fmt.Errorf("fit: %d x values and %d y values", len(xs), len(ys))
	}
	var lx, ly []float64
	minX, maxX := math.Inf(1), math.Inf(-1)
	for i := range xs {
		if xs[i] <= 0 || ys[i] <= 0 {
			continue
		}
		lx = append(lx, math.Log(xs[i]))
		ly = append(ly, math.Log(ys[i]))
		minX, maxX = math.Min(minX, xs[i]), math.Max(maxX, xs[i])
	}
	if len(lx) < 2 || minX == maxX {
		return PowerLaw{}, fmt.Errorf("fit: need two distinct positive x values, have %d points", len(lx))
	}
	a, b := stat.LinearRegression(lx, ly, nil, false)
	r2 := stat.RSquared(lx, ly, nil, a, b)
	if math.IsNaN(r2) { // a perfect fit of constant y
		r2 = 1
	}
	return PowerLaw{Coef: math.Exp(a), Exp: b, R2: r2, N: len(lx), MinX: minX, MaxX: maxX}, nil
}

// At evaluates the law.
func (p PowerLaw) At(x float64) float64 { return p.Coef * math.Pow(x, p.Exp) }

// Solve returns the x at which the law reaches y.
func (p PowerLaw) Solve(y float64) float64 { return math.Pow(y/p.Coef, 1/p.Exp) }

// Extrapolated reports whether x lies outside the fitted range.
func (p PowerLaw) Extrapolated(x float64) bool { return x < p.MinX || x > p.MaxX }

func (p PowerLaw) String() string {
	return fmt.Sprintf("%.3g·x^%.3f (R²=%.3f, n=%d)", p.Coef, p.Exp, p.R2, p.N)
}

// Linear is y = Intercept + Slope·x.
type Linear struct {
	Intercept, Slope, R2 float64
	N                    int
}

// FitLinear fits a straight line by least squares; it needs two distinct x.
func FitLinear(xs, ys []float64) (Linear, error) {
	if len(xs) != len(ys) || len(xs) < 2 {
		return Linear{}, fmt.Errorf("fit: need two points, have %d x and %d y values", len(xs), len(ys))
	}
	distinct := false
	for _, x := range xs {
		distinct = distinct || x != xs[0]
	}
	if !distinct {
		return Linear{}, fmt.Errorf("fit: need two distinct x values")
	}
	a, b := stat.LinearRegression(xs, ys, nil, false)
	r2 := stat.RSquared(xs, ys, nil, a, b)
	if math.IsNaN(r2) {
		r2 = 1
	}
	return Linear{Intercept: a, Slope: b, R2: r2, N: len(xs)}, nil
}

// At evaluates the line.
func (l Linear) At(x float64) float64 { return l.Intercept + l.Slope*x }
