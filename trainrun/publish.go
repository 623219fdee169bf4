package trainrun

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/potbench/potbench/ceremony"
	"github.com/potbench/potbench/internal/atomicfile"
)

// A published run directory is what a stranger needs to check a run: the
// manifest, the README that states the run in words, the final model, the
// verifying keys, the proofs with their records, and the ceremony's record
// when the keys came from one (the key provenance: contributions, beacons,
// the digests of every transcript file and key). Proving keys never belong
// there: a run directory holding one is refused for publishing.

// publicFiles lists, relative to the run directory, the files a published
// run holds: those the manifest names, with the proof records and README.
func publicFiles(m *Manifest) []string {
	files := []string{manifestFile, "README.md", m.FinalModel.File}
	for _, c := range m.Circuits {
		files = append(files, c.VK)
	}
	proofs := m.Proofs
	if m.Score != nil && !Scored(m.Score.Shape) { // a folded score is the last step proof's file
		proofs = append(slices.Clip(proofs), m.Score.Proof)
	}
	for _, p := range proofs {
		files = append(files, p.File, strings.TrimSuffix(p.File, filepath.Ext(p.File))+".json")
	}
	if a := m.Aggregate; a != nil {
		files = append(files, a.File, a.VK)
	}
	if m.Keys.Kind == FromCeremony {
		files = append(files, ceremonyRecordFile)
	}
	return files
}

const (
	manifestFile       = "manifest.json"
	ceremonyRecordFile = "ceremony.json" // the ceremony's record beside a published run
)

// Publish copies the public part of the run in src to dst (replacing an
// earlier publication whole: the copy is made beside dst and renamed): the
// files publicFiles names, and, for keys from a ceremony, the ceremony's
// record from ceremonyDir, which must be the record the manifest names. The
// run must verify first; the copy is checked again with CheckPublished.
func Publish(src, dst, ceremonyDir string) (*Verdict, error) {
	v, err := Verify(src, nil)
	if err != nil {
		return nil, fmt.Errorf("%s does not verify: %w", src, err)
	}
	m := v.Manifest
	if m.Keys.Kind == FromCeremony && ceremonyDir == "" {
		return nil, fmt.Errorf("%s: the keys come from a ceremony (record SHA-256 %s): pass its directory, whose ceremony.json is published beside the run", src, m.Keys.Transcript)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".publish-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	for _, rel := range publicFiles(m) {
		from := filepath.Join(src, rel)
		if rel == ceremonyRecordFile {
			from = filepath.Join(ceremonyDir, ceremonyRecordFile)
		}
		data, err := os.ReadFile(from)
		if err != nil {
			return nil, fmt.Errorf("publishing %s: %w", src, err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(tmp, rel)), 0o755); err != nil {
			return nil, err
		}
		if err := atomicfile.Write(filepath.Join(tmp, rel), data); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	if _, err := CheckPublished(tmp); err != nil {
		return nil, err
	}
	old := ""
	if _, err := os.Stat(dst); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dst, old); err != nil {
			return nil, err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		if old != "" {
			_ = os.Rename(old, dst)
		}
		return nil, err
	}
	if old != "" {
		_ = os.RemoveAll(old)
	}
	return v, nil
}

// CheckPublished checks a published run directory: nothing in it beyond
// the files publicFiles names (a proving key, or any file the manifest does
// not name, is refused), the ceremony's record, when the keys came from a
// ceremony, is the one the manifest names and lists the run's verifying
// keys, and the run verifies with its keys taken as given (its aggregated
// proof too, when it has one).
func CheckPublished(dir string) (*Verdict, error) {
	var m Manifest
	if err := readJSON(filepath.Join(dir, manifestFile), maxManifestBytes, "manifest", &m); err != nil {
		return nil, err
	}
	allowed := map[string]bool{}
	for _, f := range publicFiles(&m) {
		allowed[filepath.Clean(f)] = true
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case strings.HasSuffix(rel, ".pk") || strings.HasPrefix(rel, "keys"+string(filepath.Separator)):
			return fmt.Errorf("%s: %s is a proving key: a published run holds verifying keys only (refused for publishing)", dir, rel)
		case !allowed[rel]:
			return fmt.Errorf("%s: %s is not a file the manifest names (a published run holds the manifest, README.md, the model, verifying keys, proofs and the ceremony's record)", dir, rel)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m.Keys.Kind == FromCeremony {
		if err := checkCeremonyRecord(dir, &m); err != nil {
			return nil, err
		}
	}
	if m.Aggregate != nil { // the one proof of the whole run, on its own
		if _, err := VerifyAggregate(dir, nil); err != nil {
			return nil, err
		}
	}
	return Verify(dir, nil)
}

// checkCeremonyRecord checks that the ceremony record beside a run is the
// one its manifest names and that it lists the run's verifying keys.
func checkCeremonyRecord(dir string, m *Manifest) error {
	data, err := runFile(dir, ceremonyRecordFile, 16<<20, "ceremony record")
	if err != nil {
		return err
	}
	if got := sha256Hex(data); got != m.Keys.Transcript {
		return fmt.Errorf("%s: %s has SHA-256 %s, the manifest names the record %s", dir, ceremonyRecordFile, got, m.Keys.Transcript)
	}
	rec, err := ceremony.Read(dir)
	if err != nil {
		return err
	}
	for _, c := range m.Circuits {
		k, ok := rec.Keys[c.Shape]
		if !ok {
			return fmt.Errorf("%s: the ceremony's record has no key for the %s circuit", dir, c.Shape)
		}
		if k.VKSHA256 != c.VKSHA256 {
			return fmt.Errorf("%s: the %s circuit's verifying key (SHA-256 %s) is not the ceremony's (%s)", dir, c.Shape, c.VKSHA256, k.VKSHA256)
		}
	}
	return nil
}
