package proving

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/potbench/potbench/internal/peakmem"
	"github.com/potbench/potbench/resultset"
	"gonum.org/v1/gonum/stat"
)

// MemoryModel estimates the peak resident memory of setting up and proving a
// circuit as Base + PerConstraint·constraints, calibrated from measured runs.
type MemoryModel struct {
	Curve         ecc.ID
	Backend       string
	Base          float64 // bytes
	PerConstraint float64 // bytes
	Runs          int     // measured runs behind the fit; 0: built-in defaults
}

// margin covers what a linear fit misses (FFT domains round up to powers of two).
const memoryMargin = 1.5

// DefaultMemoryModel is used until a host has results of its own: the fit of
// the published 2-core and 16-core BN254 runs, rounded up, and half as much
// again on curves with larger points (BLS12-381's base field has 381 bits
// against BN254's 254), three times as much on BW6-761 (761 bits).
func DefaultMemoryModel(curve ecc.ID, backend string) MemoryModel {
	m := MemoryModel{Curve: curve, Backend: backend, Base: 32 << 20, PerConstraint: 3 << 10}
	if backend == "plonk" {
		m.PerConstraint = 2 << 10
	}
	switch curve {
	case ecc.BN254:
	case ecc.BW6_761: // 761-bit base field: three times BN254's points
		m.PerConstraint *= 3
	default:
		m.PerConstraint *= 1.5
	}
	return m
}

// FitMemoryModel fits peak memory (the larger of setup and prove) against
// constraints by least squares over results of one curve and backend. It
// needs two distinct sizes; otherwise it returns ok=false.
func FitMemoryModel(results []resultset.Result, curve ecc.ID, backend string) (MemoryModel, bool) {
	var xs, ys []float64
	sizes := map[int]bool{}
	for _, r := range results {
		peak := max(r.PeakSetupB, r.PeakProveB)
		if r.Backend != backend || !sameCurve(r.Curve, curve) || peak <= 0 || r.Constraints <= 0 {
			continue
		}
		xs, ys = append(xs, float64(r.Constraints)), append(ys, float64(peak))
		sizes[r.Constraints] = true
	}
	if len(sizes) < 2 {
		return MemoryModel{}, false
	}
	base, slope := stat.LinearRegression(xs, ys, nil, false)
	if slope <= 0 {
		return MemoryModel{}, false
	}
	return MemoryModel{Curve: curve, Backend: backend, Base: max(base, 0), PerConstraint: slope, Runs: len(xs)}, true
}

// sameCurve compares a stored curve name with a curve; results written before
// curves were recorded per result name none and are BN254.
func sameCurve(name string, curve ecc.ID) bool {
	if curve == ecc.UNKNOWN {
		return false
	}
	return name == curve.String() || (name == "" && curve == ecc.BN254)
}

// Estimate is the expected peak in bytes, with a safety margin.
func (m MemoryModel) Estimate(constraints int) int64 {
	return int64(memoryMargin * (m.Base + m.PerConstraint*float64(constraints)))
}

func (m MemoryModel) String() string {
	src := "built-in defaults"
	if m.Runs > 0 {
		src = fmt.Sprintf("fitted on %d measured runs", m.Runs)
	}
	return fmt.Sprintf("%s + %s per constraint, ×%.1f margin; %s", resultset.Bytes(int64(m.Base)), resultset.Bytes(int64(m.PerConstraint)), memoryMargin, src)
}

// ErrTooBig is wrapped by the error of a workload refused by the memory guard.
var ErrTooBig = errors.New("not enough memory")

// ErrInterrupted marks work (a suite, a run's setup or proofs) stopped by
// its context (SIGINT, SIGTERM).
var ErrInterrupted = errors.New("interrupted")

// checkMemory refuses a circuit whose estimated peak exceeds limit.
func CheckMemoryLimit(name string, constraints int, m MemoryModel, limit int64) error {
	if limit <= 0 {
		return nil
	}
	if need := m.Estimate(constraints); need > limit {
		return fmt.Errorf("%w: %s (%d %s constraints) needs about %s to set up and prove (%s), only %s is available; "+
			"choose a smaller size, or pass -skip-memory-check to try anyway", ErrTooBig, name, constraints, m.Backend,
			resultset.Bytes(need), m, resultset.Bytes(limit))
	}
	return nil
}

// AvailableMemory reads MemAvailable from /proc/meminfo; ok=false where
// there is no such file.
func AvailableMemory() (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10, true
			}
		}
	}
	return 0, false
}

// CheckMemory refuses to set up and prove a circuit of the given size with
// the memory model m when its estimate exceeds what this machine has
// available; the error gives both figures.
func CheckMemory(name string, constraints int, m MemoryModel) error {
	limit, ok := AvailableMemory()
	if !ok {
		return nil
	}
	return CheckMemoryLimit(name, constraints, m, limit)
}

// PeakWindow starts measuring peak resident memory; the returned function
// gives the peak since.
func PeakWindow() func() int64 {
	peakmem.Reset()
	return peakmem.Peak
}
