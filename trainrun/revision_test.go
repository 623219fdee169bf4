package trainrun

import (
	"strings"
	"testing"

	"github.com/potbench/potbench/ceremony"
	"github.com/potbench/potbench/training"
)

// TestCircuitRevision: the terms' circuit revision picks the circuits (and
// so the keys) a verifier derives: each revision's logistic chain is smaller
// than the one before (2: lanes, one sigmoid table; 3: limb range checks),
// revision 1 is what terms without the field mean, an unknown revision is
// refused, and a buyer's terms of another revision than the run's show as a
// difference.
func TestCircuitRevision(t *testing.T) {
	terms := func(rev int) Terms {
		return Terms{Model: "logreg", Widths: []int{30}, Train: SetTerms{Root: "0x1", Rows: 455}, Batch: 32,
			Initial: Initial{Kind: "zero"}, LR: 0.1, LRFixed: Quantize(0.1), Epochs: 1, Order: Order,
			Curve: "bn254", Backend: "groth16", Revision: rev}
	}
	compile := func(rev int) ceremony.Named {
		named, err := TermsCircuits(terms(rev), []string{"chain-3"})
		if err != nil {
			t.Fatalf("revision %d: %v", rev, err)
		}
		return named[0]
	}
	id := func(n ceremony.Named) string {
		s, err := ceremony.ID(n.CS)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if id(compile(0)) != id(compile(1)) {
		t.Error("terms without a circuit revision do not mean revision 1")
	}
	before := compile(1)
	for rev := 2; rev <= training.LatestRevision; rev++ {
		next := compile(rev)
		if n1, n2 := before.CS.GetNbConstraints(), next.CS.GetNbConstraints(); n2 >= n1 || id(before) == id(next) {
			t.Errorf("revision %d's logistic chain-3: %d constraints against %d for revision %d", rev, n2, n1, rev-1)
		} else {
			t.Logf("logreg chain-3 at B=32: %d constraints at revision %d, %d at revision %d", n1, rev-1, n2, rev)
		}
		before = next
	}
	if err := terms(training.LatestRevision + 1).Check(); err == nil || !strings.Contains(err.Error(), "circuit_revision") {
		t.Errorf("an unknown revision: %v", err)
	}
	if d := terms(1).Diff(terms(2)); len(d) != 1 || !strings.Contains(d[0], "circuit revision: 1, 2") {
		t.Errorf("revisions 1 and 2 differ by %v", d)
	}
}
