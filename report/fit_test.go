package report

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFitPowerLawExact(t *testing.T) {
	xs := []float64{10, 100, 1000, 1e4}
	ys := make([]float64, len(xs))
	for i, x := range xs {
		ys[i] = 3.5 * math.Pow(x, 1.25)
	}
	p, err := FitPowerLaw(xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.Exp-1.25) > 1e-9 || math.Abs(p.Coef-3.5) > 1e-9 || p.R2 < 1-1e-12 {
		t.Errorf("fit = %+v, want 3.5·x^1.25 with R²=1", p)
	}
	if x := p.Solve(p.At(5e5)); math.Abs(x-5e5)/5e5 > 1e-9 {
		t.Errorf("Solve(At(5e5)) = %g", x)
	}
	if !p.Extrapolated(5e5) || p.Extrapolated(500) {
		t.Error("extrapolation range wrong")
	}
}

func TestFitPowerLawNoisy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var xs, ys []float64
	for i := range 200 {
		x := math.Pow(10, 1+4*float64(i)/200)
		xs = append(xs, x)
		ys = append(ys, 0.02*math.Pow(x, 0.8)*math.Exp(0.05*rng.NormFloat64()))
	}
	p, err := FitPowerLaw(xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.Exp-0.8) > 0.01 || p.R2 < 0.99 || p.R2 > 1 {
		t.Errorf("noisy fit = %+v, want exponent 0.8 ± 0.01 and R² in (0.99, 1]", p)
	}
}

func TestFitPowerLawErrors(t *testing.T) {
	if _, err := FitPowerLaw([]float64{5, 5}, []float64{1, 2}); err == nil {
		t.Error("fit with one distinct x accepted")
	}
	if _, err := FitPowerLaw([]float64{1, -2, 0}, []float64{1, 2, 3}); err == nil {
		t.Error("fit with one positive point accepted")
	}
}

func TestFitLinear(t *testing.T) {
	l, err := FitLinear([]float64{64, 256, 1024, 4096}, []float64{1000 + 8*64, 1000 + 8*256, 1000 + 8*1024, 1000 + 8*4096})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l.Intercept-1000) > 1e-6 || math.Abs(l.Slope-8) > 1e-9 || l.R2 < 1-1e-12 || l.At(1e6) != 1000+8e6 {
		t.Errorf("fit = %+v", l)
	}
	if _, err := FitLinear([]float64{3, 3}, []float64{1, 2}); err == nil {
		t.Error("fit with one distinct x accepted")
	}
}

func TestExtrapolateProve(t *testing.T) {
	// a known law t = 2e-6 · c^1.2 (ns): from the point at 1e4, 1e8 follows exactly
	law := func(c float64) float64 { return 2e-6 * math.Pow(c, 1.2) }
	if got, want := ExtrapolateProve(law(1e4), 1e4, 1.2, 1e8), law(1e8); math.Abs(got-want)/want > 1e-12 {
		t.Errorf("exponent 1.2: %g, want %g", got, want)
	}
	// a sublinear fit is not extrapolated below linear growth
	if got := ExtrapolateProve(5, 100, 0.7, 1e6); math.Abs(got-5e4) > 1e-6 {
		t.Errorf("exponent 0.7: %g, want the linear 5e4", got)
	}
}
