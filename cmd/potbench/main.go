// Command potbench runs the proof-of-training benchmark suite, makes and
// checks proven training runs, and settles them on chain. One file per
// command, each only wiring (flags, one package call, printing):
//
//	potbench run [flags]          run a suite, write results/<host>/<profile>/ (run.go)
//	potbench profiles             host facts and hardware profiles (profiles.go)
//	potbench compare A B          compare two result sets (compare.go)
//	potbench report               regenerate the pages under results/ (report.go)
//	potbench train [flags]        train, prove every step and the score, write a run directory (train.go)
//	potbench verify DIR           the buyer's check of a run directory (verify.go)
//	potbench export WORKLOAD|DIR  Solidity verifiers and calldata, gas in an EVM (export.go)
//	potbench gas                  on-chain verification gas of stored results (gas.go)
//	potbench settle DIR           offer, prove, deliver, settle through contracts/Settlement.sol (settle.go)
//	potbench publish DIR          a run's public part to results/<host>/runs/, no proving keys (publish.go)
//	potbench ceremony SUB DIR     the MPC ceremony: init, contribute, verify (ceremony.go)
//	potbench help [command]
//
// progress.go prints progress lines; main.go dispatches and holds the flag
// helpers every command shares.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/consensys/gnark/logger"

	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/resultset"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"run", "run a benchmark suite and write results/<host>/<profile>/", cmdRun},
	{"profiles", "show the host's facts and the hardware profiles", cmdProfiles},
	{"compare", "compare two result sets with benchstat's statistics", cmdCompare},
	{"report", "regenerate the comparison pages under results/ from stored results", cmdReport},
	{"train", "train a model, prove every step and its held-out score, write a run directory", cmdTrain},
	{"verify", "verify a run directory written by train (the buyer's side: needs nothing else)", cmdVerify},
	{"export", "export a workload's or a run's proofs for gnark's Solidity verifier, and measure their gas in an EVM", cmdExport},
	{"gas", "measure the on-chain verification gas of stored BN254 results (timings untouched)", cmdGas},
	{"settle", "settle a run through the escrow contract (contracts/Settlement.sol) in an EVM and measure its gas", cmdSettle},
	{"sell", "sell a run's final model in one transaction (contracts/Sale.sol) in an EVM and measure its gas", cmdSell},
	{"publish", "copy a verified run's public part (no proving keys) to results/<host>/runs/, for anyone to verify", cmdPublish},
	{"ceremony", "run the MPC ceremony (init, contribute, verify) whose keys a run proves under (Groth16: two phases; PLONK: phase 1)", cmdCeremony},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Disable() // gnark logs every compile and proof to stdout; potbench reports its own figures
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks errors already explained by a usage message.
var errUsage = errors.New("usage")

// runCommand runs one command, turning a panic (a library's, on a file
// another party wrote) into an error, so that the exit code is 1 and the
// message is one line.
func runCommand(ctx context.Context, run func(context.Context, []string, io.Writer, io.Writer) error, args []string, stdout, stderr io.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal failure on this input: %v", p)
		}
	}()
	return run(ctx, args, stdout, stderr)
}

// Main runs the CLI and returns the exit code: 0 on success, 1 on failure, 2
// on a usage error, 130 when interrupted by a signal.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return Main(ctx, []string{args[1], "-help"}, stdout, stderr)
		}
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := runCommand(ctx, c.run, args[1:], stdout, stderr)
			switch {
			case err == nil, errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			case errors.Is(err, proving.ErrInterrupted), errors.Is(err, context.Canceled):
				fmt.Fprintf(stderr, "potbench %s: %v\n", c.name, err)
				return 130
			default:
				fmt.Fprintf(stderr, "potbench %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "potbench: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "potbench measures the cost of proving ML training steps in zero knowledge, and of computing them under homomorphic encryption, against plain training.")
	fmt.Fprintln(w, "\nUsage: potbench <command> [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'potbench <command> -help' for a command's flags.")
}

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: potbench %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// gasPriceFlags adds -gas-price-gwei and -eth-usd; check the price after
// parsing.
func gasPriceFlags(fs *flag.FlagSet) *resultset.GasPrice {
	p := resultset.DefaultGasPrice
	fs.Float64Var(&p.Gwei, "gas-price-gwei", p.Gwei, "gas price in gwei for money figures; the default's source and date are in the README")
	fs.Float64Var(&p.EthUSD, "eth-usd", p.EthUSD, "USD per ETH for money figures; the default's source and date are in the README")
	return &p
}

// parsePositional parses flags followed by exactly n arguments.
func parsePositional(fs *flag.FlagSet, args []string, n int, want string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() != n {
		fmt.Fprintf(fs.Output(), "%s, got %d arguments\n", want, fs.NArg())
		fs.Usage()
		return errUsage
	}
	return nil
}

// parseWithArgs parses flags that may come before, between or after the
// positional arguments, and returns those.
func parseWithArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return errUsage
	}
	return nil
}
