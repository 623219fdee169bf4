package chain

import (
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/score"
	"github.com/potbench/potbench/circuits/softmax"
)

// TestScored: a wrapping chain with the score of the model it ends at, in
// one circuit, for a loss score (least squares) and a class score
// (softmax), is accepted; refused: the score of another model (the chain's
// first), a claimed score one off, and another held-out set's root. Its
// public inputs are the chain's seven and then the score's but its model.
func TestScored(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	held := circuittest.Rows(rng, 4, 3, -2<<12, 2<<12)
	loss := score.Params{N: 4, Model: logreg.DefaultParams(1, 2, 0)}
	class := score.ClassParams{N: 4, Model: softmax.DefaultParams(3, 2, 3, 3)}
	for _, f := range []struct {
		name     string
		step     Stepper
		classes  int64
		circuit  func() frontend.Circuit
		assign   func(rows [][]int64, m []int64) (frontend.Circuit, error)
		bumpable func(s frontend.Circuit)
	}{
		{name: "linreg", step: linreg.DefaultParams(3, 2, 3),
			circuit: func() frontend.Circuit { return score.NewScore(loss) },
			assign: func(rows [][]int64, m []int64) (frontend.Circuit, error) {
				set, err := loss.HeldoutSet(rows)
				if err != nil {
					return nil, err
				}
				return loss.AssignScore(set, linreg.FromValues(m))
			},
			bumpable: func(s frontend.Circuit) { c := s.(*score.Score); c.Correct = 1 }},
		{name: "softmax", step: class.Model.(Stepper), classes: 3,
			circuit: func() frontend.Circuit { return score.NewClassScore(class) },
			assign: func(rows [][]int64, m []int64) (frontend.Circuit, error) {
				set, err := class.ClassSet(rows)
				if err != nil {
					return nil, err
				}
				return class.AssignClassScore(set, m)
			},
			bumpable: func(s frontend.Circuit) { c := s.(*score.ClassScore); c.Correct = c.Correct.(int64) + 1 }},
	} {
		t.Run(f.name, func(t *testing.T) {
			p, ds, m := setup(t, f.step, f.classes, 3)
			p.Wrap = true
			rows := held
			if f.classes > 0 {
				rows = make([][]int64, len(held))
				for i, r := range held {
					rows[i] = []int64{r[0], r[1], int64(i) % f.classes}
				}
			}
			ch, last, err := p.Assign(ds, 7, m, 1<<14)
			if err != nil {
				t.Fatal(err)
			}
			sc, err := f.assign(rows, last)
			if err != nil {
				t.Fatal(err)
			}
			fold := func(c frontend.Circuit) ScoreStatement {
				s, err := score.Fold(c)
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			honest := &Scored{Chain: ch, Score: fold(sc)}
			empty := func() *Scored { return &Scored{Chain: NewCircuit(p), Score: fold(f.circuit())} }

			firstScored, err := f.assign(rows, m) // the score of the model before the steps
			if err != nil {
				t.Fatal(err)
			}
			bumped, _ := f.assign(rows, last)
			f.bumpable(bumped)
			otherRows := append([][]int64{}, rows...)
			otherRows[0] = []int64{rows[0][0] + 1, rows[0][1], rows[0][2]}
			otherSet, err := f.assign(otherRows, last)
			if err != nil {
				t.Fatal(err)
			}
			swapRoot := func(s frontend.Circuit) frontend.Circuit {
				switch c := s.(type) {
				case *score.Score:
					d := *c
					d.Heldout = sc.(*score.Score).Heldout
					return &d
				case *score.ClassScore:
					d := *c
					d.Heldout = sc.(*score.ClassScore).Heldout
					return &d
				}
				return nil
			}
			test.NewAssert(t).CheckCircuit(empty(), append([]test.TestingOption{
				test.WithValidAssignment(honest),
				test.WithInvalidAssignment(&Scored{Chain: ch, Score: fold(firstScored)}),
				test.WithInvalidAssignment(&Scored{Chain: ch, Score: fold(bumped)}),
				test.WithInvalidAssignment(&Scored{Chain: ch, Score: fold(swapRoot(otherSet))}),
			}, checkOpts...)...)

			// the score's model commitment is the chain's ModelLast, not an input
			if got, want := publicInputs(t, empty()), Inputs+publicInputs(t, f.circuit())-1; got != want {
				t.Errorf("%d public inputs, want %d", got, want)
			}
		})
	}
}

// publicInputs is the number of public inputs of a circuit.
func publicInputs(t *testing.T, c frontend.Circuit) int {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		t.Fatal(err)
	}
	return cs.GetNbPublicVariables() - 1
}
