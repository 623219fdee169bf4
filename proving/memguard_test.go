package proving

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/resultset"
)

func TestFitMemoryModel(t *testing.T) {
	// peak = 20 MiB + 2 KiB per constraint, exactly.
	var rs []resultset.Result
	for _, n := range []int{1000, 5000, 20000} {
		rs = append(rs, resultset.Result{Backend: "groth16", Constraints: n, PeakProveB: 20<<20 + 2048*int64(n), PeakSetupB: 1})
	}
	m, ok := FitMemoryModel(rs, ecc.BN254, "groth16")
	if !ok || math.Abs(m.Base-20<<20) > 1 || math.Abs(m.PerConstraint-2048) > 1e-6 || m.Runs != 3 {
		t.Fatalf("fit = %+v, %v", m, ok)
	}
	if _, ok := FitMemoryModel(rs[:1], ecc.BN254, "groth16"); ok {
		t.Error("fit from a single size")
	}
	if _, ok := FitMemoryModel(rs, ecc.BN254, "plonk"); ok {
		t.Error("fit from another backend's runs")
	}
	if _, ok := FitMemoryModel(rs, ecc.BLS12_381, "groth16"); ok {
		t.Error("fit from another curve's runs")
	}
	if got, want := m.Estimate(10000), int64(memoryMargin*(20<<20+2048*10000)); got != want {
		t.Errorf("Estimate = %d, want %d", got, want)
	}
}

// TestCheckMemory: a circuit far beyond this machine's memory is refused
// with both figures; one that fits passes.
func TestCheckMemory(t *testing.T) {
	if _, ok := AvailableMemory(); !ok {
		t.Skip("no /proc/meminfo")
	}
	m := DefaultMemoryModel(ecc.BW6_761, "groth16")
	err := CheckMemory("the aggregation of 1000000 proofs", 1<<40, m)
	if err == nil || !errors.Is(err, ErrTooBig) || !strings.Contains(err.Error(), "needs about") || !strings.Contains(err.Error(), "available") {
		t.Errorf("a 2^40-constraint aggregation: %v", err)
	}
	if err := CheckMemory("a small circuit", 1000, m); err != nil {
		t.Errorf("a 1000-constraint circuit: %v", err)
	}
}
