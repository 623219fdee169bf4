package hwprofiles

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
)

//go:embed profiles/*.json
var profileFiles embed.FS

// Profile is a named combination of build tags and environment under which
// the suite runs, so that CPU feature sets and core counts can be compared.
type Profile struct {
	Name        string            `json:"name"`
	Order       int               `json:"order,omitempty"` // place in listings and reports, from 1; 0: after those with one
	Description string            `json:"description"`
	Tags        []string          `json:"tags"` // gnark-crypto build tags
	Env         map[string]string `json:"env"`
}

// KnownTags are the build tags of gnark-crypto's utils/cpu that a profile may
// set.
var KnownTags = []string{"purego", "noadx", "noavx"}

// KnownEnv are the environment variables a profile may set.
var KnownEnv = []string{"GOMAXPROCS"}

// ParseProfile reads and validates one profile file; errors name the file.
func ParseProfile(name string, data []byte) (Profile, error) {
	var p Profile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Profile{}, fmt.Errorf("%s: %w (expected {\"name\", \"description\", \"tags\": [...], \"env\": {...}})", name, err)
	}
	if p.Name == "" {
		return Profile{}, fmt.Errorf("%s: profile has no name", name)
	}

	if want := strings.TrimSuffix(path.Base(name), ".json"); want != p.Name {
		return Profile{}, fmt.Errorf("%s: profile is named %q, the file name says %q", name, p.Name, want)
	}
	for _, t := range p.Tags {
		if !slices.Contains(KnownTags, t) {
			return Profile{}, fmt.Errorf("%s: unknown build tag %q (known: %s)", name, t, strings.Join(KnownTags, ", "))
		}
	}
	for k, v := range p.Env {
		if !slices.Contains(KnownEnv, k) {
			return Profile{}, fmt.Errorf("%s: unknown environment variable %q (known: %s)", name, k, strings.Join(KnownEnv, ", "))
		}
		if k == "GOMAXPROCS" {
			if _, err := procs(v, 1); err != nil {
				return Profile{}, fmt.Errorf("%s: GOMAXPROCS: %w", name, err)
			}
		}
	}
	sort.Strings(p.Tags)
	return p, nil
}

// procs resolves a GOMAXPROCS value: a positive integer, "half" or "all" of
// the logical cores.
func procs(v string, cores int) (int, error) {
	switch v {
	case "all":
		return cores, nil
	case "half":
		return max(1, cores/2), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a positive integer, \"half\" or \"all\"", v)
	}
	return n, nil
}

// Profiles returns the shipped profiles in their order.
func Profiles() ([]Profile, error) {
	entries, err := fs.Glob(profileFiles, "profiles/*.json")
	if err != nil {
		return nil, err
	}
	var out []Profile
	for _, e := range entries {
		data, err := profileFiles.ReadFile(e)
		if err != nil {
			return nil, err
		}
		p, err := ParseProfile("hwprofiles/"+e, data)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if oi, oj := orderKey(out[i].Order), orderKey(out[j].Order); oi != oj {
			return oi < oj
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// Rank is a profile's place in listings: its order, profiles not shipped
// (results of an older or a custom profile) after all others, by name.
func Rank(name string) string {
	ps, err := Profiles()
	if err == nil {
		for _, p := range ps {
			if p.Name == name {
				return fmt.Sprintf("%02d", orderKey(p.Order))
			}
		}
	}
	return "99" + name
}

// Lookup returns the profile called name.
func Lookup(name string) (Profile, error) {
	ps, err := Profiles()
	if err != nil {
		return Profile{}, err
	}
	var names []string
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Profile{}, fmt.Errorf("unknown profile %q (known: %s)", name, strings.Join(names, ", "))
}

// TagsMatch reports whether this binary was built with exactly p's tags.
func (p Profile) TagsMatch() bool { return slices.Equal(p.Tags, BuildTags()) }

// BuildTags returns the profile-relevant build tags this binary was built with.
func BuildTags() []string {
	out := append([]string{}, buildTags...)
	sort.Strings(out)
	return out
}

var buildTags []string

// Apply sets the profile's run-time environment in this process. The build
// tags cannot be applied at run time: the caller checks TagsMatch.
func (p Profile) Apply(logicalCores int) error {
	if v, ok := p.Env["GOMAXPROCS"]; ok {
		n, err := procs(v, logicalCores)
		if err != nil {
			return err
		}
		runtime.GOMAXPROCS(n)
	}
	return nil
}

func orderKey(order int) int {
	if order <= 0 {
		return 98
	}
	return order
}

// Current names the profile this process runs under: the first (in
// Profiles' order) whose build tags are this binary's and whose GOMAXPROCS
// (all of the available cores when it sets none) is this process's; "custom"
// when none is.
func Current(availableCores int) string {
	ps, err := Profiles()
	if err != nil {
		return "custom"
	}
	for _, p := range ps {
		want := availableCores
		if v, ok := p.Env["GOMAXPROCS"]; ok {
			if want, err = procs(v, availableCores); err != nil {
				continue
			}
		}
		if p.TagsMatch() && want == runtime.GOMAXPROCS(0) {
			return p.Name
		}
	}
	return "custom"
}
