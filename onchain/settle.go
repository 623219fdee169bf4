package onchain

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/solidity"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/potbench/potbench/circuits/delivery"
	"github.com/potbench/potbench/contracts"
	"github.com/potbench/potbench/trainrun"
)

// Settlement is what settling a proven training run through
// contracts/Settlement.sol cost: the buyer's offer, the seller's step proofs
// (in as few transactions as the per-transaction gas cap allows), the
// delivery (the score proof, the final model's ciphertext and the proof of
// it) and the settle that reveals the key and releases the payment.
type Settlement struct {
	Proofs      int   `json:"proofs"`        // step proofs and the score proof
	Deploy      Gas   `json:"deploy"`        // the settlement contract and the verifiers, delivery's included, once for every offer
	Offer       Gas   `json:"offer"`         // the buyer locks the payment
	Prove       []Gas `json:"prove"`         // the seller's step proofs, one entry per transaction
	ProofsPerTx []int `json:"proofs_per_tx"` // how many step proofs each carried
	Deliver     Gas   `json:"deliver"`       // the score proof, the ciphertext and the delivery proof
	Settle      Gas   `json:"settle"`        // the key revealed and the payment
	Total       Gas   `json:"total"`         // offer, prove, deliver and settle: one settlement
	Paid        bool  `json:"paid"`          // the seller received the payment
	Delivered   bool  `json:"delivered"`     // the buyer decrypted the exact final model from the chain

	// The delivery's own share: its verifier call alone (what a settlement
	// without delivery would not pay, besides the ciphertext's calldata and
	// event), its circuit and its proof.
	DeliveryVerify      Gas    `json:"delivery_verify"`
	CipherElements      int    `json:"cipher_elements"`
	DeliveryConstraints int    `json:"delivery_constraints"`
	DeliverySetupNs     int64  `json:"delivery_setup_ns,omitempty"` // 0: keys from the cache
	DeliveryProveNs     int64  `json:"delivery_prove_ns"`
	DeliveryKeys        string `json:"delivery_keys"` // who set up the delivery circuit's keys
}

// Transactions is how many transactions one settlement takes.
func (s *Settlement) Transactions() int { return 3 + len(s.Prove) }

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
	Batches, Steps, ChainSteps                           uint64
	ChainWraps, ChainScored                              bool
	HeldoutRows, ScoreInputs                             uint64
	MinCorrect, MaxLossSum                               *big.Int
	StepVerifier, ChainVerifier, ScoreVerifier           common.Address
	DeliveryVerifier                                     common.Address
	CipherElements                                       uint64
	StepCode, ChainCode, ScoreCode, DeliveryCode         [32]byte // the verifiers' runtime code hashes the offer pins
}

type scoreProof struct {
	Proof []byte
	Input []*big.Int
}

type deliveryCall struct {
	Proof     []byte
	Cipher    []*big.Int
	KeyDigest [32]byte
}

type stepProof struct {
	Steps uint64
	Proof []byte
	Input [5]*big.Int
}

// market is an EVM with a run's verifiers, the delivery verifier and the
// settlement contract deployed.
type market struct {
	evm      *EVM
	abi      abi.ABI
	addr     common.Address
	run      *run
	delivery *DeliveryKeys
	terms    terms
	offered  []terms // the terms of each offer made through call, by id
	gas      Gas     // deploying it all
}

// newMarket deploys the settlement contract, the run's verifiers and the
// delivery verifier on a fresh chain and funds the buyer and the seller, and
// sets the terms of the run's statement with the target score (zero: the
// score the run claims).
func newMarket(r *run, c *Compiler, target Target, dk *DeliveryKeys) (*market, error) {
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
	case target.MinCorrect > 0 && trainrun.Regression(m.Model):
		return nil, fmt.Errorf("-min-correct %d: a least-squares score counts no correct answers (always 0); bound the summed loss instead", target.MinCorrect)
	case target.MinCorrect > int64(m.Dataset.TestRows):
		return nil, fmt.Errorf("-min-correct %d: the held-out set has %d rows", target.MinCorrect, m.Dataset.TestRows)
	case target.MaxLossSum != nil && m.Score.LossSum == "":
		return nil, fmt.Errorf("-max-loss-sum: a %s score proves no loss, only correct answers", m.Model)
	}
	if dk == nil || dk.Domain.String() != r.domain.String() {
		return nil, fmt.Errorf("no delivery keys for this run's model (%s)", r.domain)
	}
	mk := &market{evm: NewEVM(), run: r, delivery: dk}
	mk.evm.Fund(buyer, new(big.Int).Mul(Payment, big.NewInt(10)))
	mk.evm.Fund(seller, Payment) // a seller sends transactions: its account exists, and its payment pays no new-account charge
	code, abiJSON, err := c.CompileABI(contracts.Settlement, "Settlement")
	if err != nil {
		return nil, err
	}
	if mk.abi, err = abi.JSON(bytes.NewReader(abiJSON)); err != nil {
		return nil, err
	}
	var g uint64
	if mk.addr, g, err = mk.evm.DeployFrom(buyer, code); err != nil {
		return nil, fmt.Errorf("onchain: deploy the settlement contract: %w", err)
	}
	mk.gas.Exec += g
	verifiers := map[string]common.Address{}
	for _, shape := range r.shapes {
		code, err := c.Compile(r.verifiers[shape], "Verifier")
		if err != nil {
			return nil, err
		}
		if verifiers[shape], g, err = mk.evm.DeployFrom(buyer, code); err != nil {
			return nil, fmt.Errorf("onchain: deploy the %s verifier: %w", shape, err)
		}
		mk.gas.Exec += g
	}
	var sol bytes.Buffer
	if err := dk.VK.ExportSolidity(&sol, solidity.WithPragmaVersion("^0.8.20")); err != nil {
		return nil, err
	}
	if code, err = c.Compile(sol.String(), "Verifier"); err != nil {
		return nil, err
	}
	if verifiers["delivery"], g, err = mk.evm.DeployFrom(buyer, code); err != nil {
		return nil, fmt.Errorf("onchain: deploy the delivery verifier: %w", err)
	}
	mk.gas.Exec += g
	mk.gas.Tx = mk.gas.Exec // creations: execution only

	rt := trainrun.TermsOf(m)
	scoreInputs := len(m.Score.Proof.Public)
	if trainrun.Scored(m.Score.Shape) { // folded: the score's inputs but its model
		scoreInputs++
	}
	t := terms{LearningRate: big.NewInt(rt.LRFixed), Batches: uint64(rt.Batches()), Steps: uint64(rt.Steps()), HeldoutRows: uint64(m.Dataset.TestRows),
		ScoreInputs: uint64(scoreInputs),
		MinCorrect:  big.NewInt(target.MinCorrect), MaxLossSum: new(big.Int), ScoreVerifier: verifiers["score"],
		ScoreCode: mk.evm.CodeHash(verifiers["score"]), DeliveryVerifier: verifiers["delivery"],
		DeliveryCode: mk.evm.CodeHash(verifiers["delivery"]), CipherElements: uint64(delivery.Elements(dk.Domain))}
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
			t.StepVerifier, t.StepCode = verifiers[shape], mk.evm.CodeHash(verifiers[shape])
		case t.ChainSteps != 0:
			return nil, fmt.Errorf("the run has two chain circuits (%s and another); the contract's terms name one chain verifier (prove the run with -chain run for one)", shape)
		default:
			t.ChainSteps, t.ChainWraps, t.ChainVerifier, t.ChainCode = uint64(k), trainrun.Wraps(shape), verifiers[shape], mk.evm.CodeHash(verifiers[shape])
			t.ChainScored = trainrun.Scored(shape)
		}
	}
	mk.terms = t
	return mk, nil
}

// restating are the contract's methods that take an offer's id and then
// its terms: the contract stores only their hash.
var restating = map[string]bool{"prove": true, "proveScored": true, "deliver": true}

// call sends a transaction to the settlement contract with the most gas a
// transaction may carry when gas is 0. For the methods that restate an
// offer's terms, it inserts after the id the terms this market offered
// under that id (callRaw sends other terms).
func (mk *market) call(from common.Address, value *big.Int, gas uint64, method string, args ...any) (Gas, error) {
	if restating[method] && len(args) > 0 {
		id, ok := args[0].(*big.Int)
		if !ok || !id.IsInt64() || id.Int64() < 0 || id.Int64() >= int64(len(mk.offered)) {
			return Gas{}, fmt.Errorf("%s: no offer %v was made through this market", method, args[0])
		}
		args = append([]any{args[0], mk.offered[id.Int64()]}, args[1:]...)
	}
	g, err := mk.callRaw(from, value, gas, method, args...)
	if err == nil && method == "offer" {
		mk.offered = append(mk.offered, args[0].(terms))
	}
	return g, err
}

// callRaw is call with exactly the arguments given.
func (mk *market) callRaw(from common.Address, value *big.Int, gas uint64, method string, args ...any) (Gas, error) {
	data, err := mk.abi.Pack(method, args...)
	if err != nil {
		return Gas{}, err
	}
	if gas == 0 {
		gas = TxGasCap - TxGas(data, 0)
	}
	ret, exec, err := mk.evm.Send(from, mk.addr, data, value, gas)
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
		q, err := asStepProof(p, 0)
		if err != nil {
			return nil, err
		}
		sp = append(sp, q)
	}
	return sp, nil
}

// asStepProof is a step or chain proof in the contract's layout; extra are
// the score's inputs after the chain's (a proof with the score folded in).
func asStepProof(p chainProof, extra int) (stepProof, error) {
	if want := 6 + min(p.Steps-1, 1) + extra; len(p.input) != want { // the contract appends batches (and K)
		return stepProof{}, fmt.Errorf("%s: %d public inputs, a proof of %d step(s) has %d", p.File, len(p.input), p.Steps, want)
	}
	q := stepProof{Steps: uint64(p.Steps), Proof: p.proof}
	copy(q.Input[:], p.input[:5])
	return q, nil
}

// scoredProof is the run's last proof with the score folded in: the chain
// part in the contract's layout and the score's inputs but its model.
func (mk *market) scoredProof() (stepProof, []*big.Int, error) {
	p := mk.run.proofs[len(mk.run.proofs)-1]
	n := int(mk.terms.ScoreInputs) - 1
	q, err := asStepProof(p, n)
	if err != nil {
		return q, nil, err
	}
	return q, p.input[len(p.input)-n:], nil
}

// Settle runs the settlement scenario on a fresh chain for the run in dir:
// it deploys the run's verifiers, the delivery verifier of dk and the
// settlement contract; the buyer offers a payment for the run's statement
// and the target score (zero: the score the run claims); the seller proves
// the steps in as few transactions as the cap allows, delivers the final
// model encrypted under a fresh key with the score proof and a delivery
// proof made for this deal, and reveals the key; the payment must reach the
// seller, and the buyer must decrypt, from the chain's events alone, the
// exact model the run committed to.
func Settle(dir string, c *Compiler, target Target, dk *DeliveryKeys) (*Settlement, error) {
	r, err := readRun(dir)
	if err != nil {
		return nil, err
	}
	mk, err := newMarket(r, c, target, dk)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	s := &Settlement{Proofs: len(r.proofs), Deploy: mk.gas, CipherElements: int(mk.terms.CipherElements),
		DeliveryConstraints: dk.Constraints, DeliverySetupNs: dk.SetupNs, DeliveryKeys: dk.Source}
	if s.Offer, err = mk.call(buyer, Payment, 0, "offer", mk.terms, seller, uint64(1)<<62); err != nil {
		return nil, err
	}
	id := big.NewInt(0)
	sp, err := mk.stepProofs()
	if err != nil {
		return nil, err
	}
	for n := len(sp); len(sp) > 0; {
		n = min(n, len(sp))
		g, err := mk.call(seller, nil, 0, "prove", id, sp[:n])
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
	if mk.terms.ChainScored { // the last proof also proves the score, in a transaction of its own
		q, score, err := mk.scoredProof()
		if err != nil {
			return nil, err
		}
		g, err := mk.call(seller, nil, 0, "proveScored", id, q, score)
		if err != nil {
			return nil, err
		}
		s.Prove, s.ProofsPerTx = append(s.Prove, g), append(s.ProofsPerTx, 1)
	}
	d, err := mk.sealFor(id, seller)
	if err != nil {
		return nil, err
	}
	s.DeliveryProveNs = d.proveNs
	if s.DeliveryVerify, err = mk.verifyDelivery(id, seller, d); err != nil {
		return nil, err
	}
	if s.Deliver, err = mk.call(seller, nil, 0, "deliver", id, mk.score(), d.call()); err != nil {
		return nil, err
	}
	before := mk.evm.Balance(seller)
	if s.Settle, err = mk.call(seller, nil, 0, "settle", id, d.key); err != nil {
		return nil, err
	}
	s.Paid = new(big.Int).Sub(mk.evm.Balance(seller), before).Cmp(Payment) == 0
	s.Total = s.Offer.Add(s.Deliver).Add(s.Settle)
	for _, g := range s.Prove {
		s.Total = s.Total.Add(g)
	}
	if !s.Paid {
		return s, errors.New("onchain: the settlement did not pay the seller")
	}
	got, err := mk.received(id)
	if err != nil {
		return s, fmt.Errorf("onchain: the buyer's model: %w", err)
	}
	if !slices.Equal(got, r.final) {
		return s, errors.New("onchain: the model the buyer decrypted is not the run's final model")
	}
	s.Delivered = true
	return s, nil
}

// score is the run's score proof in the contract's layout (empty where the
// last step proof carried the score).
func (mk *market) score() scoreProof {
	if mk.terms.ChainScored {
		return scoreProof{Proof: []byte{}, Input: []*big.Int{}}
	}
	p := mk.run.proofs[len(mk.run.proofs)-1]
	return scoreProof{Proof: p.proof, Input: p.input}
}

func (d *deliveryProof) call() deliveryCall {
	return deliveryCall{Proof: d.Proof, Cipher: d.Cipher, KeyDigest: d.KeyDigest}
}

// dealOf asks the contract for the deal of an offer and payee.
func (mk *market) dealOf(id *big.Int, payee common.Address) (*big.Int, error) {
	data, err := mk.abi.Pack("dealOf", id, payee)
	if err != nil {
		return nil, err
	}
	ret, _, err := mk.evm.Send(payee, mk.addr, data, nil, 0)
	if err != nil {
		return nil, fmt.Errorf("dealOf: %w", err)
	}
	out, err := mk.abi.Unpack("dealOf", ret)
	if err != nil {
		return nil, err
	}
	return out[0].(*big.Int), nil
}

// sealFor is the seller's delivery for an offer and payee: the run's final
// model sealed under a fresh key, proven for the deal the contract names.
func (mk *market) sealFor(id *big.Int, payee common.Address) (*deliveryProof, error) {
	deal, err := mk.dealOf(id, payee)
	if err != nil {
		return nil, err
	}
	return mk.delivery.prove(mk.run.final, deal)
}

// verifyDelivery measures the delivery verifier's call alone, as the
// contract makes it for the payee.
func (mk *market) verifyDelivery(id *big.Int, payee common.Address, d *deliveryProof) (Gas, error) {
	deal, err := mk.dealOf(id, payee)
	if err != nil {
		return Gas{}, err
	}
	model, _ := new(big.Int).SetString(strings.TrimPrefix(mk.run.manifest.FinalModel.Commitment, "0x"), 16)
	input, err := delivery.Public(ecc.BN254, &delivery.Sealed{Model: model, Digest: d.KeyDigest, Cipher: d.Cipher}, deal)
	if err != nil {
		return Gas{}, err
	}
	data := Calldata(d.Proof, input)
	exec, err := mk.evm.Call(mk.terms.DeliveryVerifier, data, 0)
	if err != nil {
		return Gas{}, fmt.Errorf("the delivery verifier rejected the seller's proof: %w", err)
	}
	return Gas{Exec: exec, Tx: TxGas(data, exec)}, nil
}

// received is the buyer's side after settle: the ciphertext of the
// offer's Delivered event, the key of its Settled event, decrypted and
// checked against the model commitment the contract recorded.
func (mk *market) received(id *big.Int) ([]int64, error) {
	var cipher []*big.Int
	var key, model *big.Int
	for _, l := range mk.evm.Logs() {
		if l.Address != mk.addr || len(l.Topics) < 2 || l.Topics[1] != common.BigToHash(id) {
			continue
		}
		switch l.Topics[0] {
		case mk.abi.Events["Delivered"].ID:
			out, err := mk.abi.Unpack("Delivered", l.Data)
			if err != nil {
				return nil, err
			}
			cipher = out[1].([]*big.Int)
		case mk.abi.Events["Settled"].ID:
			out, err := mk.abi.Unpack("Settled", l.Data)
			if err != nil {
				return nil, err
			}
			model, key = out[0].(*big.Int), out[2].(*big.Int)
		}
	}
	if cipher == nil || key == nil {
		return nil, fmt.Errorf("offer %v: no Delivered and Settled events on chain", id)
	}
	return delivery.Open(ecc.BN254, mk.delivery.Domain, cipher, key, model)
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
