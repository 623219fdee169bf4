package chain

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"golang.org/x/crypto/sha3"

	"github.com/potbench/potbench/circuits/blob"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/delivery"
	"github.com/potbench/potbench/circuits/score"
)

// Sold is a whole run's scored proof that also hands the final model over,
// in the clear, to one payee: the sale of a trained model in one
// transaction (contracts/Sale.sol). Public inputs: Scored's but the
// score's claims, then the buyer's target (one bound per claim: [the most
// summed loss,] the fewest correct answers), a challenge ρ and an
// evaluation S. Private: Scored's, the claims included (score.Bind), and
// the n elements W_j of the final model as its commitment packs them. The
// circuit proves Scored's statement and
//
//	LossSum   <= MaxLossSum,  Correct >= MinCorrect   (score.Bounded: the target met)
//	ModelLast = Sponge_dom(W)              (the model the run reached and the score scored)
//	S         = ρ^n + Σ_{j<n} W_j·ρ^j      (Horner's rule, from the leading 1)
//
// The target, known when the buyer makes its offer, is folded into the
// sale contract's verifier with the terms: the score costs no input on
// chain, and the buyer learns that the model meets its target, not its
// exact score.
//
// The model is not a public input: the verifier (the sale contract, or
// SaleChallenge and delivery.Evaluation natively) takes the n elements it
// is sent, derives ρ = keccak256(ModelLast ‖ payee ‖ W_0 ‖ … ‖ W_{n-1}) >> 3
// (32-byte big-endian words, the payee an address left-padded; the shift
// keeps ρ below r) and computes S itself. The payee is the transaction's
// sender: a proof read from the chain or the mempool is made for one ρ,
// hence one sender, and is worth nothing to anyone else.
//
// A sale may carry the model in an EIP-4844 blob instead (NewBlobSold):
// the same public inputs then hold a point z and a value v, and the circuit
// proves, for the blob polynomial p_W whose values at the blob's evaluation
// points are W and then zeros (package blob),
//
//	ModelLast = Sponge_dom(W),  v ≡ p_W(z) (mod r)
//
// The contract derives z = keccak256(h ‖ ModelLast ‖ payee) >> 3 from the
// versioned hash h of the transaction's blob (BlobPoint), has the point
// evaluation precompile check the blob's value y at z against h, and passes
// v = y mod r: the model's bytes never enter calldata, and the buyer reads
// them from the blob.
//
// Cost: Scored's, one sponge over the n packed elements (a permutation per
// rate elements) and n constraints for S; with a blob, the evaluation in
// BLS12-381's scalar field instead of S (about 240 constraints per
// element and 4,000 once, package blob's testdata).
//
// Soundness: Scored's, plus: elements W' other than the W that ModelLast
// binds pass only if ρ, drawn by keccak256 after W' and ModelLast, is a
// root of P_W' - P_W (P_W = X^n + Σ W_j·X^j; the count n is the domain's,
// so both are monic of degree n and their difference is nonzero of degree
// below n): at most q·n/2^253 over q tries when keccak256 is a random
// oracle, or a collision of the sponge. W, fixed by ModelLast, is fixed
// before ρ. With a blob: W is fixed by ModelLast, the blob B by h, both
// before z; package blob bounds the chance that B ≠ W‖0 passes by
// 5·Width/2^253 per point; package score bounds the comparisons. Of the
// public inputs, the sale contract's verifier has all but ModelLast, ρ and
// S folded in from the buyer's terms and target.
type Sold struct {
	Run        *Scored
	Bounds     []frontend.Variable `gnark:",public"` // the score's target: [max summed loss,] min correct answers
	Challenge  frontend.Variable   `gnark:",public"` // ρ
	Evaluation frontend.Variable   `gnark:",public"` // S
	Model      []frontend.Variable

	dom  commit.Domain
	blob bool // the model in a blob: Challenge is z, Evaluation v
}

// NewSold returns the empty sale circuit of a scored run circuit, to
// compile.
func NewSold(run *Scored) *Sold {
	dom := run.Chain.Params.ModelDomain()
	c := &Sold{Run: bound(run), Model: make([]frontend.Variable, commit.PackedLen(dom.Values, dom.Format.Bits)), dom: dom}
	if b, ok := c.Run.Score.(score.Bounded); ok {
		c.Bounds = make([]frontend.Variable, len(b.Claims()))
	}
	return c
}

// bound is run with its score's claims private (score.Bind), where the
// score has a bound form; Define refuses a score without one.
func bound(run *Scored) *Scored {
	b, err := score.Bind(run.Score)
	if err != nil {
		return run
	}
	return &Scored{Chain: run.Chain, Score: b}
}

// NewBlobSold returns the empty sale circuit of a scored run circuit whose
// model is carried in a blob, to compile.
func NewBlobSold(run *Scored) *Sold {
	c := NewSold(run)
	c.blob = true
	return c
}

// Define implements frontend.Circuit.
func (c *Sold) Define(api frontend.API) error {
	if n := commit.PackedLen(c.dom.Values, c.dom.Format.Bits); len(c.Model) != n || n == 0 {
		return fmt.Errorf("chain: a sale of a %s model takes %d elements, not %d", c.dom, n, len(c.Model))
	}
	// the blob's evaluation first: gnark's emulated field commits in a
	// deferred callback, which must be queued before the first of the run's
	// own commitments (multicommit closes once it has committed)
	var v frontend.Variable
	if c.blob {
		per := commit.PerElement(c.dom.Format.Bits)
		var err error
		if v, err = blob.Evaluate(api, c.Model, per*c.dom.Format.Bits, c.Challenge); err != nil {
			return err
		}
	}
	if err := c.Run.Define(api); err != nil {
		return err
	}
	b, ok := c.Run.Score.(score.Bounded)
	if !ok {
		return fmt.Errorf("chain: a sale bounds its score's claims; %T has no bound form", c.Run.Score)
	}
	if err := b.AssertBounds(api, c.Bounds); err != nil {
		return err
	}
	m, err := commit.Sponge(api, c.dom, c.Model)
	if err != nil {
		return err
	}
	api.AssertIsEqual(m, c.Run.Chain.ModelLast)
	if c.blob {
		api.AssertIsEqual(v, c.Evaluation)
		return nil
	}
	var s frontend.Variable = 1
	for j := len(c.Model) - 1; j >= 0; j-- {
		s = api.Add(api.Mul(s, c.Challenge), c.Model[j])
	}
	api.AssertIsEqual(s, c.Evaluation)
	return nil
}

// SaleChallenge is ρ = keccak256(model ‖ payee ‖ W_0 ‖ … ‖ W_{n-1}) >> 3,
// as the sale contract derives it.
func SaleChallenge(model *big.Int, payee [20]byte, elems []*big.Int) *big.Int {
	h := sha3.NewLegacyKeccak256()
	var w [32]byte
	h.Write(model.FillBytes(w[:]))
	clear(w[:12])
	copy(w[12:], payee[:])
	h.Write(w[:])
	for _, e := range elems {
		h.Write(e.FillBytes(w[:]))
	}
	return new(big.Int).Rsh(new(big.Int).SetBytes(h.Sum(nil)), 3)
}

// BlobPoint is z = keccak256(h ‖ model ‖ payee) >> 3 for a blob of
// versioned hash h, as the sale contract derives it.
func BlobPoint(h [32]byte, model *big.Int, payee [20]byte) *big.Int {
	k := sha3.NewLegacyKeccak256()
	var w [32]byte
	k.Write(h[:])
	k.Write(model.FillBytes(w[:]))
	clear(w[:12])
	copy(w[12:], payee[:])
	k.Write(w[:])
	return new(big.Int).Rsh(new(big.Int).SetBytes(k.Sum(nil)), 3)
}

// SoldAssignment is the assignment of a sale: run is the scored run's
// assignment, dom its model domain, final the run's final model values,
// payee the seller's address, bounds the buyer's target, one bound per
// claim of the score ([max summed loss,] min correct answers; each checked
// by score.CheckBound). It returns the packed elements the seller sends as
// well.
func SoldAssignment(curve ecc.ID, dom commit.Domain, run *Scored, final []int64, payee [20]byte, bounds []*big.Int) (*Sold, []*big.Int, error) {
	run = bound(run)
	b, ok := run.Score.(score.Bounded)
	if !ok {
		return nil, nil, fmt.Errorf("chain: a sale bounds its score's claims; %T has no bound form", run.Score)
	}
	if len(bounds) != len(b.Claims()) {
		return nil, nil, fmt.Errorf("chain: %d bounds for a score of %d claims", len(bounds), len(b.Claims()))
	}
	for _, v := range bounds {
		if err := score.CheckBound(v); err != nil {
			return nil, nil, err
		}
	}
	f, err := commit.FieldOf(curve)
	if err != nil {
		return nil, nil, err
	}
	elems, err := f.Pack(final, dom.Format.Bits)
	if err != nil {
		return nil, nil, err
	}
	model := f.Sponge(dom, elems)
	if last, ok := run.Chain.ModelLast.(*big.Int); !ok || last.Cmp(model) != 0 {
		return nil, nil, fmt.Errorf("chain: the final model's commitment is not the run's last model (%v)", run.Chain.ModelLast)
	}
	rho := SaleChallenge(model, payee, elems)
	s, err := delivery.Evaluation(curve, elems, rho) // the same polynomial as a ciphertext's
	if err != nil {
		return nil, nil, err
	}
	a := &Sold{Run: run, Challenge: rho, Evaluation: s, dom: dom, Model: make([]frontend.Variable, len(elems)), Bounds: make([]frontend.Variable, len(bounds))}
	for i, v := range bounds {
		a.Bounds[i] = v
	}
	for i, e := range elems {
		a.Model[i] = e
	}
	return a, elems, nil
}

// BlobSoldAssignment is the assignment of a sale whose model is carried in
// the blob of elements elems (SoldAssignment's, encoded by blob.Encode)
// and versioned hash h: sold is SoldAssignment's, and the point and value
// replace its challenge and evaluation. It returns the blob's value y at
// the point as well, which the contract hands to the precompile.
func BlobSoldAssignment(sold *Sold, elems []*big.Int, h [32]byte, payee [20]byte) (*Sold, *big.Int, error) {
	model, ok := sold.Run.Chain.ModelLast.(*big.Int)
	if !ok {
		return nil, nil, fmt.Errorf("chain: the run's last model is not assigned (%v)", sold.Run.Chain.ModelLast)
	}
	z := BlobPoint(h, model, payee)
	y, err := blob.Value(elems, z)
	if err != nil {
		return nil, nil, err
	}
	a := *sold
	a.blob, a.Challenge, a.Evaluation = true, z, new(big.Int).Mod(y, ecc.BN254.ScalarField())
	return &a, y, nil
}
