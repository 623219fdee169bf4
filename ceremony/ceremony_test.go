package ceremony

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// square: y = x^k, with a BSB22 commitment as potbench's circuits have.
type square struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
	k int
}

func (c *square) Define(api frontend.API) error {
	cm, err := api.(frontend.Committer).Commit(c.X)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(cm, 0)
	v := c.X
	for range c.k - 1 {
		v = api.Mul(v, c.X)
	}
	api.AssertIsEqual(v, c.Y)
	return nil
}

func compile(t *testing.T, curve ecc.ID, name string, k int) Named {
	t.Helper()
	cs, err := frontend.Compile(curve.ScalarField(), r1cs.NewBuilder, &square{k: k})
	if err != nil {
		t.Fatal(err)
	}
	return Named{Name: name, CS: cs}
}

// sealed runs a ceremony of three contributors per phase over two circuits.
func sealed(t *testing.T, curve ecc.ID) (string, []Named) {
	t.Helper()
	dir := t.TempDir()
	circuits := []Named{compile(t, curve, "cube", 3), compile(t, curve, "pow9", 9)}
	if _, err := Init(dir, curve, circuits, 0, nil); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"buyer", "seller", "auditor"} {
		if _, err := Contribute(dir, who); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Seal(dir, []byte("beacon one"), circuits); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"buyer", "seller", "auditor"} {
		if _, err := Contribute(dir, who); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Seal(dir, []byte("beacon two"), circuits); err != nil {
		t.Fatal(err)
	}
	return dir, circuits
}

func TestCeremonyKeysProveAndDerive(t *testing.T) {
	for _, curve := range []ecc.ID{ecc.BN254, ecc.BLS12_377} {
		dir, circuits := sealed(t, curve)
		r, err := Read(dir)
		if err != nil {
			t.Fatal(err)
		}
		if p1, p2 := r.Contributors(); p1 != 3 || p2 != 3 {
			t.Errorf("%s: %d and %d contributors", curve, p1, p2)
		}
		// the sealed keys prove and verify
		data, _ := os.ReadFile(filepath.Join(dir, r.Keys["cube"].PK))
		pk := groth16.NewProvingKey(curve)
		if _, err := pk.ReadFrom(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		data, _ = os.ReadFile(filepath.Join(dir, r.Keys["cube"].VK))
		vk := groth16.NewVerifyingKey(curve)
		if _, err := vk.ReadFrom(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		w, _ := frontend.NewWitness(&square{X: 3, Y: 27}, curve.ScalarField())
		proof, err := groth16.Prove(circuits[0].CS, pk, w)
		if err != nil {
			t.Fatal(err)
		}
		pub, _ := w.Public()
		if err := groth16.Verify(proof, vk, pub); err != nil {
			t.Fatalf("%s: a ceremony key rejects an honest proof: %v", curve, err)
		}
		// a stranger derives the same verifying keys from the transcript,
		// and other keys under another beacon
		derivesSealed(t, dir, circuits, "cube", func(r *Record) { r.Beacon2 = "00" + r.Beacon2 })
		// BN254 transcripts hold each domain's Lagrange bases; one without
		// them (an older transcript) derives the same keys
		if want := map[ecc.ID]int{ecc.BN254: 2}[curve]; len(r.Lagrange) != want {
			t.Errorf("%s: Lagrange bases of %d domains in the record, want %d", curve, len(r.Lagrange), want)
		}
		if curve == ecc.BN254 {
			old := copyDir(t, dir)
			editRecord(t, old, func(r *Record) { r.Lagrange = nil })
			derivesSealed(t, old, circuits, "cube", func(r *Record) { r.Beacon2 = "00" + r.Beacon2 })
		}
	}
}

// TestCeremonyRefuses: each bad transcript is refused, naming the
// contribution at fault.
func TestCeremonyRefuses(t *testing.T) {
	dir, circuits := sealed(t, ecc.BN254)
	rehash := func(d string, file string, set func(r *Record, sum string)) {
		data, _ := os.ReadFile(filepath.Join(d, file))
		editRecord(t, d, func(r *Record) { set(r, sha(data)) })
	}
	other := t.TempDir() // a ceremony of another phase 1
	otherCircuits := circuits
	if _, err := Init(other, ecc.BN254, otherCircuits, 0, nil); err != nil {
		t.Fatal(err)
	}
	Contribute(other, "x")
	if _, err := Seal(other, []byte("b"), otherCircuits); err != nil {
		t.Fatal(err)
	}
	Contribute(other, "x")
	for _, c := range []struct {
		name, want string
		edit       func(d string)
	}{
		{"a truncated phase-1 contribution", "phase-1 contribution 2", func(d string) {
			p := filepath.Join(d, "phase1", "0002.bin")
			data, _ := os.ReadFile(p)
			os.WriteFile(p, data[:len(data)-100], 0o644)
			rehash(d, "phase1/0002.bin", func(r *Record, s string) { r.Phase1[1].SHA256 = s })
		}},
		{"an altered phase-1 contribution", "phase-1 contribution 2", func(d string) {
			editFile(d, "phase1/0002.bin", func(data []byte) { data[len(data)-40] ^= 1 }) // the challenge
			rehash(d, "phase1/0002.bin", func(r *Record, s string) { r.Phase1[1].SHA256 = s })
		}},
		{"a changed file, record untouched", "0003.bin: SHA-256 differs", func(d string) {
			editFile(d, "phase1/0003.bin", func(data []byte) { data[10] ^= 1 })
		}},
		{"reordered phase-1 contributions", "phase-1 contribution 1", func(d string) {
			editRecord(t, d, func(r *Record) { r.Phase1[0], r.Phase1[1] = r.Phase1[1], r.Phase1[0] })
		}},
		{"a dropped phase-2 contribution", "pow9: phase-2 contribution 2", func(d string) {
			editRecord(t, d, func(r *Record) { r.Phase2["pow9"] = append(r.Phase2["pow9"][:2], r.Phase2["pow9"][3:]...) })
		}},
		{"a phase-2 contribution made for another circuit", "cube: phase-2 contribution 1", func(d string) {
			editRecord(t, d, func(r *Record) { r.Phase2["cube"][1] = r.Phase2["pow9"][1] })
		}},
		{"a phase 2 built on another phase 1", "cube: phase-2 contribution 1", func(d string) {
			data, _ := os.ReadFile(filepath.Join(other, "phase2", "cube", "0001.bin"))
			os.WriteFile(filepath.Join(d, "phase2", "cube", "0001.bin"), data, 0o644)
			rehash(d, "phase2/cube/0001.bin", func(r *Record, s string) { r.Phase2["cube"][1].SHA256 = s })
		}},
		{"Lagrange bases of another phase 1", "phase1/lagrange-16.bin: " + errWrongBases.Error(), func(d string) {
			data, _ := os.ReadFile(filepath.Join(other, "phase1", "lagrange-16.bin"))
			os.WriteFile(filepath.Join(d, "phase1", "lagrange-16.bin"), data, 0o644)
			rehash(d, "phase1/lagrange-16.bin", func(r *Record, s string) { r.Lagrange["16"] = Contribution{File: "phase1/lagrange-16.bin", SHA256: s} })
		}},
		{"Lagrange bases with two points swapped", "phase1/lagrange-16.bin: " + errWrongBases.Error(), func(d string) {
			editFile(d, "phase1/lagrange-16.bin", func(data []byte) {
				first, second := 4, 4+64 // the first two points of [L(τ)]₁
				a := append([]byte{}, data[first:first+64]...)
				copy(data[first:first+64], data[second:second+64])
				copy(data[second:second+64], a)
			})
			rehash(d, "phase1/lagrange-16.bin", func(r *Record, s string) { r.Lagrange["16"] = Contribution{File: "phase1/lagrange-16.bin", SHA256: s} })
		}},
		{"Lagrange bases changed, record untouched", "lagrange-16.bin: SHA-256 differs", func(d string) {
			editFile(d, "phase1/lagrange-16.bin", func(data []byte) { data[100] ^= 1 })
		}},
		{"Lagrange bases under another file's name", "the record names", func(d string) {
			editRecord(t, d, func(r *Record) { r.Lagrange["16"] = r.Phase1[0] })
		}},
		{"a contribution outside the transcript", "not a path inside the transcript", func(d string) {
			editRecord(t, d, func(r *Record) { r.Phase1[0].File = "../../etc/passwd" })
		}},
		{"a key set up for another circuit", "circuit cube: the transcript was made for constraint system", func(d string) {
			editRecord(t, d, func(r *Record) { r.Circuits[0].ID = r.Circuits[1].ID })
		}},
		{"an unsealed ceremony", "not sealed", func(d string) {
			editRecord(t, d, func(r *Record) { r.Beacon2 = "" })
		}},
	} {
		d := copyDir(t, dir)
		c.edit(d)
		if _, _, err := Derive(d, circuits); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Derive = %v, want %q", c.name, err, c.want)
		}
	}
}

// editFile changes a transcript file in place.
func editFile(dir, rel string, edit func([]byte)) {
	p := filepath.Join(dir, rel)
	data, _ := os.ReadFile(p)
	edit(data)
	os.WriteFile(p, data, 0o644)
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func editRecord(t *testing.T, dir string, edit func(*Record)) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, recordFile))
	if err != nil {
		t.Fatal(err)
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	edit(&r)
	if err := r.write(dir); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// derivesSealed checks that Derive recomputes every sealed verifying key of
// the ceremony in dir byte for byte, and that the transcript with its
// beacon changed by otherBeacon derives another key for the circuit name.
func derivesSealed(t *testing.T, dir string, circuits []Named, name string, otherBeacon func(*Record)) {
	t.Helper()
	r, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	vks, _, err := Derive(dir, circuits)
	if err != nil {
		t.Fatal(err)
	}
	for n, k := range vks {
		got, _ := encode(k)
		want, _ := os.ReadFile(filepath.Join(dir, r.Keys[n].VK))
		if !bytes.Equal(got, want) {
			t.Errorf("%s %s: the derived key differs from the sealed one", r.Curve, n)
		}
	}
	other := copyDir(t, dir)
	editRecord(t, other, otherBeacon)
	vks2, _, err := Derive(other, circuits)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := encode(vks[name])
	b, _ := encode(vks2[name])
	if bytes.Equal(a, b) {
		t.Errorf("%s: another beacon derives the same key", r.Curve)
	}
}
