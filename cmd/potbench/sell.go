package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/onchain"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/trainrun"
)

func cmdSell(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sell", "sell RUN-DIRECTORY [-blob] [-terms terms.json] [-min-correct N] [-max-loss-sum N] [-results DIR] [-host ID] [-gas-price-gwei G] [-eth-usd P]\n\n"+
		"Sells the final model of a run proven in one proof (train -chain run -fold-score) in one transaction, through\n"+
		"contracts/Sale.sol in go-ethereum's EVM: the run is proven again as the sale circuit (circuits/chain.Sold: the\n"+
		"run, its score, and the model handed over to the seller's address), whose keys are the buyer's own one-party setup\n"+
		"(loaded from the key cache after the first time); the buyer folds its terms and score target into the verifier\n"+
		"(onchain.FoldInputs: the proof shows the private score meets the target), deploys it and offers a payment; the seller sends the proof and the model in the clear, and is paid in the same\n"+
		"transaction. The buyer reads the model from that transaction (the Sold event names it) and checks it against its\ncommitment. "+
		"With -blob the model travels in the transaction's blob instead (circuits/chain.NewBlobSold, Sale.sellBlob): the\n"+
		"contract checks the blob's value at a point it derives, and the proof shows the committed model has that value.\n"+
		"Writes RUN-DIRECTORY/onchain/sale.json (sale-blob.json) and adds the gas to the run's stored figures (RESULTS/<host>/runs/NAME.json)\n"+
		"where they exist.", stderr)
	offer := newOfferFlags(fs)
	inBlob := fs.Bool("blob", false, "carry the model in an EIP-4844 blob bound to the proof (the point evaluation precompile) instead of calldata")
	termsFile := fs.String("terms", "", "the buyer's terms (JSON, as verify prints them), folded into the deal's verifier (default: the run's manifest's)")
	dir, target, err := offer.parse(fs, args, stderr)
	if err != nil {
		return err
	}
	var terms *trainrun.Terms
	if *termsFile != "" {
		if terms, err = trainrun.ReadTerms(*termsFile); err != nil {
			return err
		}
	}
	solc, err := onchain.FindCompiler()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: training again from the manifest's terms, then proving the whole run as its sale (keys: the buyer's one-party setup, from the key cache after the first time)\n", dir)
	sp, err := onchain.ProveSale(dir, proving.DefaultKeyCache(), target, *inBlob)
	if err != nil {
		return err
	}
	f, err := onchain.Sell(dir, sp, solc, target, terms)
	if err != nil {
		return err
	}
	saleFile := "sale.json"
	if *inBlob {
		saleFile = "sale-blob.json"
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "onchain"), 0o755); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, "onchain", saleFile), append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sale circuit: %d constraints, proven in %s on %d cores; verifier with %d inputs (the terms folded in)\n",
		f.Constraints, time.Duration(f.ProveNs).Round(time.Millisecond), f.Cores, f.Inputs)
	carried := "calldata"
	if f.Blobs > 0 {
		carried = fmt.Sprintf("%d blob, %d blob gas", f.Blobs, f.BlobGas)
	}
	fmt.Fprintf(stdout, "sold %s: offer %d gas, sell %d gas (its verifier %d, %d model elements in the clear, in %s); the buyer read the run's final model from the chain: %v\n",
		dir, f.Offer.Tx, f.Sell.Tx, f.Verify.Exec, f.Elements, carried, f.Delivered)
	fmt.Fprintf(stdout, "the whole deal: %d gas in 2 transactions, %s at %s; deploying the contract and the deal's verifier: %d gas\n",
		f.Total.Tx, resultset.Dollars(offer.price.USD(int64(f.Total.Tx))), offer.price, f.Deploy.Tx)
	return updateRunSummary(*offer.results, *offer.host, dir, stdout, func(sum *resultset.RunSummary) {
		sale := &resultset.SaleSummary{Constraints: f.Constraints, Inputs: f.Inputs, Elements: f.Elements, Keys: f.Keys,
			ProveNs: f.ProveNs, Cores: f.Cores, OfferGasTx: int64(f.Offer.Tx), SellGasTx: int64(f.Sell.Tx), VerifyGas: int64(f.Verify.Exec),
			TotalGasTx: int64(f.Total.Tx), DeployGas: int64(f.Deploy.Tx), Delivered: f.Delivered, Blobs: f.Blobs, BlobGas: int64(f.BlobGas)}
		if *inBlob {
			sum.SaleBlob = sale
		} else {
			sum.Sale = sale
		}
	})
}
