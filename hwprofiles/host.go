// Package hwprofiles records the facts of the host a benchmark runs on and
// which accelerated code paths gnark-crypto enabled in this build, so that
// results from different machines and feature sets can be told apart.
package hwprofiles

import (
	"fmt"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	gcpu "github.com/consensys/gnark-crypto/utils/cpu"
	"github.com/klauspost/cpuid/v2"

	"github.com/potbench/potbench"
)

// Host describes the machine and build.
type Host struct {
	Name           string   `json:"name,omitempty"` // the host id chosen for the run (-host, $POTBENCH_HOST); empty: derived
	Brand          string   `json:"brand"`
	Vendor         string   `json:"vendor"`
	Family         int      `json:"family"`
	Model          int      `json:"model"`
	PhysicalCores  int      `json:"physical_cores"`
	LogicalCores   int      `json:"logical_cores"`   // the machine's, as CPUID reports them
	Cores          int      `json:"cores,omitempty"` // available to this process: CPU affinity and cgroup quota
	L2Bytes        int      `json:"l2_bytes"`
	L3Bytes        int      `json:"l3_bytes"`
	Features       []string `json:"features"`         // CPU flags that matter to field arithmetic
	GnarkCryptoASM []string `json:"gnark_crypto_asm"` // paths gnark-crypto enabled in this build
	BuildTags      []string `json:"build_tags"`       // profile build tags this binary was built with
	GOOS           string   `json:"goos"`
	GOARCH         string   `json:"goarch"`
	GoVersion      string   `json:"go_version"`
	GOMAXPROCS     int      `json:"gomaxprocs"`
	Gnark          string   `json:"gnark"`
	GnarkCrypto    string   `json:"gnark_crypto"`
}

// relevantFeatures are the flags gnark-crypto's assembly and Go's math/bits
// lean on.
var relevantFeatures = []cpuid.FeatureID{cpuid.ADX, cpuid.BMI2, cpuid.AVX2, cpuid.AVX512F, cpuid.AVX512DQ,
	cpuid.AVX512IFMA, cpuid.AVX512VBMI2, cpuid.SHA, cpuid.ASIMD}

// Detect reads the host facts. $POTBENCH_HOST, when set, names the host.
func Detect() Host {
	c := cpuid.CPU
	h := Host{
		Name:  os.Getenv("POTBENCH_HOST"),
		Brand: strings.TrimSpace(c.BrandName), Vendor: c.VendorString, Family: c.Family, Model: c.Model,
		PhysicalCores: c.PhysicalCores, LogicalCores: c.LogicalCores, L2Bytes: c.Cache.L2, L3Bytes: c.Cache.L3,
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Gnark: moduleVersion("github.com/consensys/gnark"), GnarkCrypto: moduleVersion("github.com/consensys/gnark-crypto"),
	}
	h.Cores = availableCores()
	if h.LogicalCores == 0 {
		h.LogicalCores = runtime.NumCPU()
	}
	for _, f := range relevantFeatures {
		if c.Supports(f) {
			h.Features = append(h.Features, strings.ToLower(f.String()))
		}
	}
	if gcpu.SupportADX {
		h.GnarkCryptoASM = append(h.GnarkCryptoASM, "adx")
	}
	if gcpu.SupportAVX512 {
		h.GnarkCryptoASM = append(h.GnarkCryptoASM, "avx512")
	}
	if gcpu.SupportAVX512IFMA {
		h.GnarkCryptoASM = append(h.GnarkCryptoASM, "avx512ifma")
	}
	if gcpu.SupportNEON {
		h.GnarkCryptoASM = append(h.GnarkCryptoASM, "neon")
	}
	if len(h.GnarkCryptoASM) == 0 {
		h.GnarkCryptoASM = []string{"none"}
	}
	h.BuildTags = BuildTags()
	if len(h.BuildTags) == 0 {
		h.BuildTags = []string{"none"}
	}
	return h
}

// moduleVersion reads the version linked into this binary, falling back to
// go.mod for binaries without a module list (go test builds).
func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	if v := potbench.RequiredVersion(path); v != "" {
		return v
	}
	return "unknown"
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// Available is the number of cores the run could use: Cores, or for results
// recorded before it existed, the machine's logical cores.
func (h Host) Available() int {
	if h.Cores > 0 {
		return h.Cores
	}
	return h.LogicalCores
}

// CoresText says how many cores the run had: "2 logical cores", or in a
// container or under an affinity mask "2 cores available (254 logical on the
// machine)".
func (h Host) CoresText() string {
	if h.Available() == h.LogicalCores {
		return fmt.Sprintf("%d logical cores", h.LogicalCores)
	}
	return fmt.Sprintf("%d cores available (%d logical on the machine)", h.Available(), h.LogicalCores)
}

// MachineText says what the machine has beside what this process may use,
// and its caches, leaving out what the CPU does not report: "2 cores
// available (254 logical, 254 physical on the machine), L2 1 MiB, L3
// unknown".
func (h Host) MachineText() string {
	cores := h.CoresText()
	if h.PhysicalCores > 0 && h.PhysicalCores != h.Available() {
		if h.Available() == h.LogicalCores {
			cores = fmt.Sprintf("%d logical cores (%d physical)", h.LogicalCores, h.PhysicalCores)
		} else {
			cores = fmt.Sprintf("%d cores available (%d logical, %d physical on the machine)", h.Available(), h.LogicalCores, h.PhysicalCores)
		}
	}
	return fmt.Sprintf("%s, L2 %s, L3 %s", cores, cacheText(h.L2Bytes), cacheText(h.L3Bytes))
}

// cacheText is a cache size in KiB or MiB, or "unknown" where the CPU does
// not report it (cpuid gives -1).
func cacheText(n int) string {
	switch {
	case n <= 0:
		return "unknown"
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// ID names the host for results/<id>/: Name when set, else the CPU model and
// the cores available to the process, e.g. "amd-epyc-7b13-2c", or with family
// and model numbers where the brand string has none ("amd-epyc-f25m17-2c"). A
// 2-core container on a 254-core server is a 2-core host.
func (h Host) ID() string {
	if h.Name != "" {
		return h.Name
	}
	brand := strings.ToLower(h.Brand)
	for _, noise := range []string{"(r)", "(tm)", "processor", "cpu", "core"} {
		brand = strings.ReplaceAll(brand, noise, " ")
	}
	if i := strings.Index(brand, "@"); i >= 0 {
		brand = brand[:i]
	}
	if i := strings.Index(brand, " with "); i >= 0 { // "AMD Ryzen 7 7840U w/ Radeon..."
		brand = brand[:i]
	}
	slug := strings.Trim(nonWord.ReplaceAllString(brand, "-"), "-")
	if slug == "" {
		slug = h.GOARCH
	}
	if !strings.ContainsAny(slug, "0123456789") { // a brand without a model number, e.g. "AMD EPYC"
		slug = fmt.Sprintf("%s-f%dm%d", slug, h.Family, h.Model)
	}
	return fmt.Sprintf("%s-%dc", slug, h.Available())
}

// ConfigLines returns the host as benchfmt configuration lines ("key: value"),
// which benchstat shows and can group by.
func (h Host) ConfigLines() []string {
	lines := []string{
		"host: " + h.ID(),
		"cpu-brand: " + h.Brand,
		fmt.Sprintf("cores: %d", h.Available()),
	}
	if h.Available() != h.LogicalCores {
		lines = append(lines, fmt.Sprintf("machine-cores: %d", h.LogicalCores))
	}
	return append(lines,
		"cpu-features: "+strings.Join(h.Features, ","),
		"gnark-crypto-asm: "+strings.Join(h.GnarkCryptoASM, ","),
		"build-tags: "+strings.Join(h.BuildTags, ","),
		"go: "+h.GoVersion,
		"gnark: "+h.Gnark,
		"gnark-crypto: "+h.GnarkCrypto,
	)
}

// availableCores is the number of CPUs this process may run on: its CPU
// affinity (runtime.NumCPU) bounded by the cgroup's CPU quota, rounded up, as
// the Go runtime sizes GOMAXPROCS by default.
func availableCores() int {
	n := runtime.NumCPU()
	if q, ok := cgroupQuota(); ok && q < n {
		n = q
	}
	return max(n, 1)
}

// cgroupQuota reads the CPU quota of this process's cgroup (v2's cpu.max,
// else v1's cfs quota and period), in whole cores rounded up.
func cgroupQuota() (int, bool) {
	if data, err := os.ReadFile("/sys/fs/cgroup/cpu.max"); err == nil {
		f := strings.Fields(string(data))
		if len(f) == 2 {
			return quotaCores(f[0], f[1])
		}
	}
	q, err1 := os.ReadFile("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
	p, err2 := os.ReadFile("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return quotaCores(strings.TrimSpace(string(q)), strings.TrimSpace(string(p)))
}

// quotaCores turns a quota and period (microseconds; "max" or -1 for none)
// into whole cores, rounded up.
func quotaCores(quota, period string) (int, bool) {
	q, err1 := strconv.ParseInt(quota, 10, 64)
	p, err2 := strconv.ParseInt(period, 10, 64)
	if err1 != nil || err2 != nil || q <= 0 || p <= 0 {
		return 0, false
	}
	return int((q + p - 1) / p), true
}
