package fhe

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/tuneinsight/lattigo/v6/core/rlwe"
	"github.com/tuneinsight/lattigo/v6/schemes/ckks"
)

// maxDiff is the largest absolute difference between two models.
func maxDiff(w1 []float64, b1 float64, w2 []float64, b2 float64) float64 {
	d := math.Abs(b1 - b2)
	for j := range w1 {
		d = max(d, math.Abs(w1[j]-w2[j]))
	}
	return d
}

// randomBatch is a batch of b rows of d features in [−1, 1], targets in
// [−1, 1] or 0/1 labels, and a model.
func randomBatch(rng *rand.Rand, b, d int, logistic bool) (x [][]float64, y, w []float64) {
	x = make([][]float64, b)
	y = make([]float64, b)
	for i := range x {
		x[i] = make([]float64, d)
		for j := range x[i] {
			x[i][j] = rng.Float64()*2 - 1
		}
		y[i] = rng.Float64()*2 - 1
		if logistic {
			y[i] = float64(rng.IntN(2))
		}
	}
	w = make([]float64, d)
	for j := range w {
		w[j] = rng.Float64() - 0.5
	}
	return x, y, w
}

// TestStepMatchesFloat64: the decrypted step equals the float64 step with the
// same activation, within 1e-6 for least squares and 1e-5 for logistic
// regression (CKKS noise), in both layouts, at sizes that do and do not fill
// the slots evenly (B and D not powers of two, one row, one feature).
func TestStepMatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(81, 82))
	for _, c := range []struct {
		b, d     int
		logistic bool
	}{{8, 4, false}, {5, 3, false}, {1, 1, false}, {64, 64, false}, {32, 30, true}, {7, 9, true}, {3, 1, true}} {
		for _, packing := range []Packing{Padded, Blocks} {
			params, err := Params()
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewStepWith(params, c.b, c.d, c.logistic, 0.1, packing)
			if err != nil {
				t.Fatal(err)
			}
			x, y, w := randomBatch(rng, c.b, c.d, c.logistic)
			keys := s.KeyGen()
			batch, err := s.Encrypt(keys.Public, x, y, w, 0.25)
			if err != nil {
				t.Fatal(err)
			}
			ct, err := s.Eval(keys.Eval, batch)
			if err != nil {
				t.Fatalf("B=%d D=%d %v: %v", c.b, c.d, packing, err)
			}
			got, gotBias, err := s.Decrypt(keys.Secret, ct)
			if err != nil {
				t.Fatal(err)
			}
			act, bound := func(z float64) float64 { return z }, 1e-6
			exact := act
			if c.logistic {
				act, bound = s.Sigmoid.At, 1e-5
				exact = func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
			}
			want, wantBias := Float64Step(x, y, w, 0.25, 0.1, act)
			if d := maxDiff(got, gotBias, want, wantBias); d > bound {
				t.Errorf("B=%d D=%d logistic=%v %v: decrypted step off the float64 step by %g", c.b, c.d, c.logistic, packing, d)
			}
			if packing == Padded && ct.Level() != 0 {
				t.Errorf("B=%d D=%d logistic=%v: the batch was encrypted with %d levels to spare", c.b, c.d, c.logistic, ct.Level())
			}
			ref, refBias := Float64Step(x, y, w, 0.25, 0.1, exact)
			t.Logf("B=%d D=%d logistic=%v %v: depth %d, %d rotations; CKKS noise %.2g, against the exact sigmoid %.2g", c.b, c.d, c.logistic, packing,
				s.Depth(), len(s.Rotations()), maxDiff(got, gotBias, want, wantBias), maxDiff(got, gotBias, ref, refBias))
		}
	}
}

// TestLayoutRoundTrips: a batch and a model encrypted in either layout
// decrypt, slot by slot, to the layout the package doc states: each row's
// features, the bias's 1 and zeros; the targets where the error is formed;
// the model in every row.
func TestLayoutRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(83, 84))
	for _, packing := range []Packing{Padded, Blocks} {
		params, _ := Params()
		s, err := NewStepWith(params, 3, 2, false, 0.1, packing)
		if err != nil {
			t.Fatal(err)
		}
		x, y, w := randomBatch(rng, 3, 2, false)
		keys := s.KeyGen()
		b, err := s.Encrypt(keys.Public, x, y, w, -0.75)
		if err != nil {
			t.Fatal(err)
		}
		slots := func(ct *rlwe.Ciphertext) []float64 {
			v := make([]float64, params.MaxSlots())
			if err := ckks.NewEncoder(params).Decode(rlwe.NewDecryptor(params, keys.Secret).DecryptNew(ct), v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		got := map[string][]float64{"X": slots(b.X), "XW": slots(b.XW), "Y": slots(b.Y), "W": slots(b.W)}
		for k := range params.MaxSlots() {
			i, j := (k/s.period)%s.rows, k%s.period
			want := map[string]float64{}
			switch {
			case i < 3 && j < 2:
				want["X"], want["XW"] = x[i][j], x[i][j]
			case j == 2:
				want["X"], want["XW"] = 1, 1
				if i >= 3 {
					want["X"] = 0
					if packing == Blocks {
						want["XW"] = 0
					}
				}
			}
			switch {
			case j < 2:
				want["W"] = w[j]
			case j == 2:
				want["W"] = -0.75
			}
			if packing == Blocks && i < 3 && j == 0 {
				want["Y"] = y[i]
			}
			// Padded: the target of row r sits D slots before its data slots
			if r, jj := ((k+2)/s.period)%s.rows, (k+2)%s.period; packing == Padded && r < 3 && jj <= 2 {
				want["Y"] = y[r]
			}
			for name, v := range got {
				if math.Abs(v[k]-want[name]) > 1e-6 {
					t.Fatalf("%v: %s slot %d (row %d, slot %d of %d) holds %g, want %g", packing, name, k, i, j, s.period, v[k], want[name])
				}
			}
		}
		gw, gb, err := s.Decrypt(keys.Secret, b.W)
		if err != nil {
			t.Fatal(err)
		}
		if d := maxDiff(gw, gb, w, -0.75); d > 1e-9 {
			t.Errorf("%v: the model decrypts %g off itself", packing, d)
		}
	}
}

// TestRotations: the padded step at B = D = 64 takes 14 rotations (7 window
// sums, the rotation by −D, 6 column sums) and one Galois key each; the
// former layout takes 20.
func TestRotations(t *testing.T) {
	params, _ := Params()
	for _, c := range []struct {
		packing   Packing
		rotations int
	}{{Padded, 14}, {Blocks, 20}} {
		s, err := NewStepWith(params, 64, 64, false, 0.1, c.packing)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Rotations()) != c.rotations {
			t.Errorf("%v: %d rotations %v, want %d", c.packing, len(s.Rotations()), s.Rotations(), c.rotations)
		}
		if c.packing == Padded && s.GaloisKeys() != c.rotations {
			t.Errorf("%v: %d Galois keys for %d rotations", c.packing, s.GaloisKeys(), c.rotations)
		}
	}
}

// TestSigmoid: the default approximation stays within its stated error of
// the logistic function on its interval, is odd about 1/2, and fits the
// levels; the fit improves with the degree.
func TestSigmoid(t *testing.T) {
	s := DefaultSigmoid
	worst := s.MaxError()
	for x := -s.Interval; x <= s.Interval; x += 0.01 {
		if d := math.Abs(s.At(x) - 1/(1+math.Exp(-x))); d > worst+1e-12 {
			t.Fatalf("%v: error %g at %g beyond its bound %g", s, d, x, worst)
		}
		if d := s.At(x) + s.At(-x) - 1; math.Abs(d) > 1e-12 {
			t.Fatalf("%v: not odd about 1/2 at %g", s, x)
		}
	}
	if s.Depth() != 3 || worst > 0.3 || s.At(0) != 0.5 || s.At(1) <= 0.5 {
		t.Errorf("%v: depth %d, worst error %g", s, s.Depth(), worst)
	}
	if hi := FitSigmoid(15, s.Interval); hi.MaxError() >= worst || hi.Depth() != 4 {
		t.Errorf("degree 15: error %g, depth %d", hi.MaxError(), hi.Depth())
	}
	t.Logf("%v: worst error %.3f, depth %d", s, worst, s.Depth())
}

// TestRefusesOversize: sizes beyond the slots are refused before any work.
func TestRefusesOversize(t *testing.T) {
	for _, c := range []struct{ b, d int }{{128, 64}, {8193, 1}, {1, 8192}, {0, 3}, {64, 65}} {
		if _, err := NewStep(c.b, c.d, false, 0.1); err == nil || !strings.Contains(err.Error(), "fhe:") {
			t.Errorf("B=%d D=%d: %v", c.b, c.d, err)
		}
	}
}

// BenchmarkStep times the encrypted step in both layouts: least squares at
// B = D = 64 and logistic regression at B = 64, D = 30 (breast_cancer's
// width), with the rotations and levels of each.
func BenchmarkStep(b *testing.B) {
	params, err := Params()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(85, 86))
	for _, c := range []struct {
		name     string
		b, d     int
		logistic bool
	}{{"linreg/B=64,D=64", 64, 64, false}, {"logreg/B=64,D=30", 64, 30, true}, {"logreg/B=32,D=30", 32, 30, true}} {
		for _, packing := range []Packing{Padded, Blocks} {
			b.Run(c.name+"/packing="+packing.String(), func(b *testing.B) {
				s, err := NewStepWith(params, c.b, c.d, c.logistic, 0.1, packing)
				if err != nil {
					b.Fatal(err)
				}
				x, y, w := randomBatch(rng, c.b, c.d, c.logistic)
				keys := s.KeyGen()
				batch, err := s.Encrypt(keys.Public, x, y, w, 0)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := s.Eval(keys.Eval, batch); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(s.Rotations())), "rotations")
				b.ReportMetric(float64(s.Depth()), "levels")
			})
		}
	}
}
