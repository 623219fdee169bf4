package proving

import (
	"github.com/consensys/gnark/constraint/solver"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/blob"
	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/lanes"
	"github.com/potbench/potbench/circuits/limbcheck"
	"github.com/potbench/potbench/circuits/matmul"
	"github.com/potbench/potbench/circuits/softmax"
)

// Hints returns every hint of potbench's circuit packages, gathered as
// gnark's std does: each circuit package with hints exports GetHints() (and
// registers them at init) and is listed here, for tools that must know every
// hint (the soundness sweep checks that it calls each).
func Hints() []solver.Hint {
	var out []solver.Hint
	for _, get := range []func() []solver.Hint{fixedpoint.GetHints, chain.GetHints, blob.GetHints, activation.GetHints, matmul.GetHints, softmax.GetHints, lanes.GetHints, limbcheck.GetHints} {
		out = append(out, get()...)
	}
	return out
}

// RegisterHints registers every hint with gnark's solver (each package also
// does at init; registering twice is harmless).
func RegisterHints() { solver.RegisterHint(Hints()...) }
