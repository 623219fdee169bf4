package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/report"
	"github.com/potbench/potbench/resultset"
)

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", "report [-results DIR] [-price-per-core-hour USD] [-gas-price-gwei G] [-eth-usd P] [-readme FILE]", stderr)
	root := fs.String("results", "results", "results root holding <host>/<profile>/results.json")
	price := fs.Float64("price-per-core-hour", report.DefaultPricePerCoreHour, "USD per core-hour for the cost model")
	gasPrice := gasPriceFlags(fs)
	readme := fs.String("readme", "", "also rewrite the generated headline section of this README")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *price <= 0 {
		return fmt.Errorf("-price-per-core-hour %g: must be positive", *price)
	}
	if err := gasPrice.Check(); err != nil {
		return err
	}
	locs, err := resultset.Find(*root)
	if err != nil {
		return err
	}
	// Rewrite each result set's derived files (tables, bench.txt) from its
	// results.json, so that they follow the current format.
	for _, l := range locs {
		set, err := resultset.Read(l.Path)
		if err != nil {
			return err
		}
		backfill(set)
		if err := report.WriteSet(filepath.Dir(l.Path), set, bench.BenchName); err != nil {
			return err
		}
	}
	done := map[string]bool{}
	for _, l := range locs {
		dir := resultset.HostDir(*root, l.Host)
		if done[dir] {
			continue
		}
		done[dir] = true
		if err := report.WriteHostReport(dir); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(dir, "README.md"))
	}
	if len(done) == 0 {
		return resultset.ErrNoResults(*root)
	}
	if len(done) > 1 {
		s, err := report.HostsReport(*root, "native", "procs1", "purego")
		if err != nil {
			return err
		}
		path := filepath.Join(*root, "HOSTS.md")
		if err := atomicfile.Write(path, []byte(s)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	paths, err := report.Write(*root, report.Options{PricePerCoreHour: *price, GasPrice: *gasPrice})
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintf(stdout, "wrote %s\n", p)
	}
	if *readme != "" {
		es, err := report.Load(*root)
		if err != nil {
			return err
		}
		old, err := os.ReadFile(*readme)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(filepath.Dir(*readme), filepath.Join(*root, "plots", "overhead.png"))
		if err != nil {
			return err
		}
		runs, err := resultset.ReadRuns(*root)
		if err != nil {
			return err
		}
		head := report.Headline(es, runs) + "\n![overhead vs training work](" + filepath.ToSlash(rel) + ")\n"
		updated, err := report.SpliceHeadline(string(old), head)
		if err != nil {
			return fmt.Errorf("%s: %w", *readme, err)
		}
		if err := atomicfile.Write(*readme, []byte(updated)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "updated the headline of %s\n", *readme)
	}
	return nil
}

// backfill fills in what results recorded before a field existed lack and
// the workload definitions know: the proofs per epoch of the real dataset.
func backfill(set *resultset.ResultSet) {
	for i, r := range set.Results {
		if r.EpochSteps != 0 {
			continue
		}
		if w, err := bench.New(r.Workload); err == nil {
			if e, ok := w.(interface{ EpochSteps() int }); ok {
				set.Results[i].EpochSteps = e.EpochSteps()
			}
		}
	}
}
