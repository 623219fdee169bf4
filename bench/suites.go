package bench

import (
	"fmt"
	"strings"
)

// Suites are named lists of workloads for `potbench run`, made from the
// registered families in registration order (opt-in families are in none):
//   - quick: one small step, for smoke tests (seconds);
//   - default: each family's Default sizes (a few minutes on 2 cores with
//     an empty key cache);
//   - full: each family's Sizes, every benchmarked size.
func Suite(name string) ([]string, error) {
	var out []string
	switch name {
	case "quick":
		return []string{"linreg/B=8,D=8"}, nil
	case "default", "full":
		for _, f := range Families() {
			if f.OptIn {
				continue
			}
			sizes := f.Sizes
			if name == "default" {
				sizes = f.Default
			}
			for _, s := range sizes {
				out = append(out, f.Name+"/"+s)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown suite %q (known: %s)", name, strings.Join(SuiteNames(), ", "))
}

// SuiteNames lists the suites.
func SuiteNames() []string { return []string{"default", "full", "quick"} }

// Resolve returns the workload names of a suite, or of a comma-separated
// list of workloads when list is not empty; every name is checked (family
// and size), without building the workloads.
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
		var err error
		if names, err = Suite(suite); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		if err := Check(n); err != nil {
			return nil, err
		}
	}
	return names, nil
}
