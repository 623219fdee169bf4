// Package resultset is the result model of potbench: what one run of a
// workload measured (Result), a host × profile's results (ResultSet), their
// files (JSON, CSV, benchfmt) and where they live under a results root.
//
// Files:
//   - set.go: ResultSet, the training comparisons, workload names.
//   - result.go: one workload's measurement (Result) and its ratios.
//   - run.go: a proven run's summary (RunSummary) and its files.
//   - metrics.go: benchfmt metric lines and configuration lines.
//   - layout.go: where results live under a results root.
//   - format.go: durations, factors and sizes in words.
//   - gasprice.go: the price of gas.
package resultset

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/internal/atomicfile"
)

// ResultSet is what one host's results directory holds.
type ResultSet struct {
	Host     hwprofiles.Host `json:"host"`
	Profile  string          `json:"profile"`
	Results  []Result        `json:"results"`
	Training []Training      `json:"training,omitempty"`
}

// Training compares training the same model on the same real data with the
// native fixed-point mirror (what the circuits prove) and in plain float64.
type Training struct {
	Model      string  `json:"model"`
	Dataset    string  `json:"dataset"`
	Metric     string  `json:"metric"` // "accuracy" (higher is better) or "mse"
	Epochs     int     `json:"epochs"`
	Batch      int     `json:"batch"`
	LR         float64 `json:"lr"`
	TrainRows  int     `json:"train_rows"`
	TestRows   int     `json:"test_rows"`
	FixedPoint float64 `json:"fixed_point"`
	Float64    float64 `json:"float64"`
	// FHE is the same training in float64 arithmetic on CKKS ciphertexts
	// (the batches encrypted, the model re-encrypted by the key holder
	// between steps); 0: not run.
	FHE float64 `json:"fhe,omitempty"`
	// FHESigmoid names the sigmoid approximation the encrypted training
	// computed ("": not recorded).
	FHESigmoid string `json:"fhe_sigmoid,omitempty"`
}

// Merge replaces results of the same workload, curve and backend, and keeps
// the others, sorted by workload.
func (s *ResultSet) Merge(rs ...Result) {
	key := func(r Result) string { return r.Workload + "|" + r.Curve + "|" + r.Backend }
	idx := map[string]int{}
	for i, r := range s.Results {
		idx[key(r)] = i
	}
	for _, r := range rs {
		if i, ok := idx[key(r)]; ok {
			s.Results[i] = r
		} else {
			idx[key(r)] = len(s.Results)
			s.Results = append(s.Results, r)
		}
	}
	sort.SliceStable(s.Results, func(i, j int) bool { return LessWorkload(s.Results[i].Workload, s.Results[j].Workload) })
}

// SplitWorkload splits a workload name "family/size" ("linreg/B=8,D=8") at
// its first '/': the one place workload names are taken apart.
func SplitWorkload(name string) (family, size string, ok bool) { return strings.Cut(name, "/") }

// Family returns the part of a workload name before the first '/'.
func Family(name string) string {
	f, _, _ := SplitWorkload(name)
	return f
}

// LessWorkload orders by family, then by size numerically ("B=8" before "B=16").
func LessWorkload(a, b string) bool {
	fa, fb := Family(a), Family(b)
	if fa != fb {
		return fa < fb
	}
	return sizeKey(a) < sizeKey(b)
}

func sizeKey(name string) string {
	_, size, _ := SplitWorkload(name)
	var sb strings.Builder
	for _, part := range strings.Split(size, ",") {
		k, v, _ := strings.Cut(part, "=")
		n, _ := strconv.Atoi(v)
		fmt.Fprintf(&sb, "%s=%012d,", k, n)
	}
	return sb.String()
}

// Read reads a results.json; a missing file is an empty set.
func Read(path string) (*ResultSet, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return &ResultSet{}, nil
	}
	if err != nil {
		return nil, err
	}
	var s ResultSet
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: not a potbench results file: %w", path, err)
	}
	return &s, nil
}

// File is one file of a results directory.
type File struct {
	Name string
	Data []byte
}

// Files renders the set's data files: results.json, results.csv and
// bench.txt (benchmark names from benchName, e.g. bench.BenchName). Pages
// about the set (results.md) come from the report.
func (s *ResultSet) Files(benchName func(workload string) string) ([]File, error) {
	j, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return []File{{FileName, append(j, '\n')}, {"results.csv", s.CSV()}, {"bench.txt", s.Benchfmt(benchName)}}, nil
}

// WriteDir writes files into dir, each atomically.
func WriteDir(dir string, files []File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create results directory: %w", err)
	}
	for _, f := range files {
		if err := atomicfile.Write(filepath.Join(dir, f.Name), f.Data); err != nil {
			return fmt.Errorf("cannot write results: %w", err)
		}
	}
	return nil
}

var csvHeader = []string{"workload", "curve", "backend", "constraints", "elements", "constraints_per_elem",
	"compile_ns", "setup_ns", "setup_cached", "witness_ns", "prove_ns", "verify_ns", "plain_ns", "overhead_x",
	"plain_blas_ns", "overhead_blas_x",
	"proof_bytes", "pk_bytes", "vk_bytes", "peak_setup_bytes", "peak_prove_bytes", "verify_gas", "verify_tx_gas"}

// CSV renders one row per result.
func (s *ResultSet) CSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(csvHeader)
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
	for _, r := range s.Results {
		_ = w.Write([]string{r.Workload, r.Curve, r.Backend, fmt.Sprint(r.Constraints), fmt.Sprint(r.Elements),
			f(r.ConstraintsPerElem()), fmt.Sprint(r.CompileNs), fmt.Sprint(r.SetupNs), fmt.Sprint(r.SetupCached),
			fmt.Sprint(r.WitnessNs), fmt.Sprint(r.ProveNs), fmt.Sprint(r.VerifyNs), f(r.PlainNs), f(r.OverheadX()),
			f(r.PlainBLASNs), f(r.OverheadBLASX()),
			fmt.Sprint(r.ProofBytes), fmt.Sprint(r.PKBytes), fmt.Sprint(r.VKBytes), fmt.Sprint(r.PeakSetupB),
			fmt.Sprint(r.PeakProveB), fmt.Sprint(r.VerifyGas), fmt.Sprint(r.VerifyTxGas)})
	}
	w.Flush()
	return buf.Bytes()
}

// Benchfmt renders the results in the Go benchmark format that benchstat
// reads, each result named by benchName.
func (s *ResultSet) Benchfmt(benchName func(workload string) string) []byte {
	var buf bytes.Buffer
	w := benchfmt.NewWriter(&buf)
	var cfg []benchfmt.Config
	for _, l := range s.Host.ConfigLines() {
		k, v, _ := strings.Cut(l, ": ")
		cfg = append(cfg, benchfmt.Config{Key: k, Value: []byte(v), File: true})
	}
	cfg = append(cfg, benchfmt.Config{Key: "profile", Value: []byte(s.Profile), File: true},
		benchfmt.Config{Key: "goos", Value: []byte(s.Host.GOOS), File: true},
		benchfmt.Config{Key: "goarch", Value: []byte(s.Host.GOARCH), File: true})
	// Curve and backend are per result: a set may hold Groth16 and PLONK runs
	// of the same workload, and benchstat must keep them apart.
	withBackend := func(r Result) []benchfmt.Config {
		return append(append([]benchfmt.Config{}, cfg...),
			benchfmt.Config{Key: "curve", Value: []byte(strings.ToLower(r.Curve)), File: true},
			benchfmt.Config{Key: "backend", Value: []byte(r.Backend), File: true})
	}
	writeUnits(w)
	for _, r := range s.Results {
		for _, one := range r.PerSample() {
			res := &benchfmt.Result{Config: withBackend(r), Name: benchfmt.Name(fmt.Sprintf("%s-%d", benchName(r.Workload), s.Host.GOMAXPROCS)), Iters: 1}
			for _, m := range one.Metrics() {
				res.Values = append(res.Values, benchfmt.Value{Value: m.Value, Unit: m.Unit})
			}
			_ = w.Write(res)
		}
	}
	return buf.Bytes()
}
