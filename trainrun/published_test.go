package trainrun

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/potbench/potbench/ceremony"
)

// TestPublishedRuns: every run directory published under results/ (as
// scripts/ceremony-runs.sh writes it: no proving keys, the ceremony's record
// beside) verifies from this checkout, rests on ceremony keys, and each of
// its verifying keys is the one the ceremony's record names.
func TestPublishedRuns(t *testing.T) {
	manifests, err := filepath.Glob(filepath.Join("..", "results", "*", "runs", "*", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(manifests) == 0 {
		t.Skip("no run directory published under results/")
	}
	for _, path := range manifests {
		dir := filepath.Dir(path)
		v, err := Verify(dir, nil)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if v.Manifest.Keys.Kind != FromCeremony {
			t.Errorf("%s: keys from %q, not a ceremony", dir, v.Manifest.Keys.Kind)
		}
		if data, err := os.ReadFile(filepath.Join(dir, "ceremony.json")); err != nil || sha256Hex(data) != v.Manifest.Keys.Transcript {
			t.Errorf("%s: ceremony.json is not the record the manifest names (%v)", dir, err)
		}
		rec, err := ceremony.Read(dir)
		if err != nil {
			t.Errorf("%s: the ceremony's record: %v", dir, err)
			continue
		}
		for _, c := range v.Manifest.Circuits {
			data, err := os.ReadFile(filepath.Join(dir, c.VK))
			if err != nil || sha256Hex(data) != rec.Keys[c.Shape].VKSHA256 {
				t.Errorf("%s: %s is not the key the ceremony's record names for the %s circuit (%v)", dir, c.VK, c.Shape, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "keys")); !os.IsNotExist(err) {
			t.Errorf("%s: proving keys published", dir)
		}
	}
}
