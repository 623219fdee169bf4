package resultset

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
)

// TestUnitLines: the unit metadata lines read back through benchfmt as every
// unit's assume= and better=.
func TestUnitLines(t *testing.T) {
	text := strings.Join(UnitLines(), "\n") + "\n"
	r := benchfmt.NewReader(bytes.NewReader([]byte(text)), "units")
	got := map[string]string{}
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.UnitMetadata:
			got[rec.OrigUnit+" "+rec.Key] = rec.Value
		case *benchfmt.SyntaxError:
			t.Fatal(rec)
		}
	}
	for _, u := range units {
		if got[u.unit+" assume"] != u.assume || got[u.unit+" better"] != u.better {
			t.Errorf("%s: assume=%q better=%q", u.unit, got[u.unit+" assume"], got[u.unit+" better"])
		}
	}
}
