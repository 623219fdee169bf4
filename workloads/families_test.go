package workloads_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/report"
	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/training"
	"github.com/potbench/potbench/trainrun"
	_ "github.com/potbench/potbench/workloads"
)

// TestEveryFamily walks every registered model family (package training's
// descriptors) through what the harness and the proven runs do with it:
// its step, chain and score circuits accept steps of real training; the
// harness registered its step workloads at the descriptor's sizes and
// measures the smallest, stage by stage; a tiny run on a CSV file is trained, proven and
// verified; and the report lists it.
func TestEveryFamily(t *testing.T) {
	root := t.TempDir()
	set := &resultset.ResultSet{Host: hwprofiles.Detect(), Profile: "native"}
	for _, f := range training.Families() {
		t.Run(f.Name, func(t *testing.T) {
			var first training.Snapshot
			rep, err := f.Train(1, 8, f.LR, 1, func(s training.Snapshot) {
				if s.Step == 0 {
					first = s
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			field := ecc.BN254.ScalarField()
			sh := f.Shape(training.Dims{B: 8, Depth: first.Dataset.Depth(), TestRows: 4, Widths: f.Widths(rep.Train.Features())})

			// step
			c, next, err := sh.AssignStep(first.Dataset, first.Batch, first.Model, first.LR)
			if err != nil {
				t.Fatal(err)
			}
			if err := test.IsSolved(sh.StepCircuit(), c, field); err != nil {
				t.Fatalf("step: %v", err)
			}
			// chain
			if sh.ChainCircuit == nil {
				t.Fatal("no chain circuit")
			}
			c, last, err := sh.AssignChain(first.Dataset, first.Batch, 2, false, first.Model, first.LR)
			if err != nil {
				t.Fatal(err)
			}
			if err := test.IsSolved(sh.ChainCircuit(2, false), c, field); err != nil {
				t.Fatalf("chain of 2: %v", err)
			}
			if _, want, _ := sh.AssignStep(first.Dataset, first.Batch+1, next, first.LR); !slices.Equal(last, want) {
				t.Errorf("chain of 2 ends at another model than two steps")
			}
			// score
			c, _, _, _, err = sh.AssignScore(ecc.BN254, rep.Quant[:4], rep.Final)
			if err != nil {
				t.Fatal(err)
			}
			if err := test.IsSolved(sh.ScoreCircuit(), c, field); err != nil {
				t.Fatalf("score: %v", err)
			}

			// the harness: the step workloads at the descriptor's sizes
			var def bench.FamilyDef
			for _, d := range bench.Families() {
				if d.Name == f.Name {
					def = d
				}
			}
			if !slices.Equal(def.Sizes, f.BenchSizes) || !slices.Equal(def.Default, f.DefaultSizes) {
				t.Fatalf("harness family %q has sizes %v (default %v), the descriptor %v (%v)", f.Name, def.Sizes, def.Default, f.BenchSizes, f.DefaultSizes)
			}
			w, err := bench.New(f.Name + "/" + f.BenchSizes[0])
			if err != nil {
				t.Fatal(err)
			}
			r, err := bench.Run(w, bench.Options{PlainFor: time.Millisecond})
			if err != nil {
				t.Fatalf("workload %s: %v", w.Name(), err)
			}
			set.Merge(r)

			// a run, one proof per epoch: trained, proven, verified, reported
			csv := filepath.Join(t.TempDir(), f.Name+"-tiny.csv")
			if err := os.WriteFile(csv, []byte(tinyCSV(f)), 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := trainrun.Config{Model: f.Name, Dataset: csv, Epochs: 1, Batch: 4, LR: f.LR, Seed: 1, Chain: trainrun.ChainEpoch, Curve: ecc.BN254, Backend: "groth16",
				Dir: filepath.Join(t.TempDir(), f.Name+"-tiny")}
			if _, err := trainrun.Train(context.Background(), cfg); err != nil {
				t.Fatal(err)
			}
			v, err := trainrun.Verify(cfg.Dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if v.Steps != 4 || v.Proofs != 2 || v.Score == nil {
				t.Errorf("verdict: %d steps in %d proofs, score %v; want 4 steps in one chain proof, and a score", v.Steps, v.Proofs, v.Score)
			}
			if _, err := resultset.WriteRun(root, "walk-2c", trainrun.Summary(cfg.Dir, v.Manifest, v, 0, nil)); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := report.WriteSet(filepath.Join(root, "walk-2c", "native"), set, bench.BenchName); err != nil {
		t.Fatal(err)
	}
	if _, err := report.Write(root, report.Options{PricePerCoreHour: 0.05}); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(root, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range training.Families() {
		for _, row := range []string{fmt.Sprintf("| walk-2c | %s-tiny | %s / %s-tiny.csv |", f.Name, f.Name, f.Name), "| " + f.Name + "/" + f.BenchSizes[0] + " |"} {
			if !strings.Contains(string(md), row) {
				t.Errorf("REPORT.md has no row %q", row)
			}
		}
	}
}

// tinyCSV is 20 rows of two features and a target the family learns: a
// class index for a classifier, a number for least squares.
func tinyCSV(f training.Family) string {
	var b strings.Builder
	for i := range 20 {
		x1, x2 := float64(i%7)-3, float64(i%5)-2
		if f.Classes > 0 {
			fmt.Fprintf(&b, "%g,%g,%d\n", x1, x2, i%f.Classes)
		} else {
			fmt.Fprintf(&b, "%g,%g,%g\n", x1, x2, 0.5*x1-0.25*x2+1)
		}
	}
	return b.String()
}
