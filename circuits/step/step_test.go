package step

import (
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
)

var (
	shape = Shape{B: 2, D: 3, Depth: 2, Data: fixedpoint.Format{Bits: 16, Frac: 12}, LRBits: 20}
	dom   = commit.Model("linear", fixedpoint.Format{Bits: 32, Frac: 16}, 4, 3, 1)
)

// bindCircuit is a step without an update: it binds the batch, the model
// before and the learning rate, and ties ModelAfter to the same model.
type bindCircuit struct {
	Public
	X        [][]frontend.Variable
	Y        []frontend.Variable
	Siblings []frontend.Variable
	Model    []frontend.Variable
}

func (c *bindCircuit) Define(api frontend.API) error {
	fp := fixedpoint.New(api)
	if err := Bind(fp, shape, c.Public, c.X, c.Y, c.Siblings, dom, c.Model); err != nil {
		return err
	}
	return BindModel(fp, dom, c.Model, c.ModelAfter)
}

func empty() *bindCircuit {
	c := &bindCircuit{X: make([][]frontend.Variable, shape.B), Y: make([]frontend.Variable, shape.B),
		Siblings: make([]frontend.Variable, shape.Depth), Model: make([]frontend.Variable, dom.Values)}
	for i := range c.X {
		c.X[i] = make([]frontend.Variable, shape.D)
	}
	return c
}

func TestBind(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	ds, err := commit.NewDataset(commit.RoleTrain, circuittest.Rows(rng, 8, 4, -3000, 3000), 2, shape.Data)
	if err != nil {
		t.Fatal(err)
	}
	model := circuittest.Ints(rng, 4, -1<<20, 1<<20)
	h, err := CommitModel(ecc.BN254, dom, model)
	if err != nil {
		t.Fatal(err)
	}
	assign := func(k int) *bindCircuit {
		rows, sib, err := Batch(ds, shape, k)
		if err != nil {
			t.Fatal(err)
		}
		c := empty()
		FillBatch(c.X, c.Y, rows)
		c.Siblings = sib
		for j, v := range model {
			c.Model[j] = v
		}
		c.DatasetRoot, c.BatchIndex, c.LearningRate, c.ModelBefore, c.ModelAfter = ds.Root(), k, 1<<13, h, h
		c.Batches = ds.NumBatches()
		return c
	}
	wrongIndex := assign(2)
	wrongIndex.BatchIndex = 1
	bigLR := assign(2)
	bigLR.LearningRate = 1 << 20
	vec, _ := commit.NativePackAndHash(ecc.BN254, commit.Vector(4, dom.Format), model)
	otherKind := assign(2)
	otherKind.ModelBefore = vec
	otherRow := assign(2)
	otherRow.Y[1] = 17
	fewer := assign(2) // the set declared one batch short, to skip its last batch
	fewer.Batches = ds.NumBatches() - 1
	test.NewAssert(t).CheckCircuit(empty(), test.WithValidAssignment(assign(2)), test.WithValidAssignment(assign(3)),
		test.WithInvalidAssignment(wrongIndex), test.WithInvalidAssignment(fewer), test.WithInvalidAssignment(bigLR), test.WithInvalidAssignment(otherKind),
		test.WithInvalidAssignment(otherRow),
		test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks(), test.NoProverChecks())
	// natively, a dataset of another shape is refused before any proving
	other, _ := commit.NewDataset(commit.RoleTrain, circuittest.Rows(rng, 8, 4, -3000, 3000), 4, shape.Data)
	if _, _, err := Batch(other, shape, 0); err == nil {
		t.Error("Batch accepted a dataset cut in batches of 4 for a step of 2")
	}
}
