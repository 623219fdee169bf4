package training

import (
	"math"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/circuits/softmax"
)

// Fixed-point training must track float64 training: on the real breast-cancer
// data the test accuracies differ by at most one percentage point, and the
// circuit accepts a step taken from the middle of that run.
func TestLogRegTrainingFixedVsFloat(t *testing.T) {
	var mid Snapshot
	rep, err := TrainLogRegCancer(5, 32, 0.1, 1, func(s Snapshot) {
		if s.Step == 30 {
			mid = s
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("breast_cancer logistic regression, %d steps: test accuracy fixed-point %.4f, float64 %.4f", rep.StepsProved, rep.FixedPoint, rep.Float64)
	if math.Abs(rep.FixedPoint-rep.Float64) > 0.01 {
		t.Errorf("fixed-point accuracy %.4f vs float64 %.4f: more than 1 point apart", rep.FixedPoint, rep.Float64)
	}
	if rep.Float64 < 0.9 {
		t.Errorf("float64 accuracy %.4f: training did not learn", rep.Float64)
	}
	p := logreg.DefaultParams(32, 30, commit.Depth(mid.Dataset.NumBatches()))
	c, _, err := p.Assign(mid.Dataset, mid.Batch, mid.Model, mid.LR)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.IsSolved(logreg.NewCircuit(p), c, ecc.BN254.ScalarField()); err != nil {
		t.Fatalf("circuit rejects step %d of real training: %v", mid.Step, err)
	}
}

func TestLinRegTrainingFixedVsFloat(t *testing.T) {
	rep, err := TrainLinRegDiabetes(5, 32, 0.05, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("diabetes linear regression, %d steps: test MSE fixed-point %.4f, float64 %.4f", rep.StepsProved, rep.FixedPoint, rep.Float64)
	if math.Abs(rep.FixedPoint-rep.Float64) > 0.01*rep.Float64 {
		t.Errorf("fixed-point MSE %.4f vs float64 %.4f: more than 1%% apart", rep.FixedPoint, rep.Float64)
	}
}

func TestSoftmaxTrainingFixedVsFloat(t *testing.T) {
	var mid struct {
		batch int
		ds    *commit.Dataset
		m     softmax.Model
		lr    int64
	}
	rep, err := TrainSoftmaxDigits(3, 32, 0.1, 1, func(step, batch int, ds *commit.Dataset, m softmax.Model, lr int64) {
		if step == 60 {
			mid.batch, mid.ds, mid.m, mid.lr = batch, ds, m, lr
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("digits softmax regression, %d steps: test accuracy fixed-point %.4f, float64 %.4f", rep.StepsProved, rep.FixedPoint, rep.Float64)
	if math.Abs(rep.FixedPoint-rep.Float64) > 0.01 {
		t.Errorf("fixed-point accuracy %.4f vs float64 %.4f: more than 1 point apart", rep.FixedPoint, rep.Float64)
	}
	if rep.Float64 < 0.9 {
		t.Errorf("float64 accuracy %.4f: training did not learn", rep.Float64)
	}
	p := softmax.DefaultParams(32, 64, 10, mid.ds.Depth())
	c, _, err := p.Assign(mid.ds, mid.batch, mid.m, mid.lr)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.IsSolved(softmax.NewCircuit(p), c, ecc.BN254.ScalarField()); err != nil {
		t.Fatalf("circuit rejects step 60 of real training: %v", err)
	}
}

func TestMLPTrainingFixedVsFloat(t *testing.T) {
	var mid struct {
		batch int
		ds    *commit.Dataset
		m     mlp.Model
		lr    int64
	}
	rep, err := TrainMLPDigits(3, 32, 0.1, 1, func(step, batch int, ds *commit.Dataset, m mlp.Model, lr int64) {
		if step == 50 {
			mid.batch, mid.ds, mid.m, mid.lr = batch, ds, m, lr
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("digits MLP 64-32-10, %d steps: test accuracy fixed-point %.4f, float64 %.4f", rep.StepsProved, rep.FixedPoint, rep.Float64)
	if math.Abs(rep.FixedPoint-rep.Float64) > 0.01 {
		t.Errorf("fixed-point accuracy %.4f vs float64 %.4f: more than 1 point apart", rep.FixedPoint, rep.Float64)
	}
	if rep.Float64 < 0.9 {
		t.Errorf("float64 accuracy %.4f: training did not learn", rep.Float64)
	}
	p := mlp.DefaultParams(32, 64, 32, 10, mid.ds.Depth(), true)
	c, _, err := p.Assign(mid.ds, mid.batch, mid.m, mid.lr)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.IsSolved(mlp.NewCircuit(p), c, ecc.BN254.ScalarField()); err != nil {
		t.Fatalf("circuit rejects step 50 of real training: %v", err)
	}
}
