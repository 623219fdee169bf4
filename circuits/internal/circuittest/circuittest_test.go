package circuittest

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
)

func init() { solver.RegisterHint(doubleHint) }

func doubleHint(_ *big.Int, in, out []*big.Int) error {
	out[0].Lsh(in[0], 1)
	return nil
}

// squareCircuit: Y = X², with a hinted 2X checked against X + X.
type squareCircuit struct{ X, Y frontend.Variable }

func (c *squareCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.Y)
	d, err := api.Compiler().NewHint(doubleHint, 1, c.X)
	if err != nil {
		return err
	}
	api.AssertIsEqual(d[0], api.Add(c.X, c.X))
	return nil
}

// The helpers must agree with gnark's own test engine, and an overridden
// hint must reach the solver.
func TestSolveHelpers(t *testing.T) {
	good, bad := &squareCircuit{X: 7, Y: 49}, &squareCircuit{X: 7, Y: 50}
	if err := test.IsSolved(&squareCircuit{}, good, ecc.BN254.ScalarField()); err != nil {
		t.Fatal(err)
	}
	if err := SolveR1CS(&squareCircuit{}, good); err != nil {
		t.Errorf("valid witness rejected: %v", err)
	}
	if err := SolveR1CS(&squareCircuit{}, bad); err == nil {
		t.Error("invalid witness accepted")
	}
	triple := func(_ *big.Int, in, out []*big.Int) error { out[0].Mul(in[0], big.NewInt(3)); return nil }
	if err := SolveR1CS(&squareCircuit{}, good, solver.OverrideHint(solver.GetHintID(doubleHint), triple)); err == nil {
		t.Error("overridden hint did not reach the solver")
	}
}

func TestRowsInRange(t *testing.T) {
	for _, r := range Rows(rand.New(rand.NewPCG(1, 2)), 20, 3, -5, 5) {
		for _, v := range r {
			if v < -5 || v > 5 {
				t.Fatalf("value %d outside [-5, 5]", v)
			}
		}
	}
}
