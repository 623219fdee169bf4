package onchain

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/ethereum/go-ethereum/common"

	"github.com/potbench/potbench/circuits/blob"
	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/delivery"
	"github.com/potbench/potbench/training"
	"github.com/potbench/potbench/trainrun"
)

// TestSale: a whole run (two epochs of linreg, its score folded in) sold
// in one transaction through contracts/Sale.sol in a real EVM: the seller
// is paid and the buyer reads the exact final model from the sale's
// transaction. Refused: the proof sent by another sender or verified with
// the challenge of another payee, an offer that names no seller, the
// model with one element changed or one outside the field, a model of
// another size, a deal whose score target the run misses (its verifier
// refuses the proof made for the run's own score, and no proof meets it), a
// verifier of other code, a refund before the deadline and a second sale;
// the refund comes after the deadline. A run of many proofs cannot be
// sold. A verifier folded with other terms refuses the proof, and a key
// whose commitment hashes an input the seller supplies cannot be folded.
func TestSale(t *testing.T) {
	solc := compiler(t)
	if _, err := ProveSale(tinyRun(t), nil, Target{}, false); err == nil || !strings.Contains(err.Error(), "-chain run -fold-score") {
		t.Errorf("a run of step proofs sold: %v", err)
	}
	dir := t.TempDir()
	// the latest circuits: their learning rate's range check is in the
	// commitment, so the verifier hashes the folded rate as a constant
	cfg := trainrun.Config{Model: "linreg", Epochs: 2, Batch: 64, LR: 0.05, Seed: 1, Chain: trainrun.ChainRun, FoldScore: true,
		Revision: training.LatestRevision, Curve: ecc.BN254, Backend: "groth16", Dir: dir}
	if _, err := trainrun.Train(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	sp, err := ProveSale(dir, nil, Target{}, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Sell(dir, sp, solc, Target{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Paid || !f.Delivered || f.Inputs != 3 || f.Elements != 2 || f.Total != f.Offer.Add(f.Sell) {
		t.Fatalf("sale %+v", f)
	}
	t.Logf("sold a 10-step run: %d constraints, %d inputs; offer %d, sell %d (verifier %d), total %d gas (transactions); deployment %d",
		f.Constraints, f.Inputs, f.Offer.Tx, f.Sell.Tx, f.Verify.Exec, f.Total.Tx, f.Deploy.Exec)

	// the verifier of other terms (the learning rate one off) refuses the
	// seller's proof with the seller's inputs
	fixed := append([]*big.Int{}, sp.sale.Fixed...)
	fixed[2] = new(big.Int).Add(fixed[2], big.NewInt(1))
	src, err := SaleVerifier(sp.vk, fixed)
	if err != nil {
		t.Fatal(err)
	}
	code, err := solc.Compile(src, "Verifier")
	if err != nil {
		t.Fatal(err)
	}
	evm := NewEVM()
	otherTerms, err := evm.Deploy(code)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := evm.Call(otherTerms, Calldata(sp.proof, sp.free()), 0); err == nil {
		t.Error("the verifier of another learning rate accepts the proof")
	}
	if _, _, err := FoldInputs(sp.vk, make([]*big.Int, len(sp.sale.Fixed))); err == nil || !strings.Contains(err.Error(), "not fixed") {
		t.Errorf("a committed input left to the seller: %v", err)
	}

	sm, err := newSaleMarket(dir, sp, solc, Target{}, nil)
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
	_, err = sm.call(seller, nil, "sell", sm.deal, args[0], args[1], weights)
	expect("a model element changed", "rejected by the verifier", err)
	outside := append([]*big.Int{}, sp.sale.Elements...)
	outside[1] = ecc.BN254.ScalarField()
	_, err = sm.call(seller, nil, "sell", sm.deal, args[0], args[1], outside)
	expect("a model element outside the field", "outside the field", err)
	_, err = sm.call(seller, nil, "sell", sm.deal, args[0], args[1], weights[:1])
	expect("a model of another size", "not the model's size", err)
	_, err = sm.call(buyer, nil, "refund", sm.deal)
	expect("a refund before the deadline", "NotYet", err)
	// a deal for a summed loss one below the run's: its verifier, the
	// stricter bound folded in, refuses the proof of the run's own score,
	// and the run has no proof of the stricter target
	below := new(big.Int).Sub(sp.sale.Claims[0], big.NewInt(1))
	strictFixed := append([]*big.Int{}, sp.sale.Fixed...)
	strictFixed[chain.Inputs+2] = below
	if src, err = SaleVerifier(sp.vk, strictFixed); err != nil {
		t.Fatal(err)
	}
	if code, err = solc.Compile(src, "Verifier"); err != nil {
		t.Fatal(err)
	}
	strict := sm.deal
	if strict.Verifier, _, err = sm.evm.DeployFrom(buyer, code); err != nil {
		t.Fatal(err)
	}
	strict.VerifierCode = sm.evm.CodeHash(strict.Verifier)
	if _, err := sm.call(buyer, Payment, "offer", strict); err != nil {
		t.Fatal(err)
	}
	_, err = sm.call(seller, nil, "sell", append([]any{strict}, args...)...)
	expect("a loss above the deal's bound", "rejected by the verifier", err)
	if _, err := ProveSale(dir, nil, Target{MaxLossSum: below}, false); err == nil || !strings.Contains(err.Error(), "misses the target") {
		t.Errorf("a sale of a loss bound the run misses: %v", err)
	}
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
	t.Run("blob", func(t *testing.T) { testSaleBlob(t, dir, solc) })
}

// testSaleBlob: the run of dir sold with its model in a blob: the seller is
// paid and the buyer reads the exact final model from the blob the Sold
// event names. Refused: a calldata sale of a blob deal, a sale with no
// blob, a value one off, another blob (its own KZG opening at its own
// point, so that only the proof can refuse it), and another sender.
func testSaleBlob(t *testing.T, dir string, solc *Compiler) {
	sp, err := ProveSale(dir, nil, Target{}, true)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Sell(dir, sp, solc, Target{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Paid || !f.Delivered || f.Inputs != 3 || f.Blobs != 1 {
		t.Fatalf("sale %+v", f)
	}
	t.Logf("sold in a blob: %d constraints; offer %d, sell %d (verifier %d), total %d gas (transactions) and %d blob gas",
		f.Constraints, f.Offer.Tx, f.Sell.Tx, f.Verify.Exec, f.Total.Tx, f.BlobGas)
	sm, err := newSaleMarket(dir, sp, solc, Target{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sm.call(buyer, Payment, "offer", sm.deal); err != nil {
		t.Fatal(err)
	}
	expect := expecter(t)
	args := sp.sellArgs()
	plain := &SaleProof{sale: sp.sale, proof: sp.proof}
	_, err = sm.sell(plain, seller, sm.deal, []any{args[0], args[1], sp.sale.Elements})
	expect("a calldata sale of a blob deal", "carries the model in a blob", err)
	_, err = sm.send(seller, nil, nil, "sellBlob", append([]any{sm.deal}, args...)...)
	expect("no blob", "no blob", err)
	off := append([]any{}, args...)
	off[2] = new(big.Int).Add(sp.sale.Value, big.NewInt(1))
	_, err = sm.sell(sp, seller, sm.deal, off)
	expect("a value one off", "the blob's value at the point", err)
	// another model's blob, opened honestly at the point the contract
	// derives for it: the precompile accepts it, the proof does not
	elems := append([]*big.Int{}, sp.sale.Elements...)
	elems[0] = new(big.Int).Add(elems[0], big.NewInt(1))
	other, err := newBlobSidecar(elems)
	if err != nil {
		t.Fatal(err)
	}
	free := sp.free()
	z := chain.BlobPoint(other.hash, free[0], seller)
	y, err := blob.Value(elems, z)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.open(z, y); err != nil {
		t.Fatal(err)
	}
	forged := &SaleProof{sale: sp.sale, proof: sp.proof, blob: other}
	_, err = sm.sell(forged, seller, sm.deal, []any{args[0], args[1], y, append(other.commitment[:], other.opening[:]...)})
	expect("another model's blob", "rejected by the verifier", err)
	other2 := common.HexToAddress("0x0123000000000000000000000000000000000003")
	sm.evm.Fund(other2, Payment)
	_, err = sm.sell(sp, other2, sm.deal, args)
	expect("another sender", "NotSeller", err)
	if _, err := sm.sell(sp, seller, sm.deal, args); err != nil {
		t.Fatalf("the honest sale: %v", err)
	}
}
