package trainrun

import (
	"math/big"
	"strings"
	"testing"

	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/score"
)

// TestSaleBounds: a target becomes one bound per claim of the sale
// circuit's score, in its order ([max summed loss,] min correct answers),
// with no loss bound as score.NoLossBound; refused: a loss bound on a
// score of correct answers only, a negative or too wide bound, and a
// circuit of no score's shape.
func TestSaleBounds(t *testing.T) {
	class, loss := chain.Inputs+2+1+2, chain.Inputs+2+2+2 // public inputs of the sale of each score
	for _, c := range []struct {
		name    string
		n       int
		min     int64
		maxLoss *big.Int
		want    []*big.Int
		err     string
	}{
		{"class score", class, 40, nil, []*big.Int{big.NewInt(40)}, ""},
		{"loss bound", loss, 0, big.NewInt(1234), []*big.Int{big.NewInt(1234), big.NewInt(0)}, ""},
		{"no loss bound", loss, 3, nil, []*big.Int{score.NoLossBound, big.NewInt(3)}, ""},
		{"loss bound on a class score", class, 40, big.NewInt(5), nil, "proves no loss"},
		{"negative", class, -1, nil, nil, "bounds are integers"},
		{"too wide", loss, 0, new(big.Int).Lsh(big.NewInt(1), score.BoundBits), nil, "bounds are integers"},
		{"no score", chain.Inputs + 4, 0, nil, nil, "public inputs"},
	} {
		got, err := SaleBounds(c.n, c.min, c.maxLoss)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: %v, want an error with %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || len(got) != len(c.want) {
			t.Fatalf("%s: %v, %v", c.name, got, err)
		}
		for i := range got {
			if got[i].Cmp(c.want[i]) != 0 {
				t.Errorf("%s: bound %d is %v, want %v", c.name, i, got[i], c.want[i])
			}
		}
	}
}
