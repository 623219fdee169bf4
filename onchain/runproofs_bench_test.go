package onchain

import (
	"context"
	"flag"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/trainrun"
)

var (
	runFamilies = flag.String("runs.families", "linreg,logreg", "BenchmarkRunProofs' model families (softmax and mlp: tens of minutes of setup each on 2 cores)")
	runEpochs   = flag.Int("runs.epochs", 1, "BenchmarkRunProofs' epochs")
)

// BenchmarkRunProofs proves one run of each family (batch 32, the
// family's learning rate, seed 1) three ways and settles each through the
// escrow contract: one proof per step (K=1), one per epoch, and the whole
// run with its score in one proof (-chain run -fold-score). Per way:
//
//   - proofs, steps, constraints of the largest circuit;
//   - setup-ns, prove-ns (every proof), peak-B (the process's peak resident
//     memory while training, setting up and proving);
//   - transcript-B and verify-ns (potbench verify on the run directory);
//   - plain-ns (the float64 run of the same schedule) and overhead-x;
//   - prove-gas (every step proof verified by the contract) and settle-gas
//     (the whole settlement: offer, proofs, delivery, key).
//
// Families and epochs: -args -runs.families linreg,logreg,softmax,mlp
// -runs.epochs 1.
func BenchmarkRunProofs(b *testing.B) {
	solc, err := FindCompiler()
	if err != nil {
		b.Skip(err)
	}
	for _, model := range strings.Split(*runFamilies, ",") {
		lr, err := trainrun.DefaultLR(model)
		if err != nil {
			b.Fatal(err)
		}
		for _, way := range []struct {
			name  string
			chain int
			fold  bool
		}{{"K=1", 1, false}, {"K=epoch", trainrun.ChainEpoch, false}, {"K=run,fold", trainrun.ChainRun, true}} {
			b.Run(model+"/"+way.name, func(b *testing.B) {
				dir := b.TempDir()
				cfg := trainrun.Config{Model: model, Epochs: *runEpochs, Batch: 32, LR: lr, Seed: 1, Chain: way.chain, FoldScore: way.fold,
					Curve: ecc.BN254, Backend: "groth16", Dir: dir}
				peak := proving.PeakWindow()
				m, err := trainrun.Train(context.Background(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				peakB := peak()
				v, err := trainrun.Verify(dir, nil)
				if err != nil {
					b.Fatal(err)
				}
				r, err := readRun(dir)
				if err != nil {
					b.Fatal(err)
				}
				dk, err := SetupDelivery(r.domain, proving.DefaultKeyCache())
				if err != nil {
					b.Fatal(err)
				}
				s, err := Settle(dir, solc, Target{}, dk)
				if err != nil && !strings.Contains(err.Error(), "delivery verifier") {
					b.Fatal(err)
				}
				constraints := slices.MaxFunc(m.Circuits, func(x, y trainrun.Circuit) int { return x.Constraints - y.Constraints }).Constraints
				b.ReportMetric(float64(v.Proofs), "proofs")
				b.ReportMetric(float64(v.Steps), "steps")
				b.ReportMetric(float64(constraints), "constraints")
				b.ReportMetric(float64(m.Figures.SetupNs), "setup-ns")
				b.ReportMetric(float64(m.Figures.ProveNs), "prove-ns")
				b.ReportMetric(float64(peakB), "peak-B")
				b.ReportMetric(float64(v.Bytes), "transcript-B")
				b.ReportMetric(float64(v.VerifyTime.Nanoseconds()), "verify-ns")
				b.ReportMetric(float64(m.Figures.PlainRunNs), "plain-ns")
				b.ReportMetric(float64(m.Figures.ProveNs)/float64(m.Figures.PlainRunNs), "overhead-x")
				if err == nil {
					var prove Gas
					for _, g := range s.Prove {
						prove = prove.Add(g)
					}
					b.ReportMetric(float64(prove.Tx), "prove-gas")
					b.ReportMetric(float64(s.Total.Tx), "settle-gas")
				}
			})
		}
	}
}
