package limbcheck

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
)

// GetHints returns the package's hints, for gnark's solver (registered at
// init, and gathered with every other package's by proving.Hints).
func GetHints() []solver.Hint { return []solver.Hint{LimbsHint, CountHint} }

func init() { solver.RegisterHint(GetHints()...) }

// LimbsHint splits a value into limbs: inputs (b, v), outputs the limbs 1 to
// len(out) of v in base 2^b (limb 0, the lowest, is not an output).
func LimbsHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 2 {
		return fmt.Errorf("limbcheck.LimbsHint: want 2 inputs, got %d", len(in))
	}
	b := uint(in[0].Uint64())
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), b), big.NewInt(1))
	v := new(big.Int).Rsh(in[1], b)
	for i := range out {
		out[i].And(v, mask)
		v.Rsh(v, b)
	}
	return nil
}

// CountHint counts the queries per table entry: inputs (b, queries...),
// outputs how many queries equal each of 0..2^b-1. A query outside the table
// is not counted, and the lookup then fails.
func CountHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) < 1 {
		return fmt.Errorf("limbcheck.CountHint: no inputs")
	}
	if n := 1 << in[0].Uint64(); len(out) != n {
		return fmt.Errorf("limbcheck.CountHint: want %d outputs, got %d", n, len(out))
	}
	counts := make([]int64, len(out))
	for _, q := range in[1:] {
		if q.IsInt64() && q.Int64() >= 0 && q.Int64() < int64(len(out)) {
			counts[q.Int64()]++
		}
	}
	for i, n := range counts {
		out[i].SetInt64(n)
	}
	return nil
}
