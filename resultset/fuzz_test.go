package resultset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadResultSet: a results file is either read or refused with an error
// naming it; never a panic.
func FuzzReadResultSet(f *testing.F) {
	for _, seed := range []string{`{"host":{},"profile":"native","results":[]}`,
		`{"results":[{"workload":"linreg/B=8,D=8","constraints":5,"samples":[{"prove_ns":3}]}]}`,
		`{"nope":1}`, `{"results":[{"constraints":"many"}]}`, ``, `null`, `{"results":null}`} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data string) {
		path := filepath.Join(dir, "results.json")
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Read(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// Whatever was read renders without panicking.
		_ = s.CSV()
		_ = s.Benchfmt(func(w string) string { return w })
	})
}
