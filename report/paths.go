package report

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/potbench/potbench/resultset"
)

// Files under results/<host>/ holding go test -bench output that the report
// reads: `make aggregation-paths`, `make fhe-chain` and `make ceremony-cost`
// write them.
const (
	PathFile     = "aggregation-paths.txt"
	FHEChainFile = "fhe-chain.txt"
	CeremonyFile = "ceremony.txt"
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
				bench := procsSuffix.ReplaceAllString(rec.Name.String(), "")
				for _, top := range []string{"AggregationProve/", "Ceremony/"} {
					bench = strings.TrimPrefix(bench, top)
				}
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
	b.WriteString("Per chain step is the steps and bootstraps over the number of steps; error, against the float64 chain with the same sigmoid approximation as its steps.\n\n")
	b.WriteString("| host | key generation | step | bootstrap | bootstraps | per chain step | error | bootstrapping logQP | peak memory |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, c := range chains {
		v := c.Values
		maxErr := v["max-error"]
		if bits, ok := v["error-bits"]; ok {
			maxErr = math.Exp2(-bits) // max-error is printed with 7 decimals
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %.0f | %s | %.2g | %.0f | %s |\n", c.Host, resultset.Duration(int64(v["keygen-ns"])), resultset.Duration(int64(v["step-ns"])),
			resultset.Duration(int64(v["bootstrap-ns"])), v["bootstraps"], resultset.Duration(int64(v["ns/chain-step"])), maxErr, v["boot-logQP"], resultset.Bytes(int64(v["peak-B"])))
	}
}

// rootOfTrust renders the ceremony's cost (BenchmarkCeremony): phase 1 by
// domain, then each published run shape's whole ceremony beside the
// one-party setup it replaces.
func rootOfTrust(b *strings.Builder, rows []AggregationPath) {
	if len(rows) == 0 {
		return
	}
	b.WriteString("\n## Root of trust\n\n")
	b.WriteString("The claim tested: provenance requires a root of trust, which a proof of training does not have. Keys whose setup the seller ran alone let the seller forge every proof; ")
	b.WriteString("`potbench ceremony` replaces that setup with gnark's two-phase MPC (`backend/groth16/*/mpcsetup`; PLONK takes its KZG reference string from phase 1), sound if one contributor of each phase destroyed their secret, ")
	b.WriteString("and `potbench verify -ceremony` recomputes every key from the transcript and the circuits the buyer's terms give. ")
	b.WriteString("Measured with `make ceremony-cost` (`BenchmarkCeremony`), each step as the CLI runs it, files written and read back, on BN254.\n\n")
	b.WriteString("Phase 1 (powers of τ) by domain: one contribution, and two contributions verified and sealed with a beacon. One phase 1 serves every circuit up to its domain.\n\n")
	b.WriteString("| host | domain | contribution | verify and seal (2 contributions) | contribution size |\n|---|--:|--:|--:|--:|\n")
	for _, r := range rows {
		if d, ok := strings.CutPrefix(r.Path, "Phase1/domain="); ok {
			v := r.Values
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", r.Host, d, resultset.Duration(int64(v["contribute-ns"])), resultset.Duration(int64(v["seal-ns"])), resultset.Bytes(int64(v["contribution-B"])))
		}
	}
	b.WriteString("\nThe ceremony of each published run's circuits (Groth16 step and score circuits, phase 1 sized for the largest, two contributors per phase). ")
	b.WriteString("Sealing phase 1 also starts each circuit's phase 2; the buyer's check is `verify -ceremony`: every contribution of both phases verified and every key recomputed. ")
	b.WriteString("The one-party setup is what `train` does without `-keys`.\n\n")
	b.WriteString("| host | run | circuits | largest circuit | phase-1 domain | phase-1 contribution | seal phase 1 | phase-2 contribution | seal phase 2 | buyer's check | transcript | keys | one-party setup | peak memory |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range rows {
		if name, ok := strings.CutPrefix(r.Path, "Run/"); ok {
			v := r.Values
			d := func(unit string) string { return resultset.Duration(int64(v[unit])) }
			fmt.Fprintf(b, "| %s | %s | %.0f | %.0f | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Host, name, v["circuits"], v["constraints"], v["domain"],
				d("phase1-contribute-ns"), d("phase1-seal-ns"), d("phase2-contribute-ns"), d("phase2-seal-ns"), d("derive-ns"),
				resultset.Bytes(int64(v["transcript-B"])), resultset.Bytes(int64(v["keys-B"])), d("one-party-setup-ns"), resultset.Bytes(int64(v["peak-B"])))
		}
	}
}
