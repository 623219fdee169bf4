package report

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/potbench/potbench/resultset"
)

// Files under results/<host>/ holding go test -bench output that the report
// reads: `make aggregation-paths` and `make fhe-chain` write them.
const (
	PathFile     = "aggregation-paths.txt"
	FHEChainFile = "fhe-chain.txt"
)

// AggregationPath is one benchmark result of such a file: a curve path's
// aggregate of a one-step run (BenchmarkAggregationProve), or the encrypted
// chain (BenchmarkChainBootstrap).
type AggregationPath struct {
	Host, Path string
	Values     map[string]float64 // by unit, as written
}

// ReadAggregationPaths reads every results/<host>/aggregation-paths.txt.
func ReadAggregationPaths(root string) ([]AggregationPath, error) {
	return readBenchFiles(root, PathFile)
}

// readBenchFiles reads every results/<host>/NAME with benchfmt.
func readBenchFiles(root, name string) ([]AggregationPath, error) {
	files, err := filepath.Glob(filepath.Join(root, "*", name))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []AggregationPath
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		r := benchfmt.NewReader(f, path)
		for r.Scan() {
			switch rec := r.Result().(type) {
			case *benchfmt.SyntaxError:
				f.Close()
				return nil, rec
			case *benchfmt.Result:
				bench := strings.TrimPrefix(procsSuffix.ReplaceAllString(rec.Name.String(), ""), "AggregationProve/")
				p := AggregationPath{Host: filepath.Base(filepath.Dir(path)), Path: bench, Values: map[string]float64{}}
				for _, v := range rec.Values { // as written: the reader tidies some units ("prove-ns" to "prove-sec")
					if v.OrigUnit != "" {
						p.Values[v.OrigUnit] = v.OrigValue
					} else {
						p.Values[v.Unit] = v.Value
					}
				}
				out = append(out, p)
			}
		}
		f.Close()
	}
	return out, nil
}

// aggregationPaths renders the curve paths' figures.
func aggregationPaths(b *strings.Builder, paths []AggregationPath) {
	if len(paths) == 0 {
		return
	}
	b.WriteString("\n### Aggregation curve paths\n\n")
	b.WriteString("The aggregate of a one-step run (a step proof and a score proof) set up, proven and verified on each path (`make aggregation-paths`, `BenchmarkAggregationProve`): ")
	b.WriteString("BLS12-377 proofs in a BW6-761 circuit compute the inner pairing natively; BN254 proofs in a BN254 circuit emulate it, and only that path's aggregate is a BN254 proof an EVM verifies. ")
	b.WriteString("Setup and memory grow with the constraints, so the table says how many inner proofs one level of aggregation holds on a machine.\n\n")
	b.WriteString("| host | path | constraints | per inner proof | setup | prove | prove per inner proof | verify | proof | peak memory |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, p := range paths {
		v := p.Values
		fmt.Fprintf(b, "| %s | %s | %.0f | %.0f | %s | %s | %s | %s | %.0f B | %s |\n", p.Host, p.Path, v["constraints"], v["constraints/proof"],
			resultset.Duration(int64(v["setup-ns"])), resultset.Duration(int64(v["prove-ns"])), resultset.Duration(int64(v["prove-ns/proof"])),
			resultset.Duration(int64(v["verify-ns"])), v["proof-B"], resultset.Bytes(int64(v["peak-B"])))
	}
}

// fheChain renders the K-step encrypted chain with bootstrapping.
func fheChain(b *strings.Builder, chains []AggregationPath) {
	if len(chains) == 0 {
		return
	}
	b.WriteString("\n### Encrypted steps in a row, with bootstrapping\n\n")
	b.WriteString("Logistic-regression steps (B=32, D=30) one after another on an encrypted model that is never decrypted (`make fhe-chain`, `BenchmarkChainBootstrap`): lattigo's bootstrapping example parameters (logN=16, 10 residual levels; lattigo rates bootstrapping parameters at least 128-bit up to logQP 1550), the model bootstrapped whenever it has fewer levels left than a step takes. ")
	b.WriteString("Per chain step is the steps and bootstraps over the number of steps; error, against the float64 chain with the same cubic sigmoid.\n\n")
	b.WriteString("| host | key generation | step | bootstrap | bootstraps | per chain step | error | bootstrapping logQP | peak memory |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, c := range chains {
		v := c.Values
		fmt.Fprintf(b, "| %s | %s | %s | %s | %.0f | %s | %.2g | %.0f | %s |\n", c.Host, resultset.Duration(int64(v["keygen-ns"])), resultset.Duration(int64(v["step-ns"])),
			resultset.Duration(int64(v["bootstrap-ns"])), v["bootstraps"], resultset.Duration(int64(v["ns/chain-step"])), v["max-error"], v["boot-logQP"], resultset.Bytes(int64(v["peak-B"])))
	}
}
