package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/resultset"
)

// fixture writes a small results tree: two hosts, two profiles, three sizes.
func fixture(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for hi, host := range []string{"hosta-2c", "hostb-16c"} {
		for pi, profile := range []string{"native", "purego"} {
			set := &resultset.ResultSet{Host: hwprofiles.Host{Brand: "Test CPU", LogicalCores: 2 + 14*hi, GOMAXPROCS: 2 + 14*hi,
				GnarkCryptoASM: []string{"adx"}, Gnark: "v0.16.3", GnarkCrypto: "v0.21.0"}, Profile: profile}
			for si, n := range []int{8, 16, 32} {
				scale := int64(1+si) * int64(1+pi) * int64(2-hi)
				set.Merge(resultset.Result{Workload: "linreg/B=" + itoa(n) + ",D=" + itoa(n), Curve: "bn254", Backend: "groth16",
					Constraints: 2000 + 8*n*n, Elements: n * n, SetupNs: 5e8 * scale, WitnessNs: 1e5 * scale,
					ProveNs: 1e8 * scale, VerifyNs: 1.5e6, PlainNs: float64(10 * n * n), ProofBytes: 196, EpochSteps: 8,
					PeakSetupB: 20<<20 + int64(2048*(2000+8*n*n)), PeakProveB: 20<<20 + int64(2048*(2000+8*n*n))})
				if hi == 0 && pi == 0 { // the same steps on BLS12-381, twice as slow
					set.Merge(resultset.Result{Workload: "linreg/B=" + itoa(n) + ",D=" + itoa(n), Curve: "bls12_381", Backend: "groth16",
						Constraints: 3000 + 12*n*n, Elements: n * n, SetupNs: 1e9 * scale, WitnessNs: 1e5 * scale,
						ProveNs: 2e8 * scale, VerifyNs: 3e6, PlainNs: float64(10 * n * n), ProofBytes: 288})
				}
			}
			if err := WriteSet(filepath.Join(root, host, profile), set, func(w string) string { return w }); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestReportDeterministic(t *testing.T) {
	root := fixture(t)
	first, err := Write(root, Options{PricePerCoreHour: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	snapshot := map[string][]byte{}
	for _, p := range first {
		snapshot[p], _ = os.ReadFile(p)
	}
	second, err := Write(root, Options{PricePerCoreHour: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(second) || len(first) < 6 {
		t.Fatalf("wrote %d then %d files", len(first), len(second))
	}
	for _, p := range second {
		got, _ := os.ReadFile(p)
		if !bytes.Equal(got, snapshot[p]) {
			t.Errorf("%s differs between two runs on the same results", p)
		}
	}
	md := string(snapshot[filepath.Join(root, "REPORT.md")])
	for _, want := range []string{"## Verdict", "## Scaling laws", "EXTRAPOLATION", "## Real-time frontier", "## Cost model",
		"| hosta-2c | native | groth16 | linreg/B=32,D=32 |", "$0.05 per core-hour"} {
		if !strings.Contains(md, want) {
			t.Errorf("REPORT.md lacks %q", want)
		}
	}
	// BLS12-381 sits beside BN254: compared in its own section, never in the
	// headline.
	if !strings.Contains(md, "## Curves: BN254 and BLS12-381") || !strings.Contains(md, "| hosta-2c | native | groth16 | bls12_381 | linreg/B=32,D=32 | 10192 | 15288 |") ||
		!strings.Contains(md, "| 2.00x |") {
		t.Errorf("REPORT.md lacks the curve comparison:\n%s", md)
	}
	if strings.Contains(Headline(mustLoad(t, root), nil), "bls12_381") || !strings.Contains(md, "| hosta-2c | native | groth16 bls12_381 | linreg/B=8,D=8 |") {
		t.Error("BLS12-381 results in the headline, or missing from the verdict table")
	}
	for _, plot := range []string{"overhead.svg", "overhead.png", "stages-hosta-2c.png", "profiles-hostb-16c.svg"} {
		if _, ok := snapshot[filepath.Join(root, "plots", plot)]; !ok {
			t.Errorf("plot %s not written", plot)
		}
	}
}

func TestReportNoResults(t *testing.T) {
	if _, err := Write(t.TempDir(), Options{PricePerCoreHour: 1}); err == nil || !strings.Contains(err.Error(), "no results") {
		t.Errorf("Write on an empty tree: %v", err)
	}
}

func TestSpliceHeadline(t *testing.T) {
	in := "intro\n" + HeadlineStart + "\nold\n" + HeadlineEnd + "\nrest\n"
	out, err := SpliceHeadline(in, "new table\n")
	if err != nil || out != "intro\n"+HeadlineStart+"\nnew table\n"+HeadlineEnd+"\nrest\n" {
		t.Errorf("SpliceHeadline = %q, %v", out, err)
	}
	if _, err := SpliceHeadline("no markers", "x"); err == nil {
		t.Error("README without markers accepted")
	}
}

func mustLoad(t *testing.T, root string) []Entry {
	t.Helper()
	es, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestProvenRunsSection: stored run summaries give the proven-runs section,
// the steps-per-proof comparison and a headline row.
func TestProvenRunsSection(t *testing.T) {
	root := fixture(t)
	for _, k := range []int{1, 2} {
		r := resultset.RunSummary{Name: "linreg-b11-k" + itoa(k) + "-e1", Model: "linreg", Dataset: "diabetes", Epochs: 1, Batch: 11, Chain: k,
			Curve: "bn254", Backend: "groth16", Steps: 32, Proofs: 32/k + 1, ProveNs: int64(4e9 / k), Cores: 2, PlainRunNs: 10000,
			VerifyNs: int64(5e7 / k), Bytes: 20000, Metric: "mse", FixedPoint: 0.55, Float64: 0.55, ScoreProof: true}
		if k == 2 {
			r.Keys = "ceremony, 2+2 contributors"
			r.SetupNs = 5e8 // reading the ceremony's keys: not a setup
		}
		if _, err := resultset.WriteRun(root, "hosta-2c", r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Write(root, Options{PricePerCoreHour: 0.05}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(root, "REPORT.md"))
	md := string(data)
	for _, want := range []string{"## Proven training runs", "| hosta-2c | linreg-b11-k2-e1 | linreg / diabetes | ceremony, 2+2 contributors | 1 | 11 | 2 | 32 | 17 | 2s |",
		"| hosta-2c | linreg-b11-k1-e1 | linreg / diabetes | one-party (prover) | 1 | 11 | 1 |",
		"### Steps per proof", "| hosta-2c | linreg / diabetes, batch 11, 1 epoch(s) | 1 | 33 | – | 4s | 400000x |",
		"| hosta-2c | linreg / diabetes, batch 11, 1 epoch(s) | 2 | 17 | ceremony | 2s |", "whole run: linreg on diabetes, 1 epoch(s), 32 steps | – | 4s |", "400000x"} {
		if !strings.Contains(md, want) {
			t.Errorf("REPORT.md lacks %q:\n%s", want, md)
		}
	}
}

// TestPrivacySection: an encrypted step and the proof of the same step sit on
// one row, both held against the plain step of the encrypted run, and the
// encrypted step stays out of the circuit sections.
func TestPrivacySection(t *testing.T) {
	es := []Entry{
		{Host: "h", Profile: "native", Cores: 2, System: "groth16", Result: resultset.Result{Workload: "linreg/B=8,D=8", Backend: "groth16",
			Curve: "bn254", Constraints: 4000, Elements: 64, ProveNs: 100e6, PlainNs: 100}},
		{Host: "h", Profile: "native", Cores: 2, System: "ckks", Result: resultset.Result{Workload: "fhe-linreg/B=8,D=8", Backend: resultset.FHEBackend,
			Elements: 64, ProveNs: 200e6, VerifyNs: 10e6, PlainNs: 50, FHEError: 5e-8, ProofBytes: 5 << 20, PKBytes: 180 << 20, SetupNs: 3e9,
			FHERotations: 7, FHELevels: 3, FHEFormerNs: 400e6}},
		{Host: "g", Profile: "native", Cores: 2, System: "ckks", Result: resultset.Result{Workload: "fhe-logreg/B=8", Backend: resultset.FHEBackend,
			Elements: 64, ProveNs: 300e6, PlainNs: 60, FHEError: 0.01, PKBytes: 100 << 20, SetupNs: 2e9, FHEActivation: "sigmoid: a polynomial"}},
	}
	md := Markdown(es, Options{PricePerCoreHour: 0.05, FHETraining: []HostTraining{{Host: "h", Training: resultset.Training{Model: "logreg",
		Dataset: "breast_cancer", Metric: "accuracy", Epochs: 5, Batch: 32, LR: 0.1, TrainRows: 455, TestRows: 114, FixedPoint: 0.9737, Float64: 0.9649, FHE: 0.9649}}}})
	for _, row := range []string{
		"### Training under encryption",
		"| h | logreg | breast_cancer | 5 | 32 | 0.1 | 455/114 | test accuracy | 0.9737 | 0.9649 | 0.9649 | – |",
		"| h | native | linreg/B=8,D=8 | padded | 7 | 3 | 50ns | 200ms | 400ms | 2x | 4000000x | 4000x beyond | 100ms | 2000000x | 2000x beyond | 5e-08 | 3s | 180 MiB |",
		"| g | native | logreg/B=8 | blocks | – | – | 60ns | 300ms | – | – | 5000000x | 5000x beyond | – | – | – | 0.01 | 2s | 100 MiB |",
		"Logistic rows: sigmoid: a polynomial."} {
		if !strings.Contains(md, "## Privacy vs verifiability") || !strings.Contains(md, row) {
			t.Errorf("privacy section missing or wrong; want row\n%s\n%s", row, md[strings.Index(md, "## Privacy"):])
		}
	}
	if !strings.Contains(md, "fhe-linreg/B=8,D=8 (encrypted, not proven)") {
		t.Error("the headline has no encrypted row")
	}
	verdict := md[strings.Index(md, "## Verdict"):strings.Index(md, "## Privacy")]
	if strings.Contains(verdict, "fhe-linreg") {
		t.Error("the encrypted step is in the proofs' verdict table")
	}
}

// TestSettlementSection: a settled run's row gives its settlement gas and,
// in a column of its own, the one-off deployment; a run settled before the
// deployment was recorded shows a dash there, one settled before delivery
// says so, and one with delivery has a row of its transactions; a sold
// run has a row of its sale, counted against the whole-deal budget.
func TestSettlementSection(t *testing.T) {
	runs := map[string][]resultset.RunSummary{"hosta-2c": {
		{Name: "a", Model: "linreg", Dataset: "diabetes", Steps: 5, Proofs: 6, SettleGasTx: 3_200_000, SettleTxs: 4, DeployGas: 3_100_000,
			Settlement: &resultset.SettlementSummary{OfferGasTx: 476_000, ProveGasTx: 1_830_000, DeliverGasTx: 804_000, DeliveryVerifyGas: 342_000,
				SettleGasTx: 45_000, CipherElements: 2, DeliveryConstraints: 167_569, DeliveryProveNs: 5e9, Delivered: true},
			Sale: &resultset.SaleSummary{Constraints: 49_512, Inputs: 5, Elements: 2, OfferGasTx: 56_000, SellGasTx: 358_000, VerifyGas: 303_000,
				TotalGasTx: 414_000, DeployGas: 2_478_000, Delivered: true},
			SaleBlob: &resultset.SaleSummary{Constraints: 52_000, Inputs: 5, Elements: 2, OfferGasTx: 56_000, SellGasTx: 400_000, VerifyGas: 303_000,
				TotalGasTx: 456_000, DeployGas: 2_478_000, Delivered: true, Blobs: 1, BlobGas: 131_072}},
		{Name: "b", Model: "linreg", Dataset: "diabetes", Steps: 5, Proofs: 6, SettleGasTx: 2_400_000, SettleTxs: 3},
	}}
	var b strings.Builder
	settlement(&b, Options{Runs: runs})
	for _, want := range []string{"| deployment, once |", "| hosta-2c | a | linreg / diabetes | 5 | 6 | 4 | 3200000 (", "| 3100000 (", "| 480000 | $",
		"| yes |", "| no (settled before delivery) |", "| hosta-2c | a | 476000 | 1830000 | 804000 | 342000 | 45000 | 2 | 167569 | 5s |",
		"| hosta-2c | a | linreg / diabetes | 5 | 49512 | 5 | 2 | calldata | 56000 | 358000 | 303000 | 414000 ($", "| yes | 2478000 |",
		"| hosta-2c | a | linreg / diabetes | 5 | 52000 | 5 | 2 | 1 blob (131072 blob gas) | 56000 | 400000 | 303000 | 456000 ($",
		"1 of 2 sales cost at most 450000 gas", "the gas does not grow with the model"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("no %q in\n%s", want, b.String())
		}
	}
	if !strings.Contains(b.String(), "| – |\n") {
		t.Errorf("the run without a recorded deployment has no dash:\n%s", b.String())
	}
}
