package blob

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
)

// GetHints returns the package's hints, for gnark's solver (registered at
// init, and gathered with every other package's by proving.Hints).
func GetHints() []solver.Hint { return []solver.Hint{LimbsHint} }

func init() { solver.RegisterHint(GetHints()...) }

// LimbsHint splits a value into len(out) limbs of LimbBits bits, lowest
// first: input v, outputs its limbs.
func LimbsHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 1 {
		return fmt.Errorf("blob.LimbsHint: want 1 input, got %d", len(in))
	}
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), LimbBits), big.NewInt(1))
	v := new(big.Int).Set(in[0])
	for i := range out {
		out[i].And(v, mask)
		v.Rsh(v, LimbBits)
	}
	return nil
}
