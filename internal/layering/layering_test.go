package layering

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const module = "github.com/potbench/potbench"

// layers are the rooms of the module from the bottom up: a package imports
// only packages of its own layer or of a layer below (ARCHITECTURE.md).
// Patterns ending in "/" match a folder's packages.
var layers = [][]string{
	{"", "internal/", "hwprofiles", "resultset", "contracts", "curves"}, // facts and formats
	{"circuits/", "datasets", "ceremony"},                               // data and statements
	{"proving", "training", "fhe"},                                      // proving systems, training loops, encrypted step
	{"trainrun", "onchain"},                                             // proven runs: the seller's and the buyer's path
	{"bench", "workloads"},                                              // the benchmark harness
	{"report"},                                                          // pages from stored results
	{"cmd/", "deploy"},                                                  // the CLI (wiring) and the recipes that run it on clusters
}

// buyersPath must build without the harness, the workloads or lattigo.
var buyersPath = []string{"trainrun", "onchain"}
var notOnBuyersPath = []string{module + "/bench", module + "/workloads", module + "/fhe", module + "/report", "github.com/tuneinsight/lattigo"}

func layerOf(pkg string) int {
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	for i, l := range layers {
		for _, p := range l {
			if rel == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(rel, p)) {
				return i
			}
		}
	}
	return -1
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// TestLayers: no package imports one of a higher layer, and every package
// has a layer.
func TestLayers(t *testing.T) {
	for _, line := range goList(t, "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...") {
		fields := strings.Fields(line)
		pkg := fields[0]
		at := layerOf(pkg)
		if at < 0 {
			t.Errorf("%s has no layer in ARCHITECTURE.md", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			if l := layerOf(imp); l > at {
				t.Errorf("%s (layer %d) imports %s (layer %d)", pkg, at, imp, l)
			}
		}
	}
}

// TestBuyersPath: verifying, exporting and settling a run needs neither the
// benchmark harness, the workloads, the encrypted step nor lattigo.
func TestBuyersPath(t *testing.T) {
	for _, p := range buyersPath {
		for _, dep := range goList(t, "-deps", "./"+p) {
			for _, bad := range notOnBuyersPath {
				if dep == bad || strings.HasPrefix(dep, bad+"/") {
					t.Errorf("%s depends on %s", p, dep)
				}
			}
		}
	}
}
