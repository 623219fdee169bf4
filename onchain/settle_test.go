package onchain

import (
	"context"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/ethereum/go-ethereum/common"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/trainrun"
)

// TestSettlement: a whole exchange on a real run: offer, prove, deliver,
// settle. The seller is paid and the buyer decrypts, from the chain's
// events, exactly the run's final model.
func TestSettlement(t *testing.T) {
	solc := compiler(t)
	s, _ := settled(t, tinyRun(t), solc)
	if !s.Paid || !s.Delivered || s.Proofs != 6 || len(s.Prove) != 1 || s.ProofsPerTx[0] != 5 || s.Transactions() != 4 {
		t.Fatalf("settlement %+v", s)
	}
	sum := s.Offer.Add(s.Deliver).Add(s.Settle).Add(s.Prove[0])
	if sum != s.Total || s.Total.Tx >= TxGasCap*4 {
		t.Errorf("total %+v, parts sum to %+v", s.Total, sum)
	}
	if s.DeliveryVerify.Exec == 0 || s.DeliveryVerify.Exec >= s.Deliver.Exec || s.CipherElements != 2 {
		t.Errorf("the delivery's own verification %+v within deliver %+v, %d elements", s.DeliveryVerify, s.Deliver, s.CipherElements)
	}
	t.Logf("settled a 5-step run: offer %d, prove %d, deliver %d (delivery verifier %d), settle %d, total %d gas (transactions)",
		s.Offer.Tx, s.Prove[0].Tx, s.Deliver.Tx, s.DeliveryVerify.Exec, s.Settle.Tx, s.Total.Tx)
}

// TestSettlementRejects: the contract keeps the payment when the proofs do
// not make the offer's statement (or are sent with terms other than the
// offer's, which the contract holds as a hash), and returns it to the buyer
// only after the deadline.
func TestSettlementRejects(t *testing.T) {
	solc := compiler(t)
	r, err := readRun(tinyRun(t))
	if err != nil {
		t.Fatal(err)
	}
	mk, honest, score := marketOf(t, r, solc)
	const deadline = BlockTime + 3600
	id := big.NewInt(0)
	d := mustSeal(t, mk, id, seller)
	if _, err := mk.call(buyer, Payment, 0, "offer", mk.terms, seller, uint64(deadline)); err != nil {
		t.Fatal(err)
	}
	balance := mk.evm.Balance(seller)
	expect := expecter(t)
	clone := func() []stepProof {
		out := make([]stepProof, len(honest))
		for i, p := range honest {
			out[i] = stepProof{Steps: p.Steps, Proof: append([]byte{}, p.Proof...), Input: p.Input}
		}
		return out
	}
	swapped := clone()
	swapped[1], swapped[2] = swapped[2], swapped[1]
	repeated := clone()
	repeated[2] = repeated[1]
	flipped := clone()
	flipped[3].Proof[40] ^= 1
	otherRoot := clone()
	otherRoot[0].Input[0] = new(big.Int).Add(otherRoot[0].Input[0], big.NewInt(1))
	asChain := clone()
	asChain[0].Steps = 2
	for _, c := range []struct {
		name, want string
		proofs     []stepProof
	}{
		{"swapped steps", "not the scheduled batch", swapped},
		{"a repeated step", "not the scheduled batch", repeated},
		{"a flipped proof bit", "rejected by the verifier", flipped},
		{"another dataset root", "another dataset", otherRoot},
		{"a step passed off as a chain", "no verifier for that many steps", asChain},
	} {
		_, err := mk.call(seller, nil, 0, "prove", id, c.proofs)
		expect(c.name, c.want, err)
	}
	_, err = mk.call(buyer, nil, 0, "prove", id, honest)
	expect("proofs from another than the seller", "NotSeller", err)
	other := mk.terms // the contract keeps the terms' hash: terms restated with another verifier are not the offer's
	other.StepVerifier = mk.terms.ScoreVerifier
	_, err = mk.callRaw(seller, nil, 0, "prove", id, other, honest)
	expect("the steps proven under other terms restated", "NotTheTerms", err)
	_, err = mk.call(seller, nil, 0, "deliver", id, score, d.call())
	expect("delivering before the steps are proven", "Incomplete", err)
	_, err = mk.call(seller, nil, 0, "prove", id, honest[:2])
	if err != nil {
		t.Fatal(err)
	}
	_, err = mk.call(seller, nil, 0, "prove", id, honest[3:])
	expect("a step skipped", "not the scheduled batch", err)
	_, err = mk.call(seller, nil, 1_000_000, "prove", id, honest[2:])
	expect("too little gas for the verifications", "LowGas", err)
	if _, err = mk.call(seller, nil, 0, "prove", id, honest[2:]); err != nil {
		t.Fatal(err)
	}
	wrongModel := scoreProof{Proof: score.Proof, Input: append([]*big.Int{}, score.Input...)}
	wrongModel.Input[2] = new(big.Int).Add(wrongModel.Input[2], big.NewInt(1))
	wrongSize := scoreProof{Proof: score.Proof, Input: append([]*big.Int{}, score.Input...)}
	wrongSize.Input[1] = new(big.Int).Add(wrongSize.Input[1], big.NewInt(1))
	_, err = mk.call(seller, nil, 0, "deliver", id, wrongSize, d.call())
	expect("a score on a held-out set of another size", "another held-out set", err)
	_, err = mk.call(seller, nil, 0, "deliver", id, wrongModel, d.call())
	expect("a score of another model", "not the final model", err)
	_, err = mk.call(buyer, nil, 0, "refund", id)
	expect("a refund before the deadline", "NotYet", err)
	if got := mk.evm.Balance(seller); got.Cmp(balance) != 0 {
		t.Fatalf("the seller was paid %v for rejected proofs", new(big.Int).Sub(got, balance))
	}

	// a stricter offer: a lower summed loss than the run reached
	strict := mk.terms
	strict.MaxLossSum = new(big.Int).Sub(score.Input[3], big.NewInt(1))
	if _, err := mk.call(buyer, Payment, 0, "offer", strict, seller, uint64(deadline)); err != nil {
		t.Fatal(err)
	}
	if _, err := mk.call(seller, nil, 0, "prove", big.NewInt(1), honest); err != nil {
		t.Fatal(err)
	}
	_, err = mk.call(seller, nil, 0, "deliver", big.NewInt(1), score, d.call())
	expect("a score below the offer's", "loss too high", err)
	_, err = mk.callRaw(seller, nil, 0, "deliver", big.NewInt(1), mk.terms, score, d.call())
	expect("the stricter offer's delivery under the first offer's terms", "NotTheTerms", err)

	// an offer whose verifier has no code would accept anything
	bad := mk.terms
	bad.ScoreVerifier = seller
	_, err = mk.call(buyer, Payment, 0, "offer", bad, seller, uint64(deadline))
	expect("a verifier without code", "without code", err)
	// a contract whose fallback returns true for every call would accept
	// junk proofs: its code is not the one the terms pin
	acceptAll, _, err := mk.evm.DeployFrom(buyer, common.FromHex("0x69600160005260206000f3600052600a6016f3"))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := mk.evm.Call(acceptAll, []byte{1, 2, 3, 4}, 0); err != nil {
		t.Fatalf("the accept-all contract: %v %v", ok, err)
	}
	bad = mk.terms
	bad.ScoreVerifier = acceptAll
	_, err = mk.call(buyer, Payment, 0, "offer", bad, seller, uint64(deadline))
	expect("a verifier that accepts everything", "score verifier code differs from the terms'", err)
	bad = mk.terms
	bad.StepVerifier = mk.terms.ScoreVerifier // real verifier code, of another circuit
	_, err = mk.call(buyer, Payment, 0, "offer", bad, seller, uint64(deadline))
	expect("the score verifier named as the step verifier", "step verifier code differs from the terms'", err)

	// the honest delivery and settlement of offer 0 pays; past the grace period, offer 1 is refunded
	if _, err := mk.call(seller, nil, 0, "deliver", id, score, d.call()); err != nil {
		t.Fatal(err)
	}
	if _, err := mk.call(seller, nil, 0, "settle", id, d.key); err != nil {
		t.Fatal(err)
	}
	if paid := new(big.Int).Sub(mk.evm.Balance(seller), balance); paid.Cmp(Payment) != 0 {
		t.Fatalf("the seller was paid %v, the offer %v", paid, Payment)
	}
	_, err = mk.call(seller, nil, 0, "settle", id, d.key)
	expect("the key revealed twice", "Closed", err)
	mk.evm.SetTime(deadline + 24*3600 + 1) // offer 1's steps were all proven: its refund waits out the grace period
	before := mk.evm.Balance(buyer)
	if _, err := mk.call(buyer, nil, 0, "refund", big.NewInt(1)); err != nil {
		t.Fatal(err)
	}
	if back := new(big.Int).Sub(mk.evm.Balance(buyer), before); back.Cmp(Payment) != 0 {
		t.Fatalf("refunded %v of %v", back, Payment)
	}
}

// TestSettlementGraceAndTerms: a seller who proved every step by the
// deadline may still settle during the grace period, and the buyer cannot
// take the payment back then; past it, or when steps are missing, the
// buyer is refunded. Terms no run can meet are refused at offer.
func TestSettlementGraceAndTerms(t *testing.T) {
	solc := compiler(t)
	r, err := readRun(tinyRun(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newMarket(r, solc, Target{MinCorrect: 1}, deliveryKeys(t, r)); err == nil || !strings.Contains(err.Error(), "least-squares score counts no correct answers") {
		t.Errorf("a target of correct answers on least squares: %v", err)
	}
	mk, honest, score := marketOf(t, r, solc)
	const deadline = BlockTime + 3600
	grace := uint64(24 * 3600)
	expect := expecter(t)
	for _, c := range []struct {
		name, want string
		edit       func(*terms)
	}{
		{"a score shape that does not exist", "a score has 4 or 5 inputs", func(t *terms) { t.ScoreInputs = 3 }},
		{"more correct answers than rows", "more correct answers than held-out rows", func(t *terms) { t.MinCorrect = big.NewInt(int64(t.HeldoutRows) + 1) }},
		{"a loss bound on a score without loss", "a loss bound on a score that proves no loss", func(t *terms) { t.ScoreInputs, t.MaxLossSum = 4, big.NewInt(5) }},
	} {
		bad := mk.terms
		c.edit(&bad)
		_, err := mk.call(buyer, Payment, 0, "offer", bad, seller, uint64(deadline))
		expect(c.name, c.want, err)
	}
	for range 3 { // offers 0, 1, 2
		if _, err := mk.call(buyer, Payment, 0, "offer", mk.terms, seller, uint64(deadline)); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []int64{0, 1} {
		if _, err := mk.call(seller, nil, 0, "prove", big.NewInt(id), honest); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := mk.call(seller, nil, 0, "prove", big.NewInt(2), honest[:2]); err != nil {
		t.Fatal(err)
	}
	d0, d1 := mustSeal(t, mk, big.NewInt(0), seller), mustSeal(t, mk, big.NewInt(1), seller)
	_, err = mk.call(seller, nil, 0, "deliver", big.NewInt(0), scoreProof{Proof: score.Proof, Input: score.Input[:4]}, d0.call())
	expect("a score of another shape than the terms'", "not the score shape of the terms", err)

	mk.evm.SetTime(deadline + 1) // past the deadline, within the grace period
	_, err = mk.call(buyer, nil, 0, "refund", big.NewInt(0))
	expect("a refund of a proven run within the grace period", "NotYet", err)
	_, err = mk.call(seller, nil, 0, "prove", big.NewInt(2), honest[2:])
	expect("proving after the deadline", "PastDeadline", err)
	before := mk.evm.Balance(buyer)
	if _, err := mk.call(buyer, nil, 0, "refund", big.NewInt(2)); err != nil {
		t.Errorf("the refund of an unfinished run after the deadline: %v", err)
	}
	if back := new(big.Int).Sub(mk.evm.Balance(buyer), before); back.Cmp(Payment) != 0 {
		t.Errorf("refunded %v of %v", back, Payment)
	}
	paid := mk.evm.Balance(seller)
	if _, err := mk.call(seller, nil, 0, "deliver", big.NewInt(0), score, d0.call()); err != nil {
		t.Fatalf("delivering a proven run within the grace period: %v", err)
	}
	if _, err := mk.call(seller, nil, 0, "deliver", big.NewInt(1), score, d1.call()); err != nil {
		t.Fatalf("delivering a proven run within the grace period: %v", err)
	}
	if _, err := mk.call(seller, nil, 0, "settle", big.NewInt(0), d0.key); err != nil {
		t.Fatalf("settling a proven run within the grace period: %v", err)
	}
	if got := new(big.Int).Sub(mk.evm.Balance(seller), paid); got.Cmp(Payment) != 0 {
		t.Errorf("the seller was paid %v, the offer %v", got, Payment)
	}

	mk.evm.SetTime(deadline + grace + 1) // past the grace period: a delivered offer's key comes too late
	_, err = mk.call(seller, nil, 0, "settle", big.NewInt(1), d1.key)
	expect("settling after the grace period", "PastDeadline", err)
	if _, err := mk.call(buyer, nil, 0, "refund", big.NewInt(1)); err != nil {
		t.Errorf("the refund after the grace period: %v", err)
	}
}

// marketOf deploys a market for the run r with the score it claims as the
// target, and returns it with the run's step proofs and its score proof.
func marketOf(t *testing.T, r *run, solc *Compiler) (*market, []stepProof, scoreProof) {
	t.Helper()
	mk, err := newMarket(r, solc, Target{}, deliveryKeys(t, r))
	if err != nil {
		t.Fatal(err)
	}
	honest, err := mk.stepProofs()
	if err != nil {
		t.Fatal(err)
	}
	return mk, honest, mk.score()
}

// mustSeal is the seller's delivery of the run's final model for an offer
// and payee.
func mustSeal(t *testing.T, mk *market, id *big.Int, payee common.Address) *deliveryProof {
	t.Helper()
	d, err := mk.sealFor(id, payee)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var (
	deliveryMu   sync.Mutex
	deliveryKeep = map[string]*DeliveryKeys{}
)

// deliveryKeys are the delivery keys for the run's model, set up once per
// test binary (the key cache, when there is one, keeps them across).
func deliveryKeys(t *testing.T, r *run) *DeliveryKeys {
	t.Helper()
	deliveryMu.Lock()
	defer deliveryMu.Unlock()
	if k, ok := deliveryKeep[r.domain.String()]; ok {
		return k
	}
	k, err := SetupDelivery(r.domain, proving.DefaultKeyCache())
	if err != nil {
		t.Fatal(err)
	}
	deliveryKeep[r.domain.String()] = k
	return k
}

// expecter checks that a call was refused with a message that says why.
func expecter(t *testing.T) func(name, want string, err error) {
	return func(name, want string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
}

// TestSettlementAttacks plays a front-runner, a copier and a cheating
// seller against deliver and settle. A proof copied from the mempool or the
// chain is made for another payee or offer and is refused; a ciphertext of
// another model, a digest of another key, a wrong key and a second delivery
// revert with a named error; the buyer's payment stays refundable until an
// honest delivery is settled.
func TestSettlementAttacks(t *testing.T) {
	solc := compiler(t)
	r, err := readRun(tinyRun(t))
	if err != nil {
		t.Fatal(err)
	}
	mk, honest, score := marketOf(t, r, solc)
	attacker := common.HexToAddress("0xbad0000000000000000000000000000000000003")
	mk.evm.Fund(attacker, Payment)
	const deadline = BlockTime + 3600
	expect := expecter(t)
	for range 2 { // two open offers (any seller) of the same statement
		if _, err := mk.call(buyer, Payment, 0, "offer", mk.terms, common.Address{}, uint64(deadline)); err != nil {
			t.Fatal(err)
		}
	}
	id0, id1 := big.NewInt(0), big.NewInt(1)
	for _, id := range []*big.Int{id0, id1} {
		if _, err := mk.call(seller, nil, 0, "prove", id, honest); err != nil {
			t.Fatal(err)
		}
	}
	d := mustSeal(t, mk, id0, seller)

	_, err = mk.call(seller, nil, 0, "settle", id0, d.key)
	expect("a key before any delivery", "NotDelivered", err)
	// the front-runner sends the seller's deliver, word for word, first
	_, err = mk.call(attacker, nil, 0, "deliver", id0, score, d.call())
	expect("a front-run delivery", "delivery rejected by the verifier", err)
	// the seller's ciphertext, altered or cut, or another key's digest
	other := d.call()
	other.Cipher = append([]*big.Int{}, d.Cipher...)
	other.Cipher[0] = new(big.Int).Add(other.Cipher[0], big.NewInt(1))
	_, err = mk.call(seller, nil, 0, "deliver", id0, score, other)
	expect("a ciphertext of another model", "delivery rejected by the verifier", err)
	// the same element modulo the field: equal in the evaluation, another
	// integer in the event the buyer decrypts
	other.Cipher[0] = new(big.Int).Add(d.Cipher[0], ecc.BN254.ScalarField())
	_, err = mk.call(seller, nil, 0, "deliver", id0, score, other)
	expect("a ciphertext element above the field's modulus", "a ciphertext element outside the field", err)
	other.Cipher = append(append([]*big.Int{}, d.Cipher[1:]...), d.Cipher[0])
	_, err = mk.call(seller, nil, 0, "deliver", id0, score, other)
	expect("the ciphertext's elements reordered", "delivery rejected by the verifier", err)
	other = d.call()
	other.Cipher = d.Cipher[:1]
	_, err = mk.call(seller, nil, 0, "deliver", id0, score, other)
	expect("a ciphertext of another size", "not the final model's size", err)
	other = d.call()
	other.KeyDigest[31] ^= 1
	_, err = mk.call(seller, nil, 0, "deliver", id0, score, other)
	expect("the digest of another key", "delivery rejected by the verifier", err)
	// a proof made for offer 0 delivers nothing on offer 1
	_, err = mk.call(seller, nil, 0, "deliver", id1, score, d.call())
	expect("a delivery proof made for another offer", "delivery rejected by the verifier", err)

	if _, err := mk.call(seller, nil, 0, "deliver", id0, score, d.call()); err != nil {
		t.Fatal(err)
	}
	_, err = mk.call(attacker, nil, 0, "deliver", id0, score, d.call())
	expect("a second delivery", "AlreadyDelivered", err)
	wrong := new(big.Int).Add(d.key, big.NewInt(1))
	_, err = mk.call(seller, nil, 0, "settle", id0, wrong)
	expect("a wrong key", "WrongKey", err)
	// the front-runner copies the settle: it reveals the key, and the payee is paid
	sellerBefore, attackerBefore := mk.evm.Balance(seller), mk.evm.Balance(attacker)
	if _, err := mk.call(attacker, nil, 0, "settle", id0, d.key); err != nil {
		t.Fatal(err)
	}
	if paid := new(big.Int).Sub(mk.evm.Balance(seller), sellerBefore); paid.Cmp(Payment) != 0 {
		t.Errorf("the seller was paid %v of %v", paid, Payment)
	}
	if mk.evm.Balance(attacker).Cmp(attackerBefore) > 0 {
		t.Error("the front-runner was paid")
	}
	_, err = mk.call(seller, nil, 0, "settle", id0, d.key)
	expect("the key revealed twice", "Closed", err)
	got, err := mk.received(id0)
	if err != nil || !slices.Equal(got, r.final) {
		t.Errorf("the buyer decrypted %v (%v), the run's model is %v", got, err, r.final)
	}

	// the copier, who read the seller's proofs from the chain, proves for itself: refused
	_, err = mk.call(attacker, nil, 0, "deliver", id1, score, d.call())
	expect("a copied delivery proof on another offer", "delivery rejected by the verifier", err)
	// offer 1 stays refundable once the grace period is over
	mk.evm.SetTime(deadline + 24*3600 + 1)
	before := mk.evm.Balance(buyer)
	if _, err := mk.call(buyer, nil, 0, "refund", id1); err != nil {
		t.Fatal(err)
	}
	if back := new(big.Int).Sub(mk.evm.Balance(buyer), before); back.Cmp(Payment) != 0 {
		t.Errorf("refunded %v of %v", back, Payment)
	}
	// a delivery verifier of other code is refused at offer
	bad := mk.terms
	bad.DeliveryVerifier = mk.terms.ScoreVerifier
	_, err = mk.call(buyer, Payment, 0, "offer", bad, seller, uint64(deadline+2*24*3600))
	expect("a delivery verifier of other code", "delivery verifier code differs from the terms'", err)
}

// TestSettlementWholeRun: a run of two epochs proven in one wrapping chain
// (-chain run) settles in one proof transaction; the same terms with a
// chain that may not wrap refuse that proof. With the score folded in
// (-fold-score), the whole run is one proof, verified once (proveScored),
// and deliver takes no score proof; refused: that proof sent to prove, its
// score claims raised, the score of another held-out set, and the score's
// inputs with a model input (the folded score has none).
func TestSettlementWholeRun(t *testing.T) {
	solc := compiler(t)
	for _, fold := range []bool{false, true} {
		dir := t.TempDir()
		cfg := trainrun.Config{Model: "linreg", Epochs: 2, Batch: 64, LR: 0.05, Seed: 1, Chain: trainrun.ChainRun, FoldScore: fold,
			Curve: ecc.BN254, Backend: "groth16", Dir: dir}
		if _, err := trainrun.Train(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		s, r := settled(t, dir, solc)
		proofs := 2
		if fold {
			proofs = 1
		}
		if !s.Paid || !s.Delivered || s.Proofs != proofs || len(s.Prove) != 1 || s.ProofsPerTx[0] != 1 {
			t.Fatalf("fold %v: settlement %+v", fold, s)
		}
		t.Logf("fold %v: settled a 10-step run in %d proof(s): prove %d, deliver %d, total %d gas (transactions)", fold, proofs, s.Prove[0].Tx, s.Deliver.Tx, s.Total.Tx)

		mk, honest, _ := marketOf(t, r, solc)
		if !fold {
			mk.terms.ChainWraps = false
			if _, err := mk.call(buyer, Payment, 0, "offer", mk.terms, seller, uint64(BlockTime+3600)); err != nil {
				t.Fatal(err)
			}
			if _, err := mk.call(seller, nil, 0, "prove", big.NewInt(0), honest); err == nil || !strings.Contains(err.Error(), "a chain across an epoch's end") {
				t.Errorf("a wrapping chain under terms that do not wrap: %v", err)
			}
			continue
		}
		if _, err := mk.call(buyer, Payment, 0, "offer", mk.terms, seller, uint64(BlockTime+3600)); err != nil {
			t.Fatal(err)
		}
		id := big.NewInt(0)
		q, score, err := mk.scoredProof()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mk.call(seller, nil, 0, "prove", id, []stepProof{q}); err == nil || !strings.Contains(err.Error(), "the last proof carries the score") {
			t.Errorf("the scored proof sent to prove: %v", err)
		}
		raised := append([]*big.Int{}, score...)
		raised[2] = new(big.Int).Sub(raised[2], big.NewInt(1)) // a smaller summed loss than proven (root, rows, loss, correct)
		if _, err := mk.call(seller, nil, 0, "proveScored", id, q, raised); err == nil || !strings.Contains(err.Error(), "rejected by the verifier") {
			t.Errorf("a lower loss claimed: %v", err)
		}
		other := append([]*big.Int{}, score...)
		other[0] = new(big.Int).Add(other[0], big.NewInt(1))
		if _, err := mk.call(seller, nil, 0, "proveScored", id, q, other); err == nil || !strings.Contains(err.Error(), "another held-out set") {
			t.Errorf("another held-out set: %v", err)
		}
		withModel := append([]*big.Int{score[0], score[1], q.Input[4]}, score[2:]...) // a score's inputs with its model: one too many
		if _, err := mk.call(seller, nil, 0, "proveScored", id, q, withModel); err == nil || !strings.Contains(err.Error(), "not the score shape of the terms") {
			t.Errorf("the score's inputs with a model input: %v", err)
		}
		if _, err := mk.call(seller, nil, 0, "proveScored", id, q, score); err != nil {
			t.Errorf("the honest scored proof: %v", err)
		}
	}
}

// settled is the settlement of the run in dir with the score it claims.
func settled(t *testing.T, dir string, solc *Compiler) (*Settlement, *run) {
	t.Helper()
	r, err := readRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Settle(dir, solc, Target{}, deliveryKeys(t, r))
	if err != nil {
		t.Fatal(err)
	}
	return s, r
}
