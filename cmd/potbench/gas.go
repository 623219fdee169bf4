package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/onchain"
	"github.com/potbench/potbench/report"
	"github.com/potbench/potbench/resultset"
)

func cmdGas(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("gas", "gas [-results DIR] [-host ID] [-profile NAME] [-workloads LIST]\n\n"+
		"For each stored BN254 result (Groth16 and PLONK), proves the workload once more (keys from the key cache), runs gnark's\n"+
		"Solidity verifier on the proof in go-ethereum's EVM and stores the gas and the proof's public-input count in the result; the timings stay as measured.", stderr)
	root := fs.String("results", "results", "results root")
	host := fs.String("host", "", "host id (default: derived from the CPU, or $POTBENCH_HOST)")
	profile := fs.String("profile", "native", "profile whose results get the gas")
	list := fs.String("workloads", "", "comma-separated workloads (default: every BN254 result)")
	backends := fs.String("backends", "", "comma-separated proving systems (default: every one)")
	price := gasPriceFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := price.Check(); err != nil {
		return err
	}
	solc, err := onchain.FindCompiler()
	if err != nil {
		return err
	}
	if *host == "" {
		*host = hwprofiles.Detect().ID()
	}
	dir := resultset.Dir(*root, *host, *profile)
	set, err := resultset.Read(filepath.Join(dir, resultset.FileName))
	if err != nil {
		return err
	}
	var only []string
	if *list != "" {
		if only, err = bench.Resolve("", *list); err != nil {
			return err
		}
	}
	done := 0
	for i, r := range set.Results {
		if r.Curve != ecc.BN254.String() || (only != nil && !slices.Contains(only, r.Workload)) ||
			(*backends != "" && !slices.Contains(strings.Split(*backends, ","), r.Backend)) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		w, err := bench.New(r.Workload)
		if err != nil {
			fmt.Fprintf(stderr, "potbench gas: %s: %v (skipped)\n", r.Workload, err)
			continue
		}
		e, err := exportWorkload(w, r.Backend)
		if err != nil {
			return fmt.Errorf("%s (%s): %w", r.Workload, r.Backend, err)
		}
		g, err := e.Measure(solc)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Workload, err)
		}
		// the count of the proof just verified: rows stored before PLONK's count
		// was fixed had one too few (R1CS's constant wire subtracted)
		set.Results[i].VerifyGas, set.Results[i].VerifyTxGas, set.Results[i].PublicInputs = int64(g.Exec), int64(g.Tx), len(e.Public)
		if err := report.WriteSet(dir, set, bench.BenchName); err != nil {
			return err
		}
		done++
		fmt.Fprintf(stdout, "%s (%s): %d public inputs, verify %d gas (transaction %d, %s at %s)\n",
			r.Workload, r.Backend, len(e.Public), g.Exec, g.Tx, resultset.Dollars(price.USD(int64(g.Tx))), price)
	}
	if done == 0 {
		return fmt.Errorf("%s: no BN254 results to measure", dir)
	}
	return nil
}
