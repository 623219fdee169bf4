package fixedpoint

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
)

// GetHints returns the package's hints, for gnark's solver (registered at
// init, and gathered with every other package's by proving.Hints).
func GetHints() []solver.Hint { return []solver.Hint{DivHint} }

func init() { solver.RegisterHint(GetHints()...) }

// DivHint computes the floor quotient and the remainder of a signed field
// element by a positive divisor: inputs (num, d), outputs (q, r).
func DivHint(field *big.Int, inputs, outputs []*big.Int) error {
	if len(inputs) != 2 || len(outputs) != 2 {
		return fmt.Errorf("DivHint: want 2 inputs and 2 outputs, got %d and %d", len(inputs), len(outputs))
	}
	num := FromField(inputs[0], field)
	d := inputs[1]
	if d.Sign() <= 0 {
		return fmt.Errorf("DivHint: divisor %s is not positive", d)
	}
	q, r := new(big.Int), new(big.Int)
	q.DivMod(num, d, r) // Euclidean: 0 <= r < d
	outputs[0].Mod(q, field)
	outputs[1].Set(r)
	return nil
}
