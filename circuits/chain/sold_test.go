package chain

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/score"
)

// TestSold: a wrapping scored chain sold in the clear is accepted with
// the final model's packed elements and the challenge and evaluation the
// contract derives for the payee; refused: an evaluation one off, another
// model's elements with their own evaluation (the sponge binds them), the
// challenge of another payee, and the run's own refusals (a claimed
// score one off). Its public inputs are Scored's and two more.
func TestSold(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	held := circuittest.Rows(rng, 4, 3, -2<<12, 2<<12)
	loss := score.Params{N: 4, Model: logreg.DefaultParams(1, 2, 0)}
	p, ds, m := setup(t, linreg.DefaultParams(3, 2, 3), 0, 3)
	p.Wrap = true
	ch, last, err := p.Assign(ds, 7, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	set, err := loss.HeldoutSet(held)
	if err != nil {
		t.Fatal(err)
	}
	scoreOf := func() ScoreStatement {
		sc, err := loss.AssignScore(set, linreg.FromValues(last))
		if err != nil {
			t.Fatal(err)
		}
		f, err := score.Fold(sc)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	emptyScore, err := score.Fold(score.NewScore(loss))
	if err != nil {
		t.Fatal(err)
	}
	empty := NewSold(&Scored{Chain: NewCircuit(p), Score: emptyScore})
	dom := p.ModelDomain()
	seller, other := [20]byte{1, 2, 3}, [20]byte{4, 5, 6}
	honest, elems, err := SoldAssignment(ecc.BN254, dom, &Scored{Chain: ch, Score: scoreOf()}, last, seller)
	if err != nil {
		t.Fatal(err)
	}
	if len(elems) != len(empty.Model) {
		t.Fatalf("%d elements, the circuit takes %d", len(elems), len(empty.Model))
	}
	r := ecc.BN254.ScalarField()
	evalOf := func(rho *big.Int, w []frontend.Variable) *big.Int {
		s := big.NewInt(1)
		for j := len(w) - 1; j >= 0; j-- {
			s.Mul(s, rho).Add(s, w[j].(*big.Int)).Mod(s, r)
		}
		return s
	}
	offByOne := *honest
	offByOne.Evaluation = new(big.Int).Add(honest.Evaluation.(*big.Int), big.NewInt(1))
	// elements of another model, with the challenge and evaluation they give
	otherModel := *honest
	otherModel.Model = append([]frontend.Variable{}, honest.Model...)
	otherModel.Model[0] = new(big.Int).Add(elems[0], big.NewInt(1))
	others := make([]*big.Int, len(otherModel.Model))
	for i, w := range otherModel.Model {
		others[i] = w.(*big.Int)
	}
	otherModel.Challenge = SaleChallenge(ch.ModelLast.(*big.Int), seller, others)
	otherModel.Evaluation = evalOf(otherModel.Challenge.(*big.Int), otherModel.Model)
	// a proof for another payee has another challenge; the honest
	// evaluation at it fails unless recomputed, and recomputed it is that
	// payee's own proof (the contract derives the challenge from the sender)
	otherPayee := *honest
	otherPayee.Challenge = SaleChallenge(ch.ModelLast.(*big.Int), other, elems)
	bumped := *honest
	sc := scoreOf().(*score.FoldedScore)
	sc.Correct = 1
	bumped.Run = &Scored{Chain: ch, Score: sc}

	test.NewAssert(t).CheckCircuit(empty, append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithInvalidAssignment(&offByOne),
		test.WithInvalidAssignment(&otherModel),
		test.WithInvalidAssignment(&otherPayee),
		test.WithInvalidAssignment(&bumped),
	}, checkOpts...)...)
	if got, want := publicInputs(t, NewSold(&Scored{Chain: NewCircuit(p), Score: emptyScore})), Inputs+publicInputs(t, score.NewScore(loss))-1+2; got != want {
		t.Errorf("%d public inputs, want %d", got, want)
	}
}
