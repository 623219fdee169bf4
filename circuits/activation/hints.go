package activation

import (
	"math/big"

	"github.com/consensys/gnark/constraint/solver"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// GetHints returns the package's hints, for gnark's solver (registered at
// init, and gathered with every other package's by proving.Hints).
func GetHints() []solver.Hint { return []solver.Hint{ClampHint, ReLUHint} }

func init() { solver.RegisterHint(GetHints()...) }

// ClampHint: inputs (t, lo, hi) as field elements, outputs (c, tp, tn).
func ClampHint(field *big.Int, in, out []*big.Int) error {
	t := fixedpoint.FromField(in[0], field)
	lo, hi := fixedpoint.FromField(in[1], field), fixedpoint.FromField(in[2], field)
	c := new(big.Int).Set(t)
	out[1].SetInt64(0)
	out[2].SetInt64(0)
	if t.Cmp(hi) > 0 {
		c.Set(hi)
		out[1].Sub(t, hi)
	} else if t.Cmp(lo) < 0 {
		c.Set(lo)
		out[2].Sub(lo, t)
	}
	out[0].Mod(c, field)
	return nil
}

// ReLUHint: input a, output [a > 0].
func ReLUHint(field *big.Int, in, out []*big.Int) error {
	if fixedpoint.FromField(in[0], field).Sign() > 0 {
		out[0].SetInt64(1)
	} else {
		out[0].SetInt64(0)
	}
	return nil
}
