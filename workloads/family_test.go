package workloads

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/training"
)

// TestDerivedStep: the step workload the harness derives from a descriptor
// alone (for a family with no workload file) builds for every family, its
// circuit accepts its assignment, and its plain step runs.
func TestDerivedStep(t *testing.T) {
	for _, f := range training.Families() {
		w, err := familyStep(f).New(map[string]int{"B": 8})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		a, err := w.Assignment(ecc.BN254)
		if err != nil {
			t.Fatalf("%s: %v", w.Name(), err)
		}
		if err := test.IsSolved(w.Circuit(), a, ecc.BN254.ScalarField()); err != nil {
			t.Errorf("%s: %v", w.Name(), err)
		}
		w.Plain()()
		if w.Elements() <= 0 || w.(interface{ EpochSteps() int }).EpochSteps() < 2 {
			t.Errorf("%s: %d elements, %d steps an epoch", w.Name(), w.Elements(), w.(interface{ EpochSteps() int }).EpochSteps())
		}
	}
	if _, err := familyStep(training.Softmax).New(map[string]int{"B": 5000}); err == nil {
		t.Error("a batch larger than the training set was accepted")
	}
}
