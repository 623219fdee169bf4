package fhe

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// maxDiff is the largest absolute difference between two models.
func maxDiff(w1 []float64, b1 float64, w2 []float64, b2 float64) float64 {
	d := math.Abs(b1 - b2)
	for j := range w1 {
		d = max(d, math.Abs(w1[j]-w2[j]))
	}
	return d
}

// TestStepMatchesFloat64: the decrypted step equals the float64 step with the
// same activation within 1e-4 (CKKS noise), for least squares and for
// logistic regression, at sizes that do and do not fill the slots evenly.
func TestStepMatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	for _, c := range []struct {
		b, d     int
		logistic bool
	}{{8, 4, false}, {5, 3, false}, {32, 30, true}, {7, 9, true}} {
		s, err := NewStep(c.b, c.d, c.logistic, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		x := make([][]float64, c.b)
		y := make([]float64, c.b)
		for i := range x {
			x[i] = make([]float64, c.d)
			for j := range x[i] {
				x[i][j] = rng.Float64()*2 - 1
			}
			y[i] = rng.Float64()*2 - 1
			if c.logistic {
				y[i] = float64(rng.IntN(2))
			}
		}
		w := make([]float64, c.d)
		for j := range w {
			w[j] = rng.Float64() - 0.5
		}
		keys := s.KeyGen()
		batch, err := s.Encrypt(keys.Public, x, y, w, 0.25)
		if err != nil {
			t.Fatal(err)
		}
		ct, err := s.Eval(keys.Eval, batch)
		if err != nil {
			t.Fatal(err)
		}
		got, gotBias, err := s.Decrypt(keys.Secret, ct)
		if err != nil {
			t.Fatal(err)
		}
		act := func(z float64) float64 { return z }
		exact := act
		if c.logistic {
			act = Sigmoid3.At
			exact = func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
		}
		want, wantBias := Float64Step(x, y, w, 0.25, 0.1, act)
		if d := maxDiff(got, gotBias, want, wantBias); d > 1e-4 {
			t.Errorf("B=%d D=%d logistic=%v: decrypted step off the float64 step by %g", c.b, c.d, c.logistic, d)
		}
		ref, refBias := Float64Step(x, y, w, 0.25, 0.1, exact)
		t.Logf("B=%d D=%d logistic=%v: CKKS noise %.2g, against the exact sigmoid %.2g", c.b, c.d, c.logistic,
			maxDiff(got, gotBias, want, wantBias), maxDiff(got, gotBias, ref, refBias))
	}
}

func TestSigmoid3(t *testing.T) {
	var worst float64
	for x := -SigmoidInterval; x <= SigmoidInterval; x += 0.01 {
		worst = max(worst, math.Abs(Sigmoid3.At(x)-1/(1+math.Exp(-x))))
	}
	if Sigmoid3.A1 <= 0 || Sigmoid3.A3 >= 0 || worst > 0.15 {
		t.Errorf("cubic %+v, worst error %g on [-8, 8]", Sigmoid3, worst)
	}
	t.Logf("sigmoid ≈ 0.5 + %.6f x %+.8f x³, worst error %.3f on [-8, 8]", Sigmoid3.A1, Sigmoid3.A3, worst)
}

// TestRefusesOversize: sizes beyond the slots are refused before any work.
func TestRefusesOversize(t *testing.T) {
	for _, c := range []struct{ b, d int }{{128, 64}, {8193, 1}, {1, 8192}, {0, 3}} {
		if _, err := NewStep(c.b, c.d, false, 0.1); err == nil || !strings.Contains(err.Error(), "fhe:") {
			t.Errorf("B=%d D=%d: %v", c.b, c.d, err)
		}
	}
}
