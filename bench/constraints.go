package bench

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/consensys/gnark/frontend"
	"github.com/potbench/potbench/curves"
	"github.com/potbench/potbench/proving"
)

// TrackedWorkloads are the circuits whose constraint counts are tracked in
// bench/testdata/constraints.csv, so that any growth shows up as a diff and
// fails TestConstraintCounts: the full suite.
func TrackedWorkloads() []string {
	names, _ := Suite("full")
	return slices.DeleteFunc(names, func(n string) bool { return SchemeOf(n) != "" }) // no circuit
}

// ConstraintCount is one tracked count.
type ConstraintCount struct {
	Workload, Curve, Backend string
	Constraints, Wires       int
}

// CountConstraints compiles each workload for each curve and backend.
func CountConstraints(workloads []string) ([]ConstraintCount, error) {
	var out []ConstraintCount
	for _, name := range workloads {
		w, err := New(name)
		if err != nil {
			return nil, err
		}
		for _, curve := range curves.Compared {
			for _, b := range proving.Backends {
				sys, err := proving.NewSystem(b)
				if err != nil {
					return nil, err
				}
				cs, err := frontend.Compile(curve.ScalarField(), sys.Builder(), w.Circuit())
				if err != nil {
					return nil, fmt.Errorf("%s/%s/%s: %w", name, curve, b, err)
				}
				wires := cs.GetNbPublicVariables() + cs.GetNbSecretVariables() + cs.GetNbInternalVariables()
				out = append(out, ConstraintCount{name, curve.String(), b, cs.GetNbConstraints(), wires})
			}
		}
	}
	return out, nil
}

var statsHeader = []string{"workload", "curve", "backend", "constraints", "wires"}

// WriteConstraintCounts renders stats as CSV.
func WriteConstraintCounts(stats []ConstraintCount) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(statsHeader)
	for _, s := range stats {
		_ = w.Write([]string{s.Workload, s.Curve, s.Backend, strconv.Itoa(s.Constraints), strconv.Itoa(s.Wires)})
	}
	w.Flush()
	return buf.Bytes()
}

// ReadConstraintCounts parses the CSV of WriteConstraintCounts; errors give the line.
func ReadConstraintCounts(r io.Reader, name string) ([]ConstraintCount, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(statsHeader)
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 || fmt.Sprint(rows[0]) != fmt.Sprint(statsHeader) {
		return nil, fmt.Errorf("%s:1: expected header %v", name, statsHeader)
	}
	var out []ConstraintCount
	for i, r := range rows[1:] {
		c, err1 := strconv.Atoi(r[3])
		wi, err2 := strconv.Atoi(r[4])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s:%d: constraints and wires must be integers, got %q and %q", name, i+2, r[3], r[4])
		}
		out = append(out, ConstraintCount{r[0], r[1], r[2], c, wi})
	}
	return out, nil
}
