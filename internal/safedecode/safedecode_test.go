package safedecode

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
)

func TestReadFileBounds(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, make([]byte, 100), 0o644)
	if _, err := ReadFile(p, 99, "thing"); err == nil || !strings.Contains(err.Error(), "100 bytes; a thing is at most 99") {
		t.Errorf("over the limit: %v", err)
	}
	if data, err := ReadFile(p, 100, "thing"); err != nil || len(data) != 100 {
		t.Errorf("at the limit: %d bytes, %v", len(data), err)
	}
	if _, err := ReadFile(dir, 100, "thing"); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v", err)
	}
}

func TestJSONStrict(t *testing.T) {
	var v struct{ A int }
	for in, want := range map[string]string{
		`{"A":1} {"A":2}`: "data after the JSON value",
		`{"B":1}`:         "unknown field",
		`[`:               "unexpected EOF",
	} {
		if err := JSON("x.json", []byte(in), &v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

// TestWalkerLengths: a length prefix larger than the bytes left is refused
// before any decoder sees it, on each curve.
func TestWalkerLengths(t *testing.T) {
	for _, c := range []ecc.ID{ecc.BN254, ecc.BLS12_381, ecc.BLS12_377, ecc.BW6_761} {
		s, err := SizesOf(c)
		if err != nil {
			t.Fatal(err)
		}
		// a Groth16 key: six points flagged compressed, then K's length
		key := make([]byte, 3*s.G1+3*s.G2+4+64)
		at := 0
		for _, n := range []int{s.G1, s.G1, s.G2, s.G2, s.G1, s.G2} {
			key[at] = 0b1000_0000
			at += n
		}
		binary.BigEndian.PutUint32(key[at:], 0x7ffffff0)
		if err := Groth16VK(key, s); err == nil || !strings.Contains(err.Error(), "the length prefix says 2147483632 points") {
			t.Errorf("%s: %v", c, err)
		}
		// a proof whose commitment count is 2^31
		proof := make([]byte, 2*s.G1+s.G2+4+s.G1)
		for _, off := range []int{0, s.G1, s.G1 + s.G2} {
			proof[off] = 0b1000_0000
		}
		binary.BigEndian.PutUint32(proof[2*s.G1+s.G2:], 1<<31)
		if err := Groth16Proof(proof, s); err == nil || !strings.Contains(err.Error(), "the length prefix says 2147483648 points") {
			t.Errorf("%s proof: %v", c, err)
		}
		// an uncompressed point
		proof[0] = 0
		if err := Groth16Proof(proof, s); err == nil || !strings.Contains(err.Error(), "not a compressed point") {
			t.Errorf("%s uncompressed: %v", c, err)
		}
	}
}

func TestPhase1Domain(t *testing.T) {
	s, _ := SizesOf(ecc.BN254)
	data := make([]byte, 3*(s.G1+s.G2)+8)
	for i := range 3 {
		data[i*(s.G1+s.G2)] = 0b1000_0000
		data[i*(s.G1+s.G2)+s.G1] = 0b1000_0000
	}
	binary.BigEndian.PutUint64(data[3*(s.G1+s.G2):], 1<<40)
	if err := Phase1(data, s, 16); err == nil || !strings.Contains(err.Error(), "not a phase-1 contribution of domain 16: it says 1099511627776") {
		t.Errorf("a phase 1 claiming 2^40: %v", err)
	}
}
