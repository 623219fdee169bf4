package main

import (
	"cmp"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/potbench/potbench/ceremony"
	"github.com/potbench/potbench/curves"
	"github.com/potbench/potbench/trainrun"
)

// ceremonyRun is what a ceremony's circuits are compiled from: the run
// flags that fix their shapes, kept in the record.
type ceremonyRun struct {
	Model       string `json:"model"`
	Dataset     string `json:"dataset,omitempty"`
	DatasetSkip int    `json:"dataset_skip,omitempty"`
	Clip        bool   `json:"clip,omitempty"`
	Batch       int    `json:"batch"`
	Chain       int    `json:"chain"`
	Epochs      int    `json:"epochs,omitempty"` // 1 when 0
	FoldScore   bool   `json:"fold_score,omitempty"`
	Revision    int    `json:"circuit_revision,omitempty"`
	Seed        uint64 `json:"seed"`
	Curve       string `json:"curve"`
	Backend     string `json:"backend,omitempty"` // "groth16" when empty
}

func (c ceremonyRun) circuits() ([]ceremony.Named, error) {
	curve, err := curves.Parse(c.Curve)
	if err != nil {
		return nil, err
	}
	lr, err := trainrun.DefaultLR(c.Model)
	if err != nil {
		return nil, err
	}
	return trainrun.RunCircuits(trainrun.Config{Model: c.Model, Dataset: c.Dataset, DatasetSkip: c.DatasetSkip, Clip: c.Clip,
		Epochs: max(c.Epochs, 1), Batch: c.Batch, LR: lr, Seed: c.Seed, Chain: c.Chain, FoldScore: c.FoldScore, Revision: c.Revision, Curve: curve, Backend: cmp.Or(c.Backend, "groth16")})
}

func cmdCeremony(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	usage := "ceremony init|contribute|verify [flags] DIR\n\n" +
		"The two-phase Groth16 MPC for a run's circuits, as a transcript directory anyone can check\n" +
		"(PLONK: phase 1 only, whose powers of τ are the KZG reference string):\n" +
		"  init -model M -batch B [-chain K|epoch|run [-epochs E]] [-fold-score] [-curve C] [-backend plonk] DIR\n" +
		"                                                      compile the run's circuits, size phase 1 for the largest\n" +
		"  contribute [-name WHO] DIR                          add a contribution to the open phase (each party in its own process)\n" +
		"  verify -beacon HEX DIR                              verify every contribution and seal the open phase with a public\n" +
		"                                                      random value (phase 1 first, then phase 2, which writes the keys;\n" +
		"                                                      PLONK: sealing phase 1 writes them)\n" +
		"Then: potbench train -keys DIR ..., and the buyer: potbench verify -ceremony DIR RUN."
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		newFlagSet("ceremony", usage, stderr).Usage()
		return flag.ErrHelp
	}
	fs := newFlagSet("ceremony "+args[0], usage, stderr)
	switch args[0] {
	case "init":
		shape := runShapeFlags(fs)
		domain := fs.Int("domain", 0, "size phase 1 for circuits of up to this many constraints (default: the run's largest)")
		dirs, err := oneDir(fs, args[1:])
		if err != nil {
			return err
		}
		run := ceremonyRun{Model: *shape.model, Dataset: *shape.dataset, DatasetSkip: *shape.skip, Clip: *shape.clip, Batch: *shape.batch, Chain: shape.chain, Epochs: *shape.epochs, FoldScore: *shape.foldScore, Revision: *shape.revision,
			Seed: *shape.seed, Curve: *shape.curve, Backend: *shape.backend}
		named, err := run.circuits()
		if err != nil {
			return err
		}
		c, _ := curves.Parse(*shape.curve)
		r, err := ceremony.Init(dirs[0], c, named, *domain, run)
		if err != nil {
			return err
		}
		for _, circ := range r.Circuits {
			fmt.Fprintf(stdout, "circuit %-8s %8d constraints  %s…  %s\n", circ.Name, circ.Constraints, circ.ID[:16], circ.Describe)
		}
		fmt.Fprintf(stdout, "%s ceremony on %s in %s: phase 1 of domain %d; next: potbench ceremony contribute %s\n", r.Backend, r.Curve, dirs[0], r.Domain, dirs[0])
		return nil
	case "contribute":
		name := fs.String("name", "", "who contributes (recorded, not checked)")
		dirs, err := oneDir(fs, args[1:])
		if err != nil {
			return err
		}
		start := time.Now()
		cs, err := ceremony.Contribute(dirs[0], *name)
		if err != nil {
			return err
		}
		for _, c := range cs {
			fmt.Fprintf(stdout, "%s  sha256 %s\n", c.File, c.SHA256)
		}
		fmt.Fprintf(stdout, "contributed in %s; publish the hashes above so that others can check the transcript holds your contribution\n", time.Since(start).Round(time.Millisecond))
		return nil
	case "verify":
		beacon := fs.String("beacon", "", "the public random value (hex) that seals the open phase: fixed after its last contribution")
		dirs, err := oneDir(fs, args[1:])
		if err != nil {
			return err
		}
		b, err := hex.DecodeString(*beacon)
		if err != nil || len(b) == 0 {
			return fmt.Errorf("-beacon %q: want the beacon's value in hex", *beacon)
		}
		r, err := ceremony.Read(dirs[0])
		if err != nil {
			return err
		}
		var run ceremonyRun
		if err := json.Unmarshal(r.For, &run); err != nil || run.Model == "" {
			return fmt.Errorf("%s: the record does not say which run's circuits it sets up", dirs[0])
		}
		named, err := run.circuits()
		if err != nil {
			return err
		}
		start := time.Now()
		phase := 1
		if r.Beacon1 != "" {
			phase = 2
		}
		r, err = ceremony.Seal(dirs[0], b, named, ceremonyProgress(stderr))
		if err != nil {
			return fmt.Errorf("FAIL: %w", err)
		}
		p1, p2 := r.Contributors()
		if phase == 1 && !r.Sealed() {
			fmt.Fprintf(stdout, "phase 1 verified (%d contributions) and sealed in %s; phase 2 is open: potbench ceremony contribute %s\n", p1, time.Since(start).Round(time.Millisecond), dirs[0])
			return nil
		}
		for _, c := range r.Circuits {
			fmt.Fprintf(stdout, "%-8s %s  sha256 %s\n", c.Name, r.Keys[c.Name].VK, r.Keys[c.Name].VKSHA256)
		}
		what := fmt.Sprintf("phase 2 verified (%d contributions per circuit)", p2)
		if phase == 1 {
			what = fmt.Sprintf("phase 1 verified (%d contributions), the KZG reference string taken from it,", p1)
		}
		fmt.Fprintf(stdout, "%s and sealed in %s; keys in %s/keys (train -keys %s)\n", what, time.Since(start).Round(time.Millisecond), dirs[0], dirs[0])
		return nil
	}
	fmt.Fprintf(stderr, "unknown ceremony step %q\n%s\n", args[0], usage)
	return errUsage
}

// ceremonyProgress prints each long step of sealing or deriving keys as it
// starts, with the time since the first.
func ceremonyProgress(w io.Writer) ceremony.Option {
	start := time.Now()
	return ceremony.WithProgress(func(step string) {
		fmt.Fprintf(w, "[%6s] %s\n", time.Since(start).Round(time.Second), step)
	})
}

// oneDir parses a step's flags and its one directory argument.
func oneDir(fs *flag.FlagSet, args []string) ([]string, error) {
	dirs, err := parseWithArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(dirs) != 1 {
		fs.Usage()
		return nil, errUsage
	}
	return dirs, nil
}
