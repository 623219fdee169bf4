package proving

import (
	"testing"

	"github.com/consensys/gnark/constraint/solver"
)

// TestHintsRegistered: every hint Hints lists is known to the solver by its ID,
// and no two share an ID.
func TestHintsRegistered(t *testing.T) {
	seen := map[solver.HintID]string{}
	for _, h := range Hints() {
		id, name := solver.GetHintID(h), solver.GetHintName(h)
		if other, ok := seen[id]; ok {
			t.Errorf("%s and %s share the hint ID %d", name, other, id)
		}
		seen[id] = name
		if solver.GetRegisteredHint(id) == nil {
			t.Errorf("%s is not registered", name)
		}
	}
	if len(seen) != 12 {
		t.Errorf("%d hints, want the 12 of fixedpoint, chain, blob, activation, matmul, softmax, lanes and limbcheck", len(seen))
	}
}
