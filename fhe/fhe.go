// Package fhe computes one mini-batch SGD step of linear or logistic
// regression on encrypted data with the CKKS scheme (lattigo v6): the batch
// (features and targets) and the model are encrypted, the step runs on the
// ciphertexts, and only the key holder can decrypt the new model.
//
// Packing: the features of a batch of B rows are laid out row by row in
// blocks of D' slots (D' the power of two at or above D+1, the last feature
// being the constant 1 of the bias), B' blocks (B' the power of two at or
// above B), and the B'·D' pattern is repeated to fill every slot. The model
// is replicated in every block, the targets sit in each block's first slot.
// One step is
//
//	p   = InnerSum_D'(X ⊙ W)            row sums: x_i·w (log D' rotations)
//	e   = f(p) − y                      f the identity, or a degree-3 sigmoid
//	e'  = e ⊙ mask·lr/(B·R)             keep each block's first slot
//	E   = Replicate_D'(e')              e'_i in every slot of row i
//	W'  = W − InnerSum_{slots/D'}(X ⊙ E) the gradient, replicated (log rotations)
//
// so the new model comes out replicated, ready for the next step. R is the
// number of repetitions of the pattern, folded into the mask.
//
// Depth: 3 rescalings for least squares, 5 for logistic regression (the
// sigmoid 0.5 + a1·x + a3·x³ takes 2). The parameters are lattigo's
// ExampleParameters128BitLogN14LogQP438 (128-bit security, 8192 slots, 6
// levels), so both fit; sizes that need more slots or levels are refused
// before any work.
//
// The sigmoid is the least-squares odd cubic on [−8, 8], the approximation of
// the encrypted logistic-regression literature (Kim et al. 2018): the step's
// error against float64 combines that approximation and the CKKS noise, and
// both are reported apart.
package fhe

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/tuneinsight/lattigo/v6/core/rlwe"
	"github.com/tuneinsight/lattigo/v6/schemes/ckks"
	"gonum.org/v1/gonum/mat"
)

// ParamsName names the parameter set: lattigo's standard 128-bit set.
const ParamsName = "ckks ExampleParameters128BitLogN14LogQP438 (logN=14, logQP=435, 128-bit)"

// Params returns the CKKS parameters every step uses.
func Params() (ckks.Parameters, error) {
	return ckks.NewParametersFromLiteral(ckks.ExampleParameters128BitLogN14LogQP438)
}

// SigmoidInterval is where the cubic approximates the sigmoid.
const SigmoidInterval = 8.0

// Sigmoid3 is the odd cubic 0.5 + A1·x + A3·x³ closest to the sigmoid on
// [−8, 8] in least squares (over 1601 evenly spaced points).
var Sigmoid3 = fitSigmoid3()

// Cubic is 0.5 + A1·x + A3·x³.
type Cubic struct{ A1, A3 float64 }

// At evaluates the cubic.
func (c Cubic) At(x float64) float64 { return 0.5 + c.A1*x + c.A3*x*x*x }

func fitSigmoid3() Cubic {
	const n = 1601
	a := mat.NewDense(n, 2, nil)
	b := mat.NewVecDense(n, nil)
	for i := range n {
		x := -SigmoidInterval + 2*SigmoidInterval*float64(i)/(n-1)
		a.Set(i, 0, x)
		a.Set(i, 1, x*x*x)
		b.SetVec(i, 1/(1+math.Exp(-x))-0.5)
	}
	var c mat.VecDense
	if err := c.SolveVec(a, b); err != nil {
		panic(err) // a fixed, well-conditioned least-squares problem
	}
	return Cubic{A1: c.AtVec(0), A3: c.AtVec(1)}
}

// Step is one encrypted SGD step of a size.
type Step struct {
	Params   ckks.Parameters
	B, D     int // rows, features (without the bias)
	Logistic bool
	LR       float64

	blockSlots, blocks, reps int // D', B', R
}

// Depth is the number of rescalings a step takes.
func (s *Step) Depth() int {
	if s.Logistic {
		return 5
	}
	return 3
}

func nextPow2(n int) int { return 1 << bits.Len(uint(n-1)) }

// NewStep checks that a batch of b rows of d features fits the parameters'
// slots and a step fits their levels.
func NewStep(b, d int, logistic bool, lr float64) (*Step, error) {
	params, err := Params()
	if err != nil {
		return nil, err
	}
	return NewStepWith(params, b, d, logistic, lr)
}

// NewStepWith is NewStep under other parameters (those of a bootstrapping
// chain, for instance).
func NewStepWith(params ckks.Parameters, b, d int, logistic bool, lr float64) (*Step, error) {
	if b < 1 || d < 1 {
		return nil, fmt.Errorf("fhe: a batch of %d rows of %d features is empty", b, d)
	}
	s := &Step{Params: params, B: b, D: d, Logistic: logistic, LR: lr, blockSlots: nextPow2(d + 1), blocks: nextPow2(b)}
	slots := params.MaxSlots()
	if s.blockSlots*s.blocks > slots {
		return nil, fmt.Errorf("fhe: B=%d, D=%d needs %d×%d slots (rows × features and bias, each rounded up to a power of two); the parameters (logN=%d) have %d",
			b, d, s.blocks, s.blockSlots, params.LogN(), slots)
	}
	if s.Depth() > params.MaxLevel() {
		return nil, fmt.Errorf("fhe: one step takes %d levels, the parameters (logN=%d) have %d", s.Depth(), params.LogN(), params.MaxLevel())
	}
	s.reps = slots / (s.blockSlots * s.blocks)
	return s, nil
}

// Keys are a key holder's keys: the secret key stays with the data owner,
// the public and evaluation keys go to whoever computes.
type Keys struct {
	Secret *rlwe.SecretKey
	Public *rlwe.PublicKey
	Eval   *rlwe.MemEvaluationKeySet
}

// KeyGen generates the keys: relinearisation, and the rotations the inner
// sums and the replication need.
func (s *Step) KeyGen() *Keys {
	kgen := rlwe.NewKeyGenerator(s.Params)
	sk, pk := kgen.GenKeyPairNew()
	galEls := append(s.Params.GaloisElementsForInnerSum(1, s.blockSlots), s.Params.GaloisElementsForReplicate(1, s.blockSlots)...)
	galEls = append(galEls, s.Params.GaloisElementsForInnerSum(s.blockSlots, s.Params.MaxSlots()/s.blockSlots)...)
	return &Keys{Secret: sk, Public: pk, Eval: rlwe.NewMemEvaluationKeySet(kgen.GenRelinearizationKeyNew(sk), kgen.GenGaloisKeysNew(dedup(galEls), sk)...)}
}

func dedup(xs []uint64) []uint64 {
	seen := map[uint64]bool{}
	var out []uint64
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// Batch is an encrypted batch and model.
type Batch struct {
	X, Y, W *rlwe.Ciphertext
}

// layout fills the slots: f(i, j) for row i < B', column j < D', repeated.
func (s *Step) layout(f func(i, j int) float64) []float64 {
	v := make([]float64, s.Params.MaxSlots())
	for k := range v {
		j := k % s.blockSlots
		i := (k / s.blockSlots) % s.blocks
		v[k] = f(i, j)
	}
	return v
}

// Encrypt encrypts a batch (x: B rows of D features, y: B targets or 0/1
// labels) and a model (w: D weights, then the bias) under the public key.
func (s *Step) Encrypt(pk *rlwe.PublicKey, x [][]float64, y, w []float64, bias float64) (*Batch, error) {
	if len(x) != s.B || len(y) != s.B || len(w) != s.D {
		return nil, fmt.Errorf("fhe: a batch of %d rows, %d targets and %d weights; the step is B=%d, D=%d", len(x), len(y), len(w), s.B, s.D)
	}
	for i, r := range x {
		if len(r) != s.D {
			return nil, fmt.Errorf("fhe: row %d has %d features, want %d", i, len(r), s.D)
		}
	}
	ecd := ckks.NewEncoder(s.Params)
	enc := rlwe.NewEncryptor(s.Params, pk)
	encrypt := func(v []float64) (*rlwe.Ciphertext, error) {
		pt := ckks.NewPlaintext(s.Params, s.Params.MaxLevel())
		if err := ecd.Encode(v, pt); err != nil {
			return nil, err
		}
		return enc.EncryptNew(pt)
	}
	xs := s.layout(func(i, j int) float64 {
		switch {
		case i >= s.B || j > s.D:
			return 0
		case j == s.D:
			return 1 // the bias's feature
		}
		return x[i][j]
	})
	ys := s.layout(func(i, j int) float64 {
		if i < s.B && j == 0 {
			return y[i]
		}
		return 0
	})
	ws := s.layout(func(_, j int) float64 {
		switch {
		case j < s.D:
			return w[j]
		case j == s.D:
			return bias
		}
		return 0
	})
	var b Batch
	var err error
	if b.X, err = encrypt(xs); err != nil {
		return nil, err
	}
	if b.Y, err = encrypt(ys); err != nil {
		return nil, err
	}
	if b.W, err = encrypt(ws); err != nil {
		return nil, err
	}
	return &b, nil
}

// Eval runs the step on the ciphertexts with the evaluation keys alone and
// returns the encrypted new model, replicated like W.
func (s *Step) Eval(evk rlwe.EvaluationKeySet, b *Batch) (*rlwe.Ciphertext, error) {
	eval := ckks.NewEvaluator(s.Params, evk)
	mulRescale := func(x *rlwe.Ciphertext, y rlwe.Operand) (*rlwe.Ciphertext, error) {
		out, err := eval.MulRelinNew(x, y)
		if err != nil {
			return nil, err
		}
		return out, eval.Rescale(out, out)
	}
	p, err := mulRescale(b.X, b.W)
	if err != nil {
		return nil, err
	}
	if err := eval.InnerSum(p, 1, s.blockSlots, p); err != nil {
		return nil, err
	}
	if s.Logistic { // 0.5 + a1·p + a3·p³
		p2, err := mulRescale(p, p)
		if err != nil {
			return nil, err
		}
		a3p, err := mulRescale(p, Sigmoid3.A3)
		if err != nil {
			return nil, err
		}
		p3, err := mulRescale(p2, a3p)
		if err != nil {
			return nil, err
		}
		a1p, err := mulRescale(p, Sigmoid3.A1)
		if err != nil {
			return nil, err
		}
		if err := eval.Add(p3, a1p, p3); err != nil {
			return nil, err
		}
		if err := eval.Add(p3, 0.5, p3); err != nil {
			return nil, err
		}
		p = p3
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
	e, err := mulRescale(p, mask)
	if err != nil {
		return nil, err
	}
	if err := eval.Replicate(e, 1, s.blockSlots, e); err != nil {
		return nil, err
	}
	g, err := mulRescale(b.X, e)
	if err != nil {
		return nil, err
	}
	if err := eval.InnerSum(g, s.blockSlots, s.Params.MaxSlots()/s.blockSlots, g); err != nil {
		return nil, err
	}
	return eval.SubNew(b.W, g)
}

// Decrypt returns the new model: D weights and the bias, read from block 0.
func (s *Step) Decrypt(sk *rlwe.SecretKey, ct *rlwe.Ciphertext) ([]float64, float64, error) {
	pt := rlwe.NewDecryptor(s.Params, sk).DecryptNew(ct)
	v := make([]float64, s.Params.MaxSlots())
	if err := ckks.NewEncoder(s.Params).Decode(pt, v); err != nil {
		return nil, 0, err
	}
	return append([]float64{}, v[:s.D]...), v[s.D], nil
}

// Float64Step is the step the encrypted one computes, in float64 with
// activation act (the identity for least squares, Sigmoid3.At or the exact
// sigmoid for logistic regression): it returns the new weights and bias.
func Float64Step(x [][]float64, y, w []float64, bias, lr float64, act func(float64) float64) ([]float64, float64) {
	g := make([]float64, len(w))
	var gb float64
	for i, r := range x {
		z := bias
		for j, v := range r {
			z += v * w[j]
		}
		e := act(z) - y[i]
		for j, v := range r {
			g[j] += v * e
		}
		gb += e
	}
	out := make([]float64, len(w))
	for j := range w {
		out[j] = w[j] - lr/float64(len(x))*g[j]
	}
	return out, bias - lr/float64(len(x))*gb
}
