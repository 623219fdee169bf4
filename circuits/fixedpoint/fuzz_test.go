package fixedpoint

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark/test"
)

// FuzzDivRound: for any signed numerator whose quotient fits, the circuit
// accepts exactly the native quotient and rejects its neighbours.
func FuzzDivRound(f *testing.F) {
	for _, seed := range []struct {
		v int64
		d uint32
	}{{0, 1}, {1, 2}, {-1, 2}, {1 << 40, 3}, {-(1 << 40), 3 << 20}, {9223372036854775807, 1 << 31}, {-9223372036854775808, 7}} {
		f.Add(seed.v, seed.d)
	}
	f.Fuzz(func(t *testing.T, v int64, d32 uint32) {
		if d32 == 0 {
			return
		}
		d := big.NewInt(int64(d32))
		const qBits = 66 // any int64 numerator over d >= 1 fits
		circuit := &divCircuit{d: d, qBits: qBits}
		q := DivRound(big.NewInt(v), d)
		if err := test.IsSolved(circuit, &divCircuit{V: v, Q: q}, p); err != nil {
			t.Fatalf("v=%d d=%d: native quotient %s rejected: %v", v, d32, q, err)
		}
		for _, delta := range []int64{-1, 1} {
			wrong := new(big.Int).Add(q, big.NewInt(delta))
			if test.IsSolved(circuit, &divCircuit{V: v, Q: wrong}, p) == nil {
				t.Fatalf("v=%d d=%d: quotient %s accepted, native says %s", v, d32, wrong, q)
			}
		}
	})
}
