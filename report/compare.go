package report

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/potbench/potbench/resultset"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
)

// Row compares one benchmark between two result sets.
type Row struct {
	Name  string
	A, B  benchmath.Summary
	Cmp   benchmath.Comparison
	Ratio float64 // B's center over A's
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// readBench reads the values of unit per benchmark (GOMAXPROCS suffix
// removed, so that runs on different core counts line up). path is a
// bench.txt file or a directory holding one.
func readBench(path, unit string) (map[string][]float64, benchmath.Assumption, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "bench.txt")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	vals := map[string][]float64{}
	assume := benchmath.Assumption(benchmath.AssumeNothing)
	r := benchfmt.NewReader(f, path)
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			return nil, nil, rec
		case *benchfmt.UnitMetadata:
			if rec.OrigUnit == unit && rec.Key == "assume" && rec.Value == "exact" {
				assume = benchmath.AssumeExact
			}
		case *benchfmt.Result:
			for _, v := range rec.Values {
				// The reader tidies units ("prove-ns" becomes "prove-sec"); keep
				// the values as they were written.
				val, ok := v.Value, v.Unit == unit
				if v.OrigUnit == unit {
					val, ok = v.OrigValue, true
				}
				if ok {
					name := procsSuffix.ReplaceAllString(rec.Name.String(), "")
					// Never pool two proving systems.
					sys := resultset.Result{Backend: rec.GetConfig("backend"), Curve: rec.GetConfig("curve")}
					if sys.Backend == "" {
						sys.Backend = resultset.ReferenceSystem
					}
					if s := sys.System(); s != resultset.ReferenceSystem {
						name += " (" + s + ")"
					}
					vals[name] = append(vals[name], val)
				}
			}
		}
	}
	if err := r.Err(); err != nil {
		return nil, nil, err
	}
	if len(vals) == 0 {
		return nil, nil, fmt.Errorf("%s: no results with unit %q", path, unit)
	}
	return vals, assume, nil
}

// Compare summarises unit for the benchmarks present in both a and b, with
// 95% confidence intervals and a significance test (benchstat's statistics).
func Compare(a, b, unit string) ([]Row, error) {
	va, assume, err := readBench(a, unit)
	if err != nil {
		return nil, err
	}
	vb, _, err := readBench(b, unit)
	if err != nil {
		return nil, err
	}
	var rows []Row
	for name, xs := range va {
		ys, ok := vb[name]
		if !ok {
			continue
		}
		sa := benchmath.NewSample(xs, &benchmath.DefaultThresholds)
		sb := benchmath.NewSample(ys, &benchmath.DefaultThresholds)
		row := Row{Name: name, A: assume.Summary(sa, 0.95), B: assume.Summary(sb, 0.95), Cmp: assume.Compare(sa, sb)}
		if row.A.Center != 0 {
			row.Ratio = row.B.Center / row.A.Center
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no benchmark appears in both %s and %s", a, b)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows, nil
}

// FormatRows renders a comparison as a Markdown table.
func FormatRows(rows []Row, a, b, unit string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "| benchmark | A: %s | B: %s | B/A | delta | test |\n|---|--:|--:|--:|--:|---|\n", a, b)
	for _, r := range rows {
		fmt.Fprintf(&sb, "| %s | %s ± %s | %s ± %s | %.3f | %s | %s |\n", r.Name,
			formatUnit(r.A.Center, unit), r.A.PctRangeString(), formatUnit(r.B.Center, unit), r.B.PctRangeString(),
			r.Ratio, r.Cmp.FormatDelta(r.A.Center, r.B.Center), r.Cmp)
	}
	sb.WriteString("\n± is the 95% confidence interval of the median; delta is ~ when the difference is not significant (p > 0.05).\n")
	sb.WriteString("A 95% interval needs at least 6 runs per side (± ∞ below that): use potbench run -count 6 or more.\n")
	return sb.String()
}

func formatUnit(v float64, unit string) string {
	switch {
	case strings.HasSuffix(unit, "-ns"):
		return resultset.Duration(int64(v))
	case strings.HasSuffix(unit, "-B"):
		return resultset.Bytes(int64(v))
	case strings.HasSuffix(unit, "-x"):
		return resultset.Factor(v)
	}
	return fmt.Sprintf("%.4g", v)
}
