// Package score proves what a committed model scores on a committed
// held-out set, without revealing the set or the model:
//
//   - Score: the summed loss (and, for a classifier, the number of correct
//     predictions) of the model committed by Model on every row of the set
//     committed by Heldout equals the public claims.
//   - Improvement: on the same set, model After's summed loss is below model
//     Before's by at least a public margin, the losses themselves stay private.
//   - ClassScore (class.go): the correct answers of a K-class model.
//   - FoldedScore, FoldedClassScore (folded.go, from Fold): Score and
//     ClassScore inside another statement, which supplies the model
//     commitment (package chain's Scored: the chain's last model).
//   - BoundScore, BoundClassScore (bound.go, from Bind): a folded score
//     whose claims are private, which the embedding circuit bounds by
//     public targets (package chain's Sold: a sale pays for a target met).
//
// Loss for least squares is the exact squared error, at scale
// 2^(2·(Data.Frac+Model.Frac)); for logistic regression the log-loss
// softplus(∓z), read from a table on the same clamped 1/64 grid as the
// training step's sigmoid, at scale 2^Data.Frac (logits beyond ±8 are clamped,
// so a very confident wrong prediction costs at most about 8).
package score

import (
	"math"
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/step"
)

// Params: N held-out rows, the model's shape (B is unused; D, formats and
// SigmoidFrac apply) and which loss.
type Params struct {
	N        int
	Logistic bool
	Model    logreg.Params
}

// Softplus is log(1 + e^x) on the sigmoid's grid: the log-loss of a logit x
// for label 0 (and of -x for label 1).
func (p Params) Softplus() activation.Table {
	n := 16 << p.Model.SigmoidFrac
	return activation.NewTable(-int64(n/2), n, p.Model.SigmoidFrac, p.Model.Data.Frac, func(x float64) float64 { return math.Log1p(math.Exp(x)) })
}

// Score is the statement "the model committed by Model has summed loss
// LossSum and Correct right answers on the HeldoutRows rows of the set
// committed by Heldout". HeldoutRows is the circuit's N, made public so that
// a verifier reads the set's size from the proof rather than from a file.
type Score struct {
	Heldout     frontend.Variable `gnark:",public"`
	HeldoutRows frontend.Variable `gnark:",public"`
	Model       frontend.Variable `gnark:",public"`
	LossSum     frontend.Variable `gnark:",public"`
	Correct     frontend.Variable `gnark:",public"` // 0 for least squares

	Rows [][]frontend.Variable // N rows: features then target
	W    []frontend.Variable
	Bias frontend.Variable

	Params Params `gnark:"-"`
}

// NewScore returns an empty Score circuit.
func NewScore(p Params) *Score {
	c := &Score{Params: p, W: make([]frontend.Variable, p.Model.D)}
	for range p.N {
		c.Rows = append(c.Rows, make([]frontend.Variable, p.Model.D+1))
	}
	return c
}

// Define implements frontend.Circuit.
func (c *Score) Define(api frontend.API) error {
	fp := fixedpoint.For(api, c.Params.Model.LimbChecks)
	if err := verifySet(fp, c.Params, c.Heldout, c.Rows); err != nil {
		return err
	}
	api.AssertIsEqual(c.HeldoutRows, c.Params.N)
	loss, correct, err := evaluate(fp, c.Params, c.Model, c.Rows, c.W, c.Bias)
	if err != nil {
		return err
	}
	api.AssertIsEqual(loss, c.LossSum)
	api.AssertIsEqual(correct, c.Correct)
	return nil
}

// Improvement is the statement "on the set committed by Heldout, the model
// committed by After has a summed loss at least Margin below the model
// committed by Before".
type Improvement struct {
	Heldout frontend.Variable `gnark:",public"`
	Before  frontend.Variable `gnark:",public"`
	After   frontend.Variable `gnark:",public"`
	Margin  frontend.Variable `gnark:",public"`

	Rows          [][]frontend.Variable
	WBefore       []frontend.Variable
	BiasBefore    frontend.Variable
	WAfter        []frontend.Variable
	BiasAfter     frontend.Variable
	Params        Params `gnark:"-"`
	lossBits      int
	marginChecked bool
}

// NewImprovement returns an empty Improvement circuit.
func NewImprovement(p Params) *Improvement {
	c := &Improvement{Params: p, WBefore: make([]frontend.Variable, p.Model.D), WAfter: make([]frontend.Variable, p.Model.D)}
	for range p.N {
		c.Rows = append(c.Rows, make([]frontend.Variable, p.Model.D+1))
	}
	return c
}

// Define implements frontend.Circuit.
func (c *Improvement) Define(api frontend.API) error {
	fp := fixedpoint.For(api, c.Params.Model.LimbChecks)
	if err := verifySet(fp, c.Params, c.Heldout, c.Rows); err != nil {
		return err
	}
	before, _, err := evaluate(fp, c.Params, c.Before, c.Rows, c.WBefore, c.BiasBefore)
	if err != nil {
		return err
	}
	after, _, err := evaluate(fp, c.Params, c.After, c.Rows, c.WAfter, c.BiasAfter)
	if err != nil {
		return err
	}
	bits := c.Params.lossBits()
	fp.AssertUnsigned(c.Margin, bits)
	// before - after - margin >= 0, all terms below 2^bits
	fp.AssertUnsigned(api.Sub(api.Sub(before, after), c.Margin), bits)
	return nil
}

// lossBits bounds a summed loss.
func (p Params) lossBits() int {
	n := commit.Depth(p.N + 1)
	if p.Logistic {
		return p.Model.Data.Frac + 4 + n
	}
	m := p.Model
	return 2*(m.Data.Bits+m.Model.Bits+commit.Depth(m.D+2)) + n
}

func verifySet(fp *fixedpoint.API, p Params, root frontend.Variable, rows [][]frontend.Variable) error {
	if p.Logistic {
		for _, r := range rows {
			fp.Frontend().AssertIsBoolean(r[p.Model.D])
		}
	}
	return commit.VerifyRows(fp, p.Set(), root, 1, 0, rows, nil)
}

// Set is how the held-out set is committed: one batch of all N rows, each D
// features and the target or label.
func (p Params) Set() commit.Set {
	return commit.Set{Role: commit.RoleHeldout, BatchSize: p.N, Width: p.Model.D + 1, Depth: 0, Format: p.Model.Data}
}

// ModelDomain is the commitment domain of the scored models: logistic or
// linear, as the training steps commit them.
func (p Params) ModelDomain() commit.Domain {
	if p.Logistic {
		return p.Model.ModelDomain()
	}
	return p.Model.Params.ModelDomain()
}

// evaluate checks the model commitment and returns the summed loss and the
// number of correct predictions.
func evaluate(fp *fixedpoint.API, p Params, commitment frontend.Variable, rows [][]frontend.Variable, w []frontend.Variable, b frontend.Variable) (loss, correct frontend.Variable, err error) {
	api := fp.Frontend()
	m := p.Model
	if err := step.BindModel(fp, p.ModelDomain(), append(append([]frontend.Variable{}, w...), b), commitment); err != nil {
		return nil, nil, err
	}
	dataScale := new(big.Int).Lsh(big.NewInt(1), uint(m.Data.Frac))
	modelScale := new(big.Int).Lsh(big.NewInt(1), uint(m.Model.Frac))
	loss, correct = 0, 0
	if !p.Logistic {
		for _, r := range rows {
			e := api.Sub(api.Mul(b, dataScale), api.Mul(r[m.D], modelScale))
			for j := 0; j < m.D; j++ {
				e = api.Add(e, api.Mul(r[j], w[j]))
			}
			loss = api.Add(loss, api.Mul(e, e))
		}
		return loss, correct, nil
	}
	shift := new(big.Int).Lsh(big.NewInt(1), uint(m.Data.Frac+m.Model.Frac-m.SigmoidFrac))
	sp := p.Softplus()
	var args []frontend.Variable
	for _, r := range rows {
		z := api.Mul(b, dataScale)
		for j := 0; j < m.D; j++ {
			z = api.Add(z, api.Mul(r[j], w[j]))
		}
		t := fp.DivRound(z, shift, logitBits(m))
		c := activation.Clamp(fp, t, sp.Lo, sp.Hi(), logitBits(m))
		y := r[m.D]
		// log-loss: softplus(c) for y = 0, softplus(-c) for y = 1; -c of the
		// grid's lowest point falls off the table, so clamp it back in.
		neg := activation.Clamp(fp, api.Neg(c), sp.Lo, sp.Hi(), logitBits(m))
		args = append(args, api.Select(y, neg, c))
		// predicted class s = [c >= 0], pinned by a range check either way
		s, err := api.Compiler().NewHint(activation.ReLUHint, 1, api.Add(c, 1))
		if err != nil {
			return nil, nil, err
		}
		api.AssertIsBoolean(s[0])
		sc := api.Mul(s[0], c)
		// s = 1: c >= 0; s = 0: -c - 1 >= 0. v = s·c + (1-s)(-c-1) = 2sc - c - 1 + s
		fp.AssertUnsigned(api.Add(api.Sub(api.Sub(api.Mul(sc, 2), c), 1), s[0]), bitsOf(sp.Hi()-sp.Lo))
		// correct = s·y + (1-s)(1-y) = 1 - s - y + 2sy
		correct = api.Add(correct, api.Add(api.Sub(api.Sub(1, s[0]), y), api.Mul(api.Mul(s[0], y), 2)))
	}
	for _, v := range sp.Lookup(api, args...) {
		loss = api.Add(loss, v)
	}
	return loss, correct, nil
}

func bitsOf(x int64) int {
	n := 0
	for x > 0 {
		n++
		x >>= 1
	}
	return n
}

func logitBits(m logreg.Params) int {
	return m.Data.Bits + m.Model.Bits + commit.Depth(m.D+1) - (m.Data.Frac + m.Model.Frac - m.SigmoidFrac) + 1
}
