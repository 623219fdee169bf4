package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/trainrun"
)

func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", "verify [-aggregate] [-terms terms.json] (-ceremony DIR | -trust-keys) RUN-DIRECTORY\n\n"+
		"Checks every proof of a run directory and the links between them, and its aggregated proof where there is one;\n"+
		"with -aggregate, only the aggregated proof (the step and score proofs are then not needed).\n"+
		"With -terms, the run is checked against the buyer's terms (model, widths, training and held-out roots and\n"+
		"rows, batch, initial model, learning rate, epochs, score target); without, against the terms its manifest\n"+
		"states, which are printed so that a buyer can compare them with their own. The verifying keys are derived from a\n"+
		"ceremony transcript (-ceremony), or accepted as given only with -trust-keys. With -aggregate -ceremony, the\n"+
		"step and score keys are derived and the aggregation circuit compiled again around them; the aggregate's own\n"+
		"BW6-761 key is the prover's and needs -trust-keys as well.", stderr)
	only := fs.Bool("aggregate", false, "check only the aggregated proof against the run's statement")
	termsFile := fs.String("terms", "", "the buyer's terms (JSON, as printed by verify without -terms)")
	ceremonyDir := fs.String("ceremony", "", "a sealed ceremony transcript (potbench ceremony) to derive the run's verifying keys from")
	trustKeys := fs.Bool("trust-keys", false, "accept the run's verifying keys as given, without a ceremony (the output says so)")
	dirs, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		fmt.Fprintf(stderr, "verify needs one run directory, got %d arguments\n", len(dirs))
		fs.Usage()
		return errUsage
	}
	var terms *trainrun.Terms
	if *termsFile != "" {
		if terms, err = trainrun.ReadTerms(*termsFile); err != nil {
			return fmt.Errorf("FAIL: terms: %w", err)
		}
	}
	verify := trainrun.Verify
	if *only {
		verify = trainrun.VerifyAggregate
	}
	v, err := verify(dirs[0], terms)
	if err != nil {
		return fmt.Errorf("FAIL: %w", err)
	}
	switch {
	case *ceremonyDir != "" && *only && !*trustKeys:
		return fmt.Errorf("FAIL: -ceremony derives the step and score keys and checks the aggregation circuit, but the aggregate's own key comes from a one-party setup by the prover: pass -trust-keys as well to accept it as given (the output says so)")
	case *ceremonyDir != "":
		start := time.Now()
		derive := trainrun.DeriveKeys
		if *only {
			derive = trainrun.DeriveAggregate
		}
		if err := derive(v, dirs[0], *ceremonyDir, ceremonyProgress(stderr)); err != nil {
			return fmt.Errorf("FAIL: %w", err)
		}
		derived := time.Since(start).Round(time.Millisecond)
		defer func() { fmt.Fprintf(stdout, "keys derived from the ceremony in %s\n", derived) }()
	case !*trustKeys:
		return fmt.Errorf("FAIL: the proofs verify, but under verifying keys that are the prover's (%s): pass -ceremony DIR to derive them from a ceremony transcript, or -trust-keys to accept them as given", v.Manifest.Keys.Kind)
	}
	fmt.Fprint(stdout, v.Statement(*only))
	what := fmt.Sprintf("%d proofs", v.Proofs)
	if *only {
		what = "the aggregate, its key and the final model"
	}
	fmt.Fprintf(stdout, "verified in %s; read %s (%s)\n", resultset.Duration(v.VerifyTime.Nanoseconds()), resultset.Bytes(v.Bytes), what)
	if terms == nil {
		fmt.Fprintf(stdout, "terms verified (the manifest's; save them as terms.json and pass -terms to hold a run to your own):\n%s", v.Terms.JSON())
	}
	return nil
}

func short(h string) string {
	if len(h) > 14 {
		return h[:10] + "…"
	}
	return h
}
