package onchain

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/ethereum/go-ethereum/common"

	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/delivery"
	"github.com/potbench/potbench/trainrun"
)

// TestSale: a whole run (two epochs of linreg, its score folded in) sold
// in one transaction through contracts/Sale.sol in a real EVM: the seller
// is paid and the buyer reads the exact final model from the sale's
// transaction. Refused: the proof sent by another sender or verified with
// the challenge of another payee, an offer that names no seller, the
// model with one element changed, a claimed loss one below the proven, a
// model of another size, a deal whose score target the run misses, a
// verifier of other code, a refund before the deadline and a second sale;
// the refund comes after the deadline. A run of many proofs cannot be
// sold. The folded key verifies the proof with the seller's inputs alone,
// and refuses it with the terms changed.
func TestSale(t *testing.T) {
	solc := compiler(t)
	if _, err := ProveSale(tinyRun(t), nil); err == nil || !strings.Contains(err.Error(), "-chain run -fold-score") {
		t.Errorf("a run of step proofs sold: %v", err)
	}
	dir := t.TempDir()
	cfg := trainrun.Config{Model: "linreg", Epochs: 2, Batch: 64, LR: 0.05, Seed: 1, Chain: trainrun.ChainRun, FoldScore: true,
		Curve: ecc.BN254, Backend: "groth16", Dir: dir}
	if _, err := trainrun.Train(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	sp, err := ProveSale(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Sell(dir, sp, solc, Target{})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Paid || !f.Delivered || f.Inputs != 5 || f.Elements != 2 || f.Total != f.Offer.Add(f.Sell) {
		t.Fatalf("sale %+v", f)
	}
	t.Logf("sold a 10-step run: %d constraints, %d inputs; offer %d, sell %d (verifier %d), total %d gas (transactions); deployment %d",
		f.Constraints, f.Inputs, f.Offer.Tx, f.Sell.Tx, f.Verify.Exec, f.Total.Tx, f.Deploy.Exec)

	// the folded key: the seller's inputs verify, other terms do not
	proof := sp.native
	fixed := append([]*big.Int{}, sp.sale.Fixed...)
	for _, tc := range []struct {
		name  string
		fixed func() []*big.Int
		ok    bool
	}{
		{"the terms", func() []*big.Int { return fixed }, true},
		{"another learning rate", func() []*big.Int {
			g := append([]*big.Int{}, fixed...)
			g[2] = new(big.Int).Add(g[2], big.NewInt(1))
			return g
		}, false},
	} {
		vk, err := FoldInputs(sp.vk, tc.fixed())
		if err != nil {
			t.Fatal(err)
		}
		err = groth16.Verify(proof, vk, publicWitness(t, sp.free()), VerifierOptions()...)
		if (err == nil) != tc.ok {
			t.Errorf("%s: verify %v, want ok %v", tc.name, err, tc.ok)
		}
	}

	sm, err := newSaleMarket(dir, sp, solc, Target{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sm.call(buyer, Payment, "offer", sm.deal); err != nil {
		t.Fatal(err)
	}
	args := sp.sellArgs()
	other := common.HexToAddress("0x0123000000000000000000000000000000000003")
	sm.evm.Fund(other, Payment)
	expect := expecter(t)
	_, err = sm.call(other, nil, "sell", append([]any{sm.deal}, args...)...)
	expect("another sender", "NotSeller", err)
	// the seller's proof with the challenge of another payee: the verifier
	// call the contract would make for that sender
	free := sp.free()
	rho := chain.SaleChallenge(free[0], other, sp.sale.Elements)
	eval, err := delivery.Evaluation(ecc.BN254, sp.sale.Elements, rho)
	if err != nil {
		t.Fatal(err)
	}
	forOther := append(append([]*big.Int{}, free[:len(free)-2]...), rho, eval)
	if _, err := sm.evm.Call(sm.deal.Verifier, Calldata(sp.proof, forOther), 0); err == nil {
		t.Error("the seller's proof verifies for another payee")
	}
	anyone := sm.deal
	anyone.Seller = common.Address{}
	_, err = sm.call(buyer, Payment, "offer", anyone)
	expect("an offer open to any seller", "names its seller", err)
	weights := append([]*big.Int{}, sp.sale.Elements...)
	weights[0] = new(big.Int).Add(weights[0], big.NewInt(1))
	_, err = sm.call(seller, nil, "sell", sm.deal, args[0], args[1], args[2], weights)
	expect("a model element changed", "rejected by the verifier", err)
	claims := append([]*big.Int{}, args[2].([]*big.Int)...)
	claims[0] = new(big.Int).Sub(claims[0], big.NewInt(1))
	_, err = sm.call(seller, nil, "sell", sm.deal, args[0], args[1], claims, args[3])
	expect("a lower loss claimed", "rejected by the verifier", err)
	_, err = sm.call(seller, nil, "sell", sm.deal, args[0], args[1], args[2], weights[:1])
	expect("a model of another size", "not the model's size", err)
	_, err = sm.call(buyer, nil, "refund", sm.deal)
	expect("a refund before the deadline", "NotYet", err)
	strict := sm.deal
	strict.MaxLossSum = new(big.Int).Set(claims[0]) // one below the proven loss
	if _, err := sm.call(buyer, Payment, "offer", strict); err != nil {
		t.Fatal(err)
	}
	_, err = sm.call(seller, nil, "sell", append([]any{strict}, args...)...)
	expect("a loss above the deal's bound", "ScoreTooLow", err)
	fake := sm.deal
	fake.VerifierCode[0] ^= 1
	_, err = sm.call(buyer, Payment, "offer", fake)
	expect("a verifier of other code", "verifier code differs", err)
	if _, err := sm.call(seller, nil, "sell", append([]any{sm.deal}, args...)...); err != nil {
		t.Fatalf("the honest sale: %v", err)
	}
	_, err = sm.call(seller, nil, "sell", append([]any{sm.deal}, args...)...)
	expect("a second sale", "NotOpen", err)
	sm.evm.SetTime(strict.Deadline + 1)
	before := sm.evm.Balance(buyer)
	if _, err := sm.call(buyer, nil, "refund", strict); err != nil {
		t.Fatalf("the refund after the deadline: %v", err)
	}
	if new(big.Int).Sub(sm.evm.Balance(buyer), before).Cmp(Payment) != 0 {
		t.Error("the refund did not return the payment")
	}
}

func publicWitness(t *testing.T, values []*big.Int) witness.Witness {
	t.Helper()
	w, err := witness.New(ecc.BN254.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan any, len(values))
	for _, v := range values {
		ch <- v
	}
	close(ch)
	if err := w.Fill(len(values), 0, ch); err != nil {
		t.Fatal(err)
	}
	return w
}
