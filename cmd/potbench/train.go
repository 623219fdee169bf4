package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/curves"
	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/onchain"
	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/trainrun"
)

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", "train -model "+strings.Join(trainrun.Models(), "|")+" [-epochs E] [-batch B] [-lr LR] [-chain K|epoch|run] [-fold-score] [-out runs/NAME] [flags]", stderr)
	shape := runShapeFlags(fs)
	lr := fs.Float64("lr", 0, "learning rate (default: the model's, as in the training comparison)")
	out := fs.String("out", "", "run directory (default runs/MODEL-bB-kK-eE, with the -dataset's name after MODEL when one is given, and -CURVE-BACKEND off BN254 Groth16)")
	resume := fs.Bool("resume", false, "keep the proofs already in the run directory and prove only the missing ones")
	shard := fs.String("shard", "", "prove only shard i of n (\"i/n\"; \"n\" takes i from $JOB_COMPLETION_INDEX or $SLURM_ARRAY_TASK_ID); with -merge, n names the shards that owe missing proofs")
	prepare := fs.Bool("prepare", false, "only set up the keys in the run directory (before sharded proving)")
	merge := fs.Bool("merge", false, "only assemble the manifest from the shards' proofs")
	results := fs.String("results", "", "results root to add the run's figures to (RESULTS/<host>/runs/NAME.json, which potbench report publishes; e.g. -results results); default: none, the figures stay in the run directory")
	host := fs.String("host", "", "host id for the figures (default: derived from the CPU, or $POTBENCH_HOST)")
	verbose := fs.Bool("v", false, "print a line per proof even when stderr is not a terminal")
	aggregate := fs.Bool("aggregate", false, "also prove the whole run in one BW6-761 proof (needs -curve bls12-377, -chain 1)")
	skipMem := fs.Bool("skip-memory-check", false, "set up and prove a circuit (a chain, the aggregate) even where the memory model says it will not fit")
	keys := fs.String("keys", "", "prove under the keys of this sealed ceremony (potbench ceremony); default: a one-party setup by the prover")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := curves.Parse(*shape.curve)
	if err != nil {
		return err
	}
	defaultLR, err := trainrun.DefaultLR(*shape.model)
	if err != nil {
		return err
	}
	if *lr == 0 {
		*lr = defaultLR
	}
	cfg := trainrun.Config{Model: *shape.model, Dataset: *shape.dataset, Epochs: *shape.epochs, Batch: *shape.batch, LR: *lr, Seed: *shape.seed, Chain: shape.chain, FoldScore: *shape.foldScore, Revision: *shape.revision,
		Curve: c, Backend: *shape.backend, Resume: *resume, DatasetSkip: *shape.skip, Clip: *shape.clip, Aggregate: *aggregate, SkipMemoryCheck: *skipMem, KeysFrom: *keys}
	cfg.Dir = *out
	if cfg.Dir == "" {
		cfg.Dir = trainrun.DefaultDir(cfg)
	}
	switch {
	case *prepare && *merge:
		return fmt.Errorf("-prepare and -merge are separate stages")
	case *prepare:
		cfg.Stage = "prepare"
	case *merge:
		cfg.Stage = "merge"
		if *shard != "" { // the shard count, to name the shards that owe proofs
			if cfg.Shards, err = strconv.Atoi(strings.TrimPrefix(*shard, "0/")); err != nil || cfg.Shards < 1 {
				return fmt.Errorf("-merge -shard %s: want the number of shards", *shard)
			}
		}
	case *shard != "":
		cfg.Stage = "prove"
		if cfg.Shard, cfg.Shards, err = parseShard(*shard); err != nil {
			return err
		}
	}
	var prog *progress
	last := 0
	cfg.Progress = func(done, total int, what string) {
		if prog == nil {
			prog = newProgress(stderr, total, *verbose)
		}
		if done > last { // a job finished
			prog.finishedLine(done-1, what)
			last = done
			return
		}
		prog.note(fmt.Sprintf("[%d/%d] %s", done, total, what)) // a stage of the next job
	}
	m, err := trainrun.Train(ctx, cfg)
	if prog != nil {
		prog.done()
	}
	if err != nil {
		return err
	}
	switch cfg.Stage {
	case "prepare":
		fmt.Fprintf(stdout, "keys set up in %s; now prove with -shard i/n, then -merge\n", cfg.Dir)
		return nil
	case "prove":
		fmt.Fprintf(stdout, "shard %d/%d proven into %s\n", cfg.Shard, cfg.Shards, cfg.Dir)
		return nil
	}
	v, err := trainrun.Verify(cfg.Dir, nil)
	if err != nil {
		return fmt.Errorf("the run just written does not verify: %w", err)
	}
	id := *host
	if id == "" {
		id = hwprofiles.Detect().ID()
	}
	var gasTx int64
	solc, solcErr := onchain.FindCompiler()
	if solcErr != nil && m.Curve == ecc.BN254.String() && m.Backend == "groth16" {
		fmt.Fprintf(stdout, "on-chain figures skipped: %v; install solc-js (npm ci --prefix tools/solc), then potbench export %s and potbench settle -trust-keys %s add them to this run's summary\n", solcErr, cfg.Dir, cfg.Dir)
	}
	if solcErr == nil && m.Curve == ecc.BN254.String() && m.Backend == "groth16" {
		re, err := onchain.ExportRun(cfg.Dir, filepath.Join(cfg.Dir, "onchain"), solc)
		if err != nil {
			return err
		}
		gasTx = int64(re.Gas.Tx)
		if m.Score != nil {
			keys := "-trust-keys"
			if cfg.KeysFrom != "" {
				keys = "-ceremony " + cfg.KeysFrom
			}
			fmt.Fprintf(stdout, "settle it through the escrow contract (offer, prove, deliver, settle): potbench settle %s %s\n", keys, cfg.Dir)
		}
	}
	var av *trainrun.Verdict
	if m.Aggregate != nil {
		if av, err = trainrun.VerifyAggregate(cfg.Dir, nil); err != nil {
			return fmt.Errorf("the aggregate just written does not verify: %w", err)
		}
	}
	sum := trainrun.Summary(cfg.Dir, m, v, gasTx, av)
	if a := sum.Aggregate; a != nil {
		fmt.Fprintf(stdout, "aggregate: %d proofs in one %s proof of %d constraints (%d per inner proof); setup %s, prove %s, peak %s; verified alone in %s (one inner proof: %s)\n",
			a.Proofs, a.Curve, a.Constraints, a.Constraints/a.Proofs, resultset.Duration(a.SetupNs), resultset.Duration(a.ProveNs), resultset.Bytes(a.PeakBytes),
			resultset.Duration(a.VerifyNs), resultset.Duration(a.VerifyEachNs))
	}
	path := "nowhere else (pass -results results to add them to the published tables)"
	if *results != "" {
		if path, err = resultset.WriteRun(*results, id, sum); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: %d steps in %d proofs, prove %s (%.3g core-s), plain float64 run %s, overhead %s; transcript %s, verified in %s; test %s %.4f (float64 %.4f)\n",
		cfg.Dir, sum.Steps, sum.Proofs, resultset.Duration(sum.ProveNs), sum.CoreSeconds(), resultset.Duration(sum.PlainRunNs),
		resultset.Factor(sum.OverheadX()), resultset.Bytes(sum.Bytes), resultset.Duration(sum.VerifyNs), sum.Metric, sum.FixedPoint, sum.Float64)
	fmt.Fprintf(stdout, "figures in %s/manifest.json and %s\n", cfg.Dir, path)
	return nil
}

// parseShard reads "i/n", or "n" with i from the scheduler's environment
// (Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX, Slurm arrays
// SLURM_ARRAY_TASK_ID).
func parseShard(s string) (int, int, error) {
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		is, ns = "", s
		for _, env := range []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"} {
			if v := os.Getenv(env); v != "" {
				is = v
				break
			}
		}
		if is == "" {
			return 0, 0, fmt.Errorf("-shard %s: no shard index (write i/n, or set JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)", s)
		}
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("-shard %s: want i/n with 0 <= i < n", s)
	}
	return i, n, nil
}
