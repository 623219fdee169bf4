package lanes

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
)

// productCircuit: Y = A·V (rows packed), G = Uᵀ·A (columns packed) and
// Q = round(Y/d), all through lanes; A and U signed aBits, V signed vBits.
type productCircuit struct {
	A       [][]frontend.Variable
	V, U    []frontend.Variable
	Y, G, Q []frontend.Variable `gnark:",public"`

	aBits, vBits, qBits int
	d                   *big.Int
}

func newProduct(n, m, aBits, vBits, qBits int, d *big.Int) *productCircuit {
	c := &productCircuit{A: make([][]frontend.Variable, n), V: make([]frontend.Variable, m), U: make([]frontend.Variable, n),
		Y: make([]frontend.Variable, n), G: make([]frontend.Variable, m), Q: make([]frontend.Variable, n),
		aBits: aBits, vBits: vBits, qBits: qBits, d: d}
	for i := range c.A {
		c.A[i] = make([]frontend.Variable, m)
	}
	return c
}

func (c *productCircuit) Define(api frontend.API) error {
	fp := fixedpoint.New(api)
	for i := range c.A {
		for _, a := range c.A[i] {
			fp.AssertSigned(a, c.aBits)
		}
		fp.AssertSigned(c.U[i], c.aBits)
	}
	for _, v := range c.V {
		fp.AssertSigned(v, c.vBits)
	}
	field := api.Compiler().Field()
	n, m := len(c.A), len(c.V)
	// the rows' products are packed for division, wide enough to open too
	ly := DivLanes(field, DotBits(c.aBits, c.vBits, m), c.d, c.qBits)
	sums := ly.RowsDot(api, c.A, c.V)
	for i, y := range ly.OpenAll(fp, sums, n) {
		api.AssertIsEqual(y, c.Y[i])
	}
	for g, s := range sums {
		for k, q := range ly.OpenDivRound(fp, s, min(ly.N, n-g*ly.N), c.d, c.qBits) {
			api.AssertIsEqual(q, c.Q[g*ly.N+k])
		}
	}
	lg := Fit(field, DotBits(c.aBits, c.aBits, n))
	for j, g := range lg.OpenAll(fp, lg.ColsDot(api, c.U, c.A), m) {
		api.AssertIsEqual(g, c.G[j])
	}
	return nil
}

// assign fills a random instance and its true results.
func assign(rng *rand.Rand, c *productCircuit) *productCircuit {
	n, m := len(c.A), len(c.V)
	w := newProduct(n, m, c.aBits, c.vBits, c.qBits, c.d)
	lim := func(b int) int64 { return int64(1) << (b - 1) }
	a := circuittest.Rows(rng, n, m, -lim(c.aBits), lim(c.aBits)-1)
	v := circuittest.Ints(rng, m, -lim(c.vBits), lim(c.vBits)-1)
	u := circuittest.Ints(rng, n, -lim(c.aBits), lim(c.aBits)-1)
	// the extremes, where a wrong bound would show
	a[0][0], v[0], u[0] = -lim(c.aBits), -lim(c.vBits), -lim(c.aBits)
	for i := range a {
		y := new(big.Int)
		for j := range a[i] {
			w.A[i][j] = a[i][j]
			y.Add(y, new(big.Int).Mul(big.NewInt(a[i][j]), big.NewInt(v[j])))
		}
		w.Y[i], w.Q[i], w.U[i] = y, fixedpoint.DivRound(y, c.d), u[i]
	}
	for j := range v {
		w.V[j] = v[j]
		g := new(big.Int)
		for i := range a {
			g.Add(g, new(big.Int).Mul(big.NewInt(u[i]), big.NewInt(a[i][j])))
		}
		w.G[j] = g
	}
	return w
}

func TestProducts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sh := range []struct{ n, m, aBits, vBits int }{{7, 5, 16, 32}, {9, 3, 16, 16}, {4, 64, 16, 32}} {
		d := new(big.Int).Lsh(big.NewInt(3), 20)
		qBits := DotBits(sh.aBits, sh.vBits, sh.m) - 20 + 1
		c := newProduct(sh.n, sh.m, sh.aBits, sh.vBits, qBits, d)
		assert := test.NewAssert(t)
		for range 3 {
			w := assign(rng, c)
			assert.CheckCircuit(c, test.WithValidAssignment(w), test.WithCurves(ecc.BN254, ecc.BLS12_377), test.NoFuzzing(), test.NoSerializationChecks())
			bad := assign(rng, c)
			copy(bad.A[0], w.A[0])
			bad.Y[0] = new(big.Int).Add(bad.Y[0].(*big.Int), big.NewInt(1))
			assert.CheckCircuit(c, test.WithInvalidAssignment(bad), test.WithCurves(ecc.BN254), test.NoFuzzing(), test.NoSerializationChecks())
		}
	}
}

// A cheating prover's hints: lanes moved by a multiple of 2^W between
// neighbours (the same packed sum, another decomposition), or a quotient
// moved with its remainder; each must be refused.
func TestCheatingOpen(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	d := new(big.Int).Lsh(big.NewInt(1), 20)
	c := newProduct(5, 4, 16, 32, DotBits(16, 32, 4)-20+1, d)
	w := assign(rng, c)
	if err := circuittest.SolveR1CS(c, w); err != nil {
		t.Fatalf("honest prover refused: %v", err)
	}
	shiftLanes := func(hint solver.Hint, lane, by int) solver.Hint {
		return func(field *big.Int, in, out []*big.Int) error {
			if err := hint(field, in, out); err != nil {
				return err
			}
			wbits := int(in[0].Int64())
			n := len(out)
			if lane+1 >= n {
				return nil
			}
			// lane += by·2^W, next lane -= by: the same sum
			step := new(big.Int).Lsh(big.NewInt(int64(by)), uint(wbits))
			out[lane].Add(out[lane], step).Mod(out[lane], field)
			out[lane+1].Sub(out[lane+1], big.NewInt(int64(by))).Mod(out[lane+1], field)
			return nil
		}
	}
	for _, by := range []int{1, -1, 5} {
		if err := circuittest.SolveR1CS(c, w, solver.OverrideHint(solver.GetHintID(OpenHint), shiftLanes(OpenHint, 0, by))); err == nil {
			t.Errorf("lanes shifted by %d·2^W accepted", by)
		}
	}
	// quotient one more, remainder d less: the same lane, r out of range
	moveQ := func(field *big.Int, in, out []*big.Int) error {
		if err := DivRoundHint(field, in, out); err != nil {
			return err
		}
		n := len(out) / 2
		out[0].Add(out[0], big.NewInt(1)).Mod(out[0], field)
		out[n].Sub(out[n], in[1]).Mod(out[n], field)
		return nil
	}
	if err := circuittest.SolveR1CS(c, w, solver.OverrideHint(solver.GetHintID(DivRoundHint), moveQ)); err == nil {
		t.Error("quotient moved with its remainder accepted")
	}
}

func TestFit(t *testing.T) {
	field := ecc.BN254.ScalarField()
	if l := Fit(field, 55); l.N != 4 || l.W*l.N > Budget(field) {
		t.Errorf("Fit(55) = %+v", l)
	}
	if got := DotBits(16, 32, 64); got != 16+32-2+7+1 {
		t.Errorf("DotBits(16, 32, 64) = %d", got)
	}
	// the largest dot product DotBits allows: every term at its extreme
	n, a, b := 64, int64(-1)<<15, int64(-1)<<31
	s := new(big.Int).Mul(big.NewInt(int64(n)), new(big.Int).Mul(big.NewInt(a), big.NewInt(b)))
	if lim := new(big.Int).Lsh(big.NewInt(1), uint(DotBits(16, 32, n)-1)); s.CmpAbs(lim) >= 0 {
		t.Errorf("DotBits(16, 32, %d) does not bound %s", n, s)
	}
}
