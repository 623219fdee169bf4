package fhe

import (
	"flag"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/potbench/potbench/internal/peakmem"
	"github.com/tuneinsight/lattigo/v6/circuits/ckks/bootstrapping"
	"github.com/tuneinsight/lattigo/v6/ring"
	"github.com/tuneinsight/lattigo/v6/schemes/ckks"
	"github.com/tuneinsight/lattigo/v6/utils"
)

var bootstrapFlag = flag.Bool("fhe.bootstrap", false, "run BenchmarkChainBootstrap (logN=16 bootstrapping keys: a minute of key generation and several GB)")

// BenchmarkChainBootstrap runs K encrypted logistic-regression steps in a
// row, the model staying encrypted throughout: when it has fewer levels left
// than a step takes, it is bootstrapped. The parameters are lattigo's
// bootstrapping example (logN=16, 10 residual levels of 40 bits; lattigo
// rates the bootstrapping parameters at least 128-bit when their logQP is
// at most 1550, reported as boot-logQP). It reports the step, the bootstrap,
// and their sum per step of the chain, and the error against the float64
// chain with the same polynomial sigmoid. Opt-in: -args -fhe.bootstrap.
func BenchmarkChainBootstrap(b *testing.B) {
	if !*bootstrapFlag {
		b.Skip("opt-in: pass -args -fhe.bootstrap")
	}
	const logN, batch, features, steps = 16, 32, 30, 6
	params, err := ckks.NewParametersFromLiteral(ckks.ParametersLiteral{
		LogN: logN, LogQ: []int{55, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40}, LogP: []int{61, 61, 61},
		LogDefaultScale: 40, Xs: ring.Ternary{H: 192}})
	if err != nil {
		b.Fatal(err)
	}
	btpParams, err := bootstrapping.NewParametersFromLiteral(params, bootstrapping.ParametersLiteral{LogN: utils.Pointy(logN), LogP: []int{61, 61, 61, 61}, Xs: params.Xs()})
	if err != nil {
		b.Fatal(err)
	}
	s, err := NewStepWith(params, batch, features, true, 0.1, Padded)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(101, 102))
	var xs [][][]float64
	var ys [][]float64
	for range steps {
		x := make([][]float64, batch)
		y := make([]float64, batch)
		for i := range x {
			x[i] = make([]float64, features)
			for j := range x[i] {
				x[i][j] = (rng.Float64()*2 - 1) / 2
			}
			y[i] = float64(rng.IntN(2))
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	for b.Loop() {
		start := time.Now()
		keys := s.KeyGen()
		btpKeys, _, err := btpParams.GenEvaluationKeys(keys.Secret)
		if err != nil {
			b.Fatal(err)
		}
		btp, err := bootstrapping.NewEvaluator(btpParams, btpKeys)
		if err != nil {
			b.Fatal(err)
		}
		keygen := time.Since(start)
		w0 := make([]float64, features)
		model, err := s.EncryptModel(keys.Public, w0, 0, params.MaxLevel())
		if err != nil {
			b.Fatal(err)
		}
		var stepT, bootT time.Duration
		boots := 0
		for k := range steps {
			if model.Level() < s.Depth() {
				t0 := time.Now()
				if model, err = btp.Bootstrap(model); err != nil {
					b.Fatal(err)
				}
				bootT += time.Since(t0)
				boots++
			}
			batchK, err := s.EncryptBatch(keys.Public, xs[k], ys[k], model) // the data owner's encrypted batch
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			if model, err = s.Eval(keys.Eval, batchK); err != nil {
				b.Fatal(err)
			}
			stepT += time.Since(t0)
		}
		got, gotBias, err := s.Decrypt(keys.Secret, model)
		if err != nil {
			b.Fatal(err)
		}
		want, wantBias := append([]float64{}, w0...), 0.0
		for k := range steps {
			want, wantBias = Float64Step(xs[k], ys[k], want, wantBias, 0.1, s.Sigmoid.At)
		}
		b.ReportMetric(float64(keygen.Nanoseconds()), "keygen-ns")
		b.ReportMetric(float64(stepT.Nanoseconds())/steps, "step-ns")
		if boots > 0 {
			b.ReportMetric(float64(bootT.Nanoseconds())/float64(boots), "bootstrap-ns")
		}
		b.ReportMetric(float64(boots), "bootstraps")
		b.ReportMetric(float64((stepT+bootT).Nanoseconds())/steps, "ns/chain-step")
		worst := maxDiff(got, gotBias, want, wantBias)
		b.ReportMetric(worst, "max-error")
		b.ReportMetric(-math.Log2(worst), "error-bits") // max-error prints 7 decimals; this keeps what they round away
		b.ReportMetric(btpParams.BootstrappingParameters.LogQP(), "boot-logQP")
		b.ReportMetric(float64(peakmem.Peak()), "peak-B")
	}
}
