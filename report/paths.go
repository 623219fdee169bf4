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

// PathFile is where `make aggregation-paths` leaves a host's measurement of
// the aggregation curve paths (go test -bench output).
const PathFile = "aggregation-paths.txt"

// AggregationPath is one curve path's aggregate of a one-step run, as
// BenchmarkAggregationProve measured it.
type AggregationPath struct {
	Host, Path string
	Values     map[string]float64 // by unit, as written
}

// ReadAggregationPaths reads every results/<host>/aggregation-paths.txt.
func ReadAggregationPaths(root string) ([]AggregationPath, error) {
	files, err := filepath.Glob(filepath.Join(root, "*", PathFile))
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
				name := strings.TrimPrefix(procsSuffix.ReplaceAllString(rec.Name.String(), ""), "AggregationProve/")
				p := AggregationPath{Host: filepath.Base(filepath.Dir(path)), Path: name, Values: map[string]float64{}}
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
