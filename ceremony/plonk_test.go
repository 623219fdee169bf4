package ceremony

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/scs"
	"github.com/consensys/gnark/test/unsafekzg"
)

func compilePlonk(t *testing.T, curve ecc.ID, name string, k int) Named {
	t.Helper()
	cs, err := frontend.Compile(curve.ScalarField(), scs.NewBuilder, &square{k: k})
	if err != nil {
		t.Fatal(err)
	}
	return Named{Name: name, CS: cs}
}

// TestPlonkFromPhase1: PLONK keys come from phase 1 (two contributors and a
// beacon), prove and verify, and a stranger recomputes the verifying key
// byte for byte; phase 1 is all there is.
func TestPlonkFromPhase1(t *testing.T) {
	for _, curve := range []ecc.ID{ecc.BN254, ecc.BLS12_377} {
		dir := t.TempDir()
		circuits := []Named{compilePlonk(t, curve, "cube", 3), compilePlonk(t, curve, "pow9", 9)}
		r, err := Init(dir, curve, circuits, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Backend != "plonk" || int(r.Domain) != PlonkDomain(circuits[1].CS) {
			t.Fatalf("%s: backend %q, domain %d, want plonk and %d", curve, r.Backend, r.Domain, PlonkDomain(circuits[1].CS))
		}
		for _, who := range []string{"buyer", "seller"} {
			if _, err := Contribute(dir, who); err != nil {
				t.Fatal(err)
			}
		}
		if r, err = Seal(dir, []byte("beacon"), circuits); err != nil {
			t.Fatal(err)
		}
		if !r.Sealed() {
			t.Fatalf("%s: a PLONK ceremony is not sealed by its phase-1 beacon", curve)
		}
		if _, err := Contribute(dir, "late"); err == nil || !strings.Contains(err.Error(), "sealed") {
			t.Errorf("%s: a contribution after the seal: %v", curve, err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, r.Keys["pow9"].PK))
		pk := plonk.NewProvingKey(curve)
		if _, err := pk.ReadFrom(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		vkData, _ := os.ReadFile(filepath.Join(dir, r.Keys["pow9"].VK))
		vk := plonk.NewVerifyingKey(curve)
		if _, err := vk.ReadFrom(bytes.NewReader(vkData)); err != nil {
			t.Fatal(err)
		}
		w, _ := frontend.NewWitness(&square{X: 2, Y: 512}, curve.ScalarField())
		proof, err := plonk.Prove(circuits[1].CS, pk, w)
		if err != nil {
			t.Fatal(err)
		}
		pub, _ := w.Public()
		if err := plonk.Verify(proof, vk, pub); err != nil {
			t.Fatalf("%s: a ceremony key rejects an honest proof: %v", curve, err)
		}
		bad, _ := frontend.NewWitness(&square{X: 2, Y: 511}, curve.ScalarField(), frontend.PublicOnly())
		if err := plonk.Verify(proof, vk, bad); err == nil {
			t.Errorf("%s: the proof verifies another statement", curve)
		}
		// a stranger recomputes each PLONK key byte for byte; another beacon,
		// another reference string, another key
		derivesSealed(t, dir, circuits, "pow9", func(r *Record) { r.Beacon1 = "00" + r.Beacon1 })
		// a key made under a one-party SRS is not the ceremony's
		srs, lagrange, err := unsafekzg.NewSRS(circuits[1].CS)
		if err != nil {
			t.Fatal(err)
		}
		_, oneParty, err := plonk.Setup(circuits[1].CS, srs, lagrange)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(encodeOrFail(t, oneParty), vkData) {
			t.Errorf("%s: a one-party key equals the ceremony's", curve)
		}
	}
}

// TestPlonkRefuses: a Groth16 and a PLONK circuit in one ceremony, a PLONK
// circuit larger than phase 1, and a truncated transcript are refused.
func TestPlonkRefuses(t *testing.T) {
	small, big := compilePlonk(t, ecc.BN254, "cube", 3), compilePlonk(t, ecc.BN254, "pow9", 9)
	if _, err := Init(t.TempDir(), ecc.BN254, []Named{small, compile(t, ecc.BN254, "r1cs", 3)}, 0, nil); err == nil || !strings.Contains(err.Error(), "one proving system") {
		t.Errorf("mixed proving systems: %v", err)
	}
	dir := t.TempDir()
	if _, err := Init(dir, ecc.BN254, []Named{small}, 0, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Contribute(dir, "a"); err != nil {
		t.Fatal(err)
	}
	if PlonkDomain(big.CS) > PlonkDomain(small.CS) {
		editRecord(t, dir, func(r *Record) { r.Circuits = append(r.Circuits, Circuit{Name: "pow9", ID: mustID(t, big)}) })
		if _, err := Seal(copyDir(t, dir), []byte("b"), []Named{small, big}); err == nil || !strings.Contains(err.Error(), "phase 1 serves up to") {
			t.Errorf("a circuit larger than phase 1: %v", err)
		}
	}
	d := copyDir(t, dir)
	p := filepath.Join(d, "phase1", "0001.bin")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, data[:len(data)/2], 0o644)
	editRecord(t, d, func(r *Record) { r.Phase1[0].SHA256 = sha(data[:len(data)/2]) })
	if _, err := Seal(d, []byte("b"), []Named{small}); err == nil || !strings.Contains(err.Error(), "phase-1 contribution 1") {
		t.Errorf("a truncated contribution: %v", err)
	}
}

func encodeOrFail(t *testing.T, w interface {
	WriteTo(w io.Writer) (int64, error)
}) []byte {
	t.Helper()
	b, err := encode(w)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustID(t *testing.T, n Named) string {
	t.Helper()
	id, err := ID(n.CS)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
