// Package curves names the elliptic curves potbench proves on: which ones
// there are, how the flags spell them, and which the benchmarks compare. The
// commitments on each curve's scalar field are in circuits/commit.
package curves

import (
	"fmt"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
)

// Compared are the curves the benchmarks and the soundness tests compare.
var Compared = []ecc.ID{ecc.BN254, ecc.BLS12_381}

// All are the curves whose scalar fields the commitments are defined on:
// Compared and BLS12-377, whose Groth16 proofs a BW6-761 circuit verifies
// with native arithmetic (circuits/aggregate).
var All = []ecc.ID{ecc.BN254, ecc.BLS12_381, ecc.BLS12_377}

// Names lists the supported curves as the -curve and -curves flags spell
// them.
func Names() string {
	names := make([]string, len(All))
	for i, c := range All {
		names[i] = c.String()
	}
	return strings.Join(names, ", ")
}

// Parse reads a curve name such as "bn254", "bls12_381" or "bls12-381".
func Parse(s string) (ecc.ID, error) {
	want := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
	for _, c := range All {
		if c.String() == want {
			return c, nil
		}
	}
	return ecc.UNKNOWN, fmt.Errorf("unknown curve %q (supported: %s)", s, Names())
}
