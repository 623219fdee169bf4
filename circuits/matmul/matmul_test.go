package matmul

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/internal/circuittest"
)

type productCircuit struct {
	A, B, C   [][]frontend.Variable
	freivalds bool
}

func (c *productCircuit) Define(api frontend.API) error {
	var got [][]frontend.Variable
	if c.freivalds {
		got = Freivalds(api, c.A, c.B)
	} else {
		got = Mul(api, c.A, c.B)
	}
	for i := range got {
		for k := range got[i] {
			api.AssertIsEqual(got[i][k], c.C[i][k])
		}
	}
	return nil
}

func shape(n, m int) [][]frontend.Variable {
	out := make([][]frontend.Variable, n)
	for i := range out {
		out[i] = make([]frontend.Variable, m)
	}
	return out
}

func assign(a, b [][]int64) *productCircuit {
	c := &productCircuit{A: shape(len(a), len(b)), B: shape(len(b), len(b[0])), C: shape(len(a), len(b[0]))}
	for i := range a {
		for j := range a[i] {
			c.A[i][j] = a[i][j]
		}
	}
	for j := range b {
		for k := range b[j] {
			c.B[j][k] = b[j][k]
		}
	}
	for i, row := range Native(a, b) {
		for k, v := range row {
			c.C[i][k] = v
		}
	}
	return c
}

func TestProductsMatchNative(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	a := circuittest.Rows(rng, 4, 5, -1<<20, 1<<20)
	b := circuittest.Rows(rng, 5, 3, -1<<30, 1<<30)
	for _, fr := range []bool{false, true} {
		circuit := &productCircuit{A: shape(4, 5), B: shape(5, 3), C: shape(4, 3), freivalds: fr}
		good := assign(a, b)
		bad := assign(a, b)
		bad.C[2][1] = new(big.Int).Add(bad.C[2][1].(*big.Int), big.NewInt(1))
		test.NewAssert(t).CheckCircuit(circuit, test.WithValidAssignment(good), test.WithInvalidAssignment(bad),
			test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks())
	}
}

// A prover whose hint returns a wrong product (the claimed C is never an
// input here: the circuit uses the hint's answer) must fail Freivalds' test.
type hintedCircuit struct{ A, B [][]frontend.Variable }

func (c *hintedCircuit) Define(api frontend.API) error {
	_ = Freivalds(api, c.A, c.B)
	return nil
}

func TestFreivaldsRejectsWrongProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	a := circuittest.Rows(rng, 3, 4, -100, 100)
	b := circuittest.Rows(rng, 4, 2, -100, 100)
	full := assign(a, b)
	w := &hintedCircuit{A: full.A, B: full.B}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &hintedCircuit{A: shape(3, 4), B: shape(4, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if err := circuittest.Solve(cs, w); err != nil {
		t.Fatalf("honest product rejected: %v", err)
	}
	for _, entry := range []int{0, 5} {
		cheat := func(f *big.Int, in, out []*big.Int) error {
			if err := ProductHint(f, in, out); err != nil {
				return err
			}
			out[entry].Add(out[entry], big.NewInt(1))
			return nil
		}
		if err := circuittest.Solve(cs, w, solver.OverrideHint(solver.GetHintID(ProductHint), cheat)); err == nil {
			t.Errorf("product with entry %d off by one accepted", entry)
		}
	}
}

func TestFreivaldsIsCheaper(t *testing.T) {
	count := func(fr bool) int {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &productCircuit{A: shape(32, 64), B: shape(64, 32), C: shape(32, 32), freivalds: fr})
		if err != nil {
			t.Fatal(err)
		}
		return cs.GetNbConstraints()
	}
	direct, freivalds := count(false), count(true)
	t.Logf("32×64 · 64×32: %d constraints direct, %d with Freivalds", direct, freivalds)
	if freivalds >= direct/4 {
		t.Errorf("Freivalds check costs %d constraints against %d direct", freivalds, direct)
	}
}
