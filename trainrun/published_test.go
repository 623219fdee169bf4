package trainrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/potbench/potbench/ceremony"
)

// TestPublishedRuns: every run directory published under results/ passes
// CheckPublished from this checkout: nothing but the public files, every
// proof verified, and for keys from a ceremony its record, the one the
// manifest names, listing the run's verifying keys. Keys from a one-party
// setup are published as such (the manifest and verify say so).
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
		start := time.Now()
		v, err := CheckPublished(dir)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		t.Logf("%s: keys %s; %d proofs verified in %s (checked in %s)", dir, v.Manifest.Keys.Kind, v.Proofs, v.VerifyTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	}
}

// TestPublishedCircuits: every published run's circuits (up to 200,000
// constraints, to keep the suite short) compile again from the terms its
// manifest states to the identity and size the manifest records, at their
// circuit revision: a change that moved a revision's circuits would break
// every key made for them, ceremony keys included.
func TestPublishedCircuits(t *testing.T) {
	manifests, err := filepath.Glob(filepath.Join("..", "results", "*", "runs", "*", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, path := range manifests {
		m, err := ReadManifest(filepath.Dir(path))
		if err != nil {
			t.Fatal(err)
		}
		var shapes []string
		for _, c := range m.Circuits {
			if c.Constraints <= 200_000 {
				shapes = append(shapes, c.Shape)
			}
		}
		named, err := TermsCircuits(TermsOf(m), shapes)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		for _, n := range named {
			id, err := ceremony.ID(n.CS)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range m.Circuits {
				if c.Shape == n.Name && (c.ID != id || c.Constraints != n.CS.GetNbConstraints()) {
					t.Errorf("%s: the %s circuit of revision %d compiles to %d constraints, %s; the manifest records %d, %s",
						path, c.Shape, TermsOf(m).CircuitRevision(), n.CS.GetNbConstraints(), id, c.Constraints, c.ID)
				}
			}
			checked++
		}
	}
	t.Logf("%d published circuits compiled again from their terms", checked)
}

// TestPublish: Publish copies a run's public files and nothing else; a
// published directory holding a proving key, or a file the manifest does
// not name, is refused; a run that does not verify is not published.
func TestPublish(t *testing.T) {
	src := copyRun(t, made(t, "tiny", tiny("")))
	dst := filepath.Join(t.TempDir(), "published")
	if _, err := Publish(src, dst, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dst, "keys")); !os.IsNotExist(err) {
		t.Fatalf("the proving keys were published: %v", err)
	}
	if _, err := CheckPublished(dst); err != nil {
		t.Fatal(err)
	}
	if _, err := Publish(src, dst, ""); err != nil { // publishing again replaces it
		t.Fatal(err)
	}
	for name, plant := range map[string]string{"proving key": "keys/step.pk", "renamed proving key": "vk/step.pk", "stray file": "notes.txt"} {
		bad := copyRun(t, dst)
		data, _ := os.ReadFile(filepath.Join(src, "keys", "step.pk"))
		if err := os.MkdirAll(filepath.Dir(filepath.Join(bad, plant)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bad, plant), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := CheckPublished(bad); err == nil || !strings.Contains(err.Error(), plant) {
			t.Errorf("%s (%s): %v", name, plant, err)
		}
	}
	editManifest(t, src, func(m *Manifest) { m.LR = 0.5 })
	if _, err := Publish(src, filepath.Join(t.TempDir(), "p"), ""); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Errorf("a run that does not verify was published: %v", err)
	}
}
