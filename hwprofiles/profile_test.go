package hwprofiles

import (
	"runtime"
	"strings"
	"testing"
)

func TestShippedProfiles(t *testing.T) {
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"native": true, "noavx512": true, "noadx": true, "purego": true, "procs1": true, "procs-half": true, "procs-all": true}
	for _, p := range ps {
		delete(want, p.Name)
		if p.Description == "" {
			t.Errorf("profile %s has no description", p.Name)
		}
	}
	if len(want) != 0 {
		t.Errorf("profiles missing: %v", want)
	}
	native, err := Lookup("native")
	if err != nil || !native.TagsMatch() {
		t.Errorf("native profile: %v, tags match: %v (this test binary has tags %v)", err, native.TagsMatch(), BuildTags())
	}
	if _, err := Lookup("turbo"); err == nil || !strings.Contains(err.Error(), `unknown profile "turbo"`) {
		t.Errorf("Lookup(turbo) = %v", err)
	}
}

func TestParseProfileErrors(t *testing.T) {
	for _, tc := range []struct{ file, data, want string }{
		{"x.json", `{"name": "x", "tags": ["avx9000"]}`, `x.json: unknown build tag "avx9000" (known: purego, noadx, noavx)`},
		{"x.json", `{"name": "x", "env": {"GOGC": "off"}}`, `x.json: unknown environment variable "GOGC"`},
		{"x.json", `{"name": "x", "env": {"GOMAXPROCS": "lots"}}`, `x.json: GOMAXPROCS: "lots" is not a positive integer`},
		{"x.json", `{"name": "x", "env": {"GOMAXPROCS": "0"}}`, `x.json: GOMAXPROCS: "0" is not a positive integer`},
		{"x.json", `{"name": "y"}`, `x.json: profile is named "y", the file name says "x"`},
		{"x.json", `{"name": "x", "colour": "red"}`, `x.json: json: unknown field "colour"`},
		{"x.json", `{"name": `, `x.json: unexpected EOF`},
		{"x.json", `{}`, `x.json: profile has no name`},
	} {
		_, err := ParseProfile(tc.file, []byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseProfile(%s) = %v, want %q", tc.data, err, tc.want)
		}
	}
}

func TestApplyGOMAXPROCS(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	for v, want := range map[string]int{"1": 1, "half": 4, "all": 8, "3": 3} {
		p := Profile{Name: "t", Env: map[string]string{"GOMAXPROCS": v}}
		if err := p.Apply(8); err != nil {
			t.Fatal(err)
		}
		if got := runtime.GOMAXPROCS(0); got != want {
			t.Errorf("GOMAXPROCS=%s on 8 cores gave %d, want %d", v, got, want)
		}
	}
}
