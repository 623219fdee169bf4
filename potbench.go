// Package potbench is the root of the potbench module: a benchmark harness
// for verifiable training. See README.md; the code lives in circuits/,
// bench/, hwprofiles/ and cmd/potbench.
package potbench

import (
	_ "embed"
	"strings"
)

//go:embed go.mod
var goMod string

// RequiredVersion returns the version of module path that go.mod requires,
// or "" if it does not. Test binaries carry no module list of their own, so
// this is how they name the gnark versions they were built with.
func RequiredVersion(path string) string {
	for _, line := range strings.Split(goMod, "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(f) >= 2 && f[0] == path {
			return f[1]
		}
	}
	return ""
}
