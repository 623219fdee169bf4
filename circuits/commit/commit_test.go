package commit

import (
	"math/rand/v2"
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

func packHashAssignment(t *testing.T, vals []int64, bits int) *packHashCircuit {
	t.Helper()
	h, err := NativePackAndHash(vals, bits)
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
	for _, tc := range []struct{ n, bits int }{{0, 16}, {1, 16}, {15, 16}, {16, 16}, {46, 16}, {8, 32}, {20, 32}} {
		f := fixedpoint.Format{Bits: tc.bits}
		vals := circuittest.Ints(rng, tc.n, f.Min(), f.Max())
		if tc.n > 2 {
			vals[0], vals[1] = f.Min(), f.Max()
		}
		circuit := &packHashCircuit{Vals: make([]frontend.Variable, tc.n), bits: tc.bits}
		if err := test.IsSolved(circuit, packHashAssignment(t, vals, tc.bits), ecc.BN254.ScalarField()); err != nil {
			t.Fatalf("n=%d bits=%d: %v", tc.n, tc.bits, err)
		}
	}
}

func TestPackAndHashRejectsTampering(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vals := circuittest.Ints(rng, 20, -1000, 1000)
	circuit := &packHashCircuit{Vals: make([]frontend.Variable, len(vals)), bits: 16}

	changed := packHashAssignment(t, vals, 16)
	changed.Vals[3] = vals[3] + 1

	// Same packed element, but value 0 carries 2^16 into value 1: a prover
	// without range checks could claim other data under the same digest.
	carried := packHashAssignment(t, vals, 16)
	carried.Vals[0] = vals[0] + 1<<16
	carried.Vals[1] = vals[1] - 1

	outOfRange := packHashAssignment(t, vals, 16)
	outOfRange.Vals[5] = int64(1 << 15)

	test.NewAssert(t).CheckCircuit(circuit,
		test.WithValidAssignment(packHashAssignment(t, vals, 16)),
		test.WithInvalidAssignment(changed),
		test.WithInvalidAssignment(carried),
		test.WithInvalidAssignment(outOfRange),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16), test.NoFuzzing(), test.NoSerializationChecks())
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
		ds, err := NewDataset(circuittest.Rows(rng, nRows, 5, -30000, 30000), 3, 16)
		if err != nil {
			t.Fatal(err)
		}
		circuit := emptyBatchCircuit(ds)
		opts := []test.TestingOption{test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16), test.NoFuzzing(), test.NoSerializationChecks()}
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
