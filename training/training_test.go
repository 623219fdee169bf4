package training

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
)

// Fixed-point training must track float64 training on the real data: test
// accuracies at most one percentage point apart (mean squared errors 1%),
// and the family's step circuit accepts a step taken from the middle of the
// run.
func TestTrainingFixedVsFloat(t *testing.T) {
	for _, f := range Families() {
		t.Run(f.Name, func(t *testing.T) {
			var mid Snapshot
			rep, err := f.Train(f.CompareEpochs, 32, f.LR, 1, func(s Snapshot) {
				if s.Step == 30 {
					mid = s
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s on %s, %d steps: test %s fixed-point %.4f, float64 %.4f", f.Title, f.Dataset, rep.StepsProved, f.Metric, rep.FixedPoint, rep.Float64)
			if f.Metric == "mse" {
				if math.Abs(rep.FixedPoint-rep.Float64) > 0.01*rep.Float64 {
					t.Errorf("fixed-point MSE %.4f vs float64 %.4f: more than 1%% apart", rep.FixedPoint, rep.Float64)
				}
			} else {
				if math.Abs(rep.FixedPoint-rep.Float64) > 0.01 {
					t.Errorf("fixed-point accuracy %.4f vs float64 %.4f: more than 1 point apart", rep.FixedPoint, rep.Float64)
				}
				if rep.Float64 < 0.9 {
					t.Errorf("float64 accuracy %.4f: training did not learn", rep.Float64)
				}
			}
			sh := f.Shape(Dims{B: 32, Depth: mid.Dataset.Depth(), Widths: f.Widths(rep.Train.Features())})
			c, _, err := sh.AssignStep(mid.Dataset, mid.Batch, mid.Model, mid.LR)
			if err != nil {
				t.Fatal(err)
			}
			if err := test.IsSolved(sh.StepCircuit(), c, ecc.BN254.ScalarField()); err != nil {
				t.Fatalf("circuit rejects step %d of real training: %v", mid.Step, err)
			}
		})
	}
}

// TestOnFile: every family trains on a CSV file; a classifier's labels must
// be classes, and a bad one is named by its line.
func TestOnFile(t *testing.T) {
	dir := t.TempDir()
	var good, bad strings.Builder
	for i := range 20 {
		x1, x2 := float64(i%7)-3, float64(i%5)-2
		label := i % 2
		fmt.Fprintf(&good, "%g,%g,%d\n", x1, x2, label)
		if i == 6 {
			label = 12
		}
		fmt.Fprintf(&bad, "%g,%g,%d\n", x1, x2, label)
	}
	goodPath, badPath := filepath.Join(dir, "good.csv"), filepath.Join(dir, "bad.csv")
	os.WriteFile(goodPath, []byte(good.String()), 0o644)
	os.WriteFile(badPath, []byte(bad.String()), 0o644)
	for _, f := range Families() {
		rep, err := f.OnFile(goodPath, 0, false).Train(1, 4, f.LR, 1, nil)
		if err != nil {
			t.Errorf("%s on a CSV file: %v", f.Name, err)
			continue
		}
		if rep.StepsProved != 4 || rep.TrainRows != 16 || rep.TestRows != 4 || len(rep.Final) == 0 {
			t.Errorf("%s on a CSV file: %d steps, %d+%d rows, model %v", f.Name, rep.StepsProved, rep.TrainRows, rep.TestRows, rep.Final)
		}
		_, err = f.OnFile(badPath, 0, false).Train(1, 4, f.LR, 1, nil)
		if f.Classes > 0 && (err == nil || !strings.Contains(err.Error(), "bad.csv:7: label 12 is not a class")) {
			t.Errorf("%s on a file with label 12: %v", f.Name, err)
		}
	}
}
