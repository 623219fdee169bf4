// Package hints gathers the hints of every circuit package, as gnark's std
// does: the packages register their own at init, and All lists them for
// tools that must know every hint (the soundness sweep checks it covers
// each). A circuit package with hints exports GetHints() and is listed here.
package hints

import (
	"github.com/consensys/gnark/constraint/solver"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/matmul"
	"github.com/potbench/potbench/circuits/softmax"
)

// All returns every hint of potbench's circuit packages.
func All() []solver.Hint {
	var out []solver.Hint
	for _, get := range []func() []solver.Hint{fixedpoint.GetHints, activation.GetHints, matmul.GetHints, softmax.GetHints} {
		out = append(out, get()...)
	}
	return out
}

// Register registers every hint with gnark's solver (each package also does
// at init; registering twice is harmless).
func Register() { solver.RegisterHint(All()...) }
