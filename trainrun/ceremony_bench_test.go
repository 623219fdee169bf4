package trainrun

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/ceremony"
	"github.com/potbench/potbench/proving"
)

var (
	ceremonyCost = flag.Bool("ceremony.cost", false, "run BenchmarkCeremony: the MPC's cost by phase-1 domain and for each published run shape (tens of minutes on 2 cores)")
	phase1MaxLog = flag.Int("ceremony.maxlog", 16, "BenchmarkCeremony's largest phase-1 domain, as a power of two")
)

// one is the smallest circuit a ceremony sets up: phase 1's cost depends
// only on its domain, given to Init.
type one struct {
	X frontend.Variable `gnark:",public"`
}

func (c *one) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.X)
	return nil
}

// BenchmarkCeremony measures what a root of trust costs, each party in
// turn as the CLI runs it (files written and read back):
//
//   - Phase1/domain=N: one phase-1 contribution, and verifying two
//     contributions and sealing them with a beacon, for domains 2^12 up to
//     -ceremony.maxlog;
//   - Run/NAME: the ceremony of a published run's circuits (BN254 Groth16,
//     a phase 1 sized for its largest circuit, two contributors per phase):
//     each contribution, each seal, the buyer's recomputation of every key
//     from the transcript (verify -ceremony), the transcript's size, and
//     the one-party setup of the same circuits that a run without a
//     ceremony does.
//
// Opt-in: -args -ceremony.cost.
func BenchmarkCeremony(b *testing.B) {
	if !*ceremonyCost {
		b.Skip("opt-in: pass -args -ceremony.cost (tens of minutes on 2 cores)")
	}
	for log := 12; log <= *phase1MaxLog; log += 2 {
		b.Run(fmt.Sprintf("Phase1/domain=%d", 1<<log), func(b *testing.B) {
			cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &one{})
			if err != nil {
				b.Fatal(err)
			}
			circuits := []ceremony.Named{{Name: "one", CS: cs}}
			dir := b.TempDir()
			if _, err := ceremony.Init(dir, ecc.BN254, circuits, 1<<log, nil); err != nil {
				b.Fatal(err)
			}
			contribute := timed(b, func() { mustContribute(b, dir) })
			timed(b, func() { mustContribute(b, dir) })
			seal := timed(b, func() { mustSeal(b, dir, circuits) })
			b.ReportMetric(float64(contribute.Nanoseconds()), "contribute-ns")
			b.ReportMetric(float64(seal.Nanoseconds()), "seal-ns")
			b.ReportMetric(float64(sizeOf(b, filepath.Join(dir, "phase1", "0001.bin"))), "contribution-B")
		})
	}
	for _, r := range []struct {
		name  string
		model string
		lr    float64
	}{{"linreg-b32", "linreg", 0.05}, {"logreg-b32", "logreg", 0.1}, {"softmax-b32", "softmax", 0.1}, {"mlp-b32", "mlp", 0.1}} {
		b.Run("Run/"+r.name, func(b *testing.B) {
			cfg := Config{Model: r.model, Epochs: 1, Batch: 32, LR: r.lr, Seed: 1, Chain: 1, Curve: ecc.BN254, Backend: "groth16"}
			circuits, err := RunCircuits(cfg)
			if err != nil {
				b.Fatal(err)
			}
			largest := 0
			for _, c := range circuits {
				largest = max(largest, c.CS.GetNbConstraints())
			}
			dir := b.TempDir()
			peak := proving.PeakWindow()
			if _, err := ceremony.Init(dir, ecc.BN254, circuits, 0, nil); err != nil {
				b.Fatal(err)
			}
			p1 := timed(b, func() { mustContribute(b, dir) })
			timed(b, func() { mustContribute(b, dir) })
			seal1 := timed(b, func() { mustSeal(b, dir, circuits) })
			p2 := timed(b, func() { mustContribute(b, dir) })
			timed(b, func() { mustContribute(b, dir) })
			seal2 := timed(b, func() { mustSeal(b, dir, circuits) })
			derive := timed(b, func() {
				if _, _, err := ceremony.Derive(dir, circuits); err != nil {
					b.Fatal(err)
				}
			})
			onePartySetup := timed(b, func() {
				for _, c := range circuits {
					if _, _, err := groth16.Setup(c.CS); err != nil {
						b.Fatal(err)
					}
				}
			})
			var transcript, keys int64
			filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if rel, _ := filepath.Rel(dir, path); strings.HasPrefix(rel, "keys") {
						keys += sizeOf(b, path)
					} else {
						transcript += sizeOf(b, path)
					}
				}
				return nil
			})
			b.ReportMetric(float64(len(circuits)), "circuits")
			b.ReportMetric(float64(largest), "constraints")
			b.ReportMetric(float64(ceremony.Domain(largest)), "domain")
			b.ReportMetric(float64(p1.Nanoseconds()), "phase1-contribute-ns")
			b.ReportMetric(float64(seal1.Nanoseconds()), "phase1-seal-ns")
			b.ReportMetric(float64(p2.Nanoseconds()), "phase2-contribute-ns")
			b.ReportMetric(float64(seal2.Nanoseconds()), "phase2-seal-ns")
			b.ReportMetric(float64(derive.Nanoseconds()), "derive-ns")
			b.ReportMetric(float64(onePartySetup.Nanoseconds()), "one-party-setup-ns")
			b.ReportMetric(float64(transcript), "transcript-B")
			b.ReportMetric(float64(keys), "keys-B")
			b.ReportMetric(float64(peak()), "peak-B")
		})
	}
}

func timed(b *testing.B, f func()) time.Duration {
	b.Helper()
	start := time.Now()
	f()
	return time.Since(start)
}

func mustContribute(b *testing.B, dir string) {
	b.Helper()
	if _, err := ceremony.Contribute(dir, "bench"); err != nil {
		b.Fatal(err)
	}
}

func mustSeal(b *testing.B, dir string, circuits []ceremony.Named) {
	b.Helper()
	if _, err := ceremony.Seal(dir, []byte("beacon"), circuits); err != nil {
		b.Fatal(err)
	}
}

func sizeOf(b *testing.B, path string) int64 {
	b.Helper()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return info.Size()
}
