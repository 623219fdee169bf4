// Package limbcheck range-checks values by a log-derivative lookup of their
// limbs, as gnark's std/rangecheck does, at one constraint less per check.
//
// Statement. Check(v, n) asserts 0 <= v < 2^n. With a limb width b chosen for
// the whole circuit, v is split as
//
//	v = l_0 + 2^b·l_1 + ... + 2^(b·(m-1))·l_(m-1),   m = ceil(n/b),
//
// where l_1..l_(m-1) come from a hint and l_0 is not a wire but the linear
// combination v - Σ 2^(b·j)·l_j. Every limb, and the top limb times
// 2^(m·b-n) when b does not divide n, is looked up in the table 0..2^b-1 by
// one log-derivative argument (Haböck, "Multivariate lookups based on
// logarithmic derivatives", 2022):
//
//	Σ_q 1/(r - q) = Σ_t c_t/(r - t),
//
// with the counts c_t from a hint and r the circuit's commitment to every
// query and count (gnark's multicommit, BSB22 in Groth16).
//
// Soundness. If every limb is below 2^b and the top limb below
// 2^(n-b·(m-1)), the sum Σ 2^(b·j)·l_j is an integer below 2^n, far below the
// field's modulus (n <= MaxBits), so v, equal to it in the field, is in
// range; the shifted top limb t·2^s is below 2^b only if t < 2^(b-s), as
// t < 2^b already keeps t·2^s from wrapping. No other split exists, so the
// hint's limbs are pinned. The identity above holds for a query outside the
// table with probability at most (queries + 2^b)/p over r.
//
// Cost (R1CS). One constraint per query (its inverse), one per table entry
// and one for the sums: Σ_checks (ceil(n/b) + [b does not divide n]) + 2^b + 1
// with b minimising it. gnark's checker spends one more constraint per check
// to recompose v from hinted limbs: a 16-bit value costs 2 constraints here
// against 3 there (b = 8).
package limbcheck

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/multicommit"
)

// MaxBits is the widest range a check accepts: every split stays far below
// the scalar fields of the supported curves (above 2^250).
const MaxBits = 240

// maxBase is the widest limb tried.
const maxBase = 16

type check struct {
	v    frontend.Variable
	bits int
}

// Checker collects range checks and proves them together when the circuit is
// compiled. It implements frontend.Rangechecker.
type Checker struct {
	api    frontend.API
	checks []check
	closed bool
}

type storeKey struct{}

// kvStore is how gnark's builders share one object among the gadgets of a
// circuit (gnark's internal/kvstore.Store).
type kvStore interface {
	SetKeyValue(key, value any)
	GetKeyValue(key any) any
}

// New returns the circuit's checker: one per circuit, so that every check
// shares one table.
func New(api frontend.API) *Checker {
	kv, ok := api.Compiler().(kvStore)
	if !ok {
		panic("limbcheck: the builder does not share values between gadgets")
	}
	if c, ok := kv.GetKeyValue(storeKey{}).(*Checker); ok {
		return c
	}
	c := &Checker{api: api}
	kv.SetKeyValue(storeKey{}, c)
	api.Compiler().Defer(c.commit)
	return c
}

// Check asserts 0 <= v < 2^bits.
func (c *Checker) Check(v frontend.Variable, bits int) {
	if c.closed {
		panic("limbcheck: Check after the checks were committed")
	}
	if bits < 0 || bits > MaxBits {
		panic(fmt.Sprintf("limbcheck: a check of %d bits (supported: 0 to %d)", bits, MaxBits))
	}
	if bits == 0 {
		c.api.AssertIsEqual(v, 0)
		return
	}
	if k, ok := c.api.Compiler().ConstantValue(v); ok {
		if k.Sign() < 0 || k.BitLen() > bits {
			panic(fmt.Sprintf("limbcheck: constant %s is not below 2^%d", k, bits))
		}
		return
	}
	c.checks = append(c.checks, check{v, bits})
}

// Cost is the constraints the checks take with limbs of the given width.
func Cost(base int, bits []int) int {
	n := 1<<base + 1
	for _, b := range bits {
		n += queries(b, base)
	}
	return n
}

// queries is how many lookups a check of n bits takes with b-bit limbs.
func queries(n, b int) int {
	m := (n + b - 1) / b
	if m*b > n {
		m++ // the top limb shifted
	}
	return m
}

// Base is the limb width that minimises Cost.
func Base(bits []int) int {
	best, cost := 1, Cost(1, bits)
	for b := 2; b <= maxBase; b++ {
		if c := Cost(b, bits); c < cost {
			best, cost = b, c
		}
	}
	return best
}

func (c *Checker) commit(api frontend.API) error {
	c.closed = true
	if len(c.checks) == 0 {
		return nil
	}
	widths := make([]int, len(c.checks))
	for i, ch := range c.checks {
		widths[i] = ch.bits
	}
	base := Base(widths)
	var qs []frontend.Variable
	for _, ch := range c.checks {
		limbs, err := c.split(api, ch, base)
		if err != nil {
			return err
		}
		qs = append(qs, limbs...)
	}
	counts, err := api.Compiler().NewHint(CountHint, 1<<base, append([]frontend.Variable{base}, qs...)...)
	if err != nil {
		return err
	}
	multicommit.WithCommitment(api, func(api frontend.API, r frontend.Variable) error {
		var lhs, rhs frontend.Variable = 0, 0
		for _, q := range qs {
			lhs = api.Add(lhs, api.Inverse(api.Sub(r, q)))
		}
		for t, n := range counts {
			rhs = api.Add(rhs, api.DivUnchecked(n, api.Sub(r, t)))
		}
		api.AssertIsEqual(lhs, rhs)
		return nil
	}, append(append([]frontend.Variable{}, qs...), counts...)...)
	return nil
}

// split returns the queries of one check: its limbs, the lowest a linear
// combination, and the top limb shifted when base does not divide the width.
func (c *Checker) split(api frontend.API, ch check, base int) ([]frontend.Variable, error) {
	m := (ch.bits + base - 1) / base
	limbs := []frontend.Variable{ch.v}
	top := ch.v
	if m > 1 {
		high, err := api.Compiler().NewHint(LimbsHint, m-1, base, ch.v)
		if err != nil {
			return nil, err
		}
		low := ch.v
		for j, l := range high {
			low = api.Sub(low, api.Mul(l, new(big.Int).Lsh(big.NewInt(1), uint(base*(j+1)))))
		}
		limbs = append([]frontend.Variable{low}, high...)
		top = high[m-2]
	}
	if s := m*base - ch.bits; s > 0 {
		limbs = append(limbs, api.Mul(top, new(big.Int).Lsh(big.NewInt(1), uint(s))))
	}
	return limbs, nil
}
