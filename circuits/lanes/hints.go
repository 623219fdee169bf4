package lanes

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// GetHints returns the package's hints, for gnark's solver (registered at
// init, and gathered with every other package's by proving.Hints).
func GetHints() []solver.Hint { return []solver.Hint{OpenHint, DivRoundHint} }

func init() { solver.RegisterHint(GetHints()...) }

// split reads s as a signed integer and returns its len(out) lanes of w bits,
// each in [-2^(w-1), 2^(w-1)), lowest first.
func split(field, s *big.Int, w int, out []*big.Int) {
	v := fixedpoint.FromField(s, field)
	base := new(big.Int).Lsh(big.NewInt(1), uint(w))
	half := new(big.Int).Rsh(base, 1)
	for m := range out {
		lane := new(big.Int).Mod(v, base) // [0, 2^w)
		if lane.Cmp(half) >= 0 {
			lane.Sub(lane, base)
		}
		out[m] = lane
		v.Sub(v, lane)
		v.Rsh(v, uint(w)) // exact: v is now a multiple of 2^w
	}
}

// OpenHint opens a packed sum: inputs (w, s), outputs the lanes, as field
// elements.
func OpenHint(field *big.Int, in, out []*big.Int) error {
	if len(in) != 2 {
		return fmt.Errorf("lanes.OpenHint: want 2 inputs, got %d", len(in))
	}
	lanes := make([]*big.Int, len(out))
	split(field, in[1], int(in[0].Int64()), lanes)
	for m, v := range lanes {
		out[m].Mod(v, field)
	}
	return nil
}

// DivRoundHint divides each lane of a packed sum: inputs (w, d, s), outputs
// the n floor quotients then the n remainders by d.
func DivRoundHint(field *big.Int, in, out []*big.Int) error {
	if len(in) != 3 || len(out)%2 != 0 {
		return fmt.Errorf("lanes.DivRoundHint: want 3 inputs and an even number of outputs, got %d and %d", len(in), len(out))
	}
	n, d := len(out)/2, in[1]
	if d.Sign() <= 0 {
		return fmt.Errorf("lanes.DivRoundHint: divisor %s is not positive", d)
	}
	lanes := make([]*big.Int, n)
	split(field, in[2], int(in[0].Int64()), lanes)
	for m, v := range lanes {
		q, r := new(big.Int), new(big.Int)
		q.DivMod(v, d, r) // Euclidean: 0 <= r < d
		out[m].Mod(q, field)
		out[n+m].Set(r)
	}
	return nil
}
