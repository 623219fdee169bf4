package score

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
)

// boundCircuit is a class score with its claim private and bounded by a
// public minimum, the model commitment public as a sale's embedding
// circuit has it.
type boundCircuit struct {
	Model      frontend.Variable `gnark:",public"`
	MinCorrect frontend.Variable `gnark:",public"`
	Score      *BoundClassScore
}

func (c *boundCircuit) Define(api frontend.API) error {
	c.Score.SetModel(c.Model)
	if err := c.Score.Define(api); err != nil {
		return err
	}
	return c.Score.AssertBounds(api, []frontend.Variable{c.MinCorrect})
}

// TestBoundClassScore: a class score bound by a public minimum accepts a
// minimum up to the correct answers and refuses one above; the claim is
// not a public input, and a claim inflated to meet the minimum is refused.
func TestBoundClassScore(t *testing.T) {
	for _, family := range []string{"softmax", "mlp"} {
		p, m, rows := classFixture(t, 41, family)
		set, err := p.ClassSet(rows)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := p.AssignClassScore(set, m)
		if err != nil {
			t.Fatal(err)
		}
		bind := func(s *ClassScore) *BoundClassScore {
			f, err := Fold(s)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Bind(f)
			if err != nil {
				t.Fatal(err)
			}
			return b.(*BoundClassScore)
		}
		correct := sc.Correct.(int64)
		at := func(min int64, s *ClassScore) *boundCircuit {
			return &boundCircuit{Model: sc.Model, MinCorrect: min, Score: bind(s)}
		}
		inflated := *sc
		inflated.Correct = correct + 1
		empty := &boundCircuit{Score: bind(NewClassScore(p))}
		test.NewAssert(t).CheckCircuit(empty,
			test.WithValidAssignment(at(correct, sc)), test.WithValidAssignment(at(0, sc)),
			test.WithInvalidAssignment(at(correct+1, sc)), test.WithInvalidAssignment(at(correct+1, &inflated)),
			test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks(), test.NoProverChecks())
		w, err := frontend.NewWitness(at(correct, sc), ecc.BN254.ScalarField(), frontend.PublicOnly())
		if err != nil {
			t.Fatal(err)
		}
		if n := w.Vector().(interface{ Len() int }).Len(); n != 2+2 { // the model, the minimum, the held-out root and rows
			t.Errorf("%s: %d public inputs, want 4 (the claim private)", family, n)
		}
	}
}
