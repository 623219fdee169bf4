package ceremony

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
)

// seedDomain is the phase-1 domain of the seed ceremony.
const seedDomain = 16

// FuzzContribution: a contribution file, whatever its bytes, is decoded or
// refused, never panics, and allocates within its size. Seeds are the files
// of a real ceremony (testdata/fuzz/FuzzContribution/seed-*, written by go
// test ./ceremony -run TestWriteFuzzSeeds -fuzz.seeds).
func FuzzContribution(f *testing.F) {
	f.Add([]byte{0}, false)
	m, err := mpcOf(ecc.BN254)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, phase2 bool) {
		if phase2 {
			m.decode(data, 2, 0)
			return
		}
		m.decode(data, 1, seedDomain)
	})
}

var writeSeeds = flag.Bool("fuzz.seeds", false, "write the seed corpus of FuzzContribution from a real ceremony")

func TestWriteFuzzSeeds(t *testing.T) {
	if !*writeSeeds {
		t.Skip("pass -fuzz.seeds to write the seed corpus")
	}
	dir := t.TempDir()
	circuits := []Named{compile(t, ecc.BN254, "cube", 3)}
	if _, err := Init(dir, ecc.BN254, circuits, seedDomain, nil); err != nil {
		t.Fatal(err)
	}
	Contribute(dir, "a")
	Contribute(dir, "b")
	if _, err := Seal(dir, []byte{1}, circuits); err != nil {
		t.Fatal(err)
	}
	Contribute(dir, "a")
	r, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join("testdata", "fuzz", "FuzzContribution")
	os.MkdirAll(out, 0o755)
	for _, c := range append(append([]Contribution{}, r.Phase1...), r.Phase2["cube"]...) {
		data, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		phase2 := strings.HasPrefix(c.File, "phase2")
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\nbool(%v)\n", data, phase2)
		name := "seed-" + strings.NewReplacer("/", "-", ".", "-").Replace(c.File)
		if err := os.WriteFile(filepath.Join(out, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSeedsDecode: the seed ceremony's files pass the layout walk and decode.
func TestSeedsDecode(t *testing.T) {
	m, _ := mpcOf(ecc.BN254)
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzContribution", "seed-*"))
	if len(files) == 0 {
		t.Fatal("no seeds")
	}
	for _, path := range files {
		raw, _ := os.ReadFile(path)
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			t.Fatal(err)
		}
		phase := 1
		if lines[2] == "bool(true)" {
			phase = 2
		}
		if err := m.decode([]byte(data), phase, seedDomain); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}
