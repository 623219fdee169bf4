package resultset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/potbench/potbench/internal/atomicfile"
)

// RunSummary is the measured cost of one proven training run (potbench
// train), against the plain float64 run of the same schedule.
type RunSummary struct {
	Name       string  `json:"name"`
	Model      string  `json:"model"`
	Dataset    string  `json:"dataset"`
	Epochs     int     `json:"epochs"`
	Batch      int     `json:"batch"`
	Chain      int     `json:"chain"`
	Curve      string  `json:"curve"`
	Backend    string  `json:"backend"`
	Steps      int     `json:"steps"`
	Proofs     int     `json:"proofs"`         // score included
	Keys       string  `json:"keys,omitempty"` // where the keys come from (trainrun.KeySource.Short); empty: a one-party setup by the prover
	SetupNs    int64   `json:"setup_ns"`
	ProveNs    int64   `json:"prove_ns"` // every proof
	Cores      int     `json:"cores"`
	PlainRunNs int64   `json:"plain_run_ns"`
	VerifyNs   int64   `json:"verify_ns"` // the whole transcript
	Bytes      int64   `json:"transcript_bytes"`
	Metric     string  `json:"metric"`
	FixedPoint float64 `json:"fixed_point"`
	Float64    float64 `json:"float64"`
	ScoreProof bool    `json:"score_proven"`
	// the score proven by the last chain proof (-fold-score), not a proof of its own
	ScoreFolded bool `json:"score_folded,omitempty"`
	// the circuits' revision (trainrun's -circuit-revision); 0: revision 1
	CircuitRevision int   `json:"circuit_revision,omitempty"`
	GasTx           int64 `json:"verify_tx_gas,omitempty"` // every proof verified on chain (gnark's Solidity verifier in an EVM), transactions
	// the settlement contract (contracts/Settlement.sol) paying for the run:
	// offer, step proofs, delivery (score proof, ciphertext, delivery proof)
	// and the key, in SettleTxs transactions
	SettleGasTx int64 `json:"settle_tx_gas,omitempty"`
	SettleTxs   int   `json:"settle_txs,omitempty"`
	// each transaction of it; nil for a run settled before delivery existed
	// (offer, step proofs, and a settle carrying the score proof)
	Settlement *SettlementSummary `json:"settlement,omitempty"`
	// deploying the settlement contract and the run's verifiers, once for
	// every offer of the same statement shape (execution gas: creations)
	DeployGas int64 `json:"deploy_gas,omitempty"`

	Aggregate *AggregateSummary `json:"aggregate,omitempty"` // the whole run in one proof (-aggregate)

	Sale     *SaleSummary `json:"sale,omitempty"`      // the final model sold in one transaction (potbench sell)
	SaleBlob *SaleSummary `json:"sale_blob,omitempty"` // the same with the model in a blob (potbench sell -blob)
}

// SaleSummary is what selling a run's final model through
// contracts/Sale.sol cost (potbench sell): the run proven again with the
// model handed over to the seller's address, the buyer's offer and the
// seller's one transaction.
type SaleSummary struct {
	Constraints int    `json:"constraints"` // the sale circuit's
	Inputs      int    `json:"inputs"`      // the verifier's, the terms folded in
	Elements    int    `json:"elements"`    // the model's packed elements, sent in the clear
	Keys        string `json:"keys"`        // who set up the sale circuit's keys
	ProveNs     int64  `json:"prove_ns"`
	Cores       int    `json:"cores"`
	OfferGasTx  int64  `json:"offer_tx_gas"`
	SellGasTx   int64  `json:"sell_tx_gas"`
	VerifyGas   int64  `json:"verify_gas"` // the verifier's call alone, within sell
	TotalGasTx  int64  `json:"total_tx_gas"`
	DeployGas   int64  `json:"deploy_gas"`         // the sale contract and the deal's verifier
	Delivered   bool   `json:"delivered"`          // the buyer read the exact final model from the chain
	Blobs       int    `json:"blobs,omitempty"`    // blobs that carried the model (sell -blob); none: calldata
	BlobGas     int64  `json:"blob_gas,omitempty"` // their blob gas, priced in the blob market
}

// SettlementSummary is the gas of each transaction of a settlement with
// delivery, and the delivery's own costs.
type SettlementSummary struct {
	OfferGasTx   int64 `json:"offer_tx_gas"`
	ProveGasTx   int64 `json:"prove_tx_gas"` // every prove transaction
	DeliverGasTx int64 `json:"deliver_tx_gas"`
	SettleGasTx  int64 `json:"settle_tx_gas"` // the key revealed, the payment
	// the delivery verifier's call alone, within deliver
	DeliveryVerifyGas   int64 `json:"delivery_verify_gas"`
	CipherElements      int   `json:"cipher_elements"`
	DeliveryConstraints int   `json:"delivery_constraints"`
	DeliveryProveNs     int64 `json:"delivery_prove_ns"`
	Delivered           bool  `json:"delivered"` // the buyer decrypted the exact final model from the chain
}

// AggregateSummary is what proving a run again as one aggregated proof cost.
type AggregateSummary struct {
	Curve       string `json:"curve"`
	Proofs      int    `json:"proofs"` // inner proofs verified in the circuit
	Constraints int    `json:"constraints"`
	CompileNs   int64  `json:"compile_ns"`
	SetupNs     int64  `json:"setup_ns"`
	ProveNs     int64  `json:"prove_ns"`
	PeakBytes   int64  `json:"peak_bytes"`
	ProofBytes  int64  `json:"proof_bytes"`
	VerifyNs    int64  `json:"verify_ns"` // the aggregate alone, as verify -aggregate checks it
	// VerifyEachNs is the time to verify one inner proof natively (the
	// median over the run's proofs), for the break-even number of steps.
	VerifyEachNs int64 `json:"verify_each_ns"`
}

// CoreSeconds is the proving work in core-seconds.
func (r RunSummary) CoreSeconds() float64 { return float64(r.ProveNs) / 1e9 * float64(r.Cores) }

// OverheadX is the whole run's prove time over the plain run's time.
func (r RunSummary) OverheadX() float64 {
	if r.PlainRunNs <= 0 {
		return 0
	}
	return float64(r.ProveNs) / float64(r.PlainRunNs)
}

// ReadRuns reads every run summary under root, by host then name.
func ReadRuns(root string) (map[string][]RunSummary, error) {
	paths, err := filepath.Glob(filepath.Join(root, "*", "runs", "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	out := map[string][]RunSummary{}
	for _, p := range paths {
		var r RunSummary
		if err := readStrict(p, &r); err != nil {
			return nil, err
		}
		host := filepath.Base(filepath.Dir(filepath.Dir(p)))
		out[host] = append(out[host], r)
	}
	return out, nil
}

// readStrict decodes a JSON file refusing unknown fields; errors name it.
func readStrict(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// WriteRun stores a run summary as RunsDir(root, host)/NAME.json.
func WriteRun(root, host string, r RunSummary) (string, error) {
	dir := RunsDir(root, host)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, r.Name+".json")
	return path, atomicfile.Write(path, append(b, '\n'))
}

// ReadRun reads one stored run summary.
func ReadRun(path string) (RunSummary, error) {
	var r RunSummary
	err := readStrict(path, &r)
	return r, err
}
