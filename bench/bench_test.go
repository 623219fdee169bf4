package bench_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark/logger"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/curves"
	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/resultset"
)

// TestMain prints benchfmt configuration and unit lines before benchmarks,
// so that benchstat sees the profile, CPU and library versions.
var (
	benchCurve   = flag.String("potbench.curve", "bn254", "curve of the benchmarks: "+curves.Names())
	benchBackend = flag.String("potbench.backend", "groth16", "proving system of the benchmarks: "+strings.Join(proving.Backends, ", "))
	benchGKR     = flag.Bool("potbench.gkr", false, "also run BenchmarkCommitGKR (about 1.5M constraints: minutes of setup and 5 GB on 2 cores)")
	benchOptions bench.Options
)

func TestMain(m *testing.M) {
	flag.Parse()
	logger.Disable()
	curve, err := curves.Parse(*benchCurve)
	if err == nil {
		if !slices.Contains(proving.Backends, *benchBackend) {
			err = fmt.Errorf("unknown backend %q (known: %s)", *benchBackend, strings.Join(proving.Backends, ", "))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	benchOptions = bench.Options{Curve: curve, Backend: *benchBackend, Keys: proving.DefaultKeyCache()}
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		host := hwprofiles.Detect()
		defaultConfig = append(resultset.ConfigLines(host, curve, *benchBackend), "profile: "+hwprofiles.Current(host.Available()))
		for _, l := range defaultConfig {
			fmt.Println(l)
		}
		for _, l := range resultset.UnitLines() {
			fmt.Println(l)
		}
	}
	os.Exit(m.Run())
}

func BenchmarkLinReg(b *testing.B) { benchFamily(b, "linreg") }

func BenchmarkLinRegNaive(b *testing.B) { benchFamily(b, "linreg-naive") }

func BenchmarkLogRegCancer(b *testing.B) { benchFamily(b, "logreg") }

func BenchmarkChain(b *testing.B) { benchFamily(b, "chain") }

func BenchmarkQualityScore(b *testing.B) { benchFamily(b, "quality") }

func BenchmarkQualityImprove(b *testing.B) { benchFamily(b, "improve") }

func BenchmarkSoftmaxDigits(b *testing.B) { benchFamily(b, "softmax") }

func BenchmarkMLPDigits(b *testing.B) { benchFamily(b, "mlp") }

func BenchmarkMLPDigitsNaive(b *testing.B) { benchFamily(b, "mlp-naive") }

func BenchmarkLineage(b *testing.B) { benchFamily(b, "lineage") }

func BenchmarkCommit(b *testing.B) { benchFamily(b, "commit") }

// BenchmarkCommitGKR: gnark's GKR-checked Poseidon2 on the same values as
// BenchmarkCommit; its fixed cost is about 1.5M constraints, so it runs only
// with -potbench.gkr.
func BenchmarkCommitGKR(b *testing.B) {
	if !*benchGKR {
		b.Skip("opt-in: about 5 minutes of setup and 5 GB on 2 cores; pass -args -potbench.gkr")
	}
	benchFamily(b, "commit-gkr")
}

func BenchmarkLinRegDiabetes(b *testing.B) { benchFamily(b, "linreg-diabetes") }

// BenchmarkFHELinReg and BenchmarkFHELogRegCancer compute the steps of
// BenchmarkLinReg and BenchmarkLogRegCancer under CKKS instead of proving
// them: setup-ns is key generation, witness-ns encryption, prove-ns the
// encrypted step, verify-ns decryption (the curve and backend flags do not
// apply).
// Their results carry "backend: ckks" and no curve, as potbench run writes
// them, so that benchstat does not group them with the proofs.
func BenchmarkFHELinReg(b *testing.B)       { underCKKS(func() { benchFamily(b, "fhe-linreg") }) }
func BenchmarkFHELogRegCancer(b *testing.B) { underCKKS(func() { benchFamily(b, "fhe-logreg") }) }

// defaultConfig are the configuration lines printed first.
var defaultConfig []string

// underCKKS runs f between configuration lines that set the backend to
// CKKS and clear the curve (an empty value deletes a key), then restores
// the defaults.
func underCKKS(f func()) {
	fmt.Println("backend: ckks")
	fmt.Println("curve:")
	f()
	for _, l := range defaultConfig {
		if strings.HasPrefix(l, "backend:") || strings.HasPrefix(l, "curve:") {
			fmt.Println(l)
		}
	}
}

// benchFamily runs every benchmarked size of a family (bench.FamilyDef.Sizes).
func benchFamily(b *testing.B, family string) {
	for _, f := range bench.Families() {
		if f.Name == family {
			for _, size := range f.Sizes {
				benchWorkload(b, family+"/"+size)
			}
			return
		}
	}
	b.Fatalf("no family %q", family)
}

// benchWorkload runs one workload as a sub-benchmark: compile and setup once
// (keys from the cache when present), then witness, prove, verify and the
// plain step in every iteration; each stage is reported as its own metric.
// The curve and backend come from -potbench.curve and -potbench.backend, e.g.
// go test ./bench -run '^$' -bench LinReg -args -potbench.curve=bls12-381.
func benchWorkload(b *testing.B, name string) {
	_, sub, _ := cutFamily(bench.BenchName(name))
	b.Run(sub, func(b *testing.B) {
		w, err := bench.New(name)
		if err != nil {
			b.Fatal(err)
		}
		p, err := bench.Prepare(w, benchOptions)
		if err != nil {
			b.Fatal(err)
		}
		var runs []resultset.Result
		for b.Loop() {
			r, err := p.ProveOnce()
			if err != nil {
				b.Fatal(err)
			}
			runs = append(runs, r)
		}
		b.ReportMetric(0, "ns/op")
		for _, m := range bench.Combine(p.Result, runs).Metrics() {
			b.ReportMetric(m.Value, m.Unit)
		}
	})
}

func cutFamily(benchName string) (string, string, bool) {
	for i := range benchName {
		if benchName[i] == '/' {
			return benchName[:i], benchName[i+1:], true
		}
	}
	return benchName, "", false
}

// TestBenchConfigLines: go test -bench labels its results with the profile
// it runs under, and the encrypted steps with backend ckks and no curve
// (benchfmt reads them so), as potbench run does. The FHE benchmark is run
// with a sub-benchmark filter that matches none of its sizes: its
// configuration lines are printed, nothing is computed.
func TestBenchConfigLines(t *testing.T) {
	if os.Getenv("POTBENCH_BENCH_CONFIG_CHILD") == "1" {
		t.Skip("the child itself")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^$", "-test.bench", "FHELinReg/none$", "-test.benchtime", "1x")
	cmd.Env = append(os.Environ(), "POTBENCH_BENCH_CONFIG_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"\nprofile: ", "\nbackend: groth16\n", "\nbackend: ckks\ncurve:\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	if strings.Contains(text, "profile: custom") {
		t.Errorf("a native test binary is not the native profile:\n%s", text)
	}
}
