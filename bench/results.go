package bench

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
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/potbench/potbench/hwprofiles"
)

// ResultSet is what one host's results directory holds.
type ResultSet struct {
	Host     hwprofiles.Host `json:"host"`
	Profile  string          `json:"profile"`
	Results  []Result        `json:"results"`
	Training []TrainReport   `json:"training,omitempty"`
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
	sort.SliceStable(s.Results, func(i, j int) bool { return lessWorkload(s.Results[i].Workload, s.Results[j].Workload) })
}

// lessWorkload orders by family, then by size numerically ("B=8" before "B=16").
func lessWorkload(a, b string) bool {
	fa, fb := Family(a), Family(b)
	if fa != fb {
		return fa < fb
	}
	return sizeKey(a) < sizeKey(b)
}

func sizeKey(name string) string {
	_, size, _ := strings.Cut(name, "/")
	var sb strings.Builder
	for _, part := range strings.Split(size, ",") {
		k, v, _ := strings.Cut(part, "=")
		n, _ := strconv.Atoi(v)
		fmt.Fprintf(&sb, "%s=%012d,", k, n)
	}
	return sb.String()
}

// ReadResultSet reads results.json; a missing file is an empty set.
func ReadResultSet(path string) (*ResultSet, error) {
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

// WriteDir writes results.json, results.csv, results.md and bench.txt into
// dir, each atomically.
func (s *ResultSet) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create results directory: %w", err)
	}
	j, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
	}{
		{"results.json", append(j, '\n')},
		{"results.csv", s.CSV()},
		{"results.md", []byte(s.Markdown())},
		{"bench.txt", s.Benchfmt()},
	}
	for _, f := range files {
		if err := WriteFileAtomic(filepath.Join(dir, f.name), f.data); err != nil {
			return fmt.Errorf("cannot write results: %w", err)
		}
	}
	return nil
}

var csvHeader = []string{"workload", "curve", "backend", "constraints", "elements", "constraints_per_elem",
	"compile_ns", "setup_ns", "setup_cached", "witness_ns", "prove_ns", "verify_ns", "plain_ns", "overhead_x",
	"plain_blas_ns", "overhead_blas_x",
	"proof_bytes", "pk_bytes", "vk_bytes", "peak_setup_bytes", "peak_prove_bytes"}

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
			fmt.Sprint(r.PeakProveB)})
	}
	w.Flush()
	return buf.Bytes()
}

// Markdown renders the results table with a header naming the host.
func (s *ResultSet) Markdown() string {
	var b strings.Builder
	h := s.Host
	fmt.Fprintf(&b, "# potbench results: %s\n\n", h.ID())
	fmt.Fprintf(&b, "%s, %s (GOMAXPROCS %d), %s/%s, %s; gnark %s, gnark-crypto %s (assembly: %s); profile %s.\n\n",
		h.Brand, h.CoresText(), h.GOMAXPROCS, h.GOOS, h.GOARCH, h.GoVersion, h.Gnark, h.GnarkCrypto,
		strings.Join(h.GnarkCryptoASM, ","), s.Profile)
	b.WriteString("| workload | curve/backend | constraints | constraints/elem | setup | witness | prove | verify | proof | plain step | overhead-x | plain (gonum) | overhead-x (gonum) | peak mem (prove) |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range s.Results {
		setup := Duration(r.SetupNs)
		if r.SetupCached {
			setup += " (cached)"
		}
		blas, blasX := "–", "–"
		if r.PlainBLASNs > 0 {
			blas, blasX = Duration(int64(r.PlainBLASNs)), Factor(r.OverheadBLASX())
		}
		fmt.Fprintf(&b, "| %s | %s/%s | %d | %.2f | %s | %s | %s | %s | %d B | %s | %s | %s | %s | %s |\n",
			r.Workload, r.Curve, r.Backend, r.Constraints, r.ConstraintsPerElem(), setup,
			Duration(r.WitnessNs), Duration(r.ProveNs), Duration(r.VerifyNs), r.ProofBytes,
			Duration(int64(r.PlainNs)), Factor(r.OverheadX()), blas, blasX, Bytes(r.PeakProveB))
	}
	if len(s.Training) > 0 {
		b.WriteString("\n## Training on real data: fixed point (what the circuits prove) against float64\n\n")
		b.WriteString("| model | dataset | epochs | batch | lr | train/test rows | metric | fixed point | float64 |\n|---|---|--:|--:|--:|--:|---|--:|--:|\n")
		for _, t := range s.Training {
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %g | %d/%d | test %s | %.4f | %.4f |\n", t.Model, t.Dataset, t.Epochs, t.Batch, t.LR,
				t.TrainRows, t.TestRows, t.Metric, t.FixedPoint, t.Float64)
		}
	}
	b.WriteString("\noverhead-x = prove time / plain float64 training step on the same batch (naive Go loops; \"gonum\": gonum/mat, BLAS-backed), measured in the same run.\n")
	return b.String()
}

// Benchfmt renders the results in the Go benchmark format that benchstat reads.
func (s *ResultSet) Benchfmt() []byte {
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
	for _, u := range units {
		_ = w.Write(&benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u.unit, Key: "assume"}, OrigUnit: u.unit, Value: u.assume})
		_ = w.Write(&benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u.unit, Key: "better"}, OrigUnit: u.unit, Value: u.better})
	}
	for _, r := range s.Results {
		for _, one := range r.PerSample() {
			res := &benchfmt.Result{Config: withBackend(r), Name: benchfmt.Name(fmt.Sprintf("%s-%d", BenchName(r.Workload), s.Host.GOMAXPROCS)), Iters: 1}
			for _, m := range one.Metrics() {
				res.Values = append(res.Values, benchfmt.Value{Value: m.Value, Unit: m.Unit})
			}
			_ = w.Write(res)
		}
	}
	return buf.Bytes()
}

// Duration formats nanoseconds with three significant digits.
func Duration(ns int64) string {
	d := time.Duration(ns)
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3gs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3gms", float64(d)/1e6)
	case d >= time.Microsecond:
		return fmt.Sprintf("%.3gµs", float64(d)/1e3)
	}
	return fmt.Sprintf("%dns", ns)
}

// Factor formats a ratio.
func Factor(x float64) string {
	if x >= 1000 {
		return strconv.FormatFloat(x, 'f', 0, 64) + "x"
	}
	return fmt.Sprintf("%.3gx", x)
}

// Bytes formats a byte count in binary units.
func Bytes(n int64) string {
	switch {
	case n >= 1<<40:
		return fmt.Sprintf("%.3g TiB", float64(n)/(1<<40))
	case n >= 1<<30:
		return fmt.Sprintf("%.3g GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.3g MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.3g KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
