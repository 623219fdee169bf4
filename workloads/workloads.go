// Package workloads registers potbench's workload families with the bench
// harness, one file per family: how each size is built from its dataset and
// circuit, and its plain float64 and gonum baselines. The suites follow the
// order and sizes listed here. (The training comparisons, and each model
// family's description, are package training's.)
//
// Files:
//   - workloads.go: the suites' order and sizes (a model family's step
//     sizes come from its descriptor in package training).
//   - batch.go: the committed batch every step workload proves on.
//   - family.go: the step a model family's descriptor gives, for a family
//     with no file here.
//   - linreg.go, softmax.go, mlp.go: the step workloads of each family,
//     with their float64 and gonum baselines (linreg.go also the
//     logistic, diabetes and CSV-file workloads).
//   - chain.go: K steps in one proof.
//   - quality.go: the held-out score and improvement workloads.
//   - lineage.go: proven preprocessing of a dataset.
//   - commitment.go: committing a dataset alone (Poseidon2, GKR MiMC).
//   - fhe.go: the encrypted steps (package fhe) and training under
//     encryption.
package workloads

import (
	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/training"
)

// familySizes are a model family's step-workload sizes, as its descriptor
// (package training) gives them.
func familySizes(f training.Family) suiteSizes {
	return suiteSizes{f.Name, f.BenchSizes, f.DefaultSizes}
}

// suiteSizes are one workload family's sizes in the full and default suites.
type suiteSizes struct {
	family          string
	full, inDefault []string
}

// sizes lists, in suite order, each workload family's benchmarked sizes (the
// full suite, the benchmarks and the tracked constraint counts) and the
// sizes of the default suite; a model family's step workloads take theirs
// from its descriptor. Families not listed are opt-in.
var sizes = []suiteSizes{
	familySizes(training.LinReg),
	{"linreg-diabetes", []string{"B=32"}, []string{"B=32"}},
	{"linreg-naive", []string{"B=8,D=8", "B=16,D=16", "B=32,D=32"}, []string{"B=16,D=16"}},
	familySizes(training.LogReg),
	{"chain", []string{"K=1,B=16,D=16", "K=2,B=16,D=16", "K=4,B=16,D=16", "K=8,B=16,D=16"}, []string{"K=1,B=16,D=16", "K=4,B=16,D=16"}},
	{"quality", []string{"N=32", "N=64", "N=114"}, []string{"N=64"}},
	{"improve", []string{"N=32", "N=64"}, []string{"N=64"}},
	familySizes(training.Softmax),
	familySizes(training.MLP),
	{"mlp-naive", []string{"B=8", "B=16"}, []string{"B=8"}},
	{"lineage", []string{"N=32", "N=64", "N=128"}, []string{"N=32", "N=64"}},
	{"commit", []string{"N=1024", "N=4096", "N=16384"}, []string{"N=4096"}},
	{"fhe-linreg", []string{"B=8,D=8", "B=16,D=16", "B=32,D=32", "B=64,D=64"}, []string{"B=32,D=32"}},
	{"fhe-logreg", []string{"B=16", "B=32", "B=64"}, []string{"B=32"}},
}

func init() {
	defs := map[string]bench.FamilyDef{}
	for _, group := range [][]bench.FamilyDef{linregFamilies(), naiveFamilies(), chainFamilies(), qualityFamilies(),
		softmaxFamilies(), mlpFamilies(), lineageFamilies(), commitFamilies(), fheFamilies(), {FileFamily("", 0, false)}} {
		for _, f := range group {
			defs[f.Name] = f
		}
	}
	// a model family with no workload file: the step its descriptor gives
	var derived []string
	for _, f := range training.Families() {
		if _, custom := defs[f.Name]; !custom {
			defs[f.Name], derived = familyStep(f), append(derived, f.Name)
		}
	}
	for _, s := range sizes {
		f := defs[s.family]
		f.Sizes, f.Default = s.full, s.inDefault
		bench.Register(f)
		delete(defs, s.family)
	}
	for _, name := range []string{"commit-gkr", "linreg-file"} {
		f := defs[name]
		f.OptIn = true
		if name == "commit-gkr" {
			f.Sizes = []string{"N=1024"}
		}
		bench.Register(f)
		delete(defs, name)
	}
	for _, f := range derived {
		if d, ok := defs[f]; ok { // not placed by the sizes list
			bench.Register(d)
			delete(defs, f)
		}
	}
	if len(defs) > 0 {
		panic("workloads: a family is in no list")
	}
}

// UseDatasetFile points the "linreg-file" workloads at a CSV (see FileFamily).
func UseDatasetFile(path string, skip int, clip bool) { bench.Replace(FileFamily(path, skip, clip)) }
