package training

import (
	"fmt"
	"math"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/resultset"
)

// learningRates is each family's learning rate: in the training
// comparisons, the benchmarked steps and a proven run's default.
var learningRates = map[string]float64{"linreg": 0.05, "logreg": 0.1, "softmax": 0.1, "mlp": 0.1}

// LearningRate is the family's learning rate; false for an unknown family.
func LearningRate(family string) (float64, bool) {
	lr, ok := learningRates[family]
	return lr, ok
}

// TrainReport is a training comparison (resultset.Training) with what the
// quality workloads and the tests need of the run.
type TrainReport struct {
	resultset.Training
	StepsProved int

	Final   linreg.Model    // the fixed-point model after training (linear models)
	Train   *datasets.Table // the standardised training rows, in batch order
	Test    *datasets.Table // the standardised test rows
	Quant   [][]int64       // the test rows quantised as the circuits see them
	Dataset *commit.Dataset // the training rows, committed in batches
}

// Snapshot is one step of a training run, for checking that the circuit
// accepts steps taken in practice.
type Snapshot struct {
	Step    int
	Dataset *commit.Dataset
	Batch   int
	Model   linreg.Model
	LR      int64
}

// TrainLogRegCancer trains logistic regression on breast_cancer (seeded
// shuffle, 455 rows to train, 114 to test, features standardised on the
// training rows) and reports test accuracy both ways. snap, if not nil, sees
// the state before every step.
func TrainLogRegCancer(epochs, batch int, lr float64, seed uint64, snap func(Snapshot)) (TrainReport, error) {
	t, err := datasets.BreastCancer()
	if err != nil {
		return TrainReport{}, err
	}
	p := logreg.DefaultParams(batch, t.Features(), Depth(455, batch))
	sp, err := NewSplit(t, seed, 455, batch, p.Data)
	if err != nil {
		return TrainReport{}, err
	}
	trainS, testS, testRows, ds := sp.Train, sp.Test, sp.TestRows, sp.DS
	lrInt := int64(math.Round(lr * float64(int64(1)<<p.LRFrac)))
	m := linreg.Model{W: make([]int64, p.D)}
	w, b := make([]float64, p.D), 0.0
	grad := make([]float64, p.D)
	step := 0
	for range epochs {
		for k := 0; k < ds.NumBatches(); k++ {
			if snap != nil {
				snap(Snapshot{Step: step, Dataset: ds, Batch: k, Model: m.Clone(), LR: lrInt})
			}
			if m, err = p.NativeStep(m, ds.Batch(k), lrInt); err != nil {
				return TrainReport{}, fmt.Errorf("step %d: %w", step, err)
			}
			x, y := trainS.X[k*batch:(k+1)*batch], trainS.Y[k*batch:(k+1)*batch]
			b = LogRegPlainStep(x, y, w, b, lr, grad)
			step++
		}
	}
	var fixedOK, floatOK int
	for i, r := range testRows {
		label := testS.Y[i]
		if float64(boolInt(p.Predict(m, r[:p.D]) >= 1<<(p.Data.Frac-1))) == label {
			fixedOK++
		}
		z := b
		for j, x := range testS.X[i] {
			z += x * w[j]
		}
		if float64(boolInt(z >= 0)) == label {
			floatOK++
		}
	}
	n := float64(len(testRows))
	return TrainReport{Training: resultset.Training{Model: "logreg", Dataset: "breast_cancer", Metric: "accuracy", Epochs: epochs, Batch: batch, LR: lr,
		TrainRows: trainS.Rows(), TestRows: len(testRows), FixedPoint: float64(fixedOK) / n, Float64: float64(floatOK) / n}, StepsProved: step,
		Final: m, Train: trainS, Test: testS, Quant: testRows, Dataset: ds}, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TrainLinRegDiabetes trains linear regression on diabetes (seeded shuffle,
// 354 rows to train, 88 to test, features and target standardised on the
// training rows) and reports test mean squared error (in standard deviations
// of the target, squared) both ways.
func TrainLinRegDiabetes(epochs, batch int, lr float64, seed uint64, snap func(Snapshot)) (TrainReport, error) {
	t, err := datasets.Diabetes()
	if err != nil {
		return TrainReport{}, err
	}
	rep, err := TrainLinRegTable(t, 354, true, epochs, batch, lr, seed, snap)
	rep.Training.Dataset = "diabetes"
	return rep, err
}

// TrainLinRegTable is TrainLinRegDiabetes on any regression table: nTrain
// rows (after a seeded shuffle) to train, the rest to test. Without clip, a
// value that does not fit the data format after standardising is an error
// naming its file and line.
func TrainLinRegTable(t *datasets.Table, nTrain int, clip bool, epochs, batch int, lr float64, seed uint64, snap func(Snapshot)) (TrainReport, error) {
	if nTrain < batch {
		return TrainReport{}, fmt.Errorf("%s: batch size %d is larger than the dataset's %d training rows", t.Name, batch, nTrain)
	}
	if nTrain >= t.Rows() {
		return TrainReport{}, fmt.Errorf("%s: %d rows leave no test rows after %d training rows", t.Name, t.Rows(), nTrain)
	}
	p := linreg.DefaultParams(batch, t.Features(), Depth(nTrain, batch))
	sp, err := NewSplit(t, seed, nTrain, batch, p.Data)
	if err != nil {
		return TrainReport{}, err
	}
	if !clip {
		for _, part := range []*datasets.Table{sp.Train, sp.Test} {
			if _, err := part.QuantizeStrict(p.Data); err != nil {
				return TrainReport{}, fmt.Errorf("%w (pass -clip to saturate such values)", err)
			}
		}
	}
	trainS, testS, testRows, ds := sp.Train, sp.Test, sp.TestRows, sp.DS
	lrInt := int64(math.Round(lr * float64(int64(1)<<p.LRFrac)))
	m := linreg.Model{W: make([]int64, p.D)}
	w, b := make([]float64, p.D), 0.0
	grad := make([]float64, p.D)
	step := 0
	for range epochs {
		for k := 0; k < ds.NumBatches(); k++ {
			if snap != nil {
				snap(Snapshot{Step: step, Dataset: ds, Batch: k, Model: m.Clone(), LR: lrInt})
			}
			if m, err = p.NativeStep(m, ds.Batch(k), lrInt); err != nil {
				return TrainReport{}, fmt.Errorf("step %d: %w", step, err)
			}
			b = LinRegPlainStep(trainS.X[k*batch:(k+1)*batch], trainS.Y[k*batch:(k+1)*batch], w, b, lr, grad)
			step++
		}
	}
	var fixedSE, floatSE float64
	for i, x := range testS.X {
		pf := p.Model.Decode(m.Bias)
		pw := b
		for j := range x {
			pf += p.Data.Decode(int64(math.Round(x[j]*p.Data.Scale()))) * p.Model.Decode(m.W[j])
			pw += x[j] * w[j]
		}
		fixedSE += (pf - testS.Y[i]) * (pf - testS.Y[i])
		floatSE += (pw - testS.Y[i]) * (pw - testS.Y[i])
	}
	n := float64(len(testS.X))
	return TrainReport{Training: resultset.Training{Model: "linreg", Dataset: t.Name, Metric: "mse", Epochs: epochs, Batch: batch, LR: lr,
		TrainRows: trainS.Rows(), TestRows: len(testS.X), FixedPoint: fixedSE / n, Float64: floatSE / n}, StepsProved: step,
		Final: m, Train: trainS, Test: testS, Quant: testRows, Dataset: ds}, nil
}

// TrainAll runs every model's comparison with the settings the tests use.
func TrainAll() ([]resultset.Training, error) {
	var out []resultset.Training
	for _, f := range []func() (TrainReport, error){
		func() (TrainReport, error) { return TrainLinRegDiabetes(5, 32, learningRates["linreg"], 1, nil) },
		func() (TrainReport, error) { return TrainLogRegCancer(5, 32, learningRates["logreg"], 1, nil) },
		func() (TrainReport, error) { return TrainSoftmaxDigits(3, 32, learningRates["softmax"], 1, nil) },
		func() (TrainReport, error) { return TrainMLPDigits(3, 32, learningRates["mlp"], 1, nil) },
	} {
		r, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, r.Training)
	}
	return out, nil
}

// Split is a seeded train/test Split of a table in fixed point, the training
// rows committed in batches.
type Split struct {
	Train, Test *datasets.Table // standardised with the training rows' statistics
	TestRows    [][]int64       // the test rows quantised
	DS          *commit.Dataset // the training rows, committed
}

// NewSplit shuffles t with seed, keeps nTrain rows to train, standardises
// features (and a regression target) with the training rows' statistics,
// quantises both parts to the data format and commits the training rows.
func NewSplit(t *datasets.Table, seed uint64, nTrain, batch int, data fixedpoint.Format) (Split, error) {
	train, test := t.Shuffle(seed).Split(nTrain)
	s := Split{Train: train.Standardize(), Test: test.StandardizeWith(train)}
	if t.Classes == 0 {
		my, sy := datasets.MeanStd(train.Y)
		for i := range s.Test.Y {
			s.Test.Y[i] = (s.Test.Y[i] - my) / sy
		}
	}
	rows, _, err := s.Train.Quantize(data)
	if err != nil {
		return Split{}, err
	}
	if s.TestRows, _, err = s.Test.Quantize(data); err != nil {
		return Split{}, err
	}
	if s.DS, err = commit.NewDataset(commit.RoleTrain, rows, batch, data); err != nil {
		return Split{}, err
	}
	return s, nil
}

// Depth is the Merkle depth of n rows in batches of b.
func Depth(n, b int) int { return commit.Depth(n / b) }
