package resultset

import (
	"bytes"
	"math"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/potbench/potbench/hwprofiles"
	"golang.org/x/perf/benchfmt"
)

// Metric is one reported figure with its benchmark unit.
type Metric struct {
	Unit  string
	Value float64
}

// units: name, benchstat's assume= and better= metadata.
var units = []struct{ unit, assume, better string }{
	{"constraints", "exact", "lower"},
	{"constraints/elem", "exact", "lower"},
	{"compile-ns", "nothing", "lower"},
	{"setup-ns", "nothing", "lower"},
	{"witness-ns", "nothing", "lower"},
	{"prove-ns", "nothing", "lower"},
	{"verify-ns", "nothing", "lower"},
	{"plain-ns", "nothing", "lower"},
	{"overhead-x", "nothing", "lower"},
	{"plain-blas-ns", "nothing", "lower"},
	{"overhead-blas-x", "nothing", "lower"},
	{"proof-B", "exact", "lower"},
	{"pk-B", "exact", "lower"},
	{"peak-prove-B", "nothing", "lower"},
	{"verify-gas", "exact", "lower"},
	{"verify-tx-gas", "exact", "lower"},
	{"fhe-error-bits", "nothing", "higher"},
	{"fhe-noise-bits", "nothing", "higher"},
	{"fhe-rotations", "exact", "lower"},
	{"fhe-levels", "exact", "lower"},
	{"fhe-former-ns", "nothing", "lower"},
	{"fhe-former-x", "nothing", "higher"},
}

// Metrics lists r's figures in a fixed order. Setup time is reported only
// when setup ran (not when keys came from the cache).
func (r Result) Metrics() []Metric {
	m := []Metric{
		{"constraints", float64(r.Constraints)},
		{"constraints/elem", r.ConstraintsPerElem()},
		{"compile-ns", float64(r.CompileNs)},
	}
	if r.IsFHE() { // no circuit: the stages are key generation, encryption, the step, decryption
		m = nil
	}
	if !r.SetupCached {
		m = append(m, Metric{"setup-ns", float64(r.SetupNs)})
	}
	m = append(m,
		Metric{"witness-ns", float64(r.WitnessNs)},
		Metric{"prove-ns", float64(r.ProveNs)},
		Metric{"verify-ns", float64(r.VerifyNs)},
		Metric{"plain-ns", r.PlainNs},
		Metric{"overhead-x", r.OverheadX()},
	)
	if r.PlainBLASNs > 0 {
		m = append(m, Metric{"plain-blas-ns", r.PlainBLASNs}, Metric{"overhead-blas-x", r.OverheadBLASX()})
	}
	m = append(m,
		Metric{"proof-B", float64(r.ProofBytes)},
		Metric{"pk-B", float64(r.PKBytes)},
		Metric{"peak-prove-B", float64(r.PeakProveB)},
	)
	if r.VerifyGas > 0 {
		m = append(m, Metric{"verify-gas", float64(r.VerifyGas)}, Metric{"verify-tx-gas", float64(r.VerifyTxGas)})
	}
	if r.IsFHE() {
		// precision in bits, as CKKS reports it: −log2 of the largest error
		if r.FHEError > 0 && r.FHENoise > 0 {
			m = append(m, Metric{"fhe-error-bits", -math.Log2(r.FHEError)}, Metric{"fhe-noise-bits", -math.Log2(r.FHENoise)})
		}
		if r.FHERotations > 0 {
			m = append(m, Metric{"fhe-rotations", float64(r.FHERotations)}, Metric{"fhe-levels", float64(r.FHELevels)})
		}
		if r.FHEFormerNs > 0 {
			m = append(m, Metric{"fhe-former-ns", float64(r.FHEFormerNs)}, Metric{"fhe-former-x", r.FHEFormerX()})
		}
	}
	return m
}

// UnitLines are benchfmt unit-metadata lines, telling benchstat which units
// are exact counts and which direction is better.
func UnitLines() []string {
	var buf bytes.Buffer
	writeUnits(benchfmt.NewWriter(&buf))
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

// writeUnits writes every unit's metadata.
func writeUnits(w *benchfmt.Writer) {
	for _, u := range units {
		_ = w.Write(&benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u.unit, Key: "assume"}, OrigUnit: u.unit, Value: u.assume})
		_ = w.Write(&benchfmt.UnitMetadata{UnitMetadataKey: benchfmt.UnitMetadataKey{Unit: u.unit, Key: "better"}, OrigUnit: u.unit, Value: u.better})
	}
}

// ConfigLines are the benchfmt configuration lines of `go test -bench` runs
// on host: the host facts, the curve and backend those benchmarks use.
func ConfigLines(h hwprofiles.Host, curve ecc.ID, backend string) []string {
	return append(h.ConfigLines(), "curve: "+curve.String(), "backend: "+backend)
}
