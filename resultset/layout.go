package resultset

import (
	"fmt"
	"path/filepath"
	"sort"
)

// The layout of a results root: ROOT/<host>/<profile>/results.json, beside
// it the other files of the set, ROOT/<host>/README.md comparing a host's
// profiles, and the report's pages at the root.

// FileName is the file a result set is stored in.
const FileName = "results.json"

// Dir is the directory of a host's results under a profile.
func Dir(root, host, profile string) string { return filepath.Join(root, host, profile) }

// HostDir is the directory of a host's results.
func HostDir(root, host string) string { return filepath.Join(root, host) }

// Location is one stored result set.
type Location struct {
	Host, Profile string
	Path          string // .../<host>/<profile>/results.json
}

// Find lists the result sets under root, sorted by host and profile.
func Find(root string) ([]Location, error) {
	paths, err := filepath.Glob(filepath.Join(root, "*", "*", FileName))
	if err != nil {
		return nil, err
	}
	out := make([]Location, 0, len(paths))
	for _, p := range paths {
		dir := filepath.Dir(p)
		out = append(out, Location{Host: filepath.Base(filepath.Dir(dir)), Profile: filepath.Base(dir), Path: p})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Host != out[j].Host {
			return out[i].Host < out[j].Host
		}
		return out[i].Profile < out[j].Profile
	})
	return out, nil
}

// FindHost lists the result sets of one host directory, keyed by profile.
func FindHost(hostDir string) (map[string]string, error) {
	paths, err := filepath.Glob(filepath.Join(hostDir, "*", FileName))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, p := range paths {
		out[filepath.Base(filepath.Dir(p))] = p
	}
	return out, nil
}

// ErrNoResults says where results were expected.
func ErrNoResults(root string) error {
	return fmt.Errorf("%s: no results (expected %s/<host>/<profile>/%s; run 'potbench run' first)", root, root, FileName)
}

// RunsDir holds a host's proven training runs' summaries (RunSummary, one
// JSON file per run).
func RunsDir(root, host string) string { return filepath.Join(root, host, "runs") }
