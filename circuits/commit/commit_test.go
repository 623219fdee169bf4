package commit

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
)

type packHashCircuit struct {
	Vals   []frontend.Variable
	Digest frontend.Variable `gnark:",public"`
	bits   int
}

func (c *packHashCircuit) Define(api frontend.API) error {
	h, err := PackAndHash(fixedpoint.New(api), c.Vals, c.bits)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h, c.Digest)
	return nil
}

func packHashAssignment(t *testing.T, curve ecc.ID, vals []int64, bits int) *packHashCircuit {
	t.Helper()
	h, err := NativePackAndHash(curve, vals, bits)
	if err != nil {
		t.Fatal(err)
	}
	a := &packHashCircuit{Vals: make([]frontend.Variable, len(vals)), Digest: h}
	for i, v := range vals {
		a.Vals[i] = v
	}
	return a
}

func TestPackAndHashMatchesNative(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, curve := range Curves {
		// n=0 and n=1 hit the empty and the partial block; BLS12-381's rate
		// is 2, so 3 and 4 cross its block boundary, 16 and 46 BN254's.
		for _, tc := range []struct{ n, bits int }{{0, 16}, {1, 16}, {3, 16}, {4, 16}, {15, 16}, {16, 16}, {46, 16}, {8, 32}, {20, 32}} {
			f := fixedpoint.Format{Bits: tc.bits}
			vals := circuittest.Ints(rng, tc.n, f.Min(), f.Max())
			if tc.n > 2 {
				vals[0], vals[1] = f.Min(), f.Max()
			}
			circuit := &packHashCircuit{Vals: make([]frontend.Variable, tc.n), bits: tc.bits}
			if err := test.IsSolved(circuit, packHashAssignment(t, curve, vals, tc.bits), curve.ScalarField()); err != nil {
				t.Fatalf("%s n=%d bits=%d: %v", curve, tc.n, tc.bits, err)
			}
		}
	}
}

func TestPackAndHashRejectsTampering(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vals := circuittest.Ints(rng, 20, -1000, 1000)
	circuit := &packHashCircuit{Vals: make([]frontend.Variable, len(vals)), bits: 16}
	for _, curve := range Curves {
		changed := packHashAssignment(t, curve, vals, 16)
		changed.Vals[3] = vals[3] + 1

		// Same packed element, but value 0 carries 2^16 into value 1: a
		// prover without range checks could claim other data under the same
		// digest.
		carried := packHashAssignment(t, curve, vals, 16)
		carried.Vals[0] = vals[0] + 1<<16
		carried.Vals[1] = vals[1] - 1

		outOfRange := packHashAssignment(t, curve, vals, 16)
		outOfRange.Vals[5] = int64(1 << 15)

		// The other curve's digest of the same values.
		other := ecc.BN254
		if curve == ecc.BN254 {
			other = ecc.BLS12_381
		}
		foreignCurve := packHashAssignment(t, curve, vals, 16)
		foreignCurve.Digest = packHashAssignment(t, other, vals, 16).Digest

		test.NewAssert(t).CheckCircuit(circuit,
			test.WithValidAssignment(packHashAssignment(t, curve, vals, 16)),
			test.WithInvalidAssignment(changed),
			test.WithInvalidAssignment(carried),
			test.WithInvalidAssignment(outOfRange),
			test.WithInvalidAssignment(foreignCurve),
			test.WithCurves(curve), test.WithBackends(backend.GROTH16), test.NoFuzzing(), test.NoSerializationChecks())
	}
}

type batchCircuit struct {
	Root, Index frontend.Variable `gnark:",public"`
	Rows        [][]frontend.Variable
	Siblings    []frontend.Variable
}

func (c *batchCircuit) Define(api frontend.API) error {
	return VerifyRows(fixedpoint.New(api), c.Root, c.Index, c.Rows, 16, c.Siblings)
}

func batchAssignment(t *testing.T, ds *Dataset, k int) *batchCircuit {
	t.Helper()
	sib, err := ds.Siblings(k)
	if err != nil {
		t.Fatal(err)
	}
	a := &batchCircuit{Root: ds.Root(), Index: k, Siblings: sib}
	for _, r := range ds.Batch(k) {
		row := make([]frontend.Variable, len(r))
		for j := range r {
			row[j] = r[j]
		}
		a.Rows = append(a.Rows, row)
	}
	return a
}

func emptyBatchCircuit(ds *Dataset) *batchCircuit {
	c := &batchCircuit{Siblings: make([]frontend.Variable, ds.Depth())}
	for range ds.BatchSize {
		c.Rows = append(c.Rows, make([]frontend.Variable, len(ds.Rows[0])))
	}
	return c
}

func TestDatasetMembership(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, nRows := range []int{3, 12, 20} { // depth 0, 2 and 3 (5 batches, 3 zero leaves)
		bn, err := NewDataset(circuittest.Rows(rng, nRows, 5, -30000, 30000), 3, 16)
		if err != nil {
			t.Fatal(err)
		}
		for _, curve := range Curves {
			ds, err := bn.On(curve)
			if err != nil {
				t.Fatal(err)
			}
			checkMembership(t, ds)
		}
	}
}

func checkMembership(t *testing.T, ds *Dataset) {
	t.Helper()
	circuit := emptyBatchCircuit(ds)
	opts := []test.TestingOption{test.WithCurves(ds.Curve), test.WithBackends(backend.GROTH16), test.NoFuzzing(), test.NoSerializationChecks()}
	for k := 0; k < ds.NumBatches(); k++ {
		opts = append(opts, test.WithValidAssignment(batchAssignment(t, ds, k)))
	}
	// A row that is not in the dataset.
	foreign := batchAssignment(t, ds, 0)
	foreign.Rows[1][2] = 12345
	opts = append(opts, test.WithInvalidAssignment(foreign))
	if ds.NumBatches() > 1 {
		// A batch of the dataset claimed at another position.
		moved := batchAssignment(t, ds, 1)
		moved.Index = 0
		opts = append(opts, test.WithInvalidAssignment(moved))
		// Rows from two batches mixed.
		mixed := batchAssignment(t, ds, 0)
		mixed.Rows[0] = batchAssignment(t, ds, 1).Rows[0]
		opts = append(opts, test.WithInvalidAssignment(mixed))
	}
	test.NewAssert(t).CheckCircuit(circuit, opts...)
}

func TestNewDatasetErrors(t *testing.T) {
	if _, err := NewDataset([][]int64{{1, 2}, {3}}, 1, 16); err == nil {
		t.Error("ragged rows accepted")
	}
	if _, err := NewDataset([][]int64{{1, 2}}, 2, 16); err == nil {
		t.Error("batch larger than the dataset accepted")
	}
	if _, err := NewDataset([][]int64{{1, 1 << 20}}, 1, 16); err == nil {
		t.Error("value outside 16 bits accepted")
	}
}

func TestCurves(t *testing.T) {
	for _, in := range []string{"bn254", "BLS12-381", "bls12_381"} {
		if _, err := ParseCurve(in); err != nil {
			t.Errorf("ParseCurve(%q): %v", in, err)
		}
	}
	if _, err := ParseCurve("secp256k1"); err == nil || !strings.Contains(err.Error(), "bls12_381") {
		t.Errorf("ParseCurve(secp256k1) = %v, want an error naming the supported curves", err)
	}
	if _, err := CurveOf(ecc.BW6_761.ScalarField()); err == nil {
		t.Error("CurveOf accepted BW6-761's field")
	}
	if _, err := NewDatasetOn(ecc.BW6_761, [][]int64{{1}}, 1, 16); err == nil {
		t.Error("NewDatasetOn accepted an unsupported curve")
	}
}

func TestDatasetOnOtherCurve(t *testing.T) {
	rows := circuittest.Rows(rand.New(rand.NewPCG(9, 10)), 8, 3, -100, 100)
	bn, err := NewDataset(rows, 2, 16)
	if err != nil {
		t.Fatal(err)
	}
	bls, err := bn.On(ecc.BLS12_381)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := bn.On(ecc.BLS12_381)
	if again != bls {
		t.Error("On recommitted the dataset instead of reusing it")
	}
	direct, err := NewDatasetOn(ecc.BLS12_381, rows, 2, 16)
	if err != nil {
		t.Fatal(err)
	}
	if bls.Root().Cmp(direct.Root()) != 0 || bls.Curve != ecc.BLS12_381 {
		t.Error("On and NewDatasetOn disagree")
	}
	if bls.Root().Cmp(bn.Root()) == 0 {
		t.Error("BN254 and BLS12-381 roots coincide")
	}
	if same, _ := bn.On(ecc.BN254); same != bn {
		t.Error("On(own curve) is not the dataset itself")
	}
}
