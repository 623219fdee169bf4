package hwprofiles

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParseProfile: never panics; an accepted profile only uses known tags
// and environment variables, and names its file.
func FuzzParseProfile(f *testing.F) {
	for _, seed := range []string{`{"name":"x","tags":["purego"],"env":{"GOMAXPROCS":"half"}}`, `{"name":"x"}`,
		`{"name":"x","tags":["bogus"]}`, `{"name":"x","env":{"GOMAXPROCS":"-1"}}`, `[]`, `{"name":"x","tags":null}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		p, err := ParseProfile("x.json", []byte(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "x.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if p.Name != "x" {
			t.Fatalf("accepted a profile named %q from x.json", p.Name)
		}
		for _, tag := range p.Tags {
			if !slices.Contains(KnownTags, tag) {
				t.Fatalf("accepted unknown tag %q", tag)
			}
		}
		for k, v := range p.Env {
			if !slices.Contains(KnownEnv, k) {
				t.Fatalf("accepted unknown variable %q", k)
			}
			if n, err := procs(v, 8); err != nil || n < 1 {
				t.Fatalf("accepted GOMAXPROCS %q", v)
			}
		}
	})
}
