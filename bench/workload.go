// Package bench measures proof-of-training workloads stage by stage (compile,
// setup, witness, prove, verify) beside plain training of the same step on the
// same data, in the same process, so every overhead factor is a ratio taken in
// one run.
package bench

import (
	"fmt"
	"sort"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
)

// Workload is one provable training statement at one size.
type Workload interface {
	// Name is "family/size", e.g. "linreg/B=32,D=32": a benchmark name.
	Name() string
	// Elements is the amount of training work the statement covers (B·D for
	// a linear model): the denominator of constraints/elem.
	Elements() int
	// Circuit returns the sized, empty circuit for compiling.
	Circuit() frontend.Circuit
	// Assignment runs the native mirror and returns the full assignment,
	// with commitments computed in the scalar field of curve.
	Assignment(curve ecc.ID) (frontend.Circuit, error)
	// Plain returns the same training step done plainly in float64 on the
	// same batch; each call performs one step.
	Plain() func()
}

// Family returns the part of a workload name before the first '/'.
func Family(name string) string {
	f, _, _ := strings.Cut(name, "/")
	return f
}

// FamilyDef registers a workload family.
type FamilyDef struct {
	Name    string                              // "linreg"
	Bench   string                              // Go benchmark name, "LinReg"
	Example string                              // a valid size, "B=32,D=32"
	New     func(size string) (Workload, error) // builds one size
}

var registry = map[string]FamilyDef{}

// Register adds a workload family.
func Register(f FamilyDef) {
	if _, dup := registry[f.Name]; dup {
		panic("bench: family registered twice: " + f.Name)
	}
	registry[f.Name] = f
}

// Families lists the registered family names, sorted.
func Families() []string {
	out := make([]string, 0, len(registry))
	for f := range registry {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// New builds a workload from its full name "family/size".
func New(name string) (Workload, error) {
	family, size, ok := strings.Cut(name, "/")
	f, known := registry[family]
	if !known {
		return nil, fmt.Errorf("unknown workload family %q (known: %s)", family, strings.Join(Families(), ", "))
	}
	if !ok {
		return nil, fmt.Errorf("workload %q has no size: write it as %s/<size>, e.g. %s/%s", name, family, family, f.Example)
	}
	return f.New(size)
}

// BenchName turns "linreg/B=8,D=8" into the Go benchmark name
// "LinReg/B=8/D=8", whose key=value parts benchstat can group by.
func BenchName(workload string) string {
	family, size, _ := strings.Cut(workload, "/")
	name := family
	if f, ok := registry[family]; ok {
		name = f.Bench
	}
	if size == "" {
		return name
	}
	return name + "/" + strings.ReplaceAll(size, ",", "/")
}

// parseSize reads "K=V,K=V" with integer values, requiring exactly the keys given.
func parseSize(size string, keys ...string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(size, ",") {
		k, v, ok := strings.Cut(part, "=")
		var n int
		if _, err := fmt.Sscanf(v, "%d", &n); !ok || err != nil || fmt.Sprint(n) != v || n <= 0 {
			return nil, fmt.Errorf("size %q: %q is not KEY=positive integer", size, part)
		}
		out[k] = n
	}
	for _, k := range keys {
		if _, ok := out[k]; !ok {
			return nil, fmt.Errorf("size %q: missing %s (want %s)", size, k, strings.Join(keys, ","))
		}
	}
	if len(out) != len(keys) {
		return nil, fmt.Errorf("size %q: unexpected keys (want exactly %s)", size, strings.Join(keys, ","))
	}
	return out, nil
}
