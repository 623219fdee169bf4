package main

import (
	"context"
	"fmt"
	"io"

	"github.com/potbench/potbench/report"
)

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compare", "compare [-unit UNIT] A B\n\nA and B are result directories (results/<host>/<profile>) or bench.txt files.", stderr)
	unit := fs.String("unit", "prove-ns", "benchmark unit to compare (e.g. prove-ns, setup-ns, overhead-x, peak-prove-B)")
	if err := parsePositional(fs, args, 2, "compare needs two result sets"); err != nil {
		return err
	}
	a, b := fs.Arg(0), fs.Arg(1)
	rows, err := report.Compare(a, b, *unit)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: B/A ratios (below 1: B is lower)\n\n", *unit)
	fmt.Fprint(stdout, report.FormatRows(rows, a, b, *unit))
	return nil
}
