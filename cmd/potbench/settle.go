package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/onchain"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/trainrun"
)

// settleRun runs the settlement scenario for a run directory, with the
// delivery circuit's keys set up by the buyer (or loaded from the key
// cache), and writes RUN-DIRECTORY/onchain/settlement.json.
func settleRun(dir string, solc *onchain.Compiler, target onchain.Target, stdout io.Writer) (*onchain.Settlement, error) {
	m, err := trainrun.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	_, dom, err := trainrun.FinalModelOf(dir, m)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "delivery circuit for a %s model of %d values: compiling, and setting up its keys as the buyer (loaded from the key cache after the first time)\n", m.Model, dom.Values)
	dk, err := onchain.SetupDelivery(dom, proving.DefaultKeyCache())
	if err != nil {
		return nil, err
	}
	how := "loaded from the key cache"
	if !dk.Cached {
		how = fmt.Sprintf("set up in %s", time.Duration(dk.SetupNs).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "delivery circuit: %d constraints, keys %s (%s)\n", dk.Constraints, how, dk.Source)
	s, err := onchain.Settle(dir, solc, target, dk)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "onchain"), 0o755); err != nil {
		return nil, err
	}
	return s, atomicfile.Write(filepath.Join(dir, "onchain", "settlement.json"), append(b, '\n'))
}

// settlementSummary is what a run's stored figures keep of a settlement.
func settlementSummary(s *onchain.Settlement) *resultset.SettlementSummary {
	sum := &resultset.SettlementSummary{OfferGasTx: int64(s.Offer.Tx), DeliverGasTx: int64(s.Deliver.Tx), SettleGasTx: int64(s.Settle.Tx),
		DeliveryVerifyGas: int64(s.DeliveryVerify.Exec), CipherElements: s.CipherElements, DeliveryConstraints: s.DeliveryConstraints,
		DeliveryProveNs: s.DeliveryProveNs, Delivered: s.Delivered}
	for _, g := range s.Prove {
		sum.ProveGasTx += int64(g.Tx)
	}
	return sum
}

func cmdSettle(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("settle", "settle RUN-DIRECTORY [-min-correct N] [-max-loss-sum N] [-results DIR] [-host ID] [-gas-price-gwei G] [-eth-usd P]\n\n"+
		"Runs contracts/Settlement.sol beside the run's verifiers in go-ethereum's EVM: the buyer locks a payment for the run's\n"+
		"statement (dataset root, initial model, learning rate, schedule) and a held-out score; the seller submits every step\n"+
		"proof, in as few transactions as the 2^24 gas cap per transaction allows, then delivers: the score proof, the final\n"+
		"model encrypted under a fresh key, the key's SHA-256 and a proof that the ciphertext decrypts to the scored model, made\n"+
		"for this offer and seller; then settle reveals the key and the contract pays. The buyer decrypts the model from the\n"+
		"chain's events and checks it against its commitment. The delivery circuit's keys are the buyer's own setup.\n"+
		"Writes RUN-DIRECTORY/onchain/settlement.json and adds the gas to the run's stored figures\n"+
		"(RESULTS/<host>/runs/NAME.json) where they exist. BN254 Groth16 runs with a score proof.", stderr)
	offer := newOfferFlags(fs)
	ceremonyDir := fs.String("ceremony", "", "deploy verifiers only from keys derived again from this sealed ceremony (as verify -ceremony)")
	trustKeys := fs.Bool("trust-keys", false, "deploy verifiers from the run's keys as given, without a ceremony")
	dir, target, err := offer.parse(fs, args, stderr)
	if err != nil {
		return err
	}
	switch {
	case *ceremonyDir != "":
		v, err := trainrun.Verify(dir, nil)
		if err == nil {
			err = trainrun.DeriveKeys(v, dir, *ceremonyDir, ceremonyProgress(stderr))
		}
		if err != nil {
			return fmt.Errorf("the verifiers' keys: %w", err)
		}
	case !*trustKeys:
		return fmt.Errorf("the verifiers would be built from the prover's keys: pass -ceremony DIR to derive them from a ceremony transcript, or -trust-keys")
	}
	solc, err := onchain.FindCompiler()
	if err != nil {
		return err
	}
	s, err := settleRun(dir, solc, target, stdout)
	if err != nil {
		return err
	}
	var prove int64
	for _, g := range s.Prove {
		prove += int64(g.Tx)
	}
	fmt.Fprintf(stdout, "settled %s: %d proofs; offer %d gas, %d prove transaction(s) (%s proofs each) %d gas, deliver %d gas (its delivery verifier %d), settle %d gas\n",
		dir, s.Proofs, s.Offer.Tx, len(s.Prove), strings.Trim(strings.Join(strings.Fields(fmt.Sprint(s.ProofsPerTx)), ","), "[]"), prove, s.Deliver.Tx, s.DeliveryVerify.Exec, s.Settle.Tx)
	fmt.Fprintf(stdout, "delivered: %d ciphertext elements, delivery proof %s (%d constraints); the buyer decrypted the run's final model from the chain: %v\n",
		s.CipherElements, time.Duration(s.DeliveryProveNs).Round(time.Millisecond), s.DeliveryConstraints, s.Delivered)
	fmt.Fprintf(stdout, "the whole settlement: %d gas in %d transactions, %s at %s; deploying the contracts once: %d gas\n",
		s.Total.Tx, s.Transactions(), resultset.Dollars(offer.price.USD(int64(s.Total.Tx))), offer.price, s.Deploy.Tx)
	return updateRunSummary(*offer.results, *offer.host, dir, stdout, func(sum *resultset.RunSummary) {
		sum.SettleGasTx, sum.SettleTxs, sum.DeployGas = int64(s.Total.Tx), s.Transactions(), int64(s.Deploy.Tx)
		sum.Settlement = settlementSummary(s)
	})
}

// offerFlags are the flags of a command that makes an offer for one run
// directory (settle, sell): the score target, where the run's figures are
// and the gas price.
type offerFlags struct {
	minCorrect    *int64
	maxLoss       *string
	results, host *string
	price         *resultset.GasPrice
}

func newOfferFlags(fs *flag.FlagSet) offerFlags {
	return offerFlags{
		minCorrect: fs.Int64("min-correct", 0, "held-out answers the model must get right (default, with -max-loss-sum unset: the score the run claims)"),
		maxLoss:    fs.String("max-loss-sum", "", "summed held-out loss the model must stay within, fixed point as the score proof's input (least squares)"),
		results:    fs.String("results", "results", "results root holding the run's figures"),
		host:       fs.String("host", "", "host id of the run's figures (default: derived from the CPU, or $POTBENCH_HOST)"),
		price:      gasPriceFlags(fs),
	}
}

// parse parses args and returns the one run directory they name, whose
// manifest it reads (before the command looks for a compiler), and the
// offer's target.
func (o offerFlags) parse(fs *flag.FlagSet, args []string, stderr io.Writer) (string, onchain.Target, error) {
	target := onchain.Target{MinCorrect: *o.minCorrect}
	dirs, err := parseWithArgs(fs, args)
	if err != nil {
		return "", target, err
	}
	if len(dirs) != 1 {
		fmt.Fprintf(stderr, "%s needs one run directory, got %d arguments\n", fs.Name(), len(dirs))
		fs.Usage()
		return "", target, errUsage
	}
	if err := o.price.Check(); err != nil {
		return "", target, err
	}
	target.MinCorrect = *o.minCorrect
	if *o.minCorrect < 0 {
		return "", target, fmt.Errorf("-min-correct %d: must not be negative", *o.minCorrect)
	}
	if *o.maxLoss != "" {
		v, ok := new(big.Int).SetString(*o.maxLoss, 0)
		if !ok || v.Sign() <= 0 {
			return "", target, fmt.Errorf("-max-loss-sum %q: want a positive integer (decimal or 0x hex)", *o.maxLoss)
		}
		target.MaxLossSum = v
	}
	_, err = trainrun.ReadManifest(dirs[0])
	return dirs[0], target, err
}

// updateRunSummary applies set to the stored summary of the run directory
// dir (results/<host>/runs/<name>.json), when train wrote one.
func updateRunSummary(results, host, dir string, stdout io.Writer, set func(*resultset.RunSummary)) error {
	if host == "" {
		host = hwprofiles.Detect().ID()
	}
	path := filepath.Join(resultset.RunsDir(results, host), filepath.Base(filepath.Clean(dir))+".json")
	sum, err := resultset.ReadRun(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	set(&sum)
	if _, err := resultset.WriteRun(results, host, sum); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "figures updated in %s\n", path)
	return nil
}
