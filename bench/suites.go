package bench

import (
	"fmt"
	"sort"
	"strings"
)

// Suites are named lists of workloads for `potbench run`.
var Suites = map[string][]string{
	// quick: one small step, for smoke tests (seconds).
	"quick": {"linreg/B=8,D=8"},
	// default: every family at one or two sizes (a few minutes on 2 cores
	// with an empty key cache).
	"default": {"linreg/B=8,D=8", "linreg/B=16,D=16", "linreg/B=32,D=32", "linreg/B=64,D=64", "linreg-diabetes/B=32",
		"linreg-naive/B=16,D=16",
		"logreg/B=16", "logreg/B=32", "chain/K=1,B=16,D=16", "chain/K=4,B=16,D=16", "quality/N=64", "improve/N=64",
		"softmax/B=8", "softmax/B=16", "mlp/B=8", "mlp/B=16", "mlp-naive/B=8", "lineage/N=32", "lineage/N=64", "commit/N=4096"},
	// full: every family at every benchmarked size.
	"full": {"linreg/B=8,D=8", "linreg/B=16,D=16", "linreg/B=32,D=32", "linreg/B=64,D=64", "linreg-diabetes/B=32",
		"linreg-naive/B=8,D=8", "linreg-naive/B=16,D=16", "linreg-naive/B=32,D=32",
		"logreg/B=16", "logreg/B=32", "logreg/B=64",
		"chain/K=1,B=16,D=16", "chain/K=2,B=16,D=16", "chain/K=4,B=16,D=16", "chain/K=8,B=16,D=16",
		"quality/N=32", "quality/N=64", "quality/N=114", "improve/N=32", "improve/N=64",
		"softmax/B=8", "softmax/B=16", "softmax/B=32", "mlp/B=8", "mlp/B=16", "mlp/B=32", "mlp-naive/B=8", "mlp-naive/B=16",
		"lineage/N=32", "lineage/N=64", "lineage/N=128", "commit/N=1024", "commit/N=4096", "commit/N=16384"},
}

// SuiteNames lists the suites, sorted.
func SuiteNames() []string {
	out := make([]string, 0, len(Suites))
	for s := range Suites {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Resolve returns the workload names of a suite, or of a comma-separated
// list of workloads when list is not empty; every name is checked.
func Resolve(suite, list string) ([]string, error) {
	var names []string
	if list != "" {
		for _, n := range strings.Split(list, ",") {
			// sizes contain commas too: "linreg/B=8,D=8" splits into
			// "linreg/B=8" and "D=8"; glue size parts back on.
			if len(names) > 0 && !strings.Contains(n, "/") && strings.Contains(n, "=") {
				names[len(names)-1] += "," + n
				continue
			}
			names = append(names, strings.TrimSpace(n))
		}
	} else {
		s, ok := Suites[suite]
		if !ok {
			return nil, fmt.Errorf("unknown suite %q (known: %s)", suite, strings.Join(SuiteNames(), ", "))
		}
		names = s
	}
	for _, n := range names {
		if _, err := New(n); err != nil {
			return nil, err
		}
	}
	return names, nil
}
