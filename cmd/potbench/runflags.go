package main

import (
	"flag"
	"strings"

	"github.com/potbench/potbench/curves"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/training"
	"github.com/potbench/potbench/trainrun"
)

// runShape is the flags that fix a run's circuits, shared by train and
// ceremony init: the family, its data, the batch, the steps per proof, the
// seed, the curve and the proving system.
type runShape struct {
	model, dataset, curve, backend *string
	skip, batch                    *int
	clip                           *bool
	seed                           *uint64
	epochs                         *int
	foldScore                      *bool
	revision                       *int
	chain                          int
}

func runShapeFlags(fs *flag.FlagSet) *runShape {
	r := &runShape{chain: 1}
	r.model = fs.String("model", "logreg", "model family: "+strings.Join(trainrun.Models(), ", "))
	var own []string
	for _, f := range training.Families() {
		own = append(own, f.Name+" "+f.Dataset)
	}
	r.dataset = fs.String("dataset", "", "dataset (default: the model's own: "+strings.Join(own, ", ")+"), or a CSV FILE whose last column is the target (a class index for a classifier)")
	r.skip = fs.Int("dataset-skip", 0, "header lines to skip in a -dataset FILE")
	r.clip = fs.Bool("clip", false, "saturate -dataset FILE values outside the fixed-point range instead of failing")
	r.batch = fs.Int("batch", 32, "rows per batch")
	r.epochs = fs.Int("epochs", 1, "epochs")
	fs.Func("chain", "SGD steps per proof, \"epoch\" for one proof per epoch, or \"run\" for one proof of every epoch (default 1)", func(s string) (err error) {
		r.chain, err = trainrun.ParseChain(s)
		return err
	})
	r.foldScore = fs.Bool("fold-score", false, "prove the held-out score in the run's last chain proof, not in a proof of its own (with -chain run: the whole run in one proof)")
	r.revision = fs.Int("circuit-revision", training.LatestRevision, "revision of the circuits: 3 proves range checks with one constraint less each (package limbcheck); 2 computes the linear, logistic and softmax steps' products several rows to a constraint and shares the sigmoid table across a chain; 1 gives the circuits of the first runs (the same statement in every revision)")
	r.seed = fs.Uint64("seed", 1, "seed of the train/test split and the initial model")
	r.curve = fs.String("curve", "bn254", "curve: "+curves.Names())
	r.backend = fs.String("backend", "groth16", "proving system: "+strings.Join(proving.Backends, ", "))
	return r
}
