package softmax

import (
	"math/big"

	"github.com/consensys/gnark/constraint/solver"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// GetHints returns the package's hints, for gnark's solver (registered at
// init, and gathered with every other package's by proving.Hints).
func GetHints() []solver.Hint { return []solver.Hint{MaxHint, OneHotHint} }

func init() { solver.RegisterHint(GetHints()...) }

// MaxHint returns the largest of its signed inputs.
func MaxHint(field *big.Int, in, out []*big.Int) error {
	m := fixedpoint.FromField(in[0], field)
	for _, v := range in[1:] {
		if s := fixedpoint.FromField(v, field); s.Cmp(m) > 0 {
			m = s
		}
	}
	out[0].Mod(m, field)
	return nil
}

// OneHotHint: input y, outputs the K bits of [y == k].
func OneHotHint(field *big.Int, in, out []*big.Int) error {
	for k := range out {
		if in[0].IsInt64() && in[0].Int64() == int64(k) {
			out[k].SetInt64(1)
		} else {
			out[k].SetInt64(0)
		}
	}
	return nil
}
