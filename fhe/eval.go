package fhe

import (
	"github.com/tuneinsight/lattigo/v6/circuits/ckks/polynomial"
	"github.com/tuneinsight/lattigo/v6/core/rlwe"
	"github.com/tuneinsight/lattigo/v6/schemes/ckks"
	"github.com/tuneinsight/lattigo/v6/utils/bignum"
)

// evalPadded is the step in the Padded layout (see the package doc).
func (s *Step) evalPadded(eval *ckks.Evaluator, b *Batch) (*rlwe.Ciphertext, error) {
	c := s.LR / float64(s.B)
	p, err := mulRescale(eval, b.XW, b.W)
	if err != nil {
		return nil, err
	}
	if err := eval.InnerSum(p, 1, s.period, p); err != nil {
		return nil, err
	}
	var e *rlwe.Ciphertext
	if s.Logistic { // c·f(p) − c·y, the polynomial ending on Y's scale
		if e, err = s.sigmoid(eval, p, c, b.Y.Scale); err != nil {
			return nil, err
		}
		y, err := mulRescale(eval, b.Y, c)
		if err != nil {
			return nil, err
		}
		if err := eval.Sub(e, y, e); err != nil {
			return nil, err
		}
	} else { // c·(p − y)
		if err := eval.Sub(p, b.Y, p); err != nil {
			return nil, err
		}
		if e, err = mulRescale(eval, p, c); err != nil {
			return nil, err
		}
	}
	if err := eval.Rotate(e, -s.D, e); err != nil {
		return nil, err
	}
	g, err := mulRescale(eval, b.X, e)
	if err != nil {
		return nil, err
	}
	if err := eval.InnerSum(g, s.period, s.rows, g); err != nil {
		return nil, err
	}
	return eval.SubNew(b.W, g)
}

// evalBlocks is the step in the former layout: row sums within blocks, the
// error masked to each block's first slot (with the learning rate),
// replicated along the block, and the column sums over every slot (the
// pattern's repetitions divided out by the mask).
func (s *Step) evalBlocks(eval *ckks.Evaluator, b *Batch) (*rlwe.Ciphertext, error) {
	p, err := mulRescale(eval, b.X, b.W)
	if err != nil {
		return nil, err
	}
	if err := eval.InnerSum(p, 1, s.period, p); err != nil {
		return nil, err
	}
	if s.Logistic {
		if p, err = s.sigmoid(eval, p, 1, b.Y.Scale); err != nil {
			return nil, err
		}
	}
	if err := eval.Sub(p, b.Y, p); err != nil {
		return nil, err
	}
	scale := s.LR / float64(s.B*s.reps)
	mask := s.layout(func(i, j int) float64 {
		if i < s.B && j == 0 {
			return scale
		}
		return 0
	})
	e, err := mulRescale(eval, p, mask)
	if err != nil {
		return nil, err
	}
	if err := eval.Replicate(e, 1, s.period, e); err != nil {
		return nil, err
	}
	g, err := mulRescale(eval, b.X, e)
	if err != nil {
		return nil, err
	}
	if err := eval.InnerSum(g, s.period, s.Params.MaxSlots()/s.period, g); err != nil {
		return nil, err
	}
	return eval.SubNew(b.W, g)
}

// sigmoid evaluates factor·Sigmoid(p) with lattigo's polynomial evaluator,
// ending at the target scale. The variable is t = p/Interval, for free: p's
// scale is multiplied by Interval, so the same ciphertext decodes as t (no
// level, no noise; X's scale puts t at about the default scale, where the
// coefficients keep their precision). The odd part is evaluated as an odd
// polynomial (no even powers computed), then the constant factor/2 is
// added. p's scale is changed.
func (s *Step) sigmoid(eval *ckks.Evaluator, p *rlwe.Ciphertext, factor float64, target rlwe.Scale) (*rlwe.Ciphertext, error) {
	p.Scale = p.Scale.Mul(rlwe.NewScale(s.Sigmoid.Interval))
	poly := bignum.NewPolynomial(bignum.Monomial, s.Sigmoid.normalized(factor), nil)
	poly.IsEven = false
	out, err := polynomial.NewEvaluator(s.Params, eval).Evaluate(p, poly, target)
	if err != nil {
		return nil, err
	}
	return out, eval.Add(out, factor/2, out)
}

func mulRescale(eval *ckks.Evaluator, x *rlwe.Ciphertext, y rlwe.Operand) (*rlwe.Ciphertext, error) {
	out, err := eval.MulRelinNew(x, y)
	if err != nil {
		return nil, err
	}
	return out, eval.Rescale(out, out)
}
