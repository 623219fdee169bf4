package linreg

import (
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// The model on its committed values (D weights then the bias), as a chain
// of steps (package chain's Stepper) reads it.

// Features is the input width D (every family embedding Params shares it).
func (p Params) Features() int { return p.D }

// DataFormat is the rows' fixed-point format.
func (p Params) DataFormat() fixedpoint.Format { return p.Data }

// CheckLabel: least squares takes any target in the data format.
func (p Params) CheckLabel(frontend.API, frontend.Variable) {}

// Steps: the step on committed values; nothing shared.
func (p Params) Steps(fp *fixedpoint.API) func(x [][]frontend.Variable, y []frontend.Variable, v []frontend.Variable, lr frontend.Variable) []frontend.Variable {
	return func(x [][]frontend.Variable, y []frontend.Variable, v []frontend.Variable, lr frontend.Variable) []frontend.Variable {
		w, b := Step(fp, p, x, y, v[:p.D], v[p.D], lr)
		return append(append([]frontend.Variable{}, w...), b)
	}
}

// NativeStepValues is NativeStep on committed values.
func (p Params) NativeStepValues(v []int64, rows [][]int64, lr int64) ([]int64, error) {
	m, err := p.NativeStep(FromValues(v), rows, lr)
	if err != nil {
		return nil, err
	}
	return m.Values(), nil
}
