package ceremony

import (
	"bytes"
	"testing"

	mpcbn254 "github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
)

// TestPhase1BN254 checks phase1BN254 against gnark's Phase1 both ways: it
// reads and writes gnark's encoding byte for byte, gnark verifies its
// contributions and it verifies gnark's, and it seals to gnark's commons.
func TestPhase1BN254(t *testing.T) {
	const n = 64
	gnarkBytes := func(p *mpcbn254.Phase1) []byte {
		var b bytes.Buffer
		if _, err := p.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	gnarkRead := func(data []byte) *mpcbn254.Phase1 {
		p := new(mpcbn254.Phase1)
		if _, err := p.ReadFrom(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
		return p
	}

	// gnark contributes first; the parts read and write it byte for byte
	g1 := mpcbn254.NewPhase1(n)
	g1.Contribute()
	first := gnarkBytes(g1)
	p, err := readPhase1BN254(first, n)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := p.encode(); !bytes.Equal(again, first) {
		t.Fatal("a contribution read and written again differs from gnark's encoding")
	}
	fresh, _ := newPhase1BN254(n).encode()
	if !bytes.Equal(fresh, gnarkBytes(mpcbn254.NewPhase1(n))) {
		t.Fatal("the empty phase 1 differs from gnark's NewPhase1")
	}

	// ours contributes second: gnark verifies it
	second, err := contribute1BN254(first, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := gnarkRead(first).Verify(gnarkRead(second)); err != nil {
		t.Fatalf("gnark refuses a contribution made here: %v", err)
	}
	// gnark contributes third on top of ours
	g3 := gnarkRead(second)
	g3.Contribute()
	third := gnarkBytes(g3)

	// ours verifies gnark's and its own, and seals as gnark does
	got, err := verify1BN254(n, []byte("beacon"), [][]byte{first, second, third})
	if err != nil {
		t.Fatalf("a chain of gnark's and our contributions refused: %v", err)
	}
	want, err := mpcbn254.VerifyPhase1(n, []byte("beacon"), gnarkRead(first), gnarkRead(second), gnarkRead(third))
	if err != nil {
		t.Fatal(err)
	}
	var gb, wb bytes.Buffer
	got.(*mpcbn254.SrsCommons).WriteTo(&gb)
	want.WriteTo(&wb)
	if !bytes.Equal(gb.Bytes(), wb.Bytes()) {
		t.Fatal("the sealed commons differ from gnark's")
	}
	// out of order, or skipping one, refused
	if _, err := verify1BN254(n, []byte("beacon"), [][]byte{first, third}); err == nil {
		t.Error("a chain missing a contribution verified")
	}
	if _, err := verify1BN254(n, []byte("beacon"), [][]byte{second, first}); err == nil {
		t.Error("a reordered chain verified")
	}
	if _, err := contribute1BN254(first, n/2); err == nil {
		t.Error("a contribution of another domain read")
	}
}
