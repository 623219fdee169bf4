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
	"github.com/potbench/potbench/curves"
)

type packHashCircuit struct {
	Vals   []frontend.Variable
	Digest frontend.Variable `gnark:",public"`
	dom    Domain
}

func (c *packHashCircuit) Define(api frontend.API) error {
	h, err := PackAndHash(fixedpoint.New(api), c.dom, c.Vals)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h, c.Digest)
	return nil
}

func vector(n, bits int) Domain { return Vector(n, fixedpoint.Format{Bits: bits}) }

func packHashAssignment(t *testing.T, curve ecc.ID, vals []int64, bits int) *packHashCircuit {
	t.Helper()
	h, err := NativePackAndHash(curve, vector(len(vals), bits), vals)
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
	for _, curve := range curves.All {
		// n=0 and n=1 hit the empty and the partial block; BLS12-381's rate
		// is 2, so 3 and 4 cross its block boundary, 16 and 46 BN254's.
		for _, tc := range []struct{ n, bits int }{{0, 16}, {1, 16}, {3, 16}, {4, 16}, {15, 16}, {16, 16}, {46, 16}, {8, 32}, {20, 32}} {
			f := fixedpoint.Format{Bits: tc.bits}
			vals := circuittest.Ints(rng, tc.n, f.Min(), f.Max())
			if tc.n > 2 {
				vals[0], vals[1] = f.Min(), f.Max()
			}
			circuit := &packHashCircuit{Vals: make([]frontend.Variable, tc.n), dom: vector(tc.n, tc.bits)}
			if err := test.IsSolved(circuit, packHashAssignment(t, curve, vals, tc.bits), curve.ScalarField()); err != nil {
				t.Fatalf("%s n=%d bits=%d: %v", curve, tc.n, tc.bits, err)
			}
		}
	}
}

func TestPackAndHashRejectsTampering(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vals := circuittest.Ints(rng, 20, -1000, 1000)
	circuit := &packHashCircuit{Vals: make([]frontend.Variable, len(vals)), dom: vector(len(vals), 16)}
	for _, curve := range curves.Compared {
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
	Root, Batches, Index frontend.Variable `gnark:",public"`
	Rows                 [][]frontend.Variable
	Siblings             []frontend.Variable
	set                  Set
}

func (c *batchCircuit) Define(api frontend.API) error {
	return VerifyRows(fixedpoint.New(api), c.set, c.Root, c.Batches, c.Index, c.Rows, c.Siblings)
}

func batchAssignment(t *testing.T, ds *Dataset, k int) *batchCircuit {
	t.Helper()
	sib, err := ds.Siblings(k)
	if err != nil {
		t.Fatal(err)
	}
	a := &batchCircuit{Root: ds.Root(), Batches: ds.NumBatches(), Index: k, Siblings: sib}
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
	c := &batchCircuit{Siblings: make([]frontend.Variable, ds.Depth()), set: ds.Set()}
	for range ds.BatchSize {
		c.Rows = append(c.Rows, make([]frontend.Variable, len(ds.Rows[0])))
	}
	return c
}

func TestDatasetMembership(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, nRows := range []int{3, 12, 20} { // depth 0, 2 and 3 (5 batches, 3 zero leaves)
		bn, err := NewDataset(RoleTrain, circuittest.Rows(rng, nRows, 5, -30000, 30000), 3, fixedpoint.Format{Bits: 16, Frac: 12})
		if err != nil {
			t.Fatal(err)
		}
		for _, curve := range curves.All {
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
		// The root passed with one batch fewer than it was committed with.
		fewer := batchAssignment(t, ds, 0)
		fewer.Batches = ds.NumBatches() - 1
		opts = append(opts, test.WithInvalidAssignment(fewer))
	}
	// The root passed with one batch more.
	more := batchAssignment(t, ds, 0)
	more.Batches = ds.NumBatches() + 1
	opts = append(opts, test.WithInvalidAssignment(more))
	test.NewAssert(t).CheckCircuit(circuit, opts...)
}

func TestNewDatasetErrors(t *testing.T) {
	if _, err := NewDataset(RoleTrain, [][]int64{{1, 2}, {3}}, 1, fixedpoint.Format{Bits: 16, Frac: 12}); err == nil {
		t.Error("ragged rows accepted")
	}
	if _, err := NewDataset(RoleTrain, [][]int64{{1, 2}}, 2, fixedpoint.Format{Bits: 16, Frac: 12}); err == nil {
		t.Error("batch larger than the dataset accepted")
	}
	if _, err := NewDataset(RoleTrain, [][]int64{{1, 1 << 20}}, 1, fixedpoint.Format{Bits: 16, Frac: 12}); err == nil {
		t.Error("value outside 16 bits accepted")
	}
}

func TestCurves(t *testing.T) {
	if _, err := CurveOf(ecc.BW6_761.ScalarField()); err == nil {
		t.Error("CurveOf accepted BW6-761's field")
	}
	if _, err := NewDatasetOn(ecc.BW6_761, RoleTrain, [][]int64{{1}}, 1, fixedpoint.Format{Bits: 16, Frac: 12}); err == nil {
		t.Error("NewDatasetOn accepted an unsupported curve")
	}
}

func TestDatasetOnOtherCurve(t *testing.T) {
	rows := circuittest.Rows(rand.New(rand.NewPCG(9, 10)), 8, 3, -100, 100)
	bn, err := NewDataset(RoleTrain, rows, 2, fixedpoint.Format{Bits: 16, Frac: 12})
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
	direct, err := NewDatasetOn(ecc.BLS12_381, RoleTrain, rows, 2, fixedpoint.Format{Bits: 16, Frac: 12})
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

// TestDomainSeparation: each pair below packs to the same field elements, so
// only the domain tag tells the commitments apart; natively and in-circuit,
// a digest of one domain must not open as the other.
func TestDomainSeparation(t *testing.T) {
	q412 := fixedpoint.Format{Bits: 16, Frac: 12}
	model := func(n int) Domain { return Model("linear", fixedpoint.Format{Bits: 32, Frac: 16}, n, n-1, 1) }
	// 16-bit values and their 8-bit halves: (lo+128) + (hi+128)·2^8 = v + 2^15.
	wide := []int64{1000, -2000, 77}
	var halves []int64
	for _, v := range wide {
		u := v + 1<<15
		halves = append(halves, u&0xff-128, u>>8-128)
	}
	// A model whose last value is the format's minimum packs like the model
	// one value shorter.
	short := []int64{5 << 16, -3 << 16, 1 << 15}
	long := append(append([]int64{}, short...), -1<<31)
	pairs := []struct {
		name       string
		domA, domB Domain
		a, b       []int64
	}{
		{"16-bit values vs their 8-bit halves", Vector(3, fixedpoint.Format{Bits: 16}), Vector(6, fixedpoint.Format{Bits: 8}), wide, halves},
		{"model vs the model with a trailing minimum", model(3), model(4), short, long},
		{"the same values as a model and as a vector", model(3), Vector(3, fixedpoint.Format{Bits: 32, Frac: 16}), short, short},
		{"the same values in two fixed-point formats", Vector(3, fixedpoint.Format{Bits: 16}), Vector(3, q412), wide, wide},
		{"a batch of 2 rows of 3 vs 3 rows of 2", Set{RoleTrain, 2, 3, 1, q412}.Leaf(), Set{RoleTrain, 3, 2, 1, q412}.Leaf(), []int64{1, 2, 3, 4, 5, 6}, []int64{1, 2, 3, 4, 5, 6}},
		{"a training batch vs a held-out batch", Set{RoleTrain, 2, 3, 0, q412}.Leaf(), Set{RoleHeldout, 2, 3, 0, q412}.Leaf(), []int64{1, 2, 3, 4, 5, 6}, []int64{1, 2, 3, 4, 5, 6}},
	}
	for _, curve := range curves.Compared {
		f, _ := FieldOf(curve)
		for _, pc := range pairs {
			pa, err := f.Pack(pc.a, pc.domA.Format.Bits)
			if err != nil {
				t.Fatal(err)
			}
			pb, _ := f.Pack(pc.b, pc.domB.Format.Bits)
			if len(pa) != len(pb) || pa[0].Cmp(pb[0]) != 0 {
				t.Fatalf("%s: the pair does not pack alike, so it tests nothing", pc.name)
			}
			ha, err := f.PackAndHash(pc.domA, pc.a)
			if err != nil {
				t.Fatal(err)
			}
			hb, err := f.PackAndHash(pc.domB, pc.b)
			if err != nil {
				t.Fatal(err)
			}
			if ha.Cmp(hb) == 0 {
				t.Errorf("%s on %s: same commitment", pc.name, curve)
			}
			// In-circuit: a circuit for domain A rejects B's digest of values
			// that pack alike.
			circuit := &packHashCircuit{Vals: make([]frontend.Variable, len(pc.a)), dom: pc.domA}
			valid := &packHashCircuit{Vals: make([]frontend.Variable, len(pc.a)), Digest: ha}
			for i, v := range pc.a {
				valid.Vals[i] = v
			}
			cross := *valid
			cross.Digest = hb
			if err := test.IsSolved(circuit, valid, curve.ScalarField()); err != nil {
				t.Fatalf("%s on %s: honest digest rejected: %v", pc.name, curve, err)
			}
			if test.IsSolved(circuit, &cross, curve.ScalarField()) == nil {
				t.Errorf("%s on %s: the other domain's digest was accepted", pc.name, curve)
			}
		}
	}
}

// TestDatasetShapeBound: the rows of a 3-feature dataset in batches of 2 are,
// flattened, the rows of a 1-feature dataset in batches of 4 (the finding
// this guards against); their roots differ and neither opens as the other.
func TestDatasetShapeBound(t *testing.T) {
	q412 := fixedpoint.Format{Bits: 16, Frac: 12}
	rng := rand.New(rand.NewPCG(31, 32))
	wide := circuittest.Rows(rng, 8, 4, -3000, 3000)
	var narrow [][]int64
	for _, r := range wide {
		narrow = append(narrow, r[:2], r[2:])
	}
	a, err := NewDataset(RoleTrain, wide, 2, q412)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewDataset(RoleTrain, narrow, 4, q412)
	if err != nil {
		t.Fatal(err)
	}
	if a.Root().Cmp(b.Root()) == 0 {
		t.Fatal("one root for two shapes")
	}
	// batch 1 of the narrow reading, checked against the wide root
	cross := batchAssignment(t, b, 1)
	cross.Root = a.Root()
	sib, _ := a.Siblings(1)
	cross.Siblings = sib
	if test.IsSolved(emptyBatchCircuit(b), cross, ecc.BN254.ScalarField()) == nil {
		t.Error("a 1-feature batch opened against the 3-feature root")
	}
	if err := b.Expect(a.Set()); err == nil || !strings.Contains(err.Error(), "expects") {
		t.Errorf("Expect = %v, want a shape mismatch", err)
	}
	heldout, _ := NewDataset(RoleHeldout, wide, 2, q412)
	if heldout.Root().Cmp(a.Root()) == 0 {
		t.Error("the same rows as training and held-out sets share a root")
	}
}

func TestDomainTagsDiffer(t *testing.T) {
	q := fixedpoint.Format{Bits: 16, Frac: 12}
	seen := map[string]string{}
	for _, d := range []Domain{
		Vector(4, q), Vector(5, q), Vector(4, fixedpoint.Format{Bits: 16}), Model("linear", q, 4, 3, 1), Model("logistic", q, 4, 3, 1),
		Set{RoleTrain, 2, 2, 1, q}.Leaf(), Set{RoleTrain, 2, 2, 2, q}.Leaf(), Set{RoleTrain, 2, 2, 1, q}.Node(), Set{RoleRaw, 2, 2, 1, q}.Node(),
	} {
		tag := d.Tag()
		if tag.BitLen() > 248 {
			t.Errorf("%s: tag of %d bits", d, tag.BitLen())
		}
		if prev, ok := seen[tag.String()]; ok {
			t.Errorf("%s and %s share a tag", d, prev)
		}
		seen[tag.String()] = d.String()
	}
	if _, err := NativePackAndHash(ecc.BN254, Vector(3, q), []int64{1, 2}); err == nil {
		t.Error("a commitment of 2 values for a domain of 3 was made")
	}
}
