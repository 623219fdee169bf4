// Package soundness holds the soundness matrix: every tamper kind applied to
// every circuit it makes sense for, each of which must be rejected by gnark's
// solvers; and a check that no wire of a compiled circuit is left out of
// every constraint. Run with -v to see the matrix.
package soundness

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/activation"
	"github.com/potbench/potbench/circuits/blob"
	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/lanes"
	"github.com/potbench/potbench/circuits/lineage"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/matmul"
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/circuits/score"
	"github.com/potbench/potbench/circuits/softmax"
	"github.com/potbench/potbench/curves"
)

// A case is one circuit's honest witness and its tampered variants.
type tamper struct {
	kind     string
	witness  frontend.Circuit
	solverOp []solver.Option // e.g. a cheating hint
}

type circuitCase struct {
	name    string
	circuit frontend.Circuit
	honest  frontend.Circuit
	tampers []tamper
}

// Tamper kinds, in matrix column order.
var kinds = []string{"wrong update", "wrong W_before", "wrong W_after", "row not in dataset", "row at wrong index",
	"value out of range", "wrong learning rate", "rescale quotient +1", "rescale quotient -1", "rescale remainder off",
	"wrong label", "wrong activation output", "false clamp", "wrong softmax maximum", "wrong ReLU mask",
	"wrong matrix product", "wrong claimed score", "wrong transform",
	"dataset of another shape", "model of another shape", "values of another width", "commitment of another kind",
	"batch window not a batch", "wrong minimum", "wrong maximum", "minimum below every value", "one-wide clamp",
	"batch count not the root's", "batch beyond the count", "tie scored correct",
	"skipped step", "batch of another set", "model tampered mid-chain", "wrap quotient +1", "wrap quotient -1",
	"model sold altered", "sold evaluation off", "score target missed", "lanes opened shifted", "lane quotient +1"}

// shiftRescale returns solver options whose DivHint answers its second call
// with the quotient moved by delta (and the remainder moved to keep
// v = q·d + r), or only the remainder moved.
func shiftRescale(delta int64, moveRemainderOnly bool) []solver.Option {
	return shiftRescaleAt(2, delta, moveRemainderOnly)
}

// shiftRescaleAt is shiftRescale at DivHint's call n.
func shiftRescaleAt(n int32, delta int64, moveRemainderOnly bool) []solver.Option {
	var calls atomic.Int32
	hint := func(field *big.Int, in, out []*big.Int) error {
		if err := fixedpoint.DivHint(field, in, out); err != nil {
			return err
		}
		if calls.Add(1) == n {
			if moveRemainderOnly {
				out[1].Add(out[1], big.NewInt(delta))
			} else {
				out[0].Add(out[0], big.NewInt(delta)).Mod(out[0], field)
				out[1].Sub(out[1], new(big.Int).Mul(in[1], big.NewInt(delta))).Mod(out[1], field)
			}
		}
		return nil
	}
	return []solver.Option{solver.OverrideHint(solver.GetHintID(fixedpoint.DivHint), hint)}
}

func linregCase(t *testing.T, curve ecc.ID) circuitCase { return linregCaseOf(t, curve, false) }

// linregLanesCase is the same step with its products in lanes.
func linregLanesCase(t *testing.T, curve ecc.ID) circuitCase { return linregCaseOf(t, curve, true) }

func linregCaseOf(t *testing.T, curve ecc.ID, lanes bool) circuitCase {
	rng := rand.New(rand.NewPCG(11, 12))
	p := linreg.DefaultParams(4, 3, 2)
	p.Lanes = lanes
	one := int64(1) << p.Data.Frac
	ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, circuittest.Rows(rng, 16, 4, -2*one, 2*one), 4, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	m := linreg.Model{W: circuittest.Ints(rng, 3, -1<<16, 1<<16), Bias: 1234}
	lr := int64(1 << 13)
	const k = 1
	honest, next, err := p.Assign(ds, k, m, lr)
	if err != nil {
		t.Fatal(err)
	}
	clone := func() *linreg.Circuit {
		c := *honest
		c.X = make([][]frontend.Variable, len(honest.X))
		for i := range c.X {
			c.X[i] = append([]frontend.Variable{}, honest.X[i]...)
		}
		c.W = append([]frontend.Variable{}, honest.W...)
		return &c
	}
	commitTo := func(mm linreg.Model) frontend.Variable {
		h, err := p.Commitment(curve, mm)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}

	// wrong update: W_after from a step with a gradient computed on other data
	// (the first row's target moved), committed as if honest.
	rows := ds.Batch(k)
	other := make([][]int64, len(rows))
	for i := range rows {
		other[i] = append([]int64{}, rows[i]...)
	}
	other[0][3] += 100
	otherNext, err := p.NativeStep(m, other, lr)
	if err != nil {
		t.Fatal(err)
	}
	wrongUpdate := clone()
	wrongUpdate.ModelAfter = commitTo(otherNext)

	wrongBefore := clone()
	wrongBefore.W[2] = m.W[2] + 1

	bumped := next.Clone()
	bumped.Bias++
	wrongAfter := clone()
	wrongAfter.ModelAfter = commitTo(bumped)

	// a row outside the dataset, with W_after recomputed from it
	foreign := clone()
	foreign.X[2][1] = rows[2][1] + 5
	frows := make([][]int64, len(rows))
	for i := range rows {
		frows[i] = append([]int64{}, rows[i]...)
	}
	frows[2][1] += 5
	fnext, err := p.NativeStep(m, frows, lr)
	if err != nil {
		t.Fatal(err)
	}
	foreign.ModelAfter = commitTo(fnext)

	wrongIndex := clone()
	wrongIndex.BatchIndex = k + 1

	// out of range: x + 2^16 in one value and a borrow from the next keeps the
	// packed element, so only the range check can object.
	outOfRange := clone()
	outOfRange.X[0][0] = rows[0][0] + 1<<16
	outOfRange.X[0][1] = rows[0][1] - 1

	wrongLR := clone()
	wrongLR.LearningRate = lr + 1

	// The same batches read as rows of one feature and a target: 8 rows of
	// 2 values per batch flatten to the same 16 values as 4 rows of 4.
	var narrow [][]int64
	for _, r := range ds.Rows {
		narrow = append(narrow, r[:2], r[2:])
	}
	narrowDS, err := commit.NewDatasetOn(curve, commit.RoleTrain, narrow, 8, p.Data)
	if err != nil {
		t.Fatal(err)
	}
	otherShape := clone()
	otherShape.DatasetRoot = narrowDS.Root()
	otherShape.Siblings, _ = narrowDS.Siblings(k)

	// A 4-feature model whose bias is the format's minimum: packed, it is the
	// 3-feature model (weights, then bias as the fourth weight).
	long := linreg.Model{W: m.Values(), Bias: p.Model.Min()}
	longCommit, err := linreg.DefaultParams(4, 4, 2).Commitment(curve, long)
	if err != nil {
		t.Fatal(err)
	}
	trailing := clone()
	trailing.ModelBefore = longCommit

	// The same model values committed as a plain vector, not as a model.
	vec, err := commit.NativePackAndHash(curve, commit.Vector(4, p.Model), m.Values())
	if err != nil {
		t.Fatal(err)
	}
	otherKind := clone()
	otherKind.ModelBefore = vec

	return circuitCase{name: "linreg step" + lanesName(lanes), circuit: linreg.NewCircuit(p), honest: honest, tampers: append([]tamper{
		{kind: "dataset of another shape", witness: otherShape},
		{kind: "model of another shape", witness: trailing},
		{kind: "commitment of another kind", witness: otherKind},
		{kind: "wrong update", witness: wrongUpdate},
		{kind: "wrong W_before", witness: wrongBefore},
		{kind: "wrong W_after", witness: wrongAfter},
		{kind: "row not in dataset", witness: foreign},
		{kind: "row at wrong index", witness: wrongIndex},
		{kind: "value out of range", witness: outOfRange},
		{kind: "wrong learning rate", witness: wrongLR},
		{kind: "rescale quotient +1", witness: honest, solverOp: shiftRescale(1, false)},
		{kind: "rescale quotient -1", witness: honest, solverOp: shiftRescale(-1, false)},
		{kind: "rescale remainder off", witness: honest, solverOp: shiftRescale(1, true)},
	}, lanesTampers(lanes, honest, false)...)}
}

type batchCircuit struct {
	Root, Batches, Index frontend.Variable `gnark:",public"`
	Rows                 [][]frontend.Variable
	Siblings             []frontend.Variable
	set                  commit.Set
}

func (c *batchCircuit) Define(api frontend.API) error {
	return commit.VerifyRows(fixedpoint.New(api), c.set, c.Root, c.Batches, c.Index, c.Rows, c.Siblings)
}

func membershipCase(t *testing.T, curve ecc.ID) circuitCase {
	rng := rand.New(rand.NewPCG(13, 14))
	ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, circuittest.Rows(rng, 12, 3, -3000, 3000), 3, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	assign := func(k int) *batchCircuit {
		sib, _ := ds.Siblings(k)
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
	empty := &batchCircuit{Siblings: make([]frontend.Variable, ds.Depth()), set: ds.Set()}
	for range 3 {
		empty.Rows = append(empty.Rows, make([]frontend.Variable, 3))
	}
	foreign := assign(2)
	foreign.Rows[0][0] = 4000
	moved := assign(2)
	moved.Index = 3
	outOfRange := assign(2)
	outOfRange.Rows[1][0] = ds.Batch(2)[1][0] + 1<<16
	outOfRange.Rows[1][1] = ds.Batch(2)[1][1] - 1
	// The same rows as 8-bit halves (each 16-bit value v is lo + 2^8·hi
	// after the offsets): 6 values a row pack to the same field element as 3.
	var halves [][]int64
	for _, r := range ds.Rows {
		var h []int64
		for _, v := range r {
			u := v + 1<<15
			h = append(h, u&0xff-128, u>>8-128)
		}
		halves = append(halves, h)
	}
	halfDS, err := commit.NewDatasetOn(curve, commit.RoleTrain, halves, 3, fixedpoint.Format{Bits: 8})
	if err != nil {
		t.Fatal(err)
	}
	otherWidth := assign(2)
	otherWidth.Root = halfDS.Root()
	otherWidth.Siblings, _ = halfDS.Siblings(2)
	// The same rows committed as a held-out set.
	heldDS, err := commit.NewDatasetOn(curve, commit.RoleHeldout, ds.Rows, 3, ds.Format)
	if err != nil {
		t.Fatal(err)
	}
	otherKind := assign(2)
	otherKind.Root = heldDS.Root()
	otherKind.Siblings, _ = heldDS.Siblings(2)
	// The root of 4 batches passed as a set of 3 (the count a seller would
	// declare to skip batch 3), and batch 3 of a root truly committed as 3
	// batches of the same 4-leaf tree.
	fewer := assign(2)
	fewer.Batches = 3
	beyond := assign(3)
	beyond.Batches = 3
	beyond.Root, beyond.Siblings = treeCounting(t, ds, 3, 3)
	return circuitCase{name: "batch membership", circuit: empty, honest: assign(2), tampers: []tamper{
		{kind: "batch count not the root's", witness: fewer},
		{kind: "batch beyond the count", witness: beyond},
		{kind: "values of another width", witness: otherWidth},
		{kind: "commitment of another kind", witness: otherKind},
		{kind: "row not in dataset", witness: foreign},
		{kind: "row at wrong index", witness: moved},
		{kind: "value out of range", witness: outOfRange},
	}}
}

// treeCounting builds the tree over every batch of ds as a set that declares
// n batches (its initial state commit.Set.TreeIV(n)) and returns its root and
// the path of batch k.
func treeCounting(t *testing.T, ds *commit.Dataset, n, k int) (*big.Int, []frontend.Variable) {
	t.Helper()
	f, err := commit.FieldOf(ds.Curve)
	if err != nil {
		t.Fatal(err)
	}
	set := ds.Set()
	var leaves []*big.Int
	for b := range ds.NumBatches() {
		leaf, err := f.PackAndHash(set.Leaf(), ds.BatchValues(b))
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, leaf)
	}
	iv := set.TreeIV(n)
	tree, err := commit.NewTreeWith(leaves, func(xs ...*big.Int) *big.Int { return f.MDFrom(iv, xs...) })
	if err != nil {
		t.Fatal(err)
	}
	path, err := tree.Siblings(k)
	if err != nil {
		t.Fatal(err)
	}
	sib := make([]frontend.Variable, len(path))
	for i := range path {
		sib[i] = path[i]
	}
	return tree.Root(), sib
}

func logregCase(t *testing.T, curve ecc.ID) circuitCase { return logregCaseOf(t, curve, false) }

// logregLanesCase is the same step with its products in lanes.
func logregLanesCase(t *testing.T, curve ecc.ID) circuitCase { return logregCaseOf(t, curve, true) }

func logregCaseOf(t *testing.T, curve ecc.ID, lanes bool) circuitCase {
	rng := rand.New(rand.NewPCG(15, 16))
	p := logreg.DefaultParams(4, 3, 2)
	p.Lanes = lanes
	rows := circuittest.Rows(rng, 16, 4, -2<<12, 2<<12)
	for _, r := range rows {
		r[3] = rng.Int64N(2)
	}
	ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, rows, 4, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	m := linreg.Model{W: circuittest.Ints(rng, 3, -1<<16, 1<<16), Bias: 99}
	const k, lr = 2, 1 << 14
	honest, next, err := p.Assign(ds, k, m, lr)
	if err != nil {
		t.Fatal(err)
	}
	commitTo := func(mm linreg.Model) frontend.Variable {
		h, err := p.Commitment(curve, mm)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	linNext, _ := p.Params.NativeStep(m, ds.Batch(k), lr)
	wrongUpdate := *honest
	wrongUpdate.ModelAfter = commitTo(linNext)
	bumped := next.Clone()
	bumped.W[1]--
	wrongAfter := *honest
	wrongAfter.ModelAfter = commitTo(bumped)
	wrongBefore := *honest
	wrongBefore.W = append([]frontend.Variable{}, honest.W...)
	wrongBefore.W[0] = m.W[0] + 3
	batch := ds.Batch(k)
	flipped := make([][]int64, len(batch))
	for i := range batch {
		flipped[i] = append([]int64{}, batch[i]...)
	}
	flipped[0][3] = 1 - flipped[0][3]
	flipNext, _ := p.NativeStep(m, flipped, lr)
	wrongLabel := *honest
	wrongLabel.Y = append([]frontend.Variable{}, honest.Y...)
	wrongLabel.Y[0] = flipped[0][3]
	wrongLabel.ModelAfter = commitTo(flipNext)
	wrongIndex := *honest
	wrongIndex.BatchIndex = 0
	wrongLR := *honest
	wrongLR.LearningRate = lr - 1
	// the model's values committed as a linear model: another family
	linCommit, err := p.Params.Commitment(curve, m)
	if err != nil {
		t.Fatal(err)
	}
	otherKind := *honest
	otherKind.ModelBefore = linCommit
	foreignRows := make([][]int64, len(batch))
	for i := range batch {
		foreignRows[i] = append([]int64{}, batch[i]...)
	}
	foreignRows[1][2] += 9
	foreignNext, _ := p.NativeStep(m, foreignRows, lr)
	foreign := *honest
	foreign.X = make([][]frontend.Variable, len(honest.X))
	copy(foreign.X, honest.X)
	foreign.X[1] = append([]frontend.Variable{}, honest.X[1]...)
	foreign.X[1][2] = foreignRows[1][2]
	foreign.ModelAfter = commitTo(foreignNext)
	outOfRange := *honest
	outOfRange.X = make([][]frontend.Variable, len(honest.X))
	copy(outOfRange.X, honest.X)
	outOfRange.X[3] = append([]frontend.Variable{}, honest.X[3]...)
	outOfRange.X[3][0] = batch[3][0] + 1<<16
	outOfRange.X[3][1] = batch[3][1] - 1
	return circuitCase{name: "logreg step" + lanesName(lanes), circuit: logreg.NewCircuit(p), honest: honest, tampers: append([]tamper{
		{kind: "row not in dataset", witness: &foreign},
		{kind: "value out of range", witness: &outOfRange},
		{kind: "rescale quotient +1", witness: honest, solverOp: shiftRescale(1, false)},
		{kind: "rescale quotient -1", witness: honest, solverOp: shiftRescale(-1, false)},
		{kind: "rescale remainder off", witness: honest, solverOp: shiftRescale(1, true)},
		{kind: "wrong update", witness: &wrongUpdate},
		{kind: "wrong W_before", witness: &wrongBefore},
		{kind: "wrong W_after", witness: &wrongAfter},
		{kind: "row at wrong index", witness: &wrongIndex},
		{kind: "wrong learning rate", witness: &wrongLR},
		{kind: "wrong label", witness: &wrongLabel},
		{kind: "commitment of another kind", witness: &otherKind},
	}, lanesTampers(lanes, honest, true)...)}
}

// sigmoidCircuit: the clamp-and-lookup of the logistic step on its own, so
// its output and the clamp hint can be tampered with directly.
type sigmoidCircuit struct{ Z, S frontend.Variable }

func (c *sigmoidCircuit) Define(api frontend.API) error {
	tbl := activation.Sigmoid(6, 12)
	x := activation.Clamp(fixedpoint.New(api), c.Z, tbl.Lo, tbl.Hi(), 40)
	api.AssertIsEqual(tbl.Lookup(api, x)[0], c.S)
	return nil
}

func activationCase(t *testing.T, curve ecc.ID) circuitCase {
	tbl := activation.Sigmoid(6, 12)
	z := int64(37)
	s := tbl.Native(activation.NativeClamp(z, tbl.Lo, tbl.Hi()))
	falseClamp := func(f *big.Int, in, out []*big.Int) error {
		out[0].SetInt64(tbl.Hi())
		out[1].Mod(big.NewInt(z-tbl.Hi()), f)
		out[2].SetInt64(0)
		return nil
	}
	return circuitCase{name: "sigmoid lookup", circuit: &sigmoidCircuit{}, honest: &sigmoidCircuit{Z: z, S: s}, tampers: []tamper{
		{kind: "wrong activation output", witness: &sigmoidCircuit{Z: z, S: s + 1}},
		{kind: "false clamp", witness: &sigmoidCircuit{Z: z, S: tbl.Native(tbl.Hi())},
			solverOp: []solver.Option{solver.OverrideHint(solver.GetHintID(activation.ClampHint), falseClamp)}},
	}}
}

// withHint overrides one hint with a function that shifts its first output
// (or, for ReLU, flips it).
func withHint(h solver.Hint, tweak func(f *big.Int, out []*big.Int)) []solver.Option {
	return []solver.Option{solver.OverrideHint(solver.GetHintID(h), func(f *big.Int, in, out []*big.Int) error {
		if err := h(f, in, out); err != nil {
			return err
		}
		tweak(f, out)
		return nil
	})}
}

func softmaxCase(t *testing.T, curve ecc.ID) circuitCase { return softmaxCaseOf(t, curve, false) }

// softmaxLanesCase is the same step with its products in lanes.
func softmaxLanesCase(t *testing.T, curve ecc.ID) circuitCase { return softmaxCaseOf(t, curve, true) }

func softmaxCaseOf(t *testing.T, curve ecc.ID, lanes bool) circuitCase {
	rng := rand.New(rand.NewPCG(21, 22))
	p := softmax.DefaultParams(3, 3, 3, 1)
	p.Lanes = lanes
	rows := circuittest.Rows(rng, 6, 4, -2<<12, 2<<12)
	for _, r := range rows {
		r[3] = rng.Int64N(3)
	}
	ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, rows, 3, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Zero()
	for k := range m.Classes {
		m.Classes[k].W = circuittest.Ints(rng, 3, -1<<16, 1<<16)
	}
	honest, next, err := p.Assign(ds, 1, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	bumped := next.Clone()
	bumped.Classes[0].Bias++
	wrongAfter := *honest
	wrongAfter.ModelAfter, _ = p.Commitment(curve, bumped)
	outOfClass := *honest
	outOfClass.Y = append([]frontend.Variable{}, honest.Y...)
	outOfClass.Y[2] = 5
	moved := *honest
	moved.BatchIndex = 0
	return circuitCase{name: "softmax step" + lanesName(lanes), circuit: softmax.NewCircuit(p), honest: honest, tampers: append([]tamper{
		{kind: "wrong W_after", witness: &wrongAfter},
		{kind: "wrong label", witness: &outOfClass},
		{kind: "row at wrong index", witness: &moved},
		{kind: "wrong softmax maximum", witness: honest, solverOp: withHint(softmax.MaxHint, func(f *big.Int, out []*big.Int) { out[0].Add(out[0], big.NewInt(1)) })},
		{kind: "rescale quotient +1", witness: honest, solverOp: shiftRescale(1, false)},
	}, lanesTampers(lanes, honest, true)...)}
}

func mlpCase(t *testing.T, curve ecc.ID) circuitCase {
	rng := rand.New(rand.NewPCG(23, 24))
	p := mlp.DefaultParams(2, 3, 2, 2, 1, true)
	rows := circuittest.Rows(rng, 4, 4, -2<<12, 2<<12)
	for _, r := range rows {
		r[3] = rng.Int64N(2)
	}
	ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, rows, 2, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Zero()
	for h := range m.Hidden {
		m.Hidden[h].W = circuittest.Ints(rng, 3, -1<<16, 1<<16)
	}
	for k := range m.Output {
		m.Output[k].W, m.Output[k].Bias = circuittest.Ints(rng, 2, -1<<16, 1<<16), 300
	}
	honest, next, err := p.Assign(ds, 0, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	bumped := next.Clone()
	bumped.Hidden[0].W[0]++
	wrongAfter := *honest
	wrongAfter.ModelAfter, _ = p.Commitment(curve, bumped)
	wrongLR := *honest
	wrongLR.LearningRate = 1<<14 + 2
	return circuitCase{name: "mlp step", circuit: mlp.NewCircuit(p), honest: honest, tampers: []tamper{
		{kind: "wrong W_after", witness: &wrongAfter},
		{kind: "wrong learning rate", witness: &wrongLR},
		{kind: "wrong matrix product", witness: honest, solverOp: withHint(matmul.ProductHint, func(f *big.Int, out []*big.Int) { out[0].Add(out[0], big.NewInt(1)) })},
		{kind: "wrong ReLU mask", witness: honest, solverOp: withHint(activation.ReLUHint, func(f *big.Int, out []*big.Int) { out[0].Sub(big.NewInt(1), out[0]) })},
		{kind: "rescale quotient -1", witness: honest, solverOp: shiftRescale(-1, false)},
	}}
}

func chainCase(t *testing.T, curve ecc.ID) circuitCase {
	rng := rand.New(rand.NewPCG(25, 26))
	p := chain.Params{K: 2, Step: logreg.DefaultParams(2, 2, 2).Params}
	ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, circuittest.Rows(rng, 8, 3, -2<<12, 2<<12), 2, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	m := linreg.Model{W: circuittest.Ints(rng, 2, -1<<16, 1<<16), Bias: 1}
	honest, last, err := p.Assign(ds, 1, m.Values(), 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	moved := *honest
	moved.FirstBatch = 2
	bumped := append([]int64{}, last...)
	bumped[1]++
	wrongLast := *honest
	wrongLast.ModelLast, _ = p.Commitment(curve, bumped)
	skip, err := p.Step.NativeStepValues(m.Values(), ds.Batch(2), 1<<14) // batch 1 skipped
	if err != nil {
		t.Fatal(err)
	}
	skipped := *honest
	skipped.ModelLast, _ = p.Commitment(curve, skip)
	return circuitCase{name: "chain of steps", circuit: chain.NewCircuit(p), honest: honest, tampers: []tamper{
		{kind: "row at wrong index", witness: &moved},
		{kind: "skipped step", witness: &skipped},
		{kind: "wrong W_after", witness: &wrongLast},
		{kind: "rescale remainder off", witness: honest, solverOp: shiftRescale(1, true)},
	}}
}

// wrapCase is a chain of three steps that wraps past the set's last batch
// (batches 3, 0, 1 of 4): the wrap's quotient moved either way (a batch
// index below zero or past the count), a later start, a skipped step.
func wrapCase(t *testing.T, curve ecc.ID) circuitCase {
	rng := rand.New(rand.NewPCG(27, 28))
	p := chain.Params{K: 3, Step: logreg.DefaultParams(2, 2, 2).Params, Wrap: true}
	ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, circuittest.Rows(rng, 8, 3, -2<<12, 2<<12), 2, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	m := linreg.Model{W: circuittest.Ints(rng, 2, -1<<16, 1<<16), Bias: 1}
	honest, _, err := p.Assign(ds, 3, m.Values(), 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	moved := *honest
	moved.FirstBatch = 2
	short, _, err := chain.Params{K: 2, Step: p.Step, Wrap: true}.Assign(ds, 3, m.Values(), 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	skipped := *honest
	skipped.ModelLast = short.ModelLast
	return circuitCase{name: "wrapping chain", circuit: chain.NewCircuit(p), honest: honest, tampers: []tamper{
		{kind: "wrap quotient +1", witness: honest, solverOp: withHint(chain.WrapHint, func(f *big.Int, out []*big.Int) { out[0].Add(out[0], big.NewInt(1)) })},
		{kind: "wrap quotient -1", witness: honest, solverOp: withHint(chain.WrapHint, func(f *big.Int, out []*big.Int) { out[0].Sub(out[0], big.NewInt(1)) })},
		{kind: "row at wrong index", witness: &moved},
		{kind: "skipped step", witness: &skipped},
	}}
}

// soldCase is a wrapping chain with its score, sold in the clear
// (chain.Sold): one packed element of the model changed (with the
// challenge and evaluation recomputed for it), the evaluation moved, a
// lower summed loss claimed, a loss bound one below the loss (a target the
// run misses), and a wrong last model.
func soldCase(t *testing.T, curve ecc.ID) circuitCase { return soldCaseOf(t, curve, false) }

// blobSoldCase is the same sale with the model in a blob
// (chain.NewBlobSold): the altered model comes with its own point and
// value, the value is moved. BN254 only: the chain's blobs are read on
// Ethereum.
func blobSoldCase(t *testing.T, curve ecc.ID) circuitCase { return soldCaseOf(t, curve, true) }

func soldCaseOf(t *testing.T, curve ecc.ID, inBlob bool) circuitCase {
	rng := rand.New(rand.NewPCG(29, 30))
	p := chain.Params{K: 3, Step: linreg.DefaultParams(2, 2, 2), Wrap: true}
	ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, circuittest.Rows(rng, 8, 3, -2<<12, 2<<12), 2, fixedpoint.Format{Bits: 16, Frac: 12})
	if err != nil {
		t.Fatal(err)
	}
	m := linreg.Model{W: circuittest.Ints(rng, 2, -1<<16, 1<<16), Bias: 1}
	run, last, err := p.Assign(ds, 3, m.Values(), 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	loss := score.Params{N: 4, Model: logreg.DefaultParams(1, 2, 0)}
	set, err := loss.HeldoutSet(circuittest.Rows(rng, 4, 3, -2<<12, 2<<12))
	if err == nil {
		set, err = set.On(curve)
	}
	if err != nil {
		t.Fatal(err)
	}
	scoreOf := func() *score.BoundScore {
		sc, err := loss.AssignScore(set, linreg.FromValues(last))
		if err != nil {
			t.Fatal(err)
		}
		f, err := score.Fold(sc)
		if err == nil {
			f, err = score.Bind(f)
		}
		if err != nil {
			t.Fatal(err)
		}
		return f.(*score.BoundScore)
	}
	emptyScore, err := score.Fold(score.NewScore(loss))
	if err != nil {
		t.Fatal(err)
	}
	payee := [20]byte{7}
	lossSum := scoreOf().LossSum.(*big.Int)
	honest, elems, err := chain.SoldAssignment(curve, p.ModelDomain(), &chain.Scored{Chain: run, Score: scoreOf()}, last, payee, []*big.Int{lossSum, new(big.Int)})
	if err != nil {
		t.Fatal(err)
	}
	r := curve.ScalarField()
	altered := *honest
	w := append([]*big.Int{}, elems...)
	w[0] = new(big.Int).Add(w[0], big.NewInt(1))
	altered.Model = make([]frontend.Variable, len(w))
	ev := big.NewInt(1)
	rho := chain.SaleChallenge(run.ModelLast.(*big.Int), payee, w)
	for j := len(w) - 1; j >= 0; j-- {
		altered.Model[j] = w[j]
		ev.Mul(ev, rho).Add(ev, w[j]).Mod(ev, r)
	}
	altered.Challenge, altered.Evaluation = rho, ev
	empty := chain.NewSold(&chain.Scored{Chain: chain.NewCircuit(p), Score: emptyScore})
	name := "sold run"
	if inBlob {
		h := [32]byte{1, 2, 3}
		if honest, _, err = chain.BlobSoldAssignment(honest, elems, h, payee); err != nil {
			t.Fatal(err)
		}
		if altered.Challenge, altered.Evaluation, err = blobPointAndValue(h, run.ModelLast.(*big.Int), payee, w); err != nil {
			t.Fatal(err)
		}
		empty, name = chain.NewBlobSold(&chain.Scored{Chain: chain.NewCircuit(p), Score: emptyScore}), "sold run, blob"
	}
	moved := *honest
	moved.Evaluation = new(big.Int).Add(honest.Evaluation.(*big.Int), big.NewInt(1))
	lower := *honest
	sc := scoreOf()
	sc.LossSum = new(big.Int).Sub(sc.LossSum.(*big.Int), big.NewInt(1))
	lower.Run = &chain.Scored{Chain: run, Score: sc}
	wrongLast := *honest
	other := *run
	other.ModelLast = run.ModelFirst
	wrongLast.Run = &chain.Scored{Chain: &other, Score: scoreOf()}
	missed := *honest
	missed.Bounds = []frontend.Variable{new(big.Int).Sub(lossSum, big.NewInt(1)), 0}
	return circuitCase{name: name, circuit: empty, honest: honest, tampers: []tamper{
		{kind: "model sold altered", witness: &altered},
		{kind: "wrong claimed score", witness: &lower},
		{kind: "score target missed", witness: &missed},
		{kind: "wrong W_after", witness: &wrongLast},
		{kind: "sold evaluation off", witness: &moved},
	}}
}

// blobPointAndValue are the point a sale contract derives for a blob of
// versioned hash h and the value there of the blob holding w, in BN254's
// field.
func blobPointAndValue(h [32]byte, model *big.Int, payee [20]byte, w []*big.Int) (*big.Int, *big.Int, error) {
	z := chain.BlobPoint(h, model, payee)
	y, err := blob.Value(w, z)
	if err != nil {
		return nil, nil, err
	}
	return z, y.Mod(y, ecc.BN254.ScalarField()), nil
}

// familyChainCases are chains of two steps of softmax regression, of the
// MLP and of logistic regression (one sigmoid table for both steps): a batch skipped, a batch of another set under this set's root, the
// second step's update moved by one (the model between the steps tampered
// with), a wrong last model.
func familyChainCases(t *testing.T, curve ecc.ID) []circuitCase {
	var out []circuitCase
	for _, f := range []struct {
		name    string
		step    chain.Stepper
		classes int64
	}{{"softmax chain", softmax.DefaultParams(3, 3, 3, 2), 3}, {"softmax chain (lanes)", softmaxLanes(softmax.DefaultParams(3, 3, 3, 2)), 3},
		{"mlp chain", mlp.DefaultParams(3, 3, 4, 3, 2, true), 3}, {"logreg chain", logreg.DefaultParams(3, 3, 2), 2}} {
		rng := rand.New(rand.NewPCG(29, 30))
		set := func() *commit.Dataset {
			rows := circuittest.Rows(rng, 12, 4, -2<<12, 2<<12)
			for _, r := range rows {
				r[3] = rng.Int64N(f.classes)
			}
			ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, rows, 3, fixedpoint.Format{Bits: 16, Frac: 12})
			if err != nil {
				t.Fatal(err)
			}
			return ds
		}
		ds, other := set(), set()
		p := chain.Params{K: 2, Step: f.step}
		m := circuittest.Ints(rng, p.ModelDomain().Values, -1<<15, 1<<15)
		honest, last, err := p.Assign(ds, 1, m, 1<<14)
		if err != nil {
			t.Fatal(err)
		}
		skip, err := f.step.NativeStepValues(m, ds.Batch(2), 1<<14) // batch 1 skipped
		if err != nil {
			t.Fatal(err)
		}
		skipped := *honest
		skipped.ModelLast, _ = p.Commitment(curve, skip)
		foreign, _, err := p.Assign(other, 1, m, 1<<14)
		if err != nil {
			t.Fatal(err)
		}
		fromOther := *foreign
		fromOther.DatasetRoot = honest.DatasetRoot
		bumped := append([]int64{}, last...)
		bumped[0]++
		wrongLast := *honest
		wrongLast.ModelLast, _ = p.Commitment(curve, bumped)
		// DivHint's calls in one step: the second step's first call moves
		one, err := frontend.Compile(curve.ScalarField(), r1cs.NewBuilder, chain.NewCircuit(chain.Params{K: 1, Step: f.step}))
		if err != nil {
			t.Fatal(err)
		}
		firstStep, _, err := chain.Params{K: 1, Step: f.step}.Assign(ds, 1, m, 1<<14)
		if err != nil {
			t.Fatal(err)
		}
		var calls atomic.Int32
		count := solver.OverrideHint(solver.GetHintID(fixedpoint.DivHint), func(field *big.Int, in, out []*big.Int) error {
			calls.Add(1)
			return fixedpoint.DivHint(field, in, out)
		})
		if err := circuittest.Solve(one, firstStep, count); err != nil {
			t.Fatal(err)
		}
		out = append(out, circuitCase{name: f.name, circuit: chain.NewCircuit(p), honest: honest, tampers: []tamper{
			{kind: "skipped step", witness: &skipped},
			{kind: "batch of another set", witness: &fromOther},
			{kind: "model tampered mid-chain", witness: honest, solverOp: shiftRescaleAt(calls.Load()+1, 1, false)},
			{kind: "wrong W_after", witness: &wrongLast},
		}})
	}
	return out
}

// wholeSetCase is a logistic chain of two whole passes over a set of 4
// batches (chain.Params.Set): the batches witnessed once and the root
// computed from all leaves.
func wholeSetCase(t *testing.T, curve ecc.ID) circuitCase {
	rng := rand.New(rand.NewPCG(41, 42))
	set := func() *commit.Dataset {
		rows := circuittest.Rows(rng, 12, 4, -2<<12, 2<<12)
		for _, r := range rows {
			r[3] = rng.Int64N(2)
		}
		ds, err := commit.NewDatasetOn(curve, commit.RoleTrain, rows, 3, fixedpoint.Format{Bits: 16, Frac: 12})
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	ds, other := set(), set()
	st := logreg.DefaultParams(3, 3, 2)
	p := chain.Params{K: 8, Step: st, Wrap: true, Set: 4}
	m := circuittest.Ints(rng, p.ModelDomain().Values, -1<<15, 1<<15)
	honest, last, err := p.Assign(ds, 0, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	short, _, err := chain.Params{K: 7, Step: st, Wrap: true}.Assign(ds, 0, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	skipped := *honest
	skipped.ModelLast = short.ModelLast
	foreign, _, err := p.Assign(other, 0, m, 1<<14)
	if err != nil {
		t.Fatal(err)
	}
	fromOther := *foreign
	fromOther.DatasetRoot = honest.DatasetRoot
	moved := *honest
	moved.FirstBatch = 1
	fewer := *honest
	fewer.Batches = 3
	bumped := append([]int64{}, last...)
	bumped[0]++
	wrongLast := *honest
	wrongLast.ModelLast, _ = p.Commitment(curve, bumped)
	return circuitCase{name: "whole-set chain", circuit: chain.NewCircuit(p), honest: honest, tampers: []tamper{
		{kind: "skipped step", witness: &skipped},
		{kind: "batch of another set", witness: &fromOther},
		{kind: "row at wrong index", witness: &moved},
		{kind: "batch count not the root's", witness: &fewer},
		{kind: "wrong W_after", witness: &wrongLast},
		{kind: "model tampered mid-chain", witness: honest, solverOp: shiftRescaleAt(12, 1, false)},
	}}
}

func qualityCase(t *testing.T, curve ecc.ID) circuitCase {
	rng := rand.New(rand.NewPCG(27, 28))
	p := score.Params{N: 4, Logistic: true, Model: logreg.DefaultParams(1, 2, 0)}
	rows := circuittest.Rows(rng, 4, 3, -2<<12, 2<<12)
	for _, r := range rows {
		r[2] = rng.Int64N(2)
	}
	set, err := p.HeldoutSet(rows)
	if err == nil {
		set, err = set.On(curve)
	}
	if err != nil {
		t.Fatal(err)
	}
	honest, err := p.AssignScore(set, linreg.Model{W: []int64{1 << 16, -1 << 15}, Bias: 5})
	if err != nil {
		t.Fatal(err)
	}
	inflated := *honest
	inflated.Correct = honest.Correct.(int64) + 1
	foreign := *honest
	foreign.Rows = append([][]frontend.Variable{}, honest.Rows...)
	foreign.Rows[0] = append([]frontend.Variable{}, honest.Rows[0]...)
	foreign.Rows[0][1] = 77
	return circuitCase{name: "quality score", circuit: score.NewScore(p), honest: honest, tampers: []tamper{
		{kind: "wrong claimed score", witness: &inflated},
		{kind: "row not in dataset", witness: &foreign},
		{kind: "false clamp", witness: honest, solverOp: withHint(activation.ClampHint, func(f *big.Int, out []*big.Int) { out[0].Add(out[0], big.NewInt(1)) })},
	}}
}

func lineageCase(t *testing.T, curve ecc.ID) circuitCase {
	raw := [][]int64{{3, 9, 4, 1}, {10, 2, 4, 0}, {7, 16, 4, 1}, {0, 5, 4, 0}} // column 0: 0..10; column 2 constant
	p := lineage.DefaultParams(4, 2, 3)
	honest, _, err := p.Assign(curve, raw)
	if err != nil {
		t.Fatal(err)
	}
	// claimAs is a prover claiming column 0's bounds are lo and hi, with the
	// multiplier and features that follow from them.
	claimAs := func(lo, hi int64) *lineage.Circuit {
		tr := p.MinMax(raw)
		tr.Lo[0], tr.Hi[0] = lo, hi
		c, _, err := p.AssignWith(curve, raw, p.Fit(tr.Lo, tr.Hi))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tr := p.MinMax(raw)
	tr.Offset[1]--
	_, otherDS, err := p.AssignWith(curve, raw, tr)
	if err != nil {
		t.Fatal(err)
	}
	wrongTransform := *honest
	wrongTransform.FeatureRoot = otherDS.Root()
	changed := *honest
	changed.Raw = append([][]frontend.Variable{}, honest.Raw...)
	changed.Raw[2] = append([]frontend.Variable{}, honest.Raw[2]...)
	changed.Raw[2][0] = raw[2][0] + 1
	return circuitCase{name: "lineage", circuit: lineage.NewCircuit(p), honest: honest, tampers: []tamper{
		{kind: "wrong transform", witness: &wrongTransform},
		{kind: "row not in dataset", witness: &changed},
		{kind: "rescale quotient +1", witness: honest, solverOp: shiftRescale(1, false)},
		{kind: "wrong minimum", witness: claimAs(3, 10)},              // moved into the column
		{kind: "wrong maximum", witness: claimAs(0, 7)},               // inside the column
		{kind: "minimum below every value", witness: claimAs(-1, 10)}, // not attained
	}}
}

// classScoreCase: held-out accuracy of an MLP (Freivalds-checked forward
// pass, pinned row maximum, one-hot label).
func classScoreCase(t *testing.T, curve ecc.ID) circuitCase {
	rng := rand.New(rand.NewPCG(35, 36))
	mp := mlp.DefaultParams(1, 3, 2, 3, 0, true)
	p := score.ClassParams{N: 4, Model: mp}
	rows := circuittest.Rows(rng, 4, 4, -2<<12, 2<<12)
	for _, r := range rows {
		r[3] = rng.Int64N(3)
	}
	m := circuittest.Ints(rng, mp.ModelDomain().Values, -1<<16, 1<<16)
	set, err := p.ClassSet(rows)
	if err == nil {
		set, err = set.On(curve)
	}
	if err != nil {
		t.Fatal(err)
	}
	honest, err := p.AssignClassScore(set, m)
	if err != nil {
		t.Fatal(err)
	}
	inflated := *honest
	inflated.Correct = honest.Correct.(int64) + 1
	foreign := *honest
	foreign.Rows = append([][]frontend.Variable{}, honest.Rows...)
	foreign.Rows[1] = append([]frontend.Variable{}, honest.Rows[1]...)
	foreign.Rows[1][0] = rows[1][0] + 3
	// The all-zero model ties every logit: it proves 0 correct, not N.
	zero, err := p.AssignClassScore(set, make([]int64, len(m)))
	if err != nil {
		t.Fatal(err)
	}
	if zero.Correct.(int64) != 0 {
		t.Fatalf("the zero model scores %v of %d", zero.Correct, p.N)
	}
	ties := *zero
	ties.Correct = p.N
	return circuitCase{name: "class score", circuit: score.NewClassScore(p), honest: honest, tampers: []tamper{
		{kind: "tie scored correct", witness: &ties},
		{kind: "wrong claimed score", witness: &inflated},
		{kind: "row not in dataset", witness: &foreign},
		{kind: "wrong softmax maximum", witness: honest, solverOp: withHint(softmax.MaxHint, func(f *big.Int, out []*big.Int) { out[0].Add(out[0], big.NewInt(1)) })},
		{kind: "wrong matrix product", witness: honest, solverOp: withHint(matmul.ProductHint, func(f *big.Int, out []*big.Int) { out[0].Add(out[0], big.NewInt(1)) })},
	}}
}

// naiveCase: the naive linear step, whose batch index must name a batch.
func naiveCase(t *testing.T, curve ecc.ID) circuitCase {
	rng := rand.New(rand.NewPCG(33, 34))
	p := linreg.DefaultParams(2, 2, 3) // row tree of depth 3: 8 rows, 4 batches
	ds, err := linreg.NewNaiveDataset(curve, circuittest.Rows(rng, 8, 3, -2<<12, 2<<12), p.B)
	if err != nil {
		t.Fatal(err)
	}
	m := linreg.Model{W: circuittest.Ints(rng, 2, -1<<16, 1<<16), Bias: 7}
	honest, _, err := p.AssignNaive(ds, 1, m, 1<<13)
	if err != nil {
		t.Fatal(err)
	}
	// Rows 1 and 2 straddle batches 0 and 1: BatchIndex = 1/B mod r makes
	// BatchIndex·B + i name them.
	const start = 1
	rows := ds.Rows[start : start+p.B]
	next, err := p.NaiveStep(m, rows, 1<<13)
	if err != nil {
		t.Fatal(err)
	}
	window := *honest
	window.BatchIndex = new(big.Int).ModInverse(big.NewInt(int64(p.B)), curve.ScalarField())
	window.ModelAfter = ds.NaiveCommitment(next)
	window.X, window.Y, window.Paths = make([][]frontend.Variable, p.B), make([]frontend.Variable, p.B), make([][]frontend.Variable, p.B)
	for i, r := range rows {
		window.X[i] = []frontend.Variable{r[0], r[1]}
		window.Y[i] = r[2]
		if window.Paths[i], err = ds.RowPath(start + i); err != nil {
			t.Fatal(err)
		}
	}
	return circuitCase{name: "linreg-naive step", circuit: linreg.NewNaiveCircuit(p), honest: honest, tampers: []tamper{
		{kind: "batch window not a batch", witness: &window},
	}}
}

// clampCircuit clamps to one value: [5, 5].
type clampCircuit struct{ T, C frontend.Variable }

func (c *clampCircuit) Define(api frontend.API) error {
	api.AssertIsEqual(activation.Clamp(fixedpoint.New(api), c.T, 5, 5, 20), c.C)
	return nil
}

func clampCase(t *testing.T, curve ecc.ID) circuitCase {
	// t = 6 clamps to 5; a hint claiming c = 6 with no excess satisfies
	// t = c + tp - tn and both products, so only c - lo < 1 rejects it.
	cheat := func(f *big.Int, in, out []*big.Int) error {
		out[0].SetInt64(6)
		out[1].SetInt64(0)
		out[2].SetInt64(0)
		return nil
	}
	return circuitCase{name: "one-wide clamp", circuit: &clampCircuit{}, honest: &clampCircuit{T: 6, C: 5}, tampers: []tamper{
		{kind: "one-wide clamp", witness: &clampCircuit{T: 6, C: 6}, solverOp: []solver.Option{solver.OverrideHint(solver.GetHintID(activation.ClampHint), cheat)}},
	}}
}

// lanesName marks a case whose products are in lanes.
func lanesName(lanes bool) string {
	if lanes {
		return " (lanes)"
	}
	return ""
}

// lanesTampers: with lanes, a cheating prover who opens a packed sum with
// 2^W moved from one lane to the next (the same sum), or divides a lane with
// its quotient moved by one and the remainder by d.
func lanesTampers(on bool, honest frontend.Circuit, divides bool) []tamper {
	if !on {
		return nil
	}
	shift := solver.OverrideHint(solver.GetHintID(lanes.OpenHint), func(f *big.Int, in, out []*big.Int) error {
		if err := lanes.OpenHint(f, in, out); err != nil {
			return err
		}
		if len(out) > 1 {
			out[0].Add(out[0], new(big.Int).Lsh(big.NewInt(1), uint(in[0].Int64()))).Mod(out[0], f)
			out[1].Sub(out[1], big.NewInt(1)).Mod(out[1], f)
		}
		return nil
	})
	out := []tamper{{kind: "lanes opened shifted", witness: honest, solverOp: []solver.Option{shift}}}
	if divides {
		quotient := solver.OverrideHint(solver.GetHintID(lanes.DivRoundHint), func(f *big.Int, in, out []*big.Int) error {
			if err := lanes.DivRoundHint(f, in, out); err != nil {
				return err
			}
			n := len(out) / 2
			out[0].Add(out[0], big.NewInt(1)).Mod(out[0], f)
			out[n].Sub(out[n], in[1]).Mod(out[n], f)
			return nil
		})
		out = append(out, tamper{kind: "lane quotient +1", witness: honest, solverOp: []solver.Option{quotient}})
	}
	return out
}

func allCases(t *testing.T, curve ecc.ID) []circuitCase {
	var out []circuitCase
	for _, f := range []func(*testing.T, ecc.ID) circuitCase{wholeSetCase, linregCase, linregLanesCase, logregCase, logregLanesCase, softmaxCase, softmaxLanesCase, mlpCase, chainCase, wrapCase, soldCase, qualityCase, classScoreCase, lineageCase, membershipCase, activationCase, naiveCase, clampCase} {
		out = append(out, f(t, curve))
	}
	if curve == ecc.BN254 {
		out = append(out, blobSoldCase(t, curve))
	}
	return append(out, familyChainCases(t, curve)...)
}

// TestSoundnessMatrix runs the matrix on every curve the commitments support:
// the commitments differ per curve (BLS12-381 has a narrower sponge), so the
// same tampers must be rejected on each.
func TestSoundnessMatrix(t *testing.T) {
	for _, curve := range curves.Compared {
		t.Run(curve.String(), func(t *testing.T) { soundnessMatrix(t, curve) })
	}
}

func soundnessMatrix(t *testing.T, curve ecc.ID) {
	cases := allCases(t, curve)
	matrix := map[string]map[string]string{}
	for _, c := range cases {
		cs, err := frontend.Compile(curve.ScalarField(), r1cs.NewBuilder, c.circuit)
		if err != nil {
			t.Fatal(err)
		}
		if err := circuittest.Solve(cs, c.honest); err != nil {
			t.Fatalf("%s: honest witness rejected: %v", c.name, err)
		}
		matrix[c.name] = map[string]string{}
		for _, tp := range c.tampers {
			if !slices.Contains(kinds, tp.kind) {
				t.Errorf("%s: tamper %q is not a matrix row (kinds), so the matrix would not count it", c.name, tp.kind)
			}
			// Both gnark's test engine (for witness tampering) and the
			// R1CS solver (which runs the overridden hints) must reject.
			rejected := circuittest.Solve(cs, tp.witness, tp.solverOp...) != nil
			if tp.solverOp == nil && test.IsSolved(c.circuit, tp.witness, curve.ScalarField()) == nil {
				rejected = false
			}
			if rejected {
				matrix[c.name][tp.kind] = "rejected"
			} else {
				matrix[c.name][tp.kind] = "ACCEPTED"
				t.Errorf("%s: tamper %q was accepted", c.name, tp.kind)
			}
		}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nsoundness matrix on %s (circuit × tamper → outcome; –: not applied here, see the circuit's own tests)\n", curve)
	fmt.Fprintf(&sb, "%-26s", "tamper")
	for _, c := range cases {
		fmt.Fprintf(&sb, " | %-9s", short(c.name))
	}
	sb.WriteString("\n")
	total, rejected := 0, 0
	for _, k := range kinds {
		fmt.Fprintf(&sb, "%-26s", k)
		for _, c := range cases {
			v, ok := matrix[c.name][k]
			if !ok {
				v = "–"
			} else {
				total++
				if v == "rejected" {
					rejected++
				}
			}
			fmt.Fprintf(&sb, " | %-9s", v)
		}
		sb.WriteString("\n")
	}
	fmt.Fprintf(&sb, "%d of %d tampered witnesses rejected\n", rejected, total)
	for _, c := range cases {
		fmt.Fprintf(&sb, "%s = %s; ", short(c.name), c.name)
	}
	t.Log(sb.String())
}

// freeWires lists the wires of a compiled R1CS that appear in no constraint
// (wire 0, the constant one, excepted).
func freeWires(t *testing.T, curve ecc.ID, circuit frontend.Circuit) (free []int, total int) {
	cs, err := frontend.Compile(curve.ScalarField(), r1cs.NewBuilder, circuit)
	if err != nil {
		t.Fatal(err)
	}
	r, ok := cs.(interface{ GetR1Cs() []constraint.R1C })
	if !ok {
		t.Fatal("not an R1CS")
	}
	n := cs.GetNbPublicVariables() + cs.GetNbSecretVariables() + cs.GetNbInternalVariables()
	used := make([]bool, n)
	for _, r1c := range r.GetR1Cs() {
		for _, le := range []constraint.LinearExpression{r1c.L, r1c.R, r1c.O} {
			for _, term := range le {
				if !term.IsConstant() && term.CoeffID() != constraint.CoeffIdZero && term.WireID() < n {
					used[term.WireID()] = true
				}
			}
		}
	}
	unread := emulatedRemainders(cs, used)
	for i := 1; i < n; i++ {
		if !used[i] && !unread[i] {
			free = append(free, i)
		}
	}
	sort.Ints(free)
	return free, n
}

// emulatedRemainders are the wires of gnark's emulated zero checks that no
// constraint reads: checkZero (under AssertIsEqual and Div) calls mulHint
// for a·1 = 0 + k·p and takes the remainder as the constant zero, so the
// hint's remainder outputs, one limb each (four for BLS12-381's scalar
// field), are in no constraint. A mulHint call's unused outputs are exempt
// only when they are four in a row; any other free output is reported.
func emulatedRemainders(cs constraint.ConstraintSystem, used []bool) map[int]bool {
	sys, ok := cs.(*csbn254.R1CS)
	if !ok {
		return nil
	}
	var mulHint solver.HintID
	for _, h := range solver.GetRegisteredHints() {
		if strings.HasSuffix(solver.GetHintName(h), "emulated.mulHint") {
			mulHint = solver.GetHintID(h)
		}
	}
	out := map[int]bool{}
	var hm constraint.HintMapping
	for i := 0; i < sys.GetNbInstructions(); i++ {
		bp, ok := sys.Blueprints[sys.Instructions[i].BlueprintID].(constraint.BlueprintHint)
		if !ok {
			continue
		}
		bp.DecompressHint(&hm, sys.GetInstruction(i))
		if hm.HintID != mulHint {
			continue
		}
		var unused []int
		for w := int(hm.OutputRange.Start); w < int(hm.OutputRange.End); w++ {
			if w < len(used) && !used[w] {
				unused = append(unused, w)
			}
		}
		if len(unused) == 4 && unused[3]-unused[0] == 3 {
			for _, w := range unused {
				out[w] = true
			}
		}
	}
	return out
}

// TestEveryWireConstrained: a wire (input or hint output) that appears in no
// constraint can take any value; gnark refuses unconstrained inputs at
// compile time, and this finds unconstrained hint outputs too.
func TestEveryWireConstrained(t *testing.T) {
	for _, curve := range curves.Compared {
		for _, c := range allCases(t, curve) {
			if free, n := freeWires(t, curve, c.circuit); len(free) > 0 {
				t.Errorf("%s on %s: %d of %d wires appear in no constraint, e.g. wire %d", c.name, curve, len(free), n, free[0])
			}
		}
	}
}

// leakyCircuit feeds V to a hint and constrains only the quotient: neither V
// (gnark's compile-time check counts a hint input as used) nor the remainder
// is in any constraint, and the check above must report both.
type leakyCircuit struct{ V, Q frontend.Variable }

func (c *leakyCircuit) Define(api frontend.API) error {
	res, err := api.Compiler().NewHint(fixedpoint.DivHint, 2, c.V, 7)
	if err != nil {
		return err
	}
	api.AssertIsEqual(api.Mul(res[0], 7), api.Mul(c.Q, 7)) // uses q; the remainder is left free
	return nil
}

func TestFreeWireDetected(t *testing.T) {
	if free, _ := freeWires(t, ecc.BN254, &leakyCircuit{}); len(free) != 2 {
		t.Errorf("want the input V and the remainder reported, got wires %v", free)
	}
}

// softmaxLanes is p with its products in lanes.
func softmaxLanes(p softmax.Params) softmax.Params {
	p.Lanes = true
	return p
}

func short(name string) string {
	if base, ok := strings.CutSuffix(name, " (lanes)"); ok {
		return short(base)[:min(7, len(short(base)))] + "/L"
	}
	if len(name) <= 9 {
		return name
	}
	return name[:9]
}
