// Package fhe computes one mini-batch SGD step of linear or logistic
// regression on encrypted data with the CKKS scheme (lattigo v6): the batch
// (features and targets) and the model are encrypted, the step runs on the
// ciphertexts, and only the key holder can decrypt the new model.
//
// Packing (Padded, the default): each row of the batch takes a period of
// P = 2^⌈log2 2D⌉ slots: its D features, the constant 1 of the bias at slot
// D, then zeros; B' rows (B' the power of two at or above B) make a pattern
// of B'·P slots, repeated to fill every slot. The model sits in every row's
// first D+1 slots (weights, then the bias), zeros elsewhere. With c = lr/B,
// one step is
//
//	p  = InnerSum_P(X ⊙ W)     window sums of P slots: log2 P rotations
//	e  = c·(f(p) − y)          f the identity, or a polynomial sigmoid
//	E  = Rotate_{−D}(e)        one rotation
//	W' = W − InnerSum_{B'}(X ⊙ E)   column sums across rows: log2 B' rotations
//
// Why no mask: after the window sums, the slots D…P of row i's period hold
// row i+1's whole sum x_{i+1}·w + b (the window covers row i+1's features
// and exactly one bias slot, and the bias term is the same in every row),
// so the rotation by −D puts row i+1's error on all of its D+1 data slots.
// The other slots hold mixtures of two rows, but X is zero there, so the
// product X ⊙ E drops them. The new model comes out in the model's layout,
// ready for the next step: log2 P + 1 + log2 B' rotations in all (14 at
// B = D = 64, against 20 for the former layout), Galois keys for exactly
// those rotations; lattigo's inner sums hoist the decomposition of each
// rotated ciphertext. With padding rows (B below B'), the product X ⊙ W
// uses a copy of X with the bias's 1 in those rows too, so that every
// window sees exactly one bias.
//
// Levels: 3 for least squares (the products X ⊙ W and X ⊙ E, and c with its
// rescale, exact in scale), 2 + ⌈log2(deg+1)⌉ for logistic regression, c
// being folded into the polynomial's coefficients and into the targets. A
// fresh batch is encrypted at exactly the step's depth, so every operation
// runs on as few moduli as it can; the scales are chosen so that the new
// model lands on the model's scale exactly.
//
// The former layout (Blocks) is kept for comparison: row sums within blocks
// of D' = 2^⌈log2(D+1)⌉ slots, a plaintext mask that keeps each block's
// first slot, a replication, the column sums over every slot; one more
// level and log2 D' more rotations, at the parameters' top level.
//
// The sigmoid is an odd least-squares polynomial (DefaultSigmoid: degree 7
// on [−48, 48]), evaluated with lattigo's polynomial evaluator; the step's
// error against float64 combines that approximation and the CKKS noise, and
// both are reported apart. The parameters are lattigo's
// ExampleParameters128BitLogN14LogQP438 (128-bit security, 8192 slots, 6
// levels); sizes that need more slots or levels are refused before any work.
package fhe

import (
	"fmt"
	"math/bits"

	"github.com/tuneinsight/lattigo/v6/core/rlwe"
	"github.com/tuneinsight/lattigo/v6/schemes/ckks"
)

// ParamsName names the parameter set: lattigo's standard 128-bit set.
const ParamsName = "ckks ExampleParameters128BitLogN14LogQP438 (logN=14, logQP=435, 128-bit)"

// Params returns the CKKS parameters every step uses.
func Params() (ckks.Parameters, error) {
	return ckks.NewParametersFromLiteral(ckks.ExampleParameters128BitLogN14LogQP438)
}

// Packing names a slot layout of the batch and the model.
type Packing int

const (
	// Padded: each row in a period of 2D slots with zero padding; no mask.
	Padded Packing = iota
	// Blocks: the former layout, rows in blocks of D+1 slots, a mask and a
	// replication.
	Blocks
)

func (p Packing) String() string {
	if p == Blocks {
		return "blocks"
	}
	return "padded"
}

// Step is one encrypted SGD step of a size.
type Step struct {
	Params   ckks.Parameters
	B, D     int // rows, features (without the bias)
	Logistic bool
	LR       float64
	Packing  Packing
	Sigmoid  *Sigmoid // the activation of logistic regression

	period, rows, reps int // slots per row (P, or D' for Blocks), B', repetitions of the pattern

	evk  rlwe.EvaluationKeySet // the keys of eval, kept between steps with its buffers
	eval *ckks.Evaluator
}

func nextPow2(n int) int { return 1 << bits.Len(uint(n-1)) }

func log2(n int) int { return bits.Len(uint(n)) - 1 }

// NewStep checks that a batch of b rows of d features fits the parameters'
// slots and a step fits their levels, in the Padded layout with
// DefaultSigmoid.
func NewStep(b, d int, logistic bool, lr float64) (*Step, error) {
	params, err := Params()
	if err != nil {
		return nil, err
	}
	return NewStepWith(params, b, d, logistic, lr, Padded)
}

// NewStepWith is NewStep under other parameters (those of a bootstrapping
// chain, for instance) or another packing.
func NewStepWith(params ckks.Parameters, b, d int, logistic bool, lr float64, packing Packing) (*Step, error) {
	if b < 1 || d < 1 {
		return nil, fmt.Errorf("fhe: a batch of %d rows of %d features is empty", b, d)
	}
	s := &Step{Params: params, B: b, D: d, Logistic: logistic, LR: lr, Packing: packing, rows: nextPow2(b)}
	if logistic {
		s.Sigmoid = DefaultSigmoid
	}
	what := "rows × (features and bias, zero-padded to twice the features)"
	if s.period = nextPow2(2 * d); packing == Blocks {
		s.period, what = nextPow2(d+1), "rows × (features and bias)"
	}
	slots := params.MaxSlots()
	if s.period*s.rows > slots {
		return nil, fmt.Errorf("fhe: B=%d, D=%d needs %d×%d slots (%s, each rounded up to a power of two); the parameters (logN=%d) have %d",
			b, d, s.rows, s.period, what, params.LogN(), slots)
	}
	if s.Depth() > params.MaxLevel() {
		return nil, fmt.Errorf("fhe: one step takes %d levels, the parameters (logN=%d) have %d", s.Depth(), params.LogN(), params.MaxLevel())
	}
	s.reps = slots / (s.period * s.rows)
	return s, nil
}

// Depth is the number of levels a step takes.
func (s *Step) Depth() int {
	d := 3 // X ⊙ W, the learning rate, X ⊙ E
	if s.Logistic {
		d = 2 + s.Sigmoid.Depth() // the learning rate rides in the polynomial
	}
	if s.Packing == Blocks {
		d++ // the mask
	}
	return d
}

// Rotations lists the slot rotations one step applies, each key-switched
// once (lattigo's inner sums and replication by powers of two): the Galois
// keys KeyGen makes are exactly these.
func (s *Step) Rotations() []int {
	var r []int
	pow2 := func(step, n int) {
		for k := 1; k < n; k <<= 1 {
			r = append(r, k*step)
		}
	}
	switch s.Packing {
	case Blocks:
		pow2(1, s.period)                            // row sums
		pow2(-1, s.period)                           // replication (to the right)
		pow2(s.period, s.Params.MaxSlots()/s.period) // column sums over every slot
	default:
		pow2(1, s.period)      // window sums
		r = append(r, -s.D)    // the error onto its row
		pow2(s.period, s.rows) // column sums across rows
	}
	return r
}

// Keys are a key holder's keys: the secret key stays with the data owner,
// the public and evaluation keys go to whoever computes.
type Keys struct {
	Secret *rlwe.SecretKey
	Public *rlwe.PublicKey
	Eval   *rlwe.MemEvaluationKeySet
}

// GaloisKeys is the number of rotation keys a step needs.
func (s *Step) GaloisKeys() int { return len(s.galoisElements()) }

func (s *Step) galoisElements() []uint64 {
	if s.Packing == Blocks { // lattigo's own lists, as the former step generated them
		galEls := append(s.Params.GaloisElementsForInnerSum(1, s.period), s.Params.GaloisElementsForReplicate(1, s.period)...)
		return dedup(append(galEls, s.Params.GaloisElementsForInnerSum(s.period, s.Params.MaxSlots()/s.period)...))
	}
	return dedup(s.Params.GaloisElements(s.Rotations()))
}

// KeyGen generates the keys: relinearisation, and the rotations of
// Rotations.
func (s *Step) KeyGen() *Keys {
	kgen := rlwe.NewKeyGenerator(s.Params)
	sk, pk := kgen.GenKeyPairNew()
	return &Keys{Secret: sk, Public: pk, Eval: rlwe.NewMemEvaluationKeySet(kgen.GenRelinearizationKeyNew(sk), kgen.GenGaloisKeysNew(s.galoisElements(), sk)...)}
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
	// XW is X for the product X ⊙ W: in the Padded layout with padding rows
	// (B below a power of two) it also has the bias's 1 in those rows, so
	// that every window sees exactly one bias; X itself keeps them zero, so
	// that they add nothing to the gradient. Otherwise XW is X.
	XW *rlwe.Ciphertext
}

// layout fills the slots: f(i, j) for row i < B', slot j < P of the row,
// repeated.
func (s *Step) layout(f func(i, j int) float64) []float64 {
	v := make([]float64, s.Params.MaxSlots())
	for k := range v {
		v[k] = f((k/s.period)%s.rows, k%s.period)
	}
	return v
}

// Encrypt encrypts a batch (x: B rows of D features, y: B targets or 0/1
// labels) and a fresh model (w: D weights, then the bias) under the public
// key, at the level the step needs.
func (s *Step) Encrypt(pk *rlwe.PublicKey, x [][]float64, y, w []float64, bias float64) (*Batch, error) {
	level := s.Depth()
	if s.Packing == Blocks {
		level = s.Params.MaxLevel()
	}
	model, err := s.EncryptModel(pk, w, bias, level)
	if err != nil {
		return nil, err
	}
	b, err := s.EncryptBatch(pk, x, y, model)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// EncryptModel encrypts a model at a level, at the default scale.
func (s *Step) EncryptModel(pk *rlwe.PublicKey, w []float64, bias float64, level int) (*rlwe.Ciphertext, error) {
	if len(w) != s.D {
		return nil, fmt.Errorf("fhe: a model of %d weights; the step is D=%d", len(w), s.D)
	}
	v := s.layout(func(_, j int) float64 {
		switch {
		case j < s.D:
			return w[j]
		case j == s.D:
			return bias
		}
		return 0
	})
	return s.encrypt(pk, v, level, s.Params.DefaultScale())
}

// EncryptBatch encrypts a batch for a step on an encrypted model: at the
// model's level, at the scales that land the new model on the model's
// scale.
func (s *Step) EncryptBatch(pk *rlwe.PublicKey, x [][]float64, y []float64, model *rlwe.Ciphertext) (*Batch, error) {
	if len(x) != s.B || len(y) != s.B {
		return nil, fmt.Errorf("fhe: a batch of %d rows and %d targets; the step is B=%d", len(x), len(y), s.B)
	}
	for i, r := range x {
		if len(r) != s.D {
			return nil, fmt.Errorf("fhe: row %d has %d features, want %d", i, len(r), s.D)
		}
	}
	level := model.Level()
	if level < s.Depth() {
		return nil, fmt.Errorf("fhe: the model has %d levels left, a step takes %d", level, s.Depth())
	}
	xScale, yScale := s.scales(level, model.Scale)
	features := func(padRows float64) []float64 {
		return s.layout(func(i, j int) float64 {
			switch {
			case j > s.D:
				return 0
			case i >= s.B && j == s.D:
				return padRows
			case i >= s.B:
				return 0
			case j == s.D:
				return 1 // the bias's feature
			}
			return x[i][j]
		})
	}
	ys := s.layout(func(i, j int) float64 {
		if i < s.B && (j == 0 || s.Packing == Padded && j <= s.D) {
			return y[i] // Blocks: each block's first slot; Padded: every data slot of the row
		}
		return 0
	})
	if s.Packing == Padded { // the error is formed before its rotation by −D
		ys = append(ys[s.D:], ys[:s.D]...)
	}
	b := &Batch{W: model}
	var err error
	if b.X, err = s.encrypt(pk, features(0), level, xScale); err != nil {
		return nil, err
	}
	b.XW = b.X
	if s.Packing == Padded && s.B < s.rows {
		if b.XW, err = s.encrypt(pk, features(1), level, xScale); err != nil {
			return nil, err
		}
	}
	if b.Y, err = s.encrypt(pk, ys, level, yScale); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *Step) encrypt(pk *rlwe.PublicKey, v []float64, level int, scale rlwe.Scale) (*rlwe.Ciphertext, error) {
	pt := ckks.NewPlaintext(s.Params, level)
	pt.Scale = scale
	if err := ckks.NewEncoder(s.Params).Encode(v, pt); err != nil {
		return nil, err
	}
	return rlwe.NewEncryptor(s.Params, pk).EncryptNew(pt)
}

// scales returns the scales of X and Y for a step starting at level with a
// model at scale w, chosen so that every subtraction meets equal scales and
// the new model lands on w exactly.
func (s *Step) scales(level int, w rlwe.Scale) (x, y rlwe.Scale) {
	q := func(l int) rlwe.Scale { return rlwe.NewScale(s.Params.Q()[l]) }
	switch {
	case s.Packing == Blocks: // the former step: default scales (X's as below for the sigmoid)
		x = s.Params.DefaultScale()
		if s.Logistic {
			x = x.Div(rlwe.NewScale(s.Sigmoid.Interval))
		}
		return x, s.Params.DefaultScale()
	case !s.Logistic:
		// X⊙W rescaled by q_L gives x·w/q_L (Y's scale); the learning rate
		// keeps it; X⊙E rescaled by q_{L−2} gives x²·w/(q_L·q_{L−2}) = w
		x = q(level).Mul(q(level - 2))
		x.Value.Sqrt(&x.Value)
		return x, x.Mul(w).Div(q(level))
	default:
		// X at the default scale over the sigmoid's interval a: the logits
		// come out at about default/a, so that read as t = z/a (the
		// polynomial's variable) they sit at about the default scale and
		// the coefficients keep their precision. The polynomial ends at
		// level L−1−depth at the target scale t (Y's scale); X⊙E rescaled
		// by q_{L−1−depth} gives x·t/q = w.
		x = s.Params.DefaultScale().Div(rlwe.NewScale(s.Sigmoid.Interval))
		return x, w.Mul(q(level - 1 - s.Sigmoid.Depth())).Div(x)
	}
}

// Decrypt returns the new model: D weights and the bias, read from row 0.
func (s *Step) Decrypt(sk *rlwe.SecretKey, ct *rlwe.Ciphertext) ([]float64, float64, error) {
	pt := rlwe.NewDecryptor(s.Params, sk).DecryptNew(ct)
	v := make([]float64, s.Params.MaxSlots())
	if err := ckks.NewEncoder(s.Params).Decode(pt, v); err != nil {
		return nil, 0, err
	}
	return append([]float64{}, v[:s.D]...), v[s.D], nil
}

// Eval runs the step on the ciphertexts with the evaluation keys alone and
// returns the encrypted new model, in the model's layout. The evaluator
// (tens of MiB of buffers) is kept for the next step with the same keys, so
// a Step must not run two Evals at once.
func (s *Step) Eval(evk rlwe.EvaluationKeySet, b *Batch) (*rlwe.Ciphertext, error) {
	if s.eval == nil || s.evk != evk {
		s.evk, s.eval = evk, ckks.NewEvaluator(s.Params, evk)
	}
	if s.Packing == Blocks {
		return s.evalBlocks(s.eval, b)
	}
	return s.evalPadded(s.eval, b)
}
