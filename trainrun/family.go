package trainrun

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/circuits/score"
	"github.com/potbench/potbench/circuits/softmax"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/training"
)

// A model is handled here by its committed values (the order its family's
// Values gives); each family converts to and from its own type.

// snapshot is the state before one SGD step: the batch and the model.
type snapshot struct {
	batch int
	model []int64
}

// family adapts one model family's training, circuits and commitments.
type family struct {
	name, dataset string
	// train runs the seeded fixed-point training (and its float64 twin),
	// calling snap before every step.
	train func(epochs, batch int, lr float64, seed uint64, snap func(snapshot)) (training.TrainReport, error)
	// shape returns the step's circuits and model handling for a run of
	// the given dimensions.
	shape func(d dims) shape
	// widths are the family's layer widths for d features.
	widths func(d int) []int
	// plain runs the same schedule in float64 once.
	plain       func(rep training.TrainReport, epochs, batch int, lr float64, seed uint64)
	initial     string // how the initial model is made
	initialKind string // zero or seeded (Initial.Kind)
	// digest is the SHA-256 of the dataset's files (default: the vendored
	// dataset's)
	digest func() (string, error)
}

// dims are what a run's circuits are compiled for: batches of B rows in a
// tree of the given depth, the layer widths (features first), and the
// held-out rows.
type dims struct {
	B, Depth, TestRows int
	Widths             []int
}

// dimsOf are the dimensions of a run on the committed set ds.
func (f family) dimsOf(ds *commit.Dataset, testRows int) dims {
	return dims{B: ds.BatchSize, Depth: ds.Depth(), TestRows: testRows, Widths: f.widths(len(ds.Rows[0]) - 1)}
}

// shape is what proving needs for one dataset shape.
type shape struct {
	widths      []int // layer widths (Terms.Widths)
	domain      commit.Domain
	stepCircuit func() frontend.Circuit
	assignStep  func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error)
	// chains of K steps, nil when the family has no chain circuit
	chainCircuit func(k int) frontend.Circuit
	assignChain  func(ds *commit.Dataset, first, k int, m []int64, lr int64) (frontend.Circuit, []int64, error)
	// the held-out score, nil when the family has no score circuit
	scoreCircuit func() frontend.Circuit
	assignScore  func(curve ecc.ID, rows [][]int64, m []int64) (frontend.Circuit, *commit.Dataset, *big.Int, int64, error)
	decode       func(m []int64) []float64
}

var families = map[string]family{
	"linreg":  linearFamily(false),
	"logreg":  linearFamily(true),
	"softmax": softmaxFamily(),
	"mlp":     mlpFamily(),
}

// Models lists the model families a run can train.
func Models() []string { return []string{"linreg", "logreg", "softmax", "mlp"} }

func lookupFamily(cfg Config) (family, error) {
	f, ok := families[cfg.Model]
	if !ok {
		return family{}, fmt.Errorf("unknown model %q (known: %s)", cfg.Model, strings.Join(Models(), ", "))
	}
	if f.digest == nil {
		f.digest = func() (string, error) { return datasets.SHA256(f.dataset) }
	}
	switch {
	case cfg.Dataset == "" || cfg.Dataset == f.dataset:
	case cfg.Model == "linreg" && !slices.Contains(datasetNames(), cfg.Dataset):
		return fileFamily(f, cfg.Dataset, cfg.DatasetSkip, cfg.Clip), nil
	default:
		return family{}, fmt.Errorf("model %s trains on %s (or, for linreg, a CSV file), not %q", cfg.Model, f.dataset, cfg.Dataset)
	}
	return f, nil
}

func datasetNames() []string {
	var out []string
	for n := range datasets.Files {
		out = append(out, n)
	}
	return out
}

// fileFamily is linear regression on a CSV file: numbers, the last column
// the target; four fifths of the rows (after the seeded shuffle) train.
func fileFamily(f family, path string, skip int, clip bool) family {
	f.dataset = filepath.Base(path)
	f.train = func(epochs, batch int, lr float64, seed uint64, snap func(snapshot)) (training.TrainReport, error) {
		t, err := datasets.LoadFile(path, skip)
		if err != nil {
			return training.TrainReport{}, err
		}
		return training.TrainLinRegTable(t, t.Rows()*4/5, clip, epochs, batch, lr, seed, func(s training.Snapshot) { snap(snapshot{s.Batch, s.Model.Values()}) })
	}
	f.digest = func() (string, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		return sha256Hex(data), nil
	}
	return f
}

func linearModel(m []int64) linreg.Model {
	return linreg.Model{W: append([]int64{}, m[:len(m)-1]...), Bias: m[len(m)-1]}
}

func linearFamily(logistic bool) family {
	f := family{name: "linreg", dataset: "diabetes", train: func(epochs, batch int, lr float64, seed uint64, snap func(snapshot)) (training.TrainReport, error) {
		return training.TrainLinRegDiabetes(epochs, batch, lr, seed, func(s training.Snapshot) { snap(snapshot{s.Batch, s.Model.Values()}) })
	}, initial: "all weights and the bias zero", initialKind: "zero"}
	if logistic {
		f.name, f.dataset = "logreg", "breast_cancer"
		f.train = func(epochs, batch int, lr float64, seed uint64, snap func(snapshot)) (training.TrainReport, error) {
			return training.TrainLogRegCancer(epochs, batch, lr, seed, func(s training.Snapshot) { snap(snapshot{s.Batch, s.Model.Values()}) })
		}
	}
	f.plain = func(rep training.TrainReport, epochs, batch int, lr float64, seed uint64) {
		t := rep.Train
		w, b, grad := make([]float64, t.Features()), 0.0, make([]float64, t.Features())
		for range epochs {
			for k := 0; k+batch <= t.Rows(); k += batch {
				if logistic {
					b = training.LogRegPlainStep(t.X[k:k+batch], t.Y[k:k+batch], w, b, lr, grad)
				} else {
					b = training.LinRegPlainStep(t.X[k:k+batch], t.Y[k:k+batch], w, b, lr, grad)
				}
			}
		}
	}
	f.widths = func(d int) []int { return []int{d} }
	f.shape = func(dm dims) shape {
		p := logreg.DefaultParams(dm.B, dm.Widths[0], dm.Depth)
		dom := p.Params.ModelDomain()
		if logistic {
			dom = p.ModelDomain()
		}
		s := shape{widths: []int{p.D}, domain: dom, decode: func(m []int64) []float64 {
			out := make([]float64, len(m))
			for i, v := range m {
				out[i] = p.Model.Decode(v)
			}
			return out
		}}
		if logistic {
			s.stepCircuit = func() frontend.Circuit { return logreg.NewCircuit(p) }
			s.assignStep = func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error) {
				c, next, err := p.Assign(ds, k, linearModel(m), lr)
				return c, next.Values(), err
			}
		} else {
			s.stepCircuit = func() frontend.Circuit { return linreg.NewCircuit(p.Params) }
			s.assignStep = func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error) {
				c, next, err := p.Params.Assign(ds, k, linearModel(m), lr)
				return c, next.Values(), err
			}
		}
		s.chainCircuit = func(k int) frontend.Circuit { return chain.NewCircuit(chain.Params{K: k, Logistic: logistic, Step: p}) }
		s.assignChain = func(ds *commit.Dataset, first, k int, m []int64, lr int64) (frontend.Circuit, []int64, error) {
			c, last, err := chain.Params{K: k, Logistic: logistic, Step: p}.Assign(ds, first, linearModel(m), lr)
			return c, last.Values(), err
		}
		qp := score.Params{N: dm.TestRows, Logistic: logistic, Model: logreg.DefaultParams(1, p.D, 0)}
		s.scoreCircuit = func() frontend.Circuit { return score.NewScore(qp) }
		s.assignScore = func(curve ecc.ID, rows [][]int64, m []int64) (frontend.Circuit, *commit.Dataset, *big.Int, int64, error) {
			set, err := qp.HeldoutSet(rows)
			if err == nil {
				set, err = set.On(curve)
			}
			if err != nil {
				return nil, nil, nil, 0, err
			}
			c, err := qp.AssignScore(set, linearModel(m))
			if err != nil {
				return nil, nil, nil, 0, err
			}
			loss, _ := c.LossSum.(*big.Int)
			correct, _ := c.Correct.(int64)
			return c, set, loss, correct, nil
		}
		return s
	}
	return f
}

func softmaxFamily() family {
	return family{name: "softmax", dataset: "digits", initial: "all weights and biases zero", initialKind: "zero",
		train: func(epochs, batch int, lr float64, seed uint64, snap func(snapshot)) (training.TrainReport, error) {
			return training.TrainSoftmaxDigits(epochs, batch, lr, seed, func(_, k int, _ *commit.Dataset, m softmax.Model, _ int64) {
				snap(snapshot{k, m.Values()})
			})
		},
		plain: func(rep training.TrainReport, epochs, batch int, lr float64, seed uint64) {
			t := rep.Train
			w := make([][]float64, t.Classes)
			for c := range w {
				w[c] = make([]float64, t.Features())
			}
			b := make([]float64, t.Classes)
			ys := make([]int, batch)
			for range epochs {
				for k := 0; k+batch <= t.Rows(); k += batch {
					for i := range ys {
						ys[i] = int(t.Y[k+i])
					}
					training.SoftmaxPlainStep(t.X[k:k+batch], ys, w, b, lr)
				}
			}
		},
		widths: func(d int) []int { return []int{d, 10} },
		shape: func(dm dims) shape {
			p := softmax.DefaultParams(dm.B, dm.Widths[0], dm.Widths[1], dm.Depth)
			s := shape{widths: []int{p.D, p.K}, domain: p.ModelDomain(),
				stepCircuit: func() frontend.Circuit { return softmax.NewCircuit(p) },
				assignStep: func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error) {
					c, next, err := p.Assign(ds, k, p.FromValues(m), lr)
					return c, next.Values(), err
				},
				decode: decoder(p.Model.Decode)}
			classScore(&s, score.ClassParams{N: dm.TestRows, Softmax: &p})
			return s
		},
	}
}

func mlpFamily() family {
	return family{name: "mlp", dataset: "digits", initial: "seeded uniform weights in ±1/sqrt(fan-in), zero biases (training.InitMLP)", initialKind: "seeded",
		train: func(epochs, batch int, lr float64, seed uint64, snap func(snapshot)) (training.TrainReport, error) {
			return training.TrainMLPDigits(epochs, batch, lr, seed, func(_, k int, _ *commit.Dataset, m mlp.Model, _ int64) {
				snap(snapshot{k, m.Values()})
			})
		},
		plain: func(rep training.TrainReport, epochs, batch int, lr float64, seed uint64) {
			t := rep.Train
			p := mlp.DefaultParams(batch, t.Features(), 32, t.Classes, 0, true)
			_, f := training.InitMLP(p, seed)
			ys := make([]int, batch)
			for range epochs {
				for k := 0; k+batch <= t.Rows(); k += batch {
					for i := range ys {
						ys[i] = int(t.Y[k+i])
					}
					training.MLPPlainStep(t.X[k:k+batch], ys, f, lr)
				}
			}
		},
		widths: func(d int) []int { return []int{d, 32, 10} },
		shape: func(dm dims) shape {
			p := mlp.DefaultParams(dm.B, dm.Widths[0], dm.Widths[1], dm.Widths[2], dm.Depth, true)
			s := shape{widths: []int{p.D, p.H, p.K}, domain: p.ModelDomain(),
				stepCircuit: func() frontend.Circuit { return mlp.NewCircuit(p) },
				assignStep: func(ds *commit.Dataset, k int, m []int64, lr int64) (frontend.Circuit, []int64, error) {
					c, next, err := p.Assign(ds, k, p.FromValues(m), lr)
					return c, next.Values(), err
				},
				decode: decoder(p.Model.Decode)}
			classScore(&s, score.ClassParams{N: dm.TestRows, MLP: &p})
			return s
		},
	}
}

// classScore gives a K-class model's shape its held-out accuracy proof.
func classScore(s *shape, cp score.ClassParams) {
	s.scoreCircuit = func() frontend.Circuit { return score.NewClassScore(cp) }
	s.assignScore = func(curve ecc.ID, rows [][]int64, m []int64) (frontend.Circuit, *commit.Dataset, *big.Int, int64, error) {
		set, err := cp.ClassSet(rows)
		if err == nil {
			set, err = set.On(curve)
		}
		if err != nil {
			return nil, nil, nil, 0, err
		}
		c, err := cp.AssignClassScore(set, m)
		if err != nil {
			return nil, nil, nil, 0, err
		}
		return c, set, nil, c.Correct.(int64), nil
	}
}

func decoder(dec func(int64) float64) func([]int64) []float64 {
	return func(m []int64) []float64 {
		out := make([]float64, len(m))
		for i, v := range m {
			out[i] = dec(v)
		}
		return out
	}
}

// timePlain is the mean time of one float64 run of the schedule, repeated
// for at least 100 ms.
func timePlain(run func()) time.Duration {
	var n int
	start := time.Now()
	for n == 0 || time.Since(start) < 100*time.Millisecond {
		run()
		n++
	}
	return time.Since(start) / time.Duration(n)
}
