package score

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
)

var checkOpts = []test.TestingOption{test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks()}

func setup(t *testing.T, logistic bool) (Params, *commit.Dataset, linreg.Model, linreg.Model) {
	rng := rand.New(rand.NewPCG(5, 6))
	p := Params{N: 6, Logistic: logistic, Model: logreg.DefaultParams(1, 3, 0)}
	rows := circuittest.Rows(rng, 6, 4, -2<<12, 2<<12)
	if logistic {
		for _, r := range rows {
			r[3] = rng.Int64N(2)
		}
		rows[0] = []int64{30000, 30000, 30000, 0} // a confident wrong prediction: the logit clamps
	}
	set, err := p.HeldoutSet(rows)
	if err != nil {
		t.Fatal(err)
	}
	a := linreg.Model{W: circuittest.Ints(rng, 3, -1<<16, 1<<16), Bias: 7}
	b := linreg.Model{W: []int64{0, 0, 0}, Bias: 0} // the tests order a and b by their loss
	return p, set, a, b
}

func TestScoreMatchesNative(t *testing.T) {
	for _, logistic := range []bool{false, true} {
		p, set, a, b := setup(t, logistic)
		opts := append([]test.TestingOption{}, checkOpts...)
		for _, m := range []linreg.Model{a, b} {
			c, err := p.AssignScore(set, m)
			if err != nil {
				t.Fatal(err)
			}
			opts = append(opts, test.WithValidAssignment(c))
			wrongLoss := *c
			wrongLoss.LossSum = new(big.Int).Add(c.LossSum.(*big.Int), big.NewInt(1))
			wrongModel := *c
			wrongModel.W = append([]frontend.Variable{}, c.W...)
			wrongModel.W[1] = m.W[1] + 1
			foreign := *c
			foreign.Rows = append([][]frontend.Variable{}, c.Rows...)
			foreign.Rows[2] = append([]frontend.Variable{}, c.Rows[2]...)
			foreign.Rows[2][0] = 4242
			opts = append(opts, test.WithInvalidAssignment(&wrongLoss), test.WithInvalidAssignment(&wrongModel), test.WithInvalidAssignment(&foreign))
			if logistic {
				wrongCount := *c
				wrongCount.Correct = c.Correct.(int64) + 1
				opts = append(opts, test.WithInvalidAssignment(&wrongCount))
			}
		}
		test.NewAssert(t).CheckCircuit(NewScore(p), opts...)
	}
}

func TestImprovement(t *testing.T) {
	for _, logistic := range []bool{false, true} {
		p, set, a, b := setup(t, logistic)
		la, _, _ := p.NativeScore(a, set.Batch(0))
		lb, _, _ := p.NativeScore(b, set.Batch(0))
		better, worse := a, b
		if la.Cmp(lb) > 0 {
			better, worse = b, a
		}
		lw, _, _ := p.NativeScore(worse, set.Batch(0))
		lbt, _, _ := p.NativeScore(better, set.Batch(0))
		gain := new(big.Int).Sub(lw, lbt)
		if gain.Sign() <= 0 {
			t.Fatalf("fixture models have equal loss")
		}
		honest, err := p.AssignImprovement(set, worse, better, gain)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.AssignImprovement(set, better, worse, big.NewInt(0)); err == nil {
			t.Error("native check accepted a model that is worse")
		}
		overclaim := *honest
		overclaim.Margin = new(big.Int).Add(gain, big.NewInt(1))
		reversed := *honest
		reversed.Before, reversed.After = honest.After, honest.Before
		reversed.WBefore, reversed.WAfter = honest.WAfter, honest.WBefore
		reversed.BiasBefore, reversed.BiasAfter = honest.BiasAfter, honest.BiasBefore
		reversed.Margin = 0
		test.NewAssert(t).CheckCircuit(NewImprovement(p), append([]test.TestingOption{
			test.WithValidAssignment(honest),
			test.WithInvalidAssignment(&overclaim),
			test.WithInvalidAssignment(&reversed),
		}, checkOpts...)...)
	}
}
