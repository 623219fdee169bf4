// Package lanes computes several small signed integers in one field element.
// N values, each known to lie in [-2^(W-1), 2^(W-1)), share the element
//
//	S = v_0 + 2^W·v_1 + ... + 2^(W·(N-1))·v_(N-1)
//
// lane by lane, so one R1CS product computes N products at once:
//
//	(x_(i,j) + 2^W·x_(i+1,j) + ...) · w_j
//
// is the j-th term of N rows' dot products with w. A matrix-vector product of
// n rows by m columns (RowsDot, ColsDot) then costs n·m/N constraints instead
// of n·m; the packed sums are opened once per N results (Open), or divided and
// rounded lane by lane (OpenDivRound).
//
// Cost: the products over N; per opened lane a signed range check of W bits
// (for OpenDivRound, the quotient's and the remainder's range checks, which a
// division needs anyway); one equality per packed sum.
//
// Soundness: Open's values come from a hint and are pinned by
//
//	S = Σ_m 2^(W·m)·v_m,   -2^(W-1) <= v_m < 2^(W-1)   (range checks).
//
// Lanes are only made with W·N <= bitlen(p) - 2 (Fit), so every combination
// of in-range values has |S| < 2^(W·N) <= p/2: two in-range tuples with the
// same S modulo p have the same integer S, and their lane differences, each
// below 2^W in magnitude, are all zero (the lowest non-zero one would leave a
// non-zero remainder modulo 2^W). The true values are such a tuple as long as
// each is below 2^(W-1) in magnitude; the caller guarantees that from the
// ranges of the inputs (DotBits), and Fit's W is that bound. So the opened
// values are the true ones. OpenDivRound's lanes are q_m·d + r_m with q_m
// signed qBits, 0 <= r_m < d: that box lies within the lane when
// 2^qBits·d <= 2^W, and the true v_m + floor(d/2) lies in it exactly when the
// division's quotient fits qBits (as fixedpoint.DivRound); W is chosen so both
// hold, and (q, r) is then Euclid's quotient and remainder of the true lane.
package lanes

import (
	"fmt"
	"math/big"
	"math/bits"

	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Pay reports whether lanes cut constraints in api's constraint system:
// in R1CS a linear combination is free, so a packed operand costs nothing;
// in PLONK's gates every addition and scaling is a gate, so the packing
// costs more than the products it saves, and callers multiply out instead.
func Pay(api frontend.API) bool {
	_, plonk := api.(frontend.PlonkAPI)
	return !plonk
}

// Cost estimates the constraints of a product of results dot products of
// terms terms each in w-bit lanes, opened with a range check per result
// (about w/8 + 2 constraints each with gnark's range checker). Fits on the
// smallest supported field (BLS12-377's budget).
func Cost(results, terms, w int) int {
	return DivCost(results, terms, w) + results*((w+7)/8+2)
}

// DivCost is Cost for results divided as they are opened (OpenDivRound),
// whose range checks the division pays anyway.
func DivCost(results, terms, w int) int {
	n := max(251/w, 1)
	return (results + n - 1) / n * (terms + 1)
}

// Pays says whether an estimated lane cost is worth its extra wires against
// the products multiplied out: below three quarters of them.
func Pays(cost, plain int) bool { return 4*cost < 3*plain }

// Lanes is a packing: N lanes of W bits in one field element.
type Lanes struct {
	W, N int
}

// Budget is how many bits of a field element the lanes may fill: W·N is at
// most this, so that |S| < p/2.
func Budget(field *big.Int) int { return field.BitLen() - 2 }

// Fit returns the packing with as many lanes as the field holds for signed
// values below 2^(w-1) in magnitude. It panics when not even one lane fits.
func Fit(field *big.Int, w int) Lanes {
	n := Budget(field) / w
	if w < 2 || n < 1 {
		panic(fmt.Sprintf("lanes: a %d-bit lane does not fit a %d-bit field", w, field.BitLen()))
	}
	return Lanes{W: w, N: n}
}

// DotBits bounds a dot product of n terms, each the product of a signed
// aBits value and a signed bBits value: the sum is below 2^(bits-1) in
// magnitude for the bits returned (|a·b| <= 2^(aBits+bBits-2)).
func DotBits(aBits, bBits, n int) int {
	return aBits + bBits - 2 + bits.Len(uint(n)) + 1
}

// Groups is how many packed sums n results take.
func (l Lanes) Groups(n int) int { return (n + l.N - 1) / l.N }

func (l Lanes) shift(m int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(l.W*m)) }

// Combine returns Σ_m 2^(W·m)·vs[m] for up to N values: a linear combination,
// no constraint.
func (l Lanes) Combine(api frontend.API, vs []frontend.Variable) frontend.Variable {
	if len(vs) > l.N {
		panic(fmt.Sprintf("lanes: %d values in %d lanes", len(vs), l.N))
	}
	var s frontend.Variable = 0
	for m, v := range vs {
		s = api.Add(s, api.Mul(v, l.shift(m)))
	}
	return s
}

// RowsDot returns, for each group of N rows of a (rows i = g·N + m), the
// packed dot products Σ_j Combine(a[g·N..][j])·v[j]: lane m holds row
// g·N+m's dot product with v. One constraint per group and column.
func (l Lanes) RowsDot(api frontend.API, a [][]frontend.Variable, v []frontend.Variable) []frontend.Variable {
	out := make([]frontend.Variable, l.Groups(len(a)))
	col := make([]frontend.Variable, 0, l.N)
	for g := range out {
		rows := a[g*l.N : min(len(a), (g+1)*l.N)]
		var acc frontend.Variable = 0
		for j := range v {
			col = col[:0]
			for _, r := range rows {
				col = append(col, r[j])
			}
			acc = api.Add(acc, api.Mul(l.Combine(api, col), v[j]))
		}
		out[g] = acc
	}
	return out
}

// ColsDot returns, for each group of N columns of a (columns j = g·N + m),
// the packed products Σ_i u[i]·Combine(a[i][g·N..]): lane m holds column
// g·N+m's dot product with u. One constraint per group and row.
func (l Lanes) ColsDot(api frontend.API, u []frontend.Variable, a [][]frontend.Variable) []frontend.Variable {
	if len(a) == 0 {
		return nil
	}
	out := make([]frontend.Variable, l.Groups(len(a[0])))
	for g := range out {
		var acc frontend.Variable = 0
		for i := range u {
			acc = api.Add(acc, api.Mul(u[i], l.Combine(api, a[i][g*l.N:min(len(a[i]), (g+1)*l.N)])))
		}
		out[g] = acc
	}
	return out
}

// Open returns the n values (n <= N) packed in s, each range-checked to
// signed W bits and asserted to combine to s (the package doc says why they
// are the true ones).
func (l Lanes) Open(fp *fixedpoint.API, s frontend.Variable, n int) []frontend.Variable {
	api := fp.Frontend()
	vs, err := api.Compiler().NewHint(OpenHint, n, l.W, s)
	if err != nil {
		panic(err)
	}
	for _, v := range vs {
		fp.AssertSigned(v, l.W)
	}
	api.AssertIsEqual(s, l.Combine(api, vs))
	return vs
}

// OpenAll opens the packed sums of n results, as RowsDot or ColsDot gave them.
func (l Lanes) OpenAll(fp *fixedpoint.API, sums []frontend.Variable, n int) []frontend.Variable {
	out := make([]frontend.Variable, 0, n)
	for g, s := range sums {
		out = append(out, l.Open(fp, s, min(l.N, n-g*l.N))...)
	}
	return out
}

// DivLanes is the packing OpenDivRound needs for values of vBits signed bits
// divided by d with quotients of qBits signed bits: lanes wide enough for
// both the values and every q·d + r.
func DivLanes(field *big.Int, vBits int, d *big.Int, qBits int) Lanes {
	return Fit(field, max(max(vBits, d.BitLen())+1, qBits+d.BitLen()))
}

// OpenDivRound returns round(v_m/d) = floor((v_m + floor(d/2))/d) for the n
// values packed in s (as fixedpoint.DivRound does for one), each quotient
// range-checked to signed qBits and each remainder to [0, d). The lanes must
// come from DivLanes for the same d and qBits.
func (l Lanes) OpenDivRound(fp *fixedpoint.API, s frontend.Variable, n int, d *big.Int, qBits int) []frontend.Variable {
	api := fp.Frontend()
	if d.Sign() <= 0 || qBits+d.BitLen() > l.W {
		panic(fmt.Sprintf("lanes: quotients of %d bits by %s do not fit %d-bit lanes", qBits, d, l.W))
	}
	half := new(big.Int).Rsh(d, 1)
	halves := make([]frontend.Variable, n)
	for m := range halves {
		halves[m] = half
	}
	res, err := api.Compiler().NewHint(DivRoundHint, 2*n, l.W, d, api.Add(s, l.Combine(api, halves)))
	if err != nil {
		panic(err)
	}
	qs, parts := res[:n], make([]frontend.Variable, n)
	for m := range qs {
		r := res[n+m]
		fp.AssertSigned(qs[m], qBits)
		fp.AssertLess(r, d)
		parts[m] = api.Add(api.Mul(qs[m], d), r)
	}
	api.AssertIsEqual(api.Add(s, l.Combine(api, halves)), l.Combine(api, parts))
	return qs
}
