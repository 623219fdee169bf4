package workloads

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/tuneinsight/lattigo/v6/core/rlwe"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/fhe"
	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/training"
)

// Homomorphic-encryption workloads: "fhe-linreg/B=..,D=.." and
// "fhe-logreg/B=.." compute the step of "linreg/B=..,D=.." and
// "logreg/B=.." (the same batch, model and learning rate, the same plain
// baselines) on CKKS ciphertexts instead of proving it.
func fheFamilies() []bench.FamilyDef {
	return []bench.FamilyDef{
		{Name: "fhe-linreg", Bench: "FHELinReg", Example: "B=32,D=32", Keys: []string{"B", "D"}, Scheme: resultset.FHEBackend,
			New: func(s map[string]int) (bench.Workload, error) {
				if _, err := fhe.NewStep(s["B"], s["D"], false, linregLR); err != nil { // refuse before building the data
					return nil, err
				}
				t := datasets.Synthetic(s["B"]*linregBatches, s["D"], 1)
				w, err := newLinReg(fmt.Sprintf("linreg/B=%d,D=%d", s["B"], s["D"]), t, s["B"])
				if err != nil {
					return nil, err
				}
				return newFHE(fmt.Sprintf("fhe-linreg/B=%d,D=%d", s["B"], s["D"]), w)
			}},
		{Name: "fhe-logreg", Bench: "FHELogRegCancer", Example: "B=32", Keys: []string{"B"}, Scheme: resultset.FHEBackend,
			New: func(s map[string]int) (bench.Workload, error) {
				t, err := datasets.BreastCancer()
				if err != nil {
					return nil, err
				}
				if _, err := fhe.NewStep(s["B"], t.Features(), true, linregLR); err != nil {
					return nil, err
				}
				w, err := newLinearModel(fmt.Sprintf("logreg/B=%d", s["B"]), t.Shuffle(1).Standardize(), s["B"], true)
				if err != nil {
					return nil, err
				}
				return newFHE(fmt.Sprintf("fhe-logreg/B=%d", s["B"]), w)
			}},
	}
}

// fheWorkload is a linear-model step under CKKS.
type fheWorkload struct {
	*linRegWorkload // the batch, model, learning rate and plain baselines
	name            string
	step            *fhe.Step
	keys            *fhe.Keys
	batch           *fhe.Batch
	out             *rlwe.Ciphertext
	former          *fhe.Step // the former layout, for comparison
	formerKeys      *fhe.Keys
}

func newFHE(name string, w *linRegWorkload) (*fheWorkload, error) {
	s, err := fhe.NewStep(len(w.x), len(w.w), w.logistic, w.lrF)
	if err != nil {
		return nil, err
	}
	return &fheWorkload{linRegWorkload: w, name: name, step: s}, nil
}

var errNotCircuit = errors.New("an encrypted workload is not a circuit")

func (w *fheWorkload) Name() string                                { return w.name }
func (w *fheWorkload) Circuit() frontend.Circuit                   { return nil }
func (w *fheWorkload) Assignment(ecc.ID) (frontend.Circuit, error) { return nil, errNotCircuit }
func (w *fheWorkload) Scheme() string                              { return resultset.FHEBackend }
func (w *fheWorkload) ParamsName() string                          { return fhe.ParamsName }

func (w *fheWorkload) KeyGen() (int64, int64, error) {
	w.keys = w.step.KeyGen()
	return int64(w.keys.Eval.BinarySize()), int64(w.keys.Secret.BinarySize()), nil
}

func (w *fheWorkload) Encrypt() (int64, error) {
	if w.keys == nil {
		return 0, errors.New("no keys: KeyGen first")
	}
	b, err := w.step.Encrypt(w.keys.Public, w.x, w.y, w.w, w.bias)
	if err != nil {
		return 0, err
	}
	w.batch = b
	return int64(b.X.BinarySize() + b.Y.BinarySize() + b.W.BinarySize()), nil
}

func (w *fheWorkload) Step() error {
	if w.batch == nil {
		return errors.New("nothing encrypted: Encrypt first")
	}
	out, err := w.step.Eval(w.keys.Eval, w.batch)
	w.out = out
	return err
}

// Decrypt compares the decrypted model with the float64 step on the same
// batch: with the exact sigmoid (the whole error) and with the polynomial
// computed under encryption (the CKKS noise).
func (w *fheWorkload) Decrypt() (float64, float64, error) {
	if w.out == nil {
		return 0, 0, errors.New("no step computed: Step first")
	}
	got, gotBias, err := w.step.Decrypt(w.keys.Secret, w.out)
	if err != nil {
		return 0, 0, err
	}
	exact, same := w.float64Step(nil), w.float64Step(fhe.DefaultSigmoid.At)
	return modelDiff(got, gotBias, exact), modelDiff(got, gotBias, same), nil
}

func (w *fheWorkload) Activation() string {
	if !w.logistic {
		return ""
	}
	s := w.step.Sigmoid
	return fmt.Sprintf("sigmoid: %v, largest error %.3f on its interval, %d levels", s, s.MaxError(), s.Depth())
}

func (w *fheWorkload) Shape() (int, int, int) {
	return len(w.step.Rotations()), w.step.Depth(), w.step.GaloisKeys()
}

// Former times the step in the former layout (blocks, a mask and a
// replication, at the parameters' top level) on the same batch and model;
// its keys are made at the first call, and its evaluator is kept between
// calls as the current step's is.
func (w *fheWorkload) Former() (int64, error) {
	if w.former == nil {
		params, err := fhe.Params()
		if err != nil {
			return 0, err
		}
		if w.former, err = fhe.NewStepWith(params, len(w.x), len(w.w), w.logistic, w.lrF, fhe.Blocks); err != nil {
			return 0, err
		}
		w.formerKeys = w.former.KeyGen()
	}
	s, keys := w.former, w.formerKeys
	b, err := s.Encrypt(keys.Public, w.x, w.y, w.w, w.bias)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := s.Eval(keys.Eval, b); err != nil {
		return 0, err
	}
	return time.Since(start).Nanoseconds(), nil
}

// float64Step is the step in float64 with activation act for logistic
// regression (nil: the exact sigmoid); it returns the weights then the bias.
func (w *fheWorkload) float64Step(act func(float64) float64) []float64 {
	weights := append([]float64{}, w.w...)
	grad := make([]float64, len(weights))
	var bias float64
	switch {
	case !w.logistic:
		bias = training.LinearPlainStep(w.x, w.y, weights, w.bias, w.lrF, nil, grad)
	case act == nil:
		bias = training.LinearPlainStep(w.x, w.y, weights, w.bias, w.lrF, training.Sigmoid, grad)
	default:
		bias = training.LinearPlainStep(w.x, w.y, weights, w.bias, w.lrF, act, grad)
	}
	return append(weights, bias)
}

func modelDiff(w []float64, bias float64, want []float64) float64 {
	d := math.Abs(bias - want[len(want)-1])
	for j := range w {
		d = max(d, math.Abs(w[j]-want[j]))
	}
	return d
}

// TrainLogRegCancerFHE trains logistic regression on breast_cancer as
// training.LogReg.Train does (the same split, batches, initial model and
// learning rate), every step computed on CKKS ciphertexts: each batch is
// encrypted, the step runs on the ciphertexts with the evaluation keys
// alone, and the key holder decrypts the new model and encrypts it again for
// the next step (one step uses 5 of the parameters' 6 levels, and this
// stands in for bootstrapping). The sigmoid is fhe.DefaultSigmoid. It
// returns the decrypted final model's test accuracy.
func TrainLogRegCancerFHE(epochs, batch int, lr float64, seed uint64) (float64, error) {
	var step *fhe.Step
	var keys *fhe.Keys
	return trainCancerWith(epochs, batch, seed, func(x [][]float64, y, w []float64, b float64) ([]float64, float64, error) {
		if step == nil {
			var err error
			if step, err = fhe.NewStep(batch, len(w), true, lr); err != nil {
				return nil, 0, err
			}
			keys = step.KeyGen()
		}
		enc, err := step.Encrypt(keys.Public, x, y, w, b)
		if err != nil {
			return nil, 0, err
		}
		ct, err := step.Eval(keys.Eval, enc)
		if err != nil {
			return nil, 0, err
		}
		return step.Decrypt(keys.Secret, ct)
	})
}

// trainLogRegCancerPoly is the same training in float64 with a sigmoid
// approximation: with fhe.DefaultSigmoid, what the encrypted training
// computes, without encryption. It also returns the largest logit seen.
func trainLogRegCancerPoly(epochs, batch int, lr float64, seed uint64, sig *fhe.Sigmoid) (acc, maxLogit float64, err error) {
	acc, err = trainCancerWith(epochs, batch, seed, func(x [][]float64, y, w []float64, b float64) ([]float64, float64, error) {
		for _, r := range x {
			z := b
			for j, v := range r {
				z += v * w[j]
			}
			maxLogit = max(maxLogit, math.Abs(z))
		}
		w, b = fhe.Float64Step(x, y, w, b, lr, sig.At)
		return w, b, nil
	})
	return acc, maxLogit, err
}

// trainCancerWith runs the logistic family's schedule on breast_cancer with
// step as its float64 twin and returns that twin's test accuracy.
func trainCancerWith(epochs, batch int, seed uint64, step training.LinearStep) (float64, error) {
	f, err := training.LogReg.WithLinearStep(step)
	if err != nil {
		return 0, err
	}
	r, err := f.Train(epochs, batch, training.LogReg.LR, seed, nil)
	return r.Float64, err
}

// FHETrainingEpochs is how long the encrypted training runs: the epochs of
// the logistic family's quality runs. fhe.DefaultSigmoid's interval holds
// every logit of those epochs (the former cubic on [−8, 8] let them out in
// the third epoch, and training diverged).
const FHETrainingEpochs = 5

// TrainFHE is the training comparison of logistic regression on
// breast_cancer over FHETrainingEpochs, with the encrypted training beside
// fixed point and float64.
func TrainFHE() (resultset.Training, error) {
	r, err := training.LogReg.Train(FHETrainingEpochs, 32, logregLR, 1, nil)
	if err != nil {
		return resultset.Training{}, err
	}
	if r.FHE, err = TrainLogRegCancerFHE(FHETrainingEpochs, 32, logregLR, 1); err != nil {
		return resultset.Training{}, fmt.Errorf("encrypted training of logreg on breast_cancer: %w", err)
	}
	r.FHESigmoid = fhe.DefaultSigmoid.String()
	return r.Training, nil
}
