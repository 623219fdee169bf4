package matmul

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
)

// GetHints returns the package's hints, for gnark's solver (registered at
// init, and gathered with every other package's by proving.Hints).
func GetHints() []solver.Hint { return []solver.Hint{ProductHint} }

func init() { solver.RegisterHint(GetHints()...) }

// ProductHint computes A·B in the field: inputs n, m, p, then A and B row by row.
func ProductHint(field *big.Int, in, out []*big.Int) error {
	n, m, p := int(in[0].Int64()), int(in[1].Int64()), int(in[2].Int64())
	if len(in) != 3+n*m+m*p || len(out) != n*p {
		return fmt.Errorf("ProductHint: %d inputs and %d outputs for %d×%d·%d×%d", len(in), len(out), n, m, m, p)
	}
	a, b := in[3:3+n*m], in[3+n*m:]
	t := new(big.Int)
	for i := 0; i < n; i++ {
		for k := 0; k < p; k++ {
			acc := out[i*p+k].SetInt64(0)
			for j := 0; j < m; j++ {
				t.Mul(a[i*m+j], b[j*p+k])
				acc.Add(acc, t)
			}
			acc.Mod(acc, field)
		}
	}
	return nil
}
