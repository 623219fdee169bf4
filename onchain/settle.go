package onchain

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/potbench/potbench/contracts"
	"github.com/potbench/potbench/trainrun"
)

// Settlement is what settling a proven training run through
// contracts/Settlement.sol cost: the buyer's offer, the seller's step proofs
// (in as few transactions as the per-transaction gas cap allows) and the
// score proof that releases the payment.
type Settlement struct {
	Proofs      int   `json:"proofs"`        // step proofs and the score proof
	Deploy      Gas   `json:"deploy"`        // the settlement contract and the run's verifiers, once for every offer
	Offer       Gas   `json:"offer"`         // the buyer locks the payment
	Prove       []Gas `json:"prove"`         // the seller's step proofs, one entry per transaction
	ProofsPerTx []int `json:"proofs_per_tx"` // how many step proofs each carried
	Settle      Gas   `json:"settle"`        // the score proof and the payment
	Total       Gas   `json:"total"`         // offer, prove and settle: one settlement
	Paid        bool  `json:"paid"`          // the seller received the payment
}

// Transactions is how many transactions one settlement takes.
func (s *Settlement) Transactions() int { return 2 + len(s.Prove) }

// Target is the score an offer asks for. The zero Target asks for what the
// run's score proof claims.
type Target struct {
	MinCorrect int64    // held-out answers right, at least
	MaxLossSum *big.Int // summed held-out loss, at most (least squares); nil: no bound
}

// Payment locked by the buyer in Settle, in wei.
var Payment = big.NewInt(1e18)

var (
	buyer  = common.HexToAddress("0xb0b0000000000000000000000000000000000001")
	seller = common.HexToAddress("0x5e11000000000000000000000000000000000002")
)

type terms struct {
	DatasetRoot, HeldoutRoot, InitialModel, LearningRate *big.Int
	Batches, Steps, ChainSteps, HeldoutRows, ScoreInputs uint64
	MinCorrect, MaxLossSum                               *big.Int
	StepVerifier, ChainVerifier, ScoreVerifier           common.Address
	StepCode, ChainCode, ScoreCode                       [32]byte // the verifiers' runtime code hashes the offer pins
}

type stepProof struct {
	Steps uint64
	Proof []byte
	Input [5]*big.Int
}

// market is a chain with a run's verifiers and the settlement contract
// deployed.
type market struct {
	chain *Chain
	abi   abi.ABI
	addr  common.Address
	run   *run
	terms terms
	gas   Gas // deploying it all
}

// newMarket deploys the settlement contract and the run's verifiers on a
// fresh chain and funds the buyer, and sets the terms of the run's statement
// with the target score (zero: the score the run claims).
func newMarket(r *run, c *Compiler, target Target) (*market, error) {
	m := r.manifest
	if m.Score == nil {
		return nil, errors.New("the run has no score proof; a settlement pays for a score")
	}
	if target == (Target{}) {
		target.MinCorrect = m.Score.Correct
		if m.Score.LossSum != "" {
			v, ok := new(big.Int).SetString(m.Score.LossSum, 0)
			if !ok {
				return nil, fmt.Errorf("manifest loss sum %q", m.Score.LossSum)
			}
			target.MaxLossSum = v
		}
	}
	switch { // terms no run can meet would lock the buyer's payment for nothing
	case target.MinCorrect > 0 && m.Model == "linreg":
		return nil, fmt.Errorf("-min-correct %d: a least-squares score counts no correct answers (always 0); bound the summed loss instead", target.MinCorrect)
	case target.MinCorrect > int64(m.Dataset.TestRows):
		return nil, fmt.Errorf("-min-correct %d: the held-out set has %d rows", target.MinCorrect, m.Dataset.TestRows)
	case target.MaxLossSum != nil && m.Score.LossSum == "":
		return nil, fmt.Errorf("-max-loss-sum: a %s score proves no loss, only correct answers", m.Model)
	}
	mk := &market{chain: NewChain(), run: r}
	mk.chain.Fund(buyer, new(big.Int).Mul(Payment, big.NewInt(10)))
	mk.chain.Fund(seller, Payment) // a seller sends transactions: its account exists, and its payment pays no new-account charge
	code, abiJSON, err := c.CompileABI(contracts.Settlement, "Settlement")
	if err != nil {
		return nil, err
	}
	if mk.abi, err = abi.JSON(bytes.NewReader(abiJSON)); err != nil {
		return nil, err
	}
	var g uint64
	if mk.addr, g, err = mk.chain.DeployFrom(buyer, code); err != nil {
		return nil, fmt.Errorf("onchain: deploy the settlement contract: %w", err)
	}
	mk.gas.Exec += g
	verifiers := map[string]common.Address{}
	for _, shape := range r.shapes {
		code, err := c.Compile(r.verifiers[shape], "Verifier")
		if err != nil {
			return nil, err
		}
		if verifiers[shape], g, err = mk.chain.DeployFrom(buyer, code); err != nil {
			return nil, fmt.Errorf("onchain: deploy the %s verifier: %w", shape, err)
		}
		mk.gas.Exec += g
	}
	mk.gas.Tx = mk.gas.Exec // creations: execution only

	rt := trainrun.TermsOf(m)
	t := terms{LearningRate: big.NewInt(rt.LRFixed), Batches: uint64(rt.Batches()), Steps: uint64(rt.Steps()), HeldoutRows: uint64(m.Dataset.TestRows),
		ScoreInputs: uint64(len(m.Score.Proof.Public)),
		MinCorrect:  big.NewInt(target.MinCorrect), MaxLossSum: new(big.Int), ScoreVerifier: verifiers["score"],
		ScoreCode: mk.chain.CodeHash(verifiers["score"])}
	if target.MaxLossSum != nil {
		t.MaxLossSum = target.MaxLossSum
	}
	for _, f := range []struct {
		dst **big.Int
		hex string
	}{{&t.DatasetRoot, m.Dataset.Root}, {&t.HeldoutRoot, m.Dataset.HeldoutRoot}, {&t.InitialModel, m.InitialModel.Commitment}} {
		v, ok := new(big.Int).SetString(f.hex, 0)
		if !ok {
			return nil, fmt.Errorf("manifest value %q", f.hex)
		}
		*f.dst = v
	}
	for _, shape := range r.shapes {
		switch k, err := trainrun.StepsOf(shape); {
		case err != nil: // the score
		case k == 1:
			t.StepVerifier, t.StepCode = verifiers[shape], mk.chain.CodeHash(verifiers[shape])
		default:
			t.ChainSteps, t.ChainVerifier, t.ChainCode = uint64(k), verifiers[shape], mk.chain.CodeHash(verifiers[shape])
		}
	}
	mk.terms = t
	return mk, nil
}

// call sends a transaction to the settlement contract with the most gas a
// transaction may carry when gas is 0.
func (mk *market) call(from common.Address, value *big.Int, gas uint64, method string, args ...any) (Gas, error) {
	data, err := mk.abi.Pack(method, args...)
	if err != nil {
		return Gas{}, err
	}
	if gas == 0 {
		gas = TxGasCap - TxGas(data, 0)
	}
	ret, exec, err := mk.chain.Send(from, mk.addr, data, value, gas)
	if err != nil {
		reason := revertReason(mk.abi, ret)
		if strings.HasPrefix(reason, ": LowGas") {
			err = errLowGas
		}
		return Gas{}, fmt.Errorf("%s: %w%s", method, err, reason)
	}
	return Gas{Exec: exec, Tx: TxGas(data, exec)}, nil
}

// stepProofs are the run's step proofs in the contract's layout.
func (mk *market) stepProofs() ([]stepProof, error) {
	var sp []stepProof
	for _, p := range mk.run.proofs[:len(mk.run.proofs)-1] {
		if want := 6 + min(p.Steps-1, 1); len(p.input) != want { // the contract appends batches (and K)
			return nil, fmt.Errorf("%s: %d public inputs, a proof of %d step(s) has %d", p.File, len(p.input), p.Steps, want)
		}
		q := stepProof{Steps: uint64(p.Steps), Proof: p.proof}
		copy(q.Input[:], p.input[:5])
		sp = append(sp, q)
	}
	return sp, nil
}

// Settle runs the settlement scenario on a fresh chain for the run in dir:
// it deploys the run's verifiers and the settlement contract, the buyer
// offers a payment for the run's statement and the target score (zero: the
// score the run claims), the seller proves the steps in as few transactions
// as the cap allows and settles, and the payment must reach the seller.
func Settle(dir string, c *Compiler, target Target) (*Settlement, error) {
	r, err := readRun(dir)
	if err != nil {
		return nil, err
	}
	mk, err := newMarket(r, c, target)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	s := &Settlement{Proofs: len(r.proofs), Deploy: mk.gas}
	if s.Offer, err = mk.call(buyer, Payment, 0, "offer", mk.terms, seller, uint64(1)<<62); err != nil {
		return nil, err
	}
	sp, err := mk.stepProofs()
	if err != nil {
		return nil, err
	}
	for n := len(sp); len(sp) > 0; {
		n = min(n, len(sp))
		g, err := mk.call(seller, nil, 0, "prove", big.NewInt(0), sp[:n])
		if err != nil {
			if n > 1 && (errors.Is(err, vm.ErrOutOfGas) || errors.Is(err, errLowGas)) {
				n = n * 3 / 4
				continue
			}
			return nil, err
		}
		s.Prove, s.ProofsPerTx = append(s.Prove, g), append(s.ProofsPerTx, n)
		sp = sp[n:]
	}
	before := mk.chain.Balance(seller)
	score := r.proofs[len(r.proofs)-1]
	if s.Settle, err = mk.call(seller, nil, 0, "settle", big.NewInt(0), score.proof, score.input); err != nil {
		return nil, err
	}
	s.Paid = new(big.Int).Sub(mk.chain.Balance(seller), before).Cmp(Payment) == 0
	s.Total = s.Offer.Add(s.Settle)
	for _, g := range s.Prove {
		s.Total = s.Total.Add(g)
	}
	if !s.Paid {
		return s, errors.New("onchain: the settlement did not pay the seller")
	}
	return s, nil
}

var errLowGas = errors.New("less gas left than a verification needs")

// revertReason decodes a revert's custom error or reason string.
func revertReason(a abi.ABI, ret []byte) string {
	if len(ret) < 4 {
		return ""
	}
	if reason, err := abi.UnpackRevert(ret); err == nil {
		return ": " + reason
	}
	for name, e := range a.Errors {
		if bytes.Equal(e.ID[:4], ret[:4]) {
			args, err := e.Unpack(ret)
			if err != nil {
				return ": " + name
			}
			return fmt.Sprintf(": %s%v", name, args)
		}
	}
	return ""
}
