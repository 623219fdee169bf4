// Package circuittest holds helpers shared by the circuit tests.
package circuittest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/internal/atomicfile"
)

// SolveR1CS compiles circuit to BN254 R1CS and solves it for assignment with
// the given solver options (e.g. solver.OverrideHint to play a cheating
// prover whose hint returns another value).
func SolveR1CS(circuit, assignment frontend.Circuit, opts ...solver.Option) error {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circuit)
	if err != nil {
		return err
	}
	return Solve(cs, assignment, opts...)
}

// Solve solves a compiled constraint system for assignment, in the
// system's own field.
func Solve(cs constraint.ConstraintSystem, assignment frontend.Circuit, opts ...solver.Option) error {
	w, err := frontend.NewWitness(assignment, cs.Field())
	if err != nil {
		return err
	}
	_, err = cs.Solve(w, opts...)
	return err
}

// Rows returns n rows of width values uniform in [lo, hi].
func Rows(rng *rand.Rand, n, width int, lo, hi int64) [][]int64 {
	rows := make([][]int64, n)
	for i := range rows {
		rows[i] = Ints(rng, width, lo, hi)
	}
	return rows
}

// Ints returns n values uniform in [lo, hi].
func Ints(rng *rand.Rand, n int, lo, hi int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = lo + rng.Int64N(hi-lo+1)
	}
	return out
}

// ForLanes runs a test with a step's products multiplied out and in lanes
// (linreg.Params.Lanes), as subtests.
func ForLanes(t *testing.T, run func(t *testing.T, lanes bool)) {
	for _, lanes := range []bool{false, true} {
		t.Run(fmt.Sprintf("lanes=%v", lanes), func(t *testing.T) { run(t, lanes) })
	}
}

// Golden compares got with the tracked file at path (a circuit's
// constraint counts), or rewrites it when update is set; what names the
// counts and how to update them in the failure.
func Golden(t *testing.T, path string, got []byte, update bool, what string) {
	t.Helper()
	if update {
		if err := atomicfile.Write(path, got); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (write it with -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s changed; if intended, rerun the test with -update\nwant:\n%s\ngot:\n%s", what, want, got)
	}
}
