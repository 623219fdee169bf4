package curves

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, in := range []string{"bn254", "BLS12-381", "bls12_381", "bls12-377"} {
		if _, err := Parse(in); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
	if _, err := Parse("secp256k1"); err == nil || !strings.Contains(err.Error(), "bls12_381") {
		t.Errorf("Parse(secp256k1) = %v, want an error naming the supported curves", err)
	}
}
