package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/trainrun"
)

func cmdPublish(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("publish", "publish [-ceremony DIR] [-results results] [-host H] RUN-DIRECTORY\n\n"+
		"Copies the public part of a verified run (manifest, README, model, verifying keys, proofs, and the ceremony's\n"+
		"record when its keys came from one) to RESULTS/<host>/runs/<run>/, for anyone to verify from a checkout.\n"+
		"Proving keys are never copied, and a published directory holding one is refused.", stderr)
	ceremonyDir := fs.String("ceremony", "", "the ceremony the run's keys came from (its record is published beside the run)")
	results := fs.String("results", "results", "results root")
	host := fs.String("host", "", "host id (default: derived from the CPU, or $POTBENCH_HOST)")
	dirs, err := oneDir(fs, args)
	if err != nil {
		return err
	}
	dir := filepath.Clean(dirs[0])
	id := *host
	if id == "" {
		id = hwprofiles.Detect().ID()
	}
	dst := filepath.Join(*results, id, "runs", filepath.Base(dir))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	v, err := trainrun.Publish(dir, dst, *ceremonyDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "published %s to %s: %d proofs verified in %s; anyone verifies it with\n  potbench verify -trust-keys %s\n",
		dir, dst, v.Proofs, resultset.Duration(v.VerifyTime.Nanoseconds()), dst)
	if v.Manifest.Keys.Kind == trainrun.FromCeremony {
		fmt.Fprintf(stdout, "or, to derive the keys again, with the ceremony's transcript: potbench verify -ceremony %s %s\n", *ceremonyDir, dst)
	}
	return nil
}
