package hwprofiles

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestDetectStableAndComplete(t *testing.T) {
	a, b := Detect(), Detect()
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two detections differ:\n%+v\n%+v", a, b)
	}
	if a.LogicalCores < 1 || a.GOMAXPROCS < 1 || a.GOOS != runtime.GOOS || a.GOARCH != runtime.GOARCH {
		t.Errorf("incomplete host: %+v", a)
	}
	if !strings.HasPrefix(a.Gnark, "v0.") || !strings.HasPrefix(a.GnarkCrypto, "v0.") {
		t.Errorf("library versions not found: gnark %q, gnark-crypto %q", a.Gnark, a.GnarkCrypto)
	}
	if len(a.GnarkCryptoASM) == 0 {
		t.Error("gnark-crypto assembly paths not recorded")
	}
	id := a.ID()
	if id == "" || strings.ContainsAny(id, " /()@") || !strings.HasSuffix(id, "c") {
		t.Errorf("host id %q is not a clean directory name", id)
	}
	for _, l := range a.ConfigLines() {
		k, v, ok := strings.Cut(l, ": ")
		if !ok || k == "" || strings.ContainsAny(k, " \t") || k != strings.ToLower(k) || v == "" {
			t.Errorf("config line %q is not a benchfmt key: value line", l)
		}
	}
}

func TestIDOverride(t *testing.T) {
	t.Setenv("POTBENCH_HOST", "lab-box")
	if id := Detect().ID(); id != "lab-box" {
		t.Errorf("ID() = %q with POTBENCH_HOST set", id)
	}
}
