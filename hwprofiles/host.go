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
	"strings"

	gcpu "github.com/consensys/gnark-crypto/utils/cpu"
	"github.com/klauspost/cpuid/v2"

	"github.com/potbench/potbench"
)

// Host describes the machine and build.
type Host struct {
	Brand          string   `json:"brand"`
	Vendor         string   `json:"vendor"`
	Family         int      `json:"family"`
	Model          int      `json:"model"`
	PhysicalCores  int      `json:"physical_cores"`
	LogicalCores   int      `json:"logical_cores"`
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

// Detect reads the host facts.
func Detect() Host {
	c := cpuid.CPU
	h := Host{
		Brand: strings.TrimSpace(c.BrandName), Vendor: c.VendorString, Family: c.Family, Model: c.Model,
		PhysicalCores: c.PhysicalCores, LogicalCores: c.LogicalCores, L2Bytes: c.Cache.L2, L3Bytes: c.Cache.L3,
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Gnark: moduleVersion("github.com/consensys/gnark"), GnarkCrypto: moduleVersion("github.com/consensys/gnark-crypto"),
	}
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

// ID names the host for results/<id>/: the CPU model and logical core count,
// e.g. "amd-epyc-7b13-2c", or with family and model
// numbers where the brand string has none ("amd-epyc-f25m17-2c"). POTBENCH_HOST overrides it.
func (h Host) ID() string {
	if id := os.Getenv("POTBENCH_HOST"); id != "" {
		return id
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
	return fmt.Sprintf("%s-%dc", slug, h.LogicalCores)
}

// ConfigLines returns the host as benchfmt configuration lines ("key: value"),
// which benchstat shows and can group by.
func (h Host) ConfigLines() []string {
	return []string{
		"host: " + h.ID(),
		"cpu-brand: " + h.Brand,
		fmt.Sprintf("cores: %d", h.LogicalCores),
		"cpu-features: " + strings.Join(h.Features, ","),
		"gnark-crypto-asm: " + strings.Join(h.GnarkCryptoASM, ","),
		"build-tags: " + strings.Join(h.BuildTags, ","),
		"go: " + h.GoVersion,
		"gnark: " + h.Gnark,
		"gnark-crypto: " + h.GnarkCrypto,
	}
}
