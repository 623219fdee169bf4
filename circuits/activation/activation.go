// Package activation gives the non-linear pieces of the training circuits,
// each with a native twin computing the same integers: clamping, ReLU with
// its derivative mask, and lookup-table functions (sigmoid, exp) over a
// fixed-point grid, read with gnark's log-derivative lookup argument.
package activation

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/lookup/logderivlookup"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Clamp returns min(max(t, lo), hi) for a signed t with |t| < 2^tBits.
//
// A hint gives c and the parts tp, tn >= 0 that t exceeds the bounds by, with
//
//	t = c + tp - tn,  lo <= c <= hi,  tp·(hi - c) = 0,  tn·(c - lo) = 0,
//
// so tp > 0 forces c = hi and tn > 0 forces c = lo; for t in range both must be
// 0, and outside it exactly one is. hi - lo + 1 must be a power of two.
func Clamp(fp *fixedpoint.API, t frontend.Variable, lo, hi int64, tBits int) frontend.Variable {
	api := fp.Frontend()
	width := hi - lo + 1
	if width <= 0 || width&(width-1) != 0 {
		panic(fmt.Sprintf("activation: clamp range [%d, %d] is not a power of two wide", lo, hi))
	}
	res, err := api.Compiler().NewHint(ClampHint, 3, t, lo, hi)
	if err != nil {
		panic(err)
	}
	c, tp, tn := res[0], res[1], res[2]
	api.AssertIsEqual(t, api.Sub(api.Add(c, tp), tn))
	if width == 1 {
		// a range check of 0 bits does not exist: pin c directly
		api.AssertIsEqual(c, lo)
	} else {
		fp.AssertUnsigned(api.Sub(c, lo), bits.Len64(uint64(width-1)))
	}
	fp.AssertUnsigned(tp, tBits)
	fp.AssertUnsigned(tn, tBits)
	api.AssertIsEqual(api.Mul(tp, api.Sub(hi, c)), 0)
	api.AssertIsEqual(api.Mul(tn, api.Sub(c, lo)), 0)
	return c
}

// NativeClamp is the twin of Clamp.
func NativeClamp(t, lo, hi int64) int64 { return min(max(t, lo), hi) }

// ReLU returns r = max(a, 0) and the mask m = [a > 0] for a signed a with
// |a| < 2^aBits. A hint gives m; the constraints
//
//	m·(m - 1) = 0,  r = m·a,  m·(a - 1) - (1 - m)·a >= 0
//
// pin it: m = 1 needs a >= 1, m = 0 needs a <= 0.
func ReLU(fp *fixedpoint.API, a frontend.Variable, aBits int) (r, m frontend.Variable) {
	api := fp.Frontend()
	res, err := api.Compiler().NewHint(ReLUHint, 1, a)
	if err != nil {
		panic(err)
	}
	m = res[0]
	api.AssertIsBoolean(m)
	r = api.Mul(m, a)
	// m(a-1) - (1-m)a = 2ma - m - a = 2r - m - a
	fp.AssertUnsigned(api.Sub(api.Sub(api.Mul(r, 2), m), a), aBits)
	return r, m
}

// NativeReLU is the twin of ReLU.
func NativeReLU(a int64) (r, m int64) {
	if a > 0 {
		return a, 1
	}
	return 0, 0
}

// Table is a function tabulated on the grid lo, lo+1, ..., lo+len(Values)-1
// (inputs at some fixed-point scale), with integer outputs.
type Table struct {
	Lo     int64
	Values []int64
}

// Hi is the largest tabulated input.
func (t Table) Hi() int64 { return t.Lo + int64(len(t.Values)) - 1 }

// NewTable tabulates f: entry k is round(f((lo+k)/2^inFrac) · 2^outFrac).
func NewTable(lo int64, n int, inFrac, outFrac int, f func(float64) float64) Table {
	t := Table{Lo: lo, Values: make([]int64, n)}
	for k := range t.Values {
		x := float64(lo+int64(k)) / math.Ldexp(1, inFrac)
		t.Values[k] = int64(math.Round(f(x) * math.Ldexp(1, outFrac)))
	}
	return t
}

// Lookup returns the table's values at inputs xs, which must already lie in
// [Lo, Hi] (Clamp them first). One log-derivative table serves all xs.
func (t Table) Lookup(api frontend.API, xs ...frontend.Variable) []frontend.Variable {
	return t.Open(api).Lookup(xs...)
}

// OpenTable is a table already placed in a circuit.
type OpenTable struct {
	api frontend.API
	lo  int64
	tbl logderivlookup.Table
}

// Open places the table in the circuit now and returns it for lookups later.
// Gadgets that derive challenges from a commitment (matmul.Freivalds) must
// come after every table is opened: gnark's commitments are settled in the
// order their gadgets were first used.
func (t Table) Open(api frontend.API) *OpenTable {
	tbl := logderivlookup.New(api)
	for _, v := range t.Values {
		tbl.Insert(v)
	}
	return &OpenTable{api: api, lo: t.Lo, tbl: tbl}
}

// Lookup is Table.Lookup on an open table.
func (o *OpenTable) Lookup(xs ...frontend.Variable) []frontend.Variable {
	idx := make([]frontend.Variable, len(xs))
	for i, x := range xs {
		idx[i] = o.api.Sub(x, o.lo)
	}
	return o.tbl.Lookup(idx...)
}

// Native is the twin of Lookup; x must lie in [Lo, Hi].
func (t Table) Native(x int64) int64 { return t.Values[x-t.Lo] }

// Sigmoid is the logistic function tabulated on [-8, 8) with inFrac
// fractional input bits; outside that range it is clamped (|error| < 3.4e-4).
func Sigmoid(inFrac, outFrac int) Table {
	n := 16 << inFrac
	return NewTable(-int64(n/2), n, inFrac, outFrac, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) })
}

// ExpNeg is exp(-x) tabulated on [0, 16) with inFrac fractional input bits,
// for softmax after subtracting the row maximum (inputs clamped to 16: exp(-16) < 1.2e-7).
func ExpNeg(inFrac, outFrac int) Table {
	n := 16 << inFrac
	return NewTable(0, n, inFrac, outFrac, func(x float64) float64 { return math.Exp(-x) })
}
