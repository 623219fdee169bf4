package bench

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/consensys/gnark/logger"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/hwprofiles"
)

// TestMain prints benchfmt configuration and unit lines before benchmarks,
// so that benchstat sees the profile, CPU and library versions.
var (
	benchCurve   = flag.String("potbench.curve", "bn254", "curve of the benchmarks: "+commit.CurveNames())
	benchBackend = flag.String("potbench.backend", "groth16", "proving system of the benchmarks: "+strings.Join(Backends, ", "))
	benchGKR     = flag.Bool("potbench.gkr", false, "also run BenchmarkCommitGKR (about 1.5M constraints: minutes of setup and 5 GB on 2 cores)")
	benchOptions Options
)

func TestMain(m *testing.M) {
	flag.Parse()
	logger.Disable()
	curve, err := commit.ParseCurve(*benchCurve)
	if err == nil {
		_, err = newProvingSystem(*benchBackend)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	benchOptions = Options{Curve: curve, Backend: *benchBackend, Keys: DefaultKeyCache()}
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		for _, l := range ConfigLines(hwprofiles.Detect(), curve, *benchBackend) {
			fmt.Println(l)
		}
		for _, l := range UnitLines() {
			fmt.Println(l)
		}
	}
	os.Exit(m.Run())
}

var linregSizes = []string{"B=8,D=8", "B=16,D=16", "B=32,D=32", "B=64,D=64"}

func BenchmarkLinReg(b *testing.B) {
	for _, s := range linregSizes {
		benchWorkload(b, "linreg/"+s)
	}
}

func BenchmarkLinRegNaive(b *testing.B) {
	for _, s := range []string{"B=8,D=8", "B=16,D=16", "B=32,D=32"} {
		benchWorkload(b, "linreg-naive/"+s)
	}
}

func BenchmarkLogRegCancer(b *testing.B) {
	for _, s := range []string{"B=16", "B=32", "B=64"} {
		benchWorkload(b, "logreg/"+s)
	}
}

func BenchmarkChain(b *testing.B) {
	for _, k := range []string{"1", "2", "4", "8"} {
		benchWorkload(b, "chain/K="+k+",B=16,D=16")
	}
}

func BenchmarkQualityScore(b *testing.B) {
	for _, n := range []string{"32", "64", "114"} {
		benchWorkload(b, "quality/N="+n)
	}
}

func BenchmarkQualityImprove(b *testing.B) {
	for _, n := range []string{"32", "64"} {
		benchWorkload(b, "improve/N="+n)
	}
}

func BenchmarkSoftmaxDigits(b *testing.B) {
	for _, s := range []string{"B=8", "B=16", "B=32"} {
		benchWorkload(b, "softmax/"+s)
	}
}

func BenchmarkMLPDigits(b *testing.B) {
	for _, s := range []string{"B=8", "B=16", "B=32"} {
		benchWorkload(b, "mlp/"+s)
	}
}

func BenchmarkMLPDigitsNaive(b *testing.B) {
	for _, s := range []string{"B=8", "B=16"} {
		benchWorkload(b, "mlp-naive/"+s)
	}
}

func BenchmarkLineage(b *testing.B) {
	for _, n := range []string{"32", "64", "128"} {
		benchWorkload(b, "lineage/N="+n)
	}
}

func BenchmarkCommit(b *testing.B) {
	for _, n := range []string{"1024", "4096", "16384"} {
		benchWorkload(b, "commit/N="+n)
	}
}

// BenchmarkCommitGKR: gnark's GKR-checked Poseidon2 on the same values as
// BenchmarkCommit; its fixed cost is about 1.5M constraints, so it runs only
// with -potbench.gkr.
func BenchmarkCommitGKR(b *testing.B) {
	if !*benchGKR {
		b.Skip("opt-in: about 5 minutes of setup and 5 GB on 2 cores; pass -args -potbench.gkr")
	}
	benchWorkload(b, "commit-gkr/N=1024")
}

func BenchmarkLinRegDiabetes(b *testing.B) {
	benchWorkload(b, "linreg-diabetes/B=32")
}

// benchWorkload runs one workload as a sub-benchmark: compile and setup once
// (keys from the cache when present), then witness, prove, verify and the
// plain step in every iteration; each stage is reported as its own metric.
// The curve and backend come from -potbench.curve and -potbench.backend, e.g.
// go test ./bench -run '^$' -bench LinReg -args -potbench.curve=bls12-381.
func benchWorkload(b *testing.B, name string) {
	_, sub, _ := cutFamily(BenchName(name))
	b.Run(sub, func(b *testing.B) {
		w, err := New(name)
		if err != nil {
			b.Fatal(err)
		}
		p, err := Prepare(w, benchOptions)
		if err != nil {
			b.Fatal(err)
		}
		var runs []Result
		for b.Loop() {
			r, err := p.ProveOnce()
			if err != nil {
				b.Fatal(err)
			}
			runs = append(runs, r)
		}
		b.ReportMetric(0, "ns/op")
		for _, m := range Combine(p.Result, runs).Metrics() {
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
