package logreg

import (
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/linreg"
)

// The model on its committed values (D weights then the bias), as a chain
// of steps (package chain's Stepper) reads it.

// CheckLabel pins a label to 0 or 1.
func (p Params) CheckLabel(api frontend.API, y frontend.Variable) { api.AssertIsBoolean(y) }

// Steps: the step on committed values; with SharedTable, one sigmoid table
// for every step.
func (p Params) Steps(fp *fixedpoint.API) func(x [][]frontend.Variable, y []frontend.Variable, v []frontend.Variable, lr frontend.Variable) []frontend.Variable {
	var sigmoid *activation.OpenTable
	if p.SharedTable {
		sigmoid = p.Sigmoid().Open(fp.Frontend())
	}
	return func(x [][]frontend.Variable, y []frontend.Variable, v []frontend.Variable, lr frontend.Variable) []frontend.Variable {
		w, b := StepWith(fp, p, sigmoid, x, y, v[:p.D], v[p.D], lr)
		return append(append([]frontend.Variable{}, w...), b)
	}
}

// NativeStepValues is NativeStep on committed values.
func (p Params) NativeStepValues(v []int64, rows [][]int64, lr int64) ([]int64, error) {
	m, err := p.NativeStep(linreg.FromValues(v), rows, lr)
	if err != nil {
		return nil, err
	}
	return m.Values(), nil
}
