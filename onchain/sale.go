package onchain

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto/kzg4844"
	"github.com/ethereum/go-ethereum/params"

	"github.com/potbench/potbench/circuits/blob"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/contracts"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/trainrun"
)

// FoldInputs returns the verifying key of the same circuit for proofs whose
// public inputs fixed[i] (non-nil) are fixed in advance: each such input's
// point times its value is added to the key's constant point, and the key
// keeps the points of the other inputs, in order, so that its verifier
// takes only those. A proof verifies under the folded key with the other
// inputs exactly when it verifies under vk with all of them: the verifier
// computes the same sum. The commitment's points stay. Where the
// commitment also hashes public inputs (a range check of an input made
// with package limbcheck), they must be fixed ones: the folded key hashes
// none, and committed returns their values, in the order the hash takes
// them, for the verifier to hash as constants (SaleVerifier); gnark's own
// verifier cannot check such a folded key.
func FoldInputs(vk *groth16bn254.VerifyingKey, fixed []*big.Int) (folded *groth16bn254.VerifyingKey, committed []*big.Int, err error) {
	commitments := len(vk.PublicAndCommitmentCommitted)
	public := len(vk.G1.K) - 1 - commitments
	if len(fixed) != public {
		return nil, nil, fmt.Errorf("onchain: %d values to fold for a key of %d public inputs", len(fixed), public)
	}
	if commitments != 1 {
		return nil, nil, fmt.Errorf("onchain: a key of %d commitments; folding takes one", commitments)
	}
	for _, i := range vk.PublicAndCommitmentCommitted[0] { // 1-based, in the hash's order
		if i < 1 || i > public || fixed[i-1] == nil {
			return nil, nil, fmt.Errorf("onchain: the commitment hashes public input %d, which is not fixed", i-1)
		}
		committed = append(committed, fixed[i-1])
	}
	var buf bytes.Buffer
	if _, err := vk.WriteTo(&buf); err != nil {
		return nil, nil, err
	}
	folded = new(groth16bn254.VerifyingKey)
	if _, err := folded.ReadFrom(&buf); err != nil {
		return nil, nil, err
	}
	var k0 curve.G1Jac
	k0.FromAffine(&vk.G1.K[0])
	k := []curve.G1Affine{{}}
	for i, v := range fixed {
		if v == nil {
			k = append(k, vk.G1.K[1+i])
			continue
		}
		var t curve.G1Affine
		t.ScalarMultiplication(&vk.G1.K[1+i], v)
		k0.AddMixed(&t)
	}
	k[0].FromJacobian(&k0)
	folded.G1.K = append(k, vk.G1.K[1+public:]...)
	folded.PublicAndCommitmentCommitted = [][]int{{}}
	return folded, committed, nil
}

// SaleVerifier is the Solidity verifier of vk with the inputs fixed[i]
// (non-nil) folded in (FoldInputs), the commitment's proof of knowledge
// checked in the proof's pairing call (BatchCommitmentCheck), and the
// folded inputs the commitment hashes hashed as constants.
func SaleVerifier(vk *groth16bn254.VerifyingKey, fixed []*big.Int) (string, error) {
	folded, committed, err := FoldInputs(vk, fixed)
	if err != nil {
		return "", err
	}
	var sol bytes.Buffer
	if err := folded.ExportSolidity(&sol, solidity.WithPragmaVersion("^0.8.20")); err != nil {
		return "", err
	}
	src, err := BatchCommitmentCheck(sol.String())
	if err != nil || len(committed) == 0 {
		return src, err
	}
	var consts strings.Builder
	for _, v := range committed {
		fmt.Fprintf(&consts, ", uint256(%s)", v)
	}
	// both entry points hash the commitment, then the committed inputs
	for _, at := range []string{"                        publicAndCommitmentCommitted\n                    )", "                publicAndCommitmentCommitted\n            );"} {
		if strings.Count(src, at) != 1 {
			return "", errors.New("onchain: not gnark's Groth16 verifier as this version writes its commitment's hash")
		}
		src = strings.Replace(src, at, strings.Replace(at, "publicAndCommitmentCommitted", "publicAndCommitmentCommitted"+consts.String(), 1), 1)
	}
	return src, nil
}

// SaleFigures are what selling a run's final model through
// contracts/Sale.sol cost: the sale circuit, its setup and proof, and the
// gas of the buyer's offer and the seller's one transaction.
type SaleFigures struct {
	Constraints int    `json:"constraints"` // of the sale circuit (the run's proof with the model handed over)
	Inputs      int    `json:"inputs"`      // the verifier's public inputs, the terms folded in
	Elements    int    `json:"elements"`    // the model's packed elements, sent in the clear
	Keys        string `json:"keys"`        // who set up the sale circuit's keys
	SetupNs     int64  `json:"setup_ns,omitempty"`
	ProveNs     int64  `json:"prove_ns"`
	Cores       int    `json:"cores"`

	Deploy Gas `json:"deploy"` // the sale contract and the deal's verifier
	Offer  Gas `json:"offer"`  // the buyer locks the payment
	Sell   Gas `json:"sell"`   // the proof, the model and the payment, in one transaction
	Verify Gas `json:"verify"` // the verifier's call alone, as the contract makes it
	Total  Gas `json:"total"`  // offer and sell: one whole deal

	Blobs   int    `json:"blobs,omitempty"`    // blobs the sale carries (the model, with -blob)
	BlobGas uint64 `json:"blob_gas,omitempty"` // their blob gas, priced in the blob market, not in Sell

	Paid      bool `json:"paid"`      // the seller received the payment
	Delivered bool `json:"delivered"` // the buyer read the exact final model from the sale's transaction
}

// saleDeal is Sale.sol's Deal.
type saleDeal struct {
	Buyer        common.Address
	Seller       common.Address
	Deadline     uint64
	Payment      *big.Int
	Verifier     common.Address
	VerifierCode [32]byte
	Elements     uint64
	Blob         bool
}

// SaleProof is the seller's sale of a run: the sale circuit's keys and a
// proof made for the seller's address.
type SaleProof struct {
	sale    *trainrun.Sale
	cs      constraint.ConstraintSystem
	vk      *groth16bn254.VerifyingKey
	proof   []byte        // in the verifier's calldata layout
	native  groth16.Proof // the same, for gnark's verifier
	source  string
	setupNs int64
	proveNs int64
	blob    *blobSidecar // the model's blob, for a sale that carries it so
}

// blobSidecar is the blob that carries a model, as a blob transaction's
// sidecar holds it, and the opening of its polynomial at the sale's point.
type blobSidecar struct {
	blob       kzg4844.Blob
	commitment kzg4844.Commitment
	hash       common.Hash // the versioned hash
	opening    kzg4844.Proof
}

// newBlobSidecar encodes elems as a blob and commits to it.
func newBlobSidecar(elems []*big.Int) (*blobSidecar, error) {
	b, err := blob.Encode(elems)
	if err != nil {
		return nil, err
	}
	sc := &blobSidecar{}
	copy(sc.blob[:], b)
	if sc.commitment, err = kzg4844.BlobToCommitment(&sc.blob); err != nil {
		return nil, err
	}
	sc.hash = kzg4844.CalcBlobHashV1(sha256.New(), &sc.commitment)
	return sc, nil
}

// open proves the blob's value at z, which must be y.
func (sc *blobSidecar) open(z, y *big.Int) error {
	var pt kzg4844.Point
	z.FillBytes(pt[:])
	proof, claim, err := kzg4844.ComputeProof(&sc.blob, pt)
	if err != nil {
		return err
	}
	if new(big.Int).SetBytes(claim[:]).Cmp(y) != 0 {
		return errors.New("onchain: the blob's KZG opening gives another value than the circuit's")
	}
	sc.opening = proof
	return nil
}

// ProveSale proves the run in dir again as the sale of its final model to
// the seller, with keys of the buyer's one-party setup (Sale.sol says why
// that is safe for an offer that names its seller; cache: the key cache,
// nil: always set up). target is the buyer's, which the proof shows the
// run's score meets (zero: the score the run claims); inBlob: the model is
// carried in a blob (sellBlob), not in calldata.
func ProveSale(dir string, cache *proving.KeyCache, target Target, inBlob bool) (*SaleProof, error) {
	s, err := trainrun.SaleOf(dir, seller)
	if err != nil {
		return nil, err
	}
	if target != (Target{}) {
		if err := s.SetTarget(target.MinCorrect, target.MaxLossSum); err != nil {
			return nil, err
		}
	}
	var sc *blobSidecar
	if inBlob {
		if sc, err = newBlobSidecar(s.Elements); err != nil {
			return nil, err
		}
		if err := s.InBlob(sc.hash, seller); err != nil {
			return nil, err
		}
		if err := sc.open(s.Public[len(s.Public)-2], s.Value); err != nil {
			return nil, err
		}
	}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, s.Circuit)
	if err != nil {
		return nil, fmt.Errorf("onchain: the sale circuit: %w", err)
	}
	sp := &SaleProof{sale: s, cs: cs, source: "one-party setup by the buyer", blob: sc}
	pk, vk := groth16.NewProvingKey(ecc.BN254), groth16.NewVerifyingKey(ecc.BN254)
	var name string
	if cache != nil {
		if name, err = cache.Key(cs, ecc.BN254.String(), "groth16"); err != nil {
			return nil, err
		}
	}
	if cache == nil || !cache.Load(name, pk, vk) {
		start := time.Now()
		if pk, vk, err = groth16.Setup(cs); err != nil {
			return nil, fmt.Errorf("onchain: the sale circuit's setup: %w", err)
		}
		sp.setupNs = time.Since(start).Nanoseconds()
		if cache != nil {
			cache.Store(name, pk, vk)
		}
	}
	sp.vk = vk.(*groth16bn254.VerifyingKey)
	w, err := frontend.NewWitness(s.Assignment, ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	start := time.Now()
	proof, err := groth16.Prove(cs, pk, w, ProverOptions()...)
	if err != nil {
		return nil, fmt.Errorf("onchain: the sale proof: %w", err)
	}
	sp.proveNs = time.Since(start).Nanoseconds()
	pub, err := w.Public()
	if err != nil {
		return nil, err
	}
	if err := groth16.Verify(proof, vk, pub, VerifierOptions()...); err != nil {
		return nil, fmt.Errorf("onchain: the sale proof does not verify: %w", err)
	}
	sp.native, sp.proof = proof, proof.(*groth16bn254.Proof).MarshalSolidity()
	return sp, nil
}

// free is the sale proof's inputs the seller supplies (the final model's
// commitment, ρ, S), in order.
func (sp *SaleProof) free() []*big.Int {
	var out []*big.Int
	for i, v := range sp.sale.Fixed {
		if v == nil {
			out = append(out, sp.sale.Public[i])
		}
	}
	return out
}

// saleMarket is the Sale contract and one deal's verifier, deployed.
type saleMarket struct {
	evm  *EVM
	abi  abi.ABI
	addr common.Address
	deal saleDeal
	gas  Gas // deploying them
}

// newSaleMarket deploys the sale contract and the verifier of vk with the
// buyer's terms of the run in dir folded in, funds the buyer and the
// seller and sets the deal. target is the buyer's (zero: the score the run
// claims), terms are the buyer's (nil: those the run's manifest records):
// both are folded into the verifier.
func newSaleMarket(dir string, sp *SaleProof, c *Compiler, target Target, terms *trainrun.Terms) (*saleMarket, error) {
	if terms == nil {
		m, err := trainrun.ReadManifest(dir)
		if err != nil {
			return nil, err
		}
		t := trainrun.TermsOf(m)
		terms = &t
	}
	// the buyer's side: the inputs its terms and target give, folded into
	// the key
	if target == (Target{}) {
		claims := sp.sale.Claims
		target.MinCorrect = claims[len(claims)-1].Int64()
		if len(claims) == 2 {
			target.MaxLossSum = claims[0]
		}
	}
	bounds, err := trainrun.SaleBounds(len(sp.sale.Public), target.MinCorrect, target.MaxLossSum)
	if err != nil {
		return nil, err
	}
	fixed, err := trainrun.SaleInputs(*terms, len(sp.sale.Public), bounds)
	if err != nil {
		return nil, err
	}
	src, err := SaleVerifier(sp.vk, fixed)
	if err != nil {
		return nil, err
	}
	sm := &saleMarket{evm: NewEVM()}
	sm.evm.Fund(buyer, new(big.Int).Mul(Payment, big.NewInt(10)))
	sm.evm.Fund(seller, Payment)
	code, abiJSON, err := c.CompileABI(contracts.Sale, "Sale")
	if err != nil {
		return nil, err
	}
	if sm.abi, err = abi.JSON(bytes.NewReader(abiJSON)); err != nil {
		return nil, err
	}
	var g uint64
	if sm.addr, g, err = sm.evm.DeployFrom(buyer, code); err != nil {
		return nil, fmt.Errorf("onchain: deploy the sale contract: %w", err)
	}
	sm.gas.Exec += g
	if code, err = c.Compile(src, "Verifier"); err != nil {
		return nil, err
	}
	verifier, g, err := sm.evm.DeployFrom(buyer, code)
	if err != nil {
		return nil, fmt.Errorf("onchain: deploy the sale verifier: %w", err)
	}
	sm.gas.Exec += g
	sm.gas.Tx = sm.gas.Exec
	sm.deal = saleDeal{Buyer: buyer, Seller: seller, Deadline: BlockTime + 30*24*3600, Payment: Payment, Verifier: verifier,
		VerifierCode: sm.evm.CodeHash(verifier), Elements: uint64(len(sp.sale.Elements)), Blob: sp.blob != nil}
	return sm, nil
}

// call sends a transaction to the sale contract with the most gas a
// transaction may carry.
func (sm *saleMarket) call(from common.Address, value *big.Int, method string, args ...any) (Gas, error) {
	return sm.send(from, value, nil, method, args...)
}

// send is call for a transaction that carries blobs.
func (sm *saleMarket) send(from common.Address, value *big.Int, blobs []common.Hash, method string, args ...any) (Gas, error) {
	data, err := sm.abi.Pack(method, args...)
	if err != nil {
		return Gas{}, err
	}
	ret, exec, err := sm.evm.SendWithBlobs(from, sm.addr, data, value, TxGasCap-TxGas(data, 0), blobs)
	if err != nil {
		return Gas{}, fmt.Errorf("%s: %w%s", method, err, revertReason(sm.abi, ret))
	}
	return Gas{Exec: exec, Tx: TxGas(data, exec)}, nil
}

// sellArgs are the seller's arguments of sell after the deal: the proof,
// the final model's commitment and the model's elements; or, with the
// model in a blob, of sellBlob: the proof, the commitment, the blob's
// value at the point and its KZG commitment and opening.
func (sp *SaleProof) sellArgs() []any {
	model := sp.free()[0]
	if sp.blob != nil {
		return []any{sp.proof, model, sp.sale.Value, append(sp.blob.commitment[:], sp.blob.opening[:]...)}
	}
	return []any{sp.proof, model, sp.sale.Elements}
}

// sell sends the seller's sale transaction: sell, or sellBlob with the
// model's blob.
func (sm *saleMarket) sell(sp *SaleProof, from common.Address, d saleDeal, args []any) (Gas, error) {
	var blobs []common.Hash
	if sp.blob != nil {
		blobs = []common.Hash{sp.blob.hash}
	}
	return sm.send(from, nil, blobs, sp.sellMethod(), append([]any{d}, args...)...)
}

// sellMethod is the sale's method.
func (sp *SaleProof) sellMethod() string {
	if sp.blob != nil {
		return "sellBlob"
	}
	return "sell"
}

// Sell sells the final model of the run in dir through contracts/Sale.sol
// in go-ethereum's EVM: the buyer deploys the contract and the verifier of
// the seller's sale circuit with the buyer's terms folded in, and offers a
// payment for target (zero: the score the run claims); the seller sends
// the proof and the model in one transaction. The payment must reach the
// seller and the buyer must read, from the sale's transaction and its
// Sold event, the exact model the run committed to. terms are the buyer's
// (nil: those the run's manifest records); a run that does not meet them
// is not paid for.
func Sell(dir string, sp *SaleProof, c *Compiler, target Target, terms *trainrun.Terms) (*SaleFigures, error) {
	sm, err := newSaleMarket(dir, sp, c, target, terms)
	if err != nil {
		return nil, err
	}
	f := &SaleFigures{Constraints: sp.cs.GetNbConstraints(), Inputs: len(sp.free()), Elements: len(sp.sale.Elements),
		Keys: sp.source, SetupNs: sp.setupNs, ProveNs: sp.proveNs, Cores: runtime.GOMAXPROCS(0), Deploy: sm.gas}
	if f.Offer, err = sm.call(buyer, Payment, "offer", sm.deal); err != nil {
		return nil, err
	}
	// the verifier's call alone, with the inputs the contract derives
	data := Calldata(sp.proof, sp.free())
	exec, err := sm.evm.Call(sm.deal.Verifier, data, 0)
	if err != nil {
		return nil, fmt.Errorf("onchain: the deal's verifier rejected the seller's proof: %w", err)
	}
	f.Verify = Gas{Exec: exec, Tx: TxGas(data, exec)}
	before := sm.evm.Balance(seller)
	input, err := sm.abi.Pack(sp.sellMethod(), append([]any{sm.deal}, sp.sellArgs()...)...)
	if err != nil {
		return nil, err
	}
	if f.Sell, err = sm.sell(sp, seller, sm.deal, sp.sellArgs()); err != nil {
		return nil, err
	}
	if sp.blob != nil {
		f.Blobs, f.BlobGas = 1, params.BlobTxBlobGasPerBlob
	}
	f.Total = f.Offer.Add(f.Sell)
	f.Paid = new(big.Int).Sub(sm.evm.Balance(seller), before).Cmp(Payment) == 0
	if !f.Paid {
		return f, errors.New("onchain: the sale did not pay the seller")
	}
	got, err := sm.received(sp, input)
	if err != nil {
		return f, fmt.Errorf("onchain: the buyer's model: %w", err)
	}
	m, err := trainrun.ReadManifest(dir)
	if err != nil {
		return f, err
	}
	fm, _, err := trainrun.FinalModelOf(dir, m)
	if err != nil {
		return f, err
	}
	if !slices.Equal(got, fm.Values) {
		return f, errors.New("onchain: the model the buyer read is not the run's final model")
	}
	f.Delivered = true
	return f, nil
}

// received is the buyer's side: the model sent with the sale's
// transaction (input, the sell call the Sold event points to; with a
// blob, the blob the event names, as the network serves it), unpacked
// and checked against the commitment of the Sold event, which the proof
// bound.
func (sm *saleMarket) received(sp *SaleProof, input []byte) ([]int64, error) {
	var model *big.Int
	var blobHash [32]byte
	for _, l := range sm.evm.Logs() {
		if l.Address == sm.addr && len(l.Topics) > 0 && l.Topics[0] == sm.abi.Events["Sold"].ID {
			out, err := sm.abi.Unpack("Sold", l.Data)
			if err != nil {
				return nil, err
			}
			model, blobHash = out[0].(*big.Int), out[1].([32]byte)
		}
	}
	if model == nil {
		return nil, errors.New("no Sold event on chain")
	}
	dom := sp.sale.Domain
	var weights []*big.Int
	if sp.blob != nil {
		var err error
		if weights, err = fromBlob(sp.blob.blob, blobHash, commit.PackedLen(dom.Values, dom.Format.Bits)); err != nil {
			return nil, err
		}
	} else {
		if len(input) < 4 {
			return nil, errors.New("no sale transaction")
		}
		args, err := sm.abi.Methods["sell"].Inputs.Unpack(input[4:])
		if err != nil {
			return nil, fmt.Errorf("the sale transaction: %w", err)
		}
		var ok bool
		if weights, ok = args[len(args)-1].([]*big.Int); !ok {
			return nil, errors.New("the sale transaction carries no model")
		}
	}
	f, err := commit.FieldOf(ecc.BN254)
	if err != nil {
		return nil, err
	}
	values, err := f.Unpack(weights, dom.Values, dom.Format.Bits)
	if err != nil {
		return nil, err
	}
	got, err := f.PackAndHash(dom, values)
	if err != nil {
		return nil, err
	}
	if got.Cmp(model) != 0 {
		return nil, errors.New("the model sold is not the committed one")
	}
	return values, nil
}

// fromBlob is the buyer's reading of a blob fetched from the network: its
// commitment must give the versioned hash h the Sold event names, and it
// holds the model's n elements and then zeros.
func fromBlob(b kzg4844.Blob, h [32]byte, n int) ([]*big.Int, error) {
	c, err := kzg4844.BlobToCommitment(&b)
	if err != nil {
		return nil, err
	}
	if kzg4844.CalcBlobHashV1(sha256.New(), &c) != h {
		return nil, errors.New("the blob is not the one the sale names")
	}
	if n > blob.Width || slices.ContainsFunc(b[32*n:], func(x byte) bool { return x != 0 }) {
		return nil, fmt.Errorf("the blob holds more than the model's %d elements", n)
	}
	out := make([]*big.Int, n)
	for i := range out {
		out[i] = new(big.Int).SetBytes(b[32*i : 32*i+32])
	}
	return out, nil
}
