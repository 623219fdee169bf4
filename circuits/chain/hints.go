package chain

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
)

// GetHints returns the package's hints, for gnark's solver (registered at
// init, and gathered with every other package's by proving.Hints).
func GetHints() []solver.Hint { return []solver.Hint{WrapHint} }

func init() { solver.RegisterHint(GetHints()...) }

// WrapHint gives how many times a wrapping chain has passed the set's end
// at a step: inputs (FirstBatch + t, Batches), output floor of their
// quotient. The circuit pins it (package doc).
func WrapHint(_ *big.Int, inputs, outputs []*big.Int) error {
	if len(inputs) != 2 || len(outputs) != 1 {
		return fmt.Errorf("WrapHint: want 2 inputs and 1 output, got %d and %d", len(inputs), len(outputs))
	}
	if inputs[1].Sign() <= 0 {
		return fmt.Errorf("WrapHint: %s batches", inputs[1])
	}
	outputs[0].Quo(inputs[0], inputs[1])
	return nil
}
