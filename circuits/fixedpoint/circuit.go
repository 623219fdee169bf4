package fixedpoint

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/potbench/potbench/circuits/limbcheck"
)

// API adds fixed-point operations to a frontend.API. All range checks go to
// one shared checker (gnark's rangecheck or package limbcheck, see For), so
// they are batched into a single log-derivative lookup argument.
type API struct {
	api frontend.API
	rc  frontend.Rangechecker
}

// New returns the fixed-point API for api, its range checks proven by
// gnark's std/rangecheck.
func New(api frontend.API) *API {
	return &API{api: api, rc: rangecheck.New(api)}
}

// For returns the fixed-point API for api, its range checks proven by package
// limbcheck (one R1CS constraint less per check) when limbs is set and the
// circuit is R1CS, else by gnark's std/rangecheck (New), whose PLONK tables
// are cheaper there. The checks are the same either way.
func For(api frontend.API, limbs bool) *API {
	if _, plonk := api.(frontend.PlonkAPI); limbs && !plonk {
		return &API{api: api, rc: limbcheck.New(api)}
	}
	return New(api)
}

// Frontend returns the wrapped frontend.API.
func (a *API) Frontend() frontend.API { return a.api }

// Rangechecker returns the shared range checker.
func (a *API) Rangechecker() frontend.Rangechecker { return a.rc }

// AssertUnsigned constrains v to [0, 2^bits).
func (a *API) AssertUnsigned(v frontend.Variable, bits int) {
	a.rc.Check(v, bits)
}

// AssertSigned constrains v to [-2^(bits-1), 2^(bits-1)).
func (a *API) AssertSigned(v frontend.Variable, bits int) {
	a.rc.Check(a.api.Add(v, new(big.Int).Lsh(big.NewInt(1), uint(bits-1))), bits)
}

// AssertLess constrains 0 <= r < d for a positive constant d.
func (a *API) AssertLess(r frontend.Variable, d *big.Int) {
	k := d.BitLen()
	if isPow2(d) {
		a.rc.Check(r, k-1)
		return
	}
	// r in [0, 2^k) and d-1-r in [0, 2^k) together give r <= d-1: a larger r
	// makes d-1-r wrap to a field element far above 2^k.
	a.rc.Check(r, k)
	a.rc.Check(a.api.Sub(new(big.Int).Sub(d, big.NewInt(1)), r), k)
}

// DivRound returns q = round(v/d) = floor((v + floor(d/2))/d) for a positive
// constant d, where v is a signed value whose quotient fits qBits signed bits.
// The quotient and remainder come from a hint and are pinned by
//
//	v + floor(d/2) = q*d + r,  0 <= r < d,  -2^(qBits-1) <= q < 2^(qBits-1).
//
// Because 2^qBits * d < p (checked here), q*d + r covers each field element at
// most once, so no other (q, r) satisfies the constraints. If the true quotient
// does not fit qBits, no witness exists and proving fails.
func (a *API) DivRound(v frontend.Variable, d *big.Int, qBits int) frontend.Variable {
	if d.Sign() <= 0 {
		panic("fixedpoint: DivRound needs a positive divisor")
	}
	bound := new(big.Int).Lsh(d, uint(qBits))
	if bound.Cmp(a.api.Compiler().Field()) >= 0 {
		panic(fmt.Sprintf("fixedpoint: 2^%d * %s does not stay below the field modulus: the quotient would not be unique", qBits, d))
	}
	num := a.api.Add(v, new(big.Int).Rsh(d, 1))
	res, err := a.api.Compiler().NewHint(DivHint, 2, num, d)
	if err != nil {
		panic(err)
	}
	q, r := res[0], res[1]
	a.api.AssertIsEqual(num, a.api.Add(a.api.Mul(q, d), r))
	a.AssertSigned(q, qBits)
	a.AssertLess(r, d)
	return q
}

func isPow2(d *big.Int) bool {
	return d.Sign() > 0 && new(big.Int).And(d, new(big.Int).Sub(d, big.NewInt(1))).Sign() == 0
}

// DivFloorVar returns q = floor(v/s) for a variable divisor: 0 <= v and
// 0 < s < 2^sBits, with q < 2^qBits. The hinted quotient and remainder are
// pinned by v = q·s + r, 0 <= r, r <= s - 1 (both sBits range checks) and the
// range of q; q·s + r stays far below the field size, so they are unique.
func (a *API) DivFloorVar(v, s frontend.Variable, qBits, sBits int) frontend.Variable {
	api := a.api
	res, err := api.Compiler().NewHint(DivHint, 2, v, s)
	if err != nil {
		panic(err)
	}
	q, r := res[0], res[1]
	api.AssertIsEqual(v, api.Add(api.Mul(q, s), r))
	a.rc.Check(q, qBits)
	a.rc.Check(r, sBits)
	a.rc.Check(api.Sub(api.Sub(s, 1), r), sBits)
	return q
}
