package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/solidity"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/onchain"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/resultset"
)

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "export [-workload NAME [-backend groth16|plonk] | RUN-DIRECTORY] [-out DIR] [-no-gas]\n\n"+
		"Writes the Solidity verifier (gnark's template), the proof in its calldata layout, the public inputs and a JSON\n"+
		"file for Ethereum tooling; with solc-js installed (npm ci --prefix tools/solc) it also runs the verifier in\n"+
		"go-ethereum's EVM and reports the gas. BN254 only: Groth16, or PLONK with -backend plonk (a run directory: Groth16).", stderr)
	workload := fs.String("workload", "", "workload to prove and export, e.g. linreg/B=8,D=8")
	backendName := fs.String("backend", "groth16", "proving system for -workload: groth16 or plonk (gnark exports a Solidity verifier for both on BN254)")
	out := fs.String("out", "", "output directory (default exports/NAME, or RUN-DIRECTORY/onchain)")
	noGas := fs.Bool("no-gas", false, "do not compile and run the verifier")
	results := fs.String("results", "results", "results directory whose run summary (RESULTS/HOST/runs/NAME.json, if train wrote one) gets the run's gas")
	host := fs.String("host", "", "host id of that summary (default: derived from the CPU, or $POTBENCH_HOST)")
	price := gasPriceFlags(fs)
	dirs, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if (*workload == "") == (len(dirs) != 1) || len(dirs) > 1 {
		fmt.Fprintln(stderr, "export needs either -workload NAME or one run directory")
		fs.Usage()
		return errUsage
	}
	if err := price.Check(); err != nil {
		return err
	}
	if *backendName != "groth16" && *backendName != "plonk" {
		return fmt.Errorf("-backend %q: groth16 or plonk", *backendName)
	}
	var solc *onchain.Compiler
	if !*noGas {
		c, err := onchain.FindCompiler()
		if err != nil {
			return fmt.Errorf("%w (or pass -no-gas)", err)
		}
		solc = c
	}
	if *workload == "" {
		dir := dirs[0]
		if *out == "" {
			*out = filepath.Join(dir, "onchain")
		}
		re, err := onchain.ExportRun(dir, *out, solc)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d verifier(s) and %d proofs' calldata to %s\n", len(re.Contracts), len(re.Proofs), *out)
		if re.Gas == nil {
			return nil
		}
		fmt.Fprintf(stdout, "every proof verified on chain: %d gas in execution, %d in transactions (%d proofs, %d per proof on average), %s at %s\n",
			re.Gas.Exec, re.Gas.Tx, len(re.Proofs), re.Gas.Tx/uint64(len(re.Proofs)), resultset.Dollars(price.USD(int64(re.Gas.Tx))), price)
		return updateRunSummary(*results, *host, dir, stdout, func(sum *resultset.RunSummary) { sum.GasTx = int64(re.Gas.Tx) })
	}
	if err := bench.Check(*workload); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join("exports", strings.NewReplacer("/", "_", ",", "_", "=", "").Replace(*workload))
	}
	w, err := bench.New(*workload)
	if err != nil {
		return err
	}
	e, err := exportWorkload(w, *backendName)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	js, err := e.JSON("Verifier.sol")
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{"Verifier.sol": []byte(e.Solidity), "proof.json": append(js, '\n')} {
		if err := atomicfile.Write(filepath.Join(*out, name), data); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s/{Verifier.sol,proof.json}: %d public inputs, a %d-byte proof\n", *out, len(e.Public), len(e.Proof))
	if solc != nil {
		g, err := e.Measure(solc)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "verified in go-ethereum's EVM: %d gas in execution, %d for the transaction (%s at %s)\n",
			g.Exec, g.Tx, resultset.Dollars(price.USD(int64(g.Tx))), price)
	}
	return nil
}

// exportWorkload proves a workload once on BN254 (keys from the key cache)
// and exports its verifier and proof.
func exportWorkload(w bench.Workload, backendName string) (*onchain.Export, error) {
	p, err := bench.Prepare(w, bench.Options{Keys: proving.DefaultKeyCache(), Curve: ecc.BN254, Backend: backendName})
	if err != nil {
		return nil, err
	}
	if _, err := p.ProveOnce(); err != nil {
		return nil, err
	}
	vk, ok := p.VK.(interface {
		ExportSolidity(io.Writer, ...solidity.ExportOption) error
	})
	if !ok {
		return nil, fmt.Errorf("a %s verifying key has no Solidity export", backendName)
	}
	return onchain.New(vk, p.LastProof, p.LastPublic)
}
