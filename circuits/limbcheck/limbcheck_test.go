package limbcheck

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/internal/circuittest"
)

// rangeCircuit checks V[i] < 2^Bits[i], with this package or with gnark's
// std/rangecheck.
type rangeCircuit struct {
	V     []frontend.Variable
	bits  []int
	gnark bool
}

func newRange(bits []int, gnark bool) *rangeCircuit {
	return &rangeCircuit{V: make([]frontend.Variable, len(bits)), bits: bits, gnark: gnark}
}

func (c *rangeCircuit) Define(api frontend.API) error {
	var rc frontend.Rangechecker = New(api)
	if c.gnark {
		rc = rangecheck.New(api)
	}
	for i, v := range c.V {
		rc.Check(v, c.bits[i])
	}
	return nil
}

func assign(vals []*big.Int) *rangeCircuit {
	c := &rangeCircuit{V: make([]frontend.Variable, len(vals))}
	for i, v := range vals {
		c.V[i] = v
	}
	return c
}

// widths: every limb split the circuits use, aligned or not, one limb or
// several.
var widths = []int{1, 3, 8, 8, 12, 16, 16, 16, 17, 24, 31, 32, 40, 48, 64, 100}

// edges: the largest value in range of each width, then 0.
func edges(bits []int) (top, zero []*big.Int) {
	for _, b := range bits {
		top = append(top, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(b)), big.NewInt(1)))
		zero = append(zero, big.NewInt(0))
	}
	return top, zero
}

func TestCheck(t *testing.T) {
	assert := test.NewAssert(t)
	top, zero := edges(widths)
	opts := []test.TestingOption{test.WithCurves(ecc.BN254, ecc.BLS12_381), test.NoFuzzing(), test.NoSerializationChecks()}
	assert.CheckCircuit(newRange(widths, false), append(opts, test.WithValidAssignment(assign(top)), test.WithValidAssignment(assign(zero)))...)
	// each width one past its range, and a negative value
	for i, b := range widths {
		over := append([]*big.Int{}, zero...)
		over[i] = new(big.Int).Lsh(big.NewInt(1), uint(b))
		assert.CheckCircuit(newRange(widths, false), append(opts, test.WithInvalidAssignment(assign(over)))...)
		neg := append([]*big.Int{}, zero...)
		neg[i] = big.NewInt(-1)
		assert.CheckCircuit(newRange(widths, false), append(opts, test.WithInvalidAssignment(assign(neg)))...)
	}
}

// TestCheatingProver overrides the hints as a prover would to pass a value
// out of range: limbs that recompose it but are too wide, and counts that
// include queries outside the table.
func TestCheatingProver(t *testing.T) {
	bits := []int{16, 12, 40}
	for i, b := range bits {
		vals := []*big.Int{big.NewInt(7), big.NewInt(9), big.NewInt(11)}
		vals[i] = new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), uint(b)), big.NewInt(5)) // 2^b + 5
		wide := func(_ *big.Int, in, out []*big.Int) error {
			// limbs 1.. of v without masking the top one: v recomposes
			// with its low limb in range and the top limb too wide
			base := uint(in[0].Uint64())
			v := new(big.Int).Rsh(in[1], base)
			mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), base), big.NewInt(1))
			for j := range out {
				if j == len(out)-1 {
					out[j].Set(v)
					break
				}
				out[j].And(v, mask)
				v.Rsh(v, base)
			}
			return nil
		}
		counted := func(_ *big.Int, in, out []*big.Int) error {
			// every query counted at its value reduced into the table
			n := int64(len(out))
			c := make([]int64, n)
			for _, q := range in[1:] {
				c[new(big.Int).Mod(q, big.NewInt(n)).Int64()]++
			}
			for j := range out {
				out[j].SetInt64(c[j])
			}
			return nil
		}
		for name, opt := range map[string]solver.Option{
			"limbs":  solver.OverrideHint(solver.GetHintID(LimbsHint), wide),
			"counts": solver.OverrideHint(solver.GetHintID(CountHint), counted),
		} {
			if err := circuittest.SolveR1CS(newRange(bits, false), assign(vals), opt); err == nil {
				t.Errorf("a %d-bit check accepted 2^%d+5 with the %s hint overridden", b, b, name)
			}
		}
		if err := circuittest.SolveR1CS(newRange(bits, false), assign(vals)); err == nil {
			t.Errorf("a %d-bit check accepted 2^%d+5", b, b)
		}
	}
}

// TestCost checks the count against Cost and against gnark's checker: one
// constraint less per check.
func TestCost(t *testing.T) {
	for _, tc := range []struct {
		n, bits int
	}{{1024, 16}, {4096, 16}, {300, 40}} {
		bits := make([]int, tc.n)
		for i := range bits {
			bits[i] = tc.bits
		}
		count := func(gnark bool) int {
			cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, newRange(bits, gnark))
			if err != nil {
				t.Fatal(err)
			}
			return cs.GetNbConstraints()
		}
		ours, theirs := count(false), count(true)
		// besides Cost: the commitment's mask, and a wire for every few
		// hundred terms of the sums (gnark's R1CS builder splits long
		// linear combinations)
		want := Cost(Base(bits), bits) + 1
		if ours < want || ours > want+want/256 {
			t.Errorf("%d checks of %d bits: %d constraints, Cost says %d", tc.n, tc.bits, ours, want)
		}
		if ours >= theirs {
			t.Errorf("%d checks of %d bits: %d constraints, gnark's checker %d", tc.n, tc.bits, ours, theirs)
		}
		t.Logf("%d checks of %d bits: %d constraints (limb width %d), gnark's std/rangecheck %d", tc.n, tc.bits, ours, Base(bits), theirs)
	}
}
