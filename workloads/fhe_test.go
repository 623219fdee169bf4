package workloads

import (
	"math"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/fhe"
	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/training"
)

// TestFHEWorkloads: the harness measures an encrypted step with its stages
// mapped (key generation, encryption, step, decryption), once per suite and
// not per curve and backend, and the decrypted model matches the float64
// step of the same batch.
func TestFHEWorkloads(t *testing.T) {
	for _, name := range []string{"fhe-linreg/B=8,D=8", "fhe-logreg/B=16"} {
		w, err := bench.New(name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := bench.Run(w, bench.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.IsFHE() || r.Curve != "" || r.Constraints != 0 || r.FHEParams != fhe.ParamsName || r.SetupNs <= 0 || r.WitnessNs <= 0 ||
			r.ProveNs <= 0 || r.VerifyNs <= 0 || r.PlainNs <= 0 || r.ProofBytes <= 0 || r.PKBytes <= 0 || r.VKBytes <= 0 {
			t.Errorf("%s: result %+v", name, r)
		}
		// CKKS noise at 45-bit scale; the polynomial sigmoid adds its own error
		if r.FHENoise > 1e-4 || (!strings.Contains(name, "logreg") && r.FHEError > 1e-4) || r.FHEError > 0.05 {
			t.Errorf("%s: error %g, noise %g", name, r.FHEError, r.FHENoise)
		}
	}
	jobs := bench.SuiteRun{Names: []string{"fhe-linreg/B=8,D=8", "linreg/B=8,D=8"}, Curves: []ecc.ID{ecc.BN254, ecc.BLS12_381},
		Backends: []string{"groth16", "plonk"}}.Jobs()
	if len(jobs) != 5 || jobs[0].Backend != resultset.FHEBackend || jobs[0].Curve != ecc.UNKNOWN || jobs[0].Label() != "fhe-linreg/B=8,D=8 ckks" {
		t.Errorf("jobs %+v", jobs)
	}
}

// TestFHEWorkloadRefusesOversize: a size beyond the slots is refused when
// the workload is built, before any key is generated.
func TestFHEWorkloadRefusesOversize(t *testing.T) {
	if _, err := bench.New("fhe-linreg/B=128,D=64"); err == nil || !strings.Contains(err.Error(), "slots") {
		t.Errorf("fhe-linreg/B=128,D=64: %v", err)
	}
}

// TestFHETraining: five epochs of logistic regression trained under
// encryption reach the accuracy of the same training in float64 with the
// same polynomial sigmoid, and the float64 accuracy with the exact sigmoid
// within one point; every logit of the run stays inside the polynomial's
// interval.
func TestFHETraining(t *testing.T) {
	if FHETrainingEpochs != 5 {
		t.Fatalf("FHETrainingEpochs = %d; this test checks five", FHETrainingEpochs)
	}
	got, err := TrainLogRegCancerFHE(FHETrainingEpochs, 32, logregLR, 1)
	if err != nil {
		t.Fatal(err)
	}
	poly, maxLogit, err := trainLogRegCancerPoly(FHETrainingEpochs, 32, logregLR, 1, fhe.DefaultSigmoid)
	if err != nil {
		t.Fatal(err)
	}
	exact, err := training.LogReg.Train(FHETrainingEpochs, 32, logregLR, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got != poly || math.Abs(got-exact.Float64) > 0.01 {
		t.Errorf("encrypted training: test accuracy %.4f; float64 with the polynomial %.4f, with the exact sigmoid %.4f", got, poly, exact.Float64)
	}
	if maxLogit >= fhe.DefaultSigmoid.Interval {
		t.Errorf("a logit reached %.1f, beyond the polynomial's interval [−%g, %g]", maxLogit, fhe.DefaultSigmoid.Interval, fhe.DefaultSigmoid.Interval)
	}
	// the former cubic on [−8, 8] diverges within the same epochs
	if cubic, _, _ := trainLogRegCancerPoly(FHETrainingEpochs, 32, logregLR, 1, fhe.FitSigmoid(3, 8)); cubic > 0.6 {
		t.Errorf("float64 with the cubic on [−8, 8]: accuracy %.4f after %d epochs; the reason for the wider polynomial no longer holds", cubic, FHETrainingEpochs)
	}
	t.Logf("%d epochs: encrypted %.4f, float64 with %v %.4f (largest logit %.1f), float64 exact %.4f", FHETrainingEpochs, got, fhe.DefaultSigmoid, poly, maxLogit, exact.Float64)
}
