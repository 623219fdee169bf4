package report

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/resultset"
)

// ReadHost reads every profile's results under a host directory
// (<hostDir>/<profile>/results.json).
func ReadHost(hostDir string) (map[string]*resultset.ResultSet, error) {
	paths, err := resultset.FindHost(hostDir)
	if err != nil {
		return nil, err
	}
	out := map[string]*resultset.ResultSet{}
	for profile, p := range paths {
		s, err := resultset.Read(p)
		if err != nil {
			return nil, err
		}
		out[profile] = s
	}
	return out, nil
}

// HostReport renders the comparison of a host's profiles: prove time per
// profile, speed-up over purego and scaling over GOMAXPROCS=1, all as ratios
// of medians taken on the same host.
func HostReport(hostDir string) (string, error) {
	sets, err := ReadHost(hostDir)
	if err != nil {
		return "", err
	}
	if len(sets) == 0 {
		return "", fmt.Errorf("%s: no profile results (expected %s/<profile>/results.json)", hostDir, hostDir)
	}
	var profiles []string
	for p := range sets {
		profiles = append(profiles, p)
	}
	sort.Slice(profiles, func(i, j int) bool { return hwprofiles.Rank(profiles[i]) < hwprofiles.Rank(profiles[j]) })

	// Compare the workloads measured under at least two profiles (all of
	// them when there is only one profile).
	var workloads []string
	seen := map[string]int{}
	for _, p := range profiles {
		for _, r := range sets[p].Results {
			if r.System() != resultset.ReferenceSystem {
				continue
			}
			if seen[r.Workload] == 0 {
				workloads = append(workloads, r.Workload)
			}
			seen[r.Workload]++
		}
	}
	if len(profiles) > 1 {
		kept := workloads[:0]
		for _, w := range workloads {
			if seen[w] > 1 {
				kept = append(kept, w)
			}
		}
		workloads = kept
	}
	sort.SliceStable(workloads, func(i, j int) bool { return resultset.LessWorkload(workloads[i], workloads[j]) })
	prove := func(profile, workload string) (int64, int) {
		for _, r := range sets[profile].Results {
			if r.Workload == workload && r.System() == resultset.ReferenceSystem {
				return r.ProveNs, max(1, len(r.Samples))
			}
		}
		return 0, 0
	}

	var b strings.Builder
	h := sets[profiles[0]].Host
	fmt.Fprintf(&b, "# potbench on %s: profiles compared\n\n", filepath.Base(hostDir))
	fmt.Fprintf(&b, "%s (%s family %d model %d), %s; CPU features %s; %s/%s, %s; gnark %s, gnark-crypto %s.\n\n",
		h.Brand, h.Vendor, h.Family, h.Model, h.MachineText(),
		strings.Join(h.Features, ","), h.GOOS, h.GOARCH, h.GoVersion, h.Gnark, h.GnarkCrypto)
	b.WriteString("| profile | build tags | gnark-crypto assembly | GOMAXPROCS | description |\n|---|---|---|--:|---|\n")
	for _, p := range profiles {
		desc, tags := "", "none"
		if prof, err := hwprofiles.Lookup(p); err == nil {
			desc = prof.Description
			if len(prof.Tags) > 0 {
				tags = strings.Join(prof.Tags, ",")
			}
		}
		sh := sets[p].Host
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %s |\n", p, tags, strings.Join(sh.GnarkCryptoASM, ","), sh.GOMAXPROCS, desc)
	}

	table := func(title, note string, cell func(p, w string) string) {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n| workload |", title, note)
		for _, p := range profiles {
			fmt.Fprintf(&b, " %s |", p)
		}
		b.WriteString("\n|---|" + strings.Repeat("--:|", len(profiles)) + "\n")
		for _, w := range workloads {
			fmt.Fprintf(&b, "| %s |", w)
			for _, p := range profiles {
				fmt.Fprintf(&b, " %s |", cell(p, w))
			}
			b.WriteString("\n")
		}
	}
	table("Prove time", "Median Groth16 prove time (BN254); n = proofs per cell.", func(p, w string) string {
		ns, n := prove(p, w)
		if ns == 0 {
			return "–"
		}
		return fmt.Sprintf("%s (n=%d)", resultset.Duration(ns), n)
	})
	ratio := func(base string) func(p, w string) string {
		return func(p, w string) string {
			num, _ := prove(base, w)
			den, _ := prove(p, w)
			if num == 0 || den == 0 {
				return "–"
			}
			return fmt.Sprintf("%.2fx", float64(num)/float64(den))
		}
	}
	if sets["purego"] != nil {
		table("Speed-up over purego", "Prove time without assembly divided by prove time under each profile (higher is faster).", ratio("purego"))
	}
	if sets["procs1"] != nil {
		table("Scaling with cores", "Prove time at GOMAXPROCS=1 divided by prove time under each profile.", ratio("procs1"))
	}
	b.WriteString("\nRatios of medians from runs on this host. For confidence intervals and significance between two profiles, run\n")
	id := filepath.Base(hostDir)
	fmt.Fprintf(&b, "`potbench compare results/%s/purego results/%s/native` (benchstat's statistics; take `-count 6` or more).\n", id, id)
	return b.String(), nil
}

// WriteHostReport regenerates <hostDir>/README.md.
func WriteHostReport(hostDir string) error {
	s, err := HostReport(hostDir)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(hostDir, "README.md"), []byte(s)); err != nil {
		return fmt.Errorf("cannot write host report: %w", err)
	}
	return nil
}

// HostsReport compares hosts under root profile by profile: for each
// workload, the median prove time of every host under the same profile
// (native: every core; procs1: one core) and the ratio to the first host.
func HostsReport(root string, profiles ...string) (string, error) {
	locs, err := resultset.Find(root)
	if err != nil {
		return "", err
	}
	hosts := map[string]map[string]*resultset.ResultSet{}
	for _, l := range locs {
		host := l.Host
		if hosts[host] == nil {
			sets, err := ReadHost(resultset.HostDir(root, host))
			if err != nil {
				return "", err
			}
			hosts[host] = sets
		}
	}
	var ids []string
	for id := range hosts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if len(ids) < 2 {
		return "", fmt.Errorf("%s: need results of at least two hosts to compare, found %d", root, len(ids))
	}
	var b strings.Builder
	b.WriteString("# potbench: hosts compared\n\n| host | CPU | logical cores | gnark-crypto assembly |\n|---|---|--:|---|\n")
	for _, id := range ids {
		if s := hosts[id]["native"]; s != nil {
			fmt.Fprintf(&b, "| %s | %s | %d | %s |\n", id, s.Host.Brand, s.Host.Available(), strings.Join(s.Host.GnarkCryptoASM, ","))
		}
	}
	for _, prof := range profiles {
		var workloads []string
		seen := map[string]bool{}
		for _, id := range ids {
			if s := hosts[id][prof]; s != nil {
				for _, r := range s.Results {
					if r.System() != resultset.ReferenceSystem {
						continue // each system compares on its own; FHE steps are in REPORT.md
					}
					if !seen[r.Workload] {
						seen[r.Workload] = true
						workloads = append(workloads, r.Workload)
					}
				}
			}
		}
		if len(workloads) == 0 {
			continue
		}
		sort.SliceStable(workloads, func(i, j int) bool { return resultset.LessWorkload(workloads[i], workloads[j]) })
		fmt.Fprintf(&b, "\n## Profile %s: median prove time, and speed-up over %s\n\n| workload |", prof, ids[0])
		for _, id := range ids {
			fmt.Fprintf(&b, " %s |", id)
		}
		b.WriteString("\n|---|" + strings.Repeat("--:|", len(ids)) + "\n")
		for _, w := range workloads {
			fmt.Fprintf(&b, "| %s |", w)
			var base int64
			for i, id := range ids {
				var ns int64
				if s := hosts[id][prof]; s != nil {
					for _, r := range s.Results {
						if r.Workload == w && r.System() == resultset.ReferenceSystem {
							ns = r.ProveNs
						}
					}
				}
				switch {
				case ns == 0:
					b.WriteString(" – |")
				case i == 0:
					base = ns
					fmt.Fprintf(&b, " %s |", resultset.Duration(ns))
				case base == 0:
					fmt.Fprintf(&b, " %s |", resultset.Duration(ns))
				default:
					fmt.Fprintf(&b, " %s (%.2fx) |", resultset.Duration(ns), float64(base)/float64(ns))
				}
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\nEach cell is the median prove time on that host under the profile; the factor is the first host's time over this host's.\n")
	return b.String(), nil
}
