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

// TestHostNamedByAvailableCores: a 2-core container on a 254-core server is
// a 2-core host, and the machine's total is kept as a separate fact.
func TestHostNamedByAvailableCores(t *testing.T) {
	h := Host{Brand: "AMD EPYC", Family: 26, Model: 2, LogicalCores: 254, Cores: 2, GOARCH: "amd64"}
	if id := h.ID(); id != "amd-epyc-f26m2-2c" {
		t.Errorf("ID = %q, want amd-epyc-f26m2-2c", id)
	}
	lines := strings.Join(h.ConfigLines(), "\n")
	if !strings.Contains(lines, "cores: 2\n") || !strings.Contains(lines, "machine-cores: 254") {
		t.Errorf("config lines:\n%s", lines)
	}
	if got := h.CoresText(); got != "2 cores available (254 logical on the machine)" {
		t.Errorf("CoresText = %q", got)
	}
	old := Host{Brand: "AMD EPYC", Family: 25, Model: 17, LogicalCores: 2} // recorded before Cores existed
	if old.ID() != "amd-epyc-f25m17-2c" || strings.Contains(strings.Join(old.ConfigLines(), "\n"), "machine-cores") {
		t.Errorf("old host: %q %v", old.ID(), old.ConfigLines())
	}
	// procs-half and procs-all follow the available cores
	if n, _ := procs("half", h.Available()); n != 1 {
		t.Errorf("procs-half on 2 available cores = %d", n)
	}
}

// TestHostNameFixedAtDetect: the host id is read once, so a later change of
// $POTBENCH_HOST cannot make the host: line disagree with the folder name.
func TestHostNameFixedAtDetect(t *testing.T) {
	t.Setenv("POTBENCH_HOST", "first")
	h := Detect()
	t.Setenv("POTBENCH_HOST", "second")
	if h.ID() != "first" || !strings.Contains(h.ConfigLines()[0], "first") {
		t.Errorf("ID %q, host line %q, want first", h.ID(), h.ConfigLines()[0])
	}
	h.Name = "chosen"
	if h.ID() != "chosen" {
		t.Errorf("ID %q after choosing a name", h.ID())
	}
}

func TestQuotaCores(t *testing.T) {
	for _, tc := range []struct {
		q, p string
		want int
		ok   bool
	}{{"200000", "100000", 2, true}, {"150000", "100000", 2, true}, {"max", "100000", 0, false}, {"-1", "100000", 0, false}, {"50000", "100000", 1, true}} {
		if n, ok := quotaCores(tc.q, tc.p); n != tc.want || ok != tc.ok {
			t.Errorf("quotaCores(%s, %s) = %d, %v", tc.q, tc.p, n, ok)
		}
	}
}

// TestMachineText: a 2-core share of a 254-core server says so plainly, and
// a cache the CPU does not report is "unknown", not "-1 B".
func TestMachineText(t *testing.T) {
	h := Host{LogicalCores: 254, PhysicalCores: 254, GOMAXPROCS: 2, Cores: 2, L2Bytes: 1 << 20, L3Bytes: -1}
	if got, want := h.MachineText(), "2 cores available (254 logical, 254 physical on the machine), L2 1 MiB, L3 unknown"; got != want {
		t.Errorf("MachineText() = %q, want %q", got, want)
	}
	h = Host{LogicalCores: 16, PhysicalCores: 8, GOMAXPROCS: 16, Cores: 16, L2Bytes: 512 << 10, L3Bytes: 32 << 20}
	if got, want := h.MachineText(), "16 logical cores (8 physical), L2 512 KiB, L3 32 MiB"; got != want {
		t.Errorf("MachineText() = %q, want %q", got, want)
	}
}
