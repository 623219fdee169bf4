// Package bench is potbench's harness: it measures a registered workload
// stage by stage (compile, setup, witness, prove, verify) beside plain
// training of the same step on the same data, in the same process, so every
// overhead factor is a ratio taken in one run. It holds the workload
// registry, the stage runner and suite execution, and proves through
// package proving.
//
// Files:
//   - workload.go: the Workload and Encrypted interfaces and the registry
//     of workload families (Register, New).
//   - runner.go: the stage runner (Prepare, ProveOnce, Run) and the plain
//     baselines' timing.
//   - suites.go: the named suites; suiterun.go: running one, job by job.
//   - constraints.go: the tracked constraint counts (testdata/constraints.csv).
package bench

import (
	"fmt"
	"sort"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/potbench/potbench/resultset"
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

// Encrypted is a workload that is not a circuit: one training step computed
// on encrypted data. The harness maps its stages onto a proof's: key
// generation is the setup, encryption the witness, the encrypted step the
// prove stage, decryption (with the check against the float64 step) the
// verify stage. Circuit and Assignment are not used.
type Encrypted interface {
	Workload
	Scheme() string // the backend column, resultset.FHEBackend
	ParamsName() string
	// KeyGen generates the keys and returns the evaluation keys' and the
	// secret key's sizes.
	KeyGen() (evalKeyBytes, secretKeyBytes int64, err error)
	// Encrypt encrypts the batch and the model; it returns the ciphertexts'
	// size.
	Encrypt() (ciphertextBytes int64, err error)
	// Step computes the step on the ciphertexts.
	Step() error
	// Decrypt decrypts the new model and returns its largest error against
	// the float64 step with the exact activation, and against the float64
	// step with the activation computed under encryption (the scheme's
	// noise alone).
	Decrypt() (maxErr, noise float64, err error)
	// Shape is the step's key-switched rotations, levels and Galois keys.
	Shape() (rotations, levels, galoisKeys int)
	// Activation describes the activation computed under encryption ("" for
	// none).
	Activation() string
	// Former times the same step in the former layout on the same batch
	// (its own keys and encryption, untimed); 0 when there is none.
	Former() (stepNs int64, err error)
}

// FamilyDef registers a workload family.
type FamilyDef struct {
	Name    string   // "linreg"
	Bench   string   // Go benchmark name, "LinReg"
	Keys    []string // the size's keys, "B", "D"
	Sizes   []string // every benchmarked size, smallest first: the full suite
	Default []string // the sizes of the default suite
	OptIn   bool     // left out of the suites (a run or benchmark names it)
	Example string   // a valid size for messages (default: the first of Sizes)
	Scheme  string   // non-empty: an Encrypted family, measured once under this scheme, not per curve and backend
	// New builds one size, given the size's values by key.
	New func(size map[string]int) (Workload, error)
}

// example is a valid size of the family, for messages.
func (f FamilyDef) example() string {
	if f.Example != "" || len(f.Sizes) == 0 {
		return f.Example
	}
	return f.Sizes[0]
}

var (
	registry = map[string]FamilyDef{}
	order    []string // registration order
)

// Register adds a workload family; families keep their registration order.
func Register(f FamilyDef) {
	if _, dup := registry[f.Name]; dup {
		panic("bench: family registered twice: " + f.Name)
	}
	registry[f.Name] = f
	order = append(order, f.Name)
}

// Families lists the registered families in registration order.
func Families() []FamilyDef {
	out := make([]FamilyDef, len(order))
	for i, n := range order {
		out[i] = registry[n]
	}
	return out
}

func familyNames() string {
	names := append([]string{}, order...)
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Check reports whether name is a registered family with a well-formed size,
// without building the workload.
func Check(name string) error {
	_, _, err := lookup(name)
	return err
}

func lookup(name string) (FamilyDef, map[string]int, error) {
	family, size, ok := resultset.SplitWorkload(name)
	f, known := registry[family]
	if !known {
		return FamilyDef{}, nil, fmt.Errorf("unknown workload family %q (known: %s)", family, familyNames())
	}
	if !ok {
		return FamilyDef{}, nil, fmt.Errorf("workload %q has no size: write it as %s/<size>, e.g. %s/%s", name, family, family, f.example())
	}
	s, err := ParseSize(size, f.Keys...)
	if err != nil {
		return FamilyDef{}, nil, fmt.Errorf("%s: %w", family, err)
	}
	return f, s, nil
}

// New builds a workload from its full name "family/size".
func New(name string) (Workload, error) {
	f, s, err := lookup(name)
	if err != nil {
		return nil, err
	}
	return f.New(s)
}

// SchemeOf is the scheme of an Encrypted workload's family, "" for a circuit.
func SchemeOf(name string) string {
	return registry[resultset.Family(name)].Scheme
}

// BenchName turns "linreg/B=8,D=8" into the Go benchmark name
// "LinReg/B=8/D=8", whose key=value parts benchstat can group by.
func BenchName(workload string) string {
	family, size, _ := resultset.SplitWorkload(workload)
	name := family
	if f, ok := registry[family]; ok {
		name = f.Bench
	}
	if size == "" {
		return name
	}
	return name + "/" + strings.ReplaceAll(size, ",", "/")
}

// ParseSize reads "K=V,K=V" with positive integer values, requiring exactly
// the keys given.
func ParseSize(size string, keys ...string) (map[string]int, error) {
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

// Replace swaps the registered family of the same name for f, keeping its
// place (a family whose workloads depend on run options, such as a user's
// dataset file).
func Replace(f FamilyDef) {
	if _, ok := registry[f.Name]; !ok {
		panic("bench: no family to replace: " + f.Name)
	}
	registry[f.Name] = f
}
