// Package fixedpoint encodes real numbers as signed fixed-point integers in a
// prime field and gives the in-circuit operations the training circuits need:
// signed range checks and division by a constant with a hinted, range-pinned
// quotient. Every in-circuit operation has a native twin here that computes
// the same integers.
//
// A Format{Frac: F, Bits: N} value v stands for the real number v/2^F, with v a
// signed integer in [-2^(N-1), 2^(N-1)). In the field, a negative v is stored
// as p - |v|. All arithmetic on encoded values is exact integer arithmetic; the
// only rounding is in [DivRound], which rounds to nearest (ties upward).
package fixedpoint

import (
	"errors"
	"fmt"
	"math"
	"math/big"
)

// Format is a signed fixed-point format: Bits total bits (sign included) and
// Frac fractional bits.
type Format struct {
	Frac int // fractional bits
	Bits int // total bits, sign included
}

// Min and Max are the smallest and largest encodable integers.
func (f Format) Min() int64 { return -(int64(1) << (f.Bits - 1)) }
func (f Format) Max() int64 { return int64(1)<<(f.Bits-1) - 1 }

// Scale is 2^Frac.
func (f Format) Scale() float64 { return math.Ldexp(1, f.Frac) }

// String reads like "Q15.16/32" (sign+integer bits . fractional bits / total).
func (f Format) String() string { return fmt.Sprintf("Q%d.%d", f.Bits-f.Frac, f.Frac) }

// Validate reports a format that cannot be encoded in an int64.
func (f Format) Validate() error {
	if f.Bits < 2 || f.Bits > 62 || f.Frac < 0 || f.Frac >= f.Bits+32 {
		return fmt.Errorf("fixedpoint: invalid format Bits=%d Frac=%d (want 2<=Bits<=62, 0<=Frac)", f.Bits, f.Frac)
	}
	return nil
}

// ErrRange is wrapped by every out-of-range error.
var ErrRange = errors.New("value out of fixed-point range")

// Encode rounds x to the nearest representable value.
func (f Format) Encode(x float64) (int64, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("%w: %v is not finite", ErrRange, x)
	}
	v := math.Round(x * f.Scale())
	if v < float64(f.Min()) || v > float64(f.Max()) {
		return 0, fmt.Errorf("%w: %g needs more than %d bits in %s (range [%g, %g])",
			ErrRange, x, f.Bits, f, f.Decode(f.Min()), f.Decode(f.Max()))
	}
	return int64(v), nil
}

// Decode returns the real number v stands for.
func (f Format) Decode(v int64) float64 { return float64(v) / f.Scale() }

// Check returns an error if v is not representable in f.
func (f Format) Check(v int64) error {
	if v < f.Min() || v > f.Max() {
		return fmt.Errorf("%w: %d does not fit %d signed bits", ErrRange, v, f.Bits)
	}
	return nil
}

// CheckBig is Check for a big integer.
func (f Format) CheckBig(v *big.Int) error {
	if !v.IsInt64() {
		return fmt.Errorf("%w: %s does not fit %d signed bits", ErrRange, v, f.Bits)
	}
	return f.Check(v.Int64())
}

// DivRound returns round(v/d) = floor((v + floor(d/2)) / d), the native twin of
// [API.DivRound]. d must be positive.
func DivRound(v, d *big.Int) *big.Int {
	num := new(big.Int).Rsh(d, 1)
	num.Add(num, v)
	q := new(big.Int)
	q.Div(num, d) // Euclidean division: remainder in [0, d) since d > 0
	return q
}

// ToField maps a signed integer to its field representative in [0, p).
func ToField(v, p *big.Int) *big.Int {
	r := new(big.Int).Mod(v, p)
	return r
}

// FromField maps a field element to the signed integer in (-p/2, p/2].
func FromField(x, p *big.Int) *big.Int {
	r := new(big.Int).Mod(x, p)
	half := new(big.Int).Rsh(p, 1)
	if r.Cmp(half) > 0 {
		r.Sub(r, p)
	}
	return r
}
