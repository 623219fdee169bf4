package chain

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/blob"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/score"
)

// TestSold: a wrapping scored chain sold in the clear is accepted with
// the final model's packed elements and the challenge and evaluation the
// contract derives for the payee; refused: an evaluation one off, another
// model's elements with their own evaluation (the sponge binds them), the
// challenge of another payee, a target the score misses (a loss bound one
// below the summed loss, a correct answer more than the score has), and
// the run's own refusals (a score one off); a looser target, or none on
// the loss, is met. Its public inputs are Scored's with a bound for each
// claim, and two more.
func TestSold(t *testing.T) {
	fx := newSoldFixture(t)
	empty, honest, elems, ch, seller, other := fx.empty, fx.honest, fx.elems, fx.ch, fx.seller, fx.other
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

	one := big.NewInt(1)
	test.NewAssert(t).CheckCircuit(empty, append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithValidAssignment(withBounds(honest, new(big.Int).Add(fx.loss0, one), new(big.Int))),   // a looser loss bound
		test.WithValidAssignment(withBounds(honest, score.NoLossBound, new(big.Int))),                 // no loss bound
		test.WithInvalidAssignment(withBounds(honest, new(big.Int).Sub(fx.loss0, one), new(big.Int))), // a loss bound one below the loss
		test.WithInvalidAssignment(withBounds(honest, fx.loss0, one)),                                 // one correct answer, of none
		test.WithInvalidAssignment(&offByOne),
		test.WithInvalidAssignment(&otherModel),
		test.WithInvalidAssignment(&otherPayee),
		test.WithInvalidAssignment(fx.bumped(honest)),
	}, checkOpts...)...)
	// the claims leave the public inputs, a bound per claim takes each one's place
	if got, want := publicInputs(t, NewSold(fx.emptyRun())), Inputs+publicInputs(t, score.NewScore(fx.loss))-1+2; got != want {
		t.Errorf("%d public inputs, want %d", got, want)
	}
}

// TestBlobSold: the same sale with the model in a blob is accepted with
// the point the contract derives from the blob's versioned hash and the
// payee, and the blob's value there; refused: a value one off, another
// model's elements with their own value (the sponge binds them), the
// point of another payee or another blob, a missed target, and a score one
// off.
// Its public inputs are those of the sale in calldata.
func TestBlobSold(t *testing.T) {
	fx := newSoldFixture(t)
	h := [32]byte{0x01, 9, 9, 9}
	honest, y, err := BlobSoldAssignment(fx.honest, fx.elems, h, fx.seller)
	if err != nil {
		t.Fatal(err)
	}
	if y.Cmp(blob.Modulus) >= 0 {
		t.Fatalf("value %v outside the blob field", y)
	}
	r := ecc.BN254.ScalarField()
	valueAt := func(w []*big.Int, z *big.Int) *big.Int {
		v, err := blob.Value(w, z)
		if err != nil {
			t.Fatal(err)
		}
		return v.Mod(v, r)
	}
	offByOne := *honest
	offByOne.Evaluation = new(big.Int).Add(honest.Evaluation.(*big.Int), big.NewInt(1))
	otherModel := *honest
	others := append([]*big.Int{}, fx.elems...)
	others[0] = new(big.Int).Add(others[0], big.NewInt(1))
	otherModel.Model = make([]frontend.Variable, len(others))
	for i, w := range others {
		otherModel.Model[i] = w
	}
	otherModel.Evaluation = valueAt(others, honest.Challenge.(*big.Int))
	otherPayee := *honest
	otherPayee.Challenge = BlobPoint(h, fx.ch.ModelLast.(*big.Int), fx.other)
	otherBlob := *honest
	otherBlob.Challenge = BlobPoint([32]byte{0x01, 7}, fx.ch.ModelLast.(*big.Int), fx.seller)
	empty := NewBlobSold(fx.emptyRun())
	test.NewAssert(t).CheckCircuit(empty, append([]test.TestingOption{
		test.WithValidAssignment(honest),
		test.WithInvalidAssignment(&offByOne),
		test.WithInvalidAssignment(&otherModel),
		test.WithInvalidAssignment(&otherPayee),
		test.WithInvalidAssignment(&otherBlob),
		test.WithInvalidAssignment(withBounds(honest, new(big.Int).Sub(fx.loss0, big.NewInt(1)), new(big.Int))),
		test.WithInvalidAssignment(fx.bumped(honest)),
	}, checkOpts...)...)
	if got, want := publicInputs(t, NewBlobSold(fx.emptyRun())), publicInputs(t, NewSold(fx.emptyRun())); got != want {
		t.Errorf("%d public inputs, the sale in calldata has %d", got, want)
	}
}

// soldFixture is a wrapping scored chain and its sale to seller.
type soldFixture struct {
	p             Params
	loss          score.Params
	emptyScore    ScoreStatement
	ch            *Circuit
	scoreOf       func() ScoreStatement
	empty, honest *Sold
	elems         []*big.Int
	seller, other [20]byte
	loss0         *big.Int // the run's summed held-out loss
}

// bigOf is an assigned value as an integer.
func bigOf(t *testing.T, v frontend.Variable) *big.Int {
	switch x := v.(type) {
	case *big.Int:
		return x
	case int64:
		return big.NewInt(x)
	case int:
		return big.NewInt(int64(x))
	}
	t.Fatalf("an assigned value of type %T", v)
	return nil
}

// withBounds is the sale a proven against another target.
func withBounds(a *Sold, bounds ...*big.Int) *Sold {
	b := *a
	b.Bounds = make([]frontend.Variable, len(bounds))
	for i, v := range bounds {
		b.Bounds[i] = v
	}
	return &b
}

func (fx *soldFixture) emptyRun() *Scored {
	return &Scored{Chain: NewCircuit(fx.p), Score: fx.emptyScore}
}

// bumped is the sale a with a claimed score one off.
func (fx *soldFixture) bumped(a *Sold) *Sold {
	b := *a
	sc := fx.scoreOf().(*score.FoldedScore)
	sc.Correct = 1
	b.Run = bound(&Scored{Chain: fx.ch, Score: sc})
	return &b
}

func newSoldFixture(t *testing.T) *soldFixture {
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
	fx := &soldFixture{p: p, loss: loss, emptyScore: emptyScore, ch: ch, scoreOf: scoreOf}
	fx.empty = NewSold(fx.emptyRun())
	dom := p.ModelDomain()
	fx.seller, fx.other = [20]byte{1, 2, 3}, [20]byte{4, 5, 6}
	fx.loss0 = bigOf(t, scoreOf().(*score.FoldedScore).LossSum)
	fx.honest, fx.elems, err = SoldAssignment(ecc.BN254, dom, &Scored{Chain: ch, Score: scoreOf()}, last, fx.seller, []*big.Int{fx.loss0, new(big.Int)})
	if err != nil {
		t.Fatal(err)
	}
	if len(fx.elems) != len(fx.empty.Model) {
		t.Fatalf("%d elements, the circuit takes %d", len(fx.elems), len(fx.empty.Model))
	}
	return fx
}
