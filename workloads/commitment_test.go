package workloads

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/potbench/potbench/bench"
)

// TestCommitGKRMatchesNative: the GKR-checked hash and its native twin agree,
// and a wrong digest is rejected.
func TestCommitGKRMatchesNative(t *testing.T) {
	w, err := bench.New("commit-gkr/N=32")
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.Assignment(ecc.BN254)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.IsSolved(w.Circuit(), a, ecc.BN254.ScalarField()); err != nil {
		t.Fatal(err)
	}
	wrong := *a.(*commitCircuit)
	wrong.Digest = new(big.Int).Add(wrong.Digest.(*big.Int), big.NewInt(1))
	if test.IsSolved(w.Circuit(), &wrong, ecc.BN254.ScalarField()) == nil {
		t.Error("a wrong digest was accepted")
	}
	changed := *a.(*commitCircuit)
	changed.Vals = append(changed.Vals[:0:0], changed.Vals...)
	changed.Vals[3] = changed.Vals[3].(int64) + 1
	if test.IsSolved(w.Circuit(), &changed, ecc.BN254.ScalarField()) == nil {
		t.Error("a changed value was accepted")
	}
}
