package trainrun

import (
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/score"
)

// Sale is a run proven in one scored proof (-chain run -fold-score), as
// the statement of selling its final model in the clear to one payee in
// one transaction (circuits/chain.Sold, contracts/Sale.sol): the same
// training and score, the model's packed elements behind a challenge the
// contract derives from the payee.
type Sale struct {
	Circuit    frontend.Circuit // empty, to compile
	Assignment frontend.Circuit
	Elements   []*big.Int // the final model as its commitment packs it: what the seller sends
	Public     []*big.Int // the sale proof's public inputs, in the circuit's order
	Fixed      []*big.Int // the inputs the buyer's terms give, nil where the seller supplies one (SaleInputs)
	Domain     commit.Domain
	Value      *big.Int   // with the model in a blob (InBlob): the blob's value at the point, for the precompile
	Claims     []*big.Int // the run's held-out score, private in the proof: [summed loss,] correct answers
	Bounds     []*big.Int // the target the proof shows the score meets, one bound per claim (SetTarget)

	run    *chain.Scored // the empty scored run circuit
	scored *chain.Scored // the run's assignment
	terms  Terms         // the terms the run's manifest records
	payee  [20]byte
	final  []int64 // the final model's values
}

// SaleBounds are the bounds, for a sale circuit of n public inputs, of the
// target "at least minCorrect correct answers and, for a score of two
// claims, a summed loss of at most maxLossSum" (nil: no bound on the
// loss), in the circuit's order: [max summed loss,] min correct answers.
func SaleBounds(n int, minCorrect int64, maxLossSum *big.Int) ([]*big.Int, error) {
	var bounds []*big.Int
	switch n - chain.Inputs - 2 - 2 { // the chain's, the held-out set's, then ρ and S
	case 1:
		if maxLossSum != nil {
			return nil, errors.New("score target: a loss bound on a score that proves no loss")
		}
	case 2:
		if maxLossSum == nil {
			maxLossSum = score.NoLossBound
		}
		bounds = append(bounds, maxLossSum)
	default:
		return nil, fmt.Errorf("a sale circuit of %d public inputs", n)
	}
	bounds = append(bounds, big.NewInt(minCorrect))
	for _, b := range bounds {
		if err := score.CheckBound(b); err != nil {
			return nil, fmt.Errorf("score target: %w", err)
		}
	}
	return bounds, nil
}

// SaleInputs is, for the sale circuit of a run of terms t with n public
// inputs and a target of bounds (SaleBounds), each input the buyer gives:
// the training set's root, the first batch (0), the learning rate, the
// initial model, the batches per epoch, the steps, the held-out set's root
// and rows, and the bounds. The others (nil) are the seller's: the final
// model's commitment, the challenge and the evaluation.
func SaleInputs(t Terms, n int, bounds []*big.Int) ([]*big.Int, error) {
	if t.Heldout == nil {
		return nil, errors.New("the terms name no held-out set; a sale pays for a score")
	}
	root, err := parseHex(t.Train.Root)
	if err != nil {
		return nil, fmt.Errorf("training set root: %w", err)
	}
	held, err := parseHex(t.Heldout.Root)
	if err != nil {
		return nil, fmt.Errorf("held-out set root: %w", err)
	}
	initial, err := t.InitialCommitment()
	if err != nil {
		return nil, err
	}
	if n != chain.Inputs+2+len(bounds)+2 || len(bounds) == 0 {
		return nil, fmt.Errorf("a sale circuit of %d public inputs, a target of %d bounds", n, len(bounds))
	}
	fixed := make([]*big.Int, n)
	copy(fixed[chain.Inputs+2:], bounds)
	for i, v := range map[int]*big.Int{0: root, 1: new(big.Int), 2: big.NewInt(t.LRFixed), 3: initial,
		5: big.NewInt(int64(t.Batches())), 6: big.NewInt(int64(t.Steps())),
		chain.Inputs: held, chain.Inputs + 1: big.NewInt(int64(t.Heldout.Rows))} {
		fixed[i] = v
	}
	return fixed, nil
}

// SaleOf rebuilds the run in dir (its native trace, from the terms its
// manifest records) and returns its sale to payee. The run must be one
// scored proof of the whole run on BN254 with Groth16, and its final model
// must be the one the trace reaches.
func SaleOf(dir string, payee [20]byte) (*Sale, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if len(m.Proofs) != 1 || !Scored(m.Proofs[0].Shape) || m.Proofs[0].Steps != m.Figures.Steps {
		return nil, fmt.Errorf("%s: a sale proves the whole run and its score in one proof: train it with -chain run -fold-score", dir)
	}
	if m.Curve != ecc.BN254.String() || m.Backend != "groth16" {
		return nil, fmt.Errorf("%s: a sale is verified on Ethereum: BN254 and Groth16, not %s and %s", dir, m.Curve, m.Backend)
	}
	cfg := Config{Model: m.Model, Epochs: m.Epochs, Batch: m.Batch, LR: m.LR, Seed: m.Seed, Chain: ChainRun, FoldScore: true,
		Revision: m.Revision, Curve: ecc.BN254, Backend: "groth16", Dir: dir}
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	if len(p.jobs) != 1 || p.jobs[0].shape != m.Proofs[0].Shape {
		return nil, fmt.Errorf("%s: the run's proof is %s; its terms give %d proofs", dir, m.Proofs[0].Shape, len(p.jobs))
	}
	fm, _, err := FinalModelOf(dir, m)
	if err != nil {
		return nil, err
	}
	if p.lrFixed != m.LRFixed || !slices.Equal(p.final, fm.Values) {
		return nil, fmt.Errorf("%s: training again from the manifest's terms does not reach the run's final model", dir)
	}
	empty, err := circuitOfShape(p.shape, p.jobs[0].shape)
	if err != nil {
		return nil, err
	}
	a, err := p.assign(p.jobs[0])
	if err != nil {
		return nil, err
	}
	run, ok := a.(*chain.Scored)
	if !ok {
		return nil, fmt.Errorf("%s: the run's proof is not a scored chain", dir)
	}
	s := &Sale{Circuit: chain.NewSold(empty.(*chain.Scored)), Domain: run.Chain.Params.ModelDomain(), run: empty.(*chain.Scored),
		terms: TermsOf(m), payee: payee, final: p.final, scored: run}
	b, err := score.Bind(run.Score)
	if err != nil {
		return nil, err
	}
	for _, v := range b.Claims() {
		var c *big.Int
		switch x := v.(type) {
		case *big.Int:
			c = x
		case int64:
			c = big.NewInt(x)
		case int:
			c = big.NewInt(int64(x))
		default:
			return nil, fmt.Errorf("%s: the run's score claim %v (%T)", dir, v, v)
		}
		s.Claims = append(s.Claims, c)
	}
	// the default target: the score the run claims
	target := s.Claims[len(s.Claims)-1].Int64()
	var loss *big.Int
	if len(s.Claims) == 2 {
		loss = s.Claims[0]
	}
	if err := s.SetTarget(target, loss); err != nil {
		return nil, err
	}
	return s, nil
}

// SetTarget proves the sale against the target "at least minCorrect
// correct answers and a summed loss of at most maxLossSum" (nil: no bound
// on the loss; SaleBounds) instead: a target the run's score misses has no
// proof. It makes a sale in calldata: InBlob comes after.
func (s *Sale) SetTarget(minCorrect int64, maxLossSum *big.Int) error {
	n := chain.Inputs + 2 + len(s.Claims) + 2
	bounds, err := SaleBounds(n, minCorrect, maxLossSum)
	if err != nil {
		return err
	}
	if loss, correct := s.Claims[0], s.Claims[len(s.Claims)-1]; correct.Cmp(bounds[len(bounds)-1]) < 0 || len(bounds) == 2 && loss.Cmp(bounds[0]) > 0 {
		return fmt.Errorf("the run's score (%v) misses the target (%v: [the most summed loss,] the fewest correct answers)", s.Claims, bounds)
	}
	sold, elems, err := chain.SoldAssignment(ecc.BN254, s.Domain, s.scored, s.final, s.payee, bounds)
	if err != nil {
		return err
	}
	if err := s.assign(sold); err != nil {
		return err
	}
	s.Elements, s.Bounds, s.Circuit, s.Value = elems, bounds, chain.NewSold(s.run), nil
	if s.Fixed, err = SaleInputs(s.terms, len(s.Public), bounds); err != nil {
		return err
	}
	for i, v := range s.Fixed {
		if v != nil && v.Cmp(s.Public[i]) != 0 {
			return fmt.Errorf("the sale's public input %d is %v; the run's terms and the target give %v", i, s.Public[i], v)
		}
	}
	return nil
}

// assign sets the sale's assignment and its public inputs.
func (s *Sale) assign(a *chain.Sold) error {
	s.Assignment = a
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return err
	}
	s.Public, err = publicValues(w)
	return err
}

// InBlob turns the sale into one whose model is carried in a blob of
// versioned hash h (circuits/chain.NewBlobSold; the blob holds Elements,
// blob.Encode): the point and value replace the challenge and evaluation,
// and Value is the blob's value at the point.
func (s *Sale) InBlob(h [32]byte, payee [20]byte) error {
	sold, ok := s.Assignment.(*chain.Sold)
	if !ok || s.run == nil {
		return errors.New("not a sale of SaleOf")
	}
	a, y, err := chain.BlobSoldAssignment(sold, s.Elements, h, payee)
	if err != nil {
		return err
	}
	s.Circuit, s.Value = chain.NewBlobSold(s.run), y
	return s.assign(a)
}
