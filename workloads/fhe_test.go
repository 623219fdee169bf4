package workloads

import (
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/fhe"
	"github.com/potbench/potbench/resultset"
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
		// CKKS noise at 45-bit scale; the cubic sigmoid adds its own error
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

// TestFHETraining: one epoch of logistic regression trained under
// encryption reaches the accuracy of the same training in float64 with the
// same cubic sigmoid.
func TestFHETraining(t *testing.T) {
	got, err := TrainLogRegCancerFHE(1, 32, 0.1, 1)
	if err != nil {
		t.Fatal(err)
	}
	want, err := trainLogRegCancerCubic(1, 32, 0.1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got != want || got < 0.9 {
		t.Errorf("encrypted training: test accuracy %.4f, float64 with the cubic %.4f", got, want)
	}
	// why the comparison stops at one epoch: with the cubic, the logits
	// leave [-8, 8] and training diverges by the third
	two, _ := trainLogRegCancerCubic(2, 32, 0.1, 1)
	three, _ := trainLogRegCancerCubic(3, 32, 0.1, 1)
	if two < 0.9 || three > 0.6 {
		t.Errorf("float64 with the cubic: accuracy %.4f after 2 epochs, %.4f after 3; FHETrainingEpochs's reason no longer holds", two, three)
	}
}
