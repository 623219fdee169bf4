package report

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/resultset"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A file is a rendered output: a path relative to the results root, and bytes.
type file struct {
	path string
	data []byte
}

func render(p *plot.Plot, w, h vg.Length, base string) ([]file, error) {
	var out []file
	for _, format := range []string{"svg", "png"} {
		wt, err := p.WriterTo(w, h, format)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if _, err := wt.WriteTo(&buf); err != nil {
			return nil, err
		}
		out = append(out, file{filepath.Join("plots", base+"."+format), buf.Bytes()})
	}
	return out, nil
}

// overheadPlot: overhead-x against elements, log-log, one line per host and
// profile (Groth16, linreg family), with the 1000x claim as a reference line.
func overheadPlot(es []Entry) ([]file, error) {
	p := overheadAxes("Proving overhead over plain training (Groth16, BN254)", "prove time / plain step time")
	var lines []any
	minX, maxX := 0.0, 0.0
	for _, g := range groups(es) {
		if g.System != resultset.ReferenceSystem || g.Family != "linreg" || (g.Profile != "native" && g.Profile != "procs1" && g.Profile != "purego") {
			continue
		}
		var xys plotter.XYs
		for _, e := range g.Entries {
			xys = append(xys, plotter.XY{X: float64(e.Elements), Y: e.OverheadX()})
			if minX == 0 || float64(e.Elements) < minX {
				minX = float64(e.Elements)
			}
			maxX = max(maxX, float64(e.Elements))
		}
		lines = append(lines, fmt.Sprintf("%s %s", g.Host, g.Profile), xys)
	}
	if len(lines) == 0 {
		return nil, nil
	}
	if err := addLinesAndClaim(p, lines, minX, maxX); err != nil {
		return nil, err
	}
	return render(p, 7*vg.Inch, 5*vg.Inch, "overhead")
}

// privacyPlot: overhead-x of the same steps under homomorphic encryption and
// proven (Groth16, BN254), against training work, on each host's native
// profile, with the 1000x claim.
func privacyPlot(zk, enc []Entry) ([]file, error) {
	if len(enc) == 0 {
		return nil, nil
	}
	p := overheadAxes("Privacy vs verifiability: the same SGD step encrypted (CKKS) and proven (Groth16)", "time / plain step time")
	proven := map[string]Entry{}
	for _, e := range zk {
		if e.System == resultset.ReferenceSystem && e.Profile == "native" {
			proven[e.Host+"|"+e.Workload] = e
		}
	}
	var lines []any
	minX, maxX := 0.0, 0.0
	for _, g := range groups(enc) {
		if g.Profile != "native" {
			continue
		}
		var fx, zx plotter.XYs
		for _, e := range g.Entries {
			x := float64(e.Elements)
			fx = append(fx, plotter.XY{X: x, Y: e.OverheadX()})
			if z, ok := proven[e.Host+"|"+strings.TrimPrefix(e.Workload, "fhe-")]; ok {
				zx = append(zx, plotter.XY{X: x, Y: z.OverheadOver(e.PlainNs)})
			}
			if minX == 0 || x < minX {
				minX = x
			}
			maxX = max(maxX, x)
		}
		lines = append(lines, fmt.Sprintf("%s FHE %s", g.Host, g.Family), fx)
		if len(zx) > 0 {
			lines = append(lines, fmt.Sprintf("%s ZK %s", g.Host, strings.TrimPrefix(g.Family, "fhe-")), zx)
		}
	}
	if len(lines) == 0 {
		return nil, nil
	}
	if err := addLinesAndClaim(p, lines, minX, maxX); err != nil {
		return nil, err
	}
	return render(p, 7*vg.Inch, 5*vg.Inch, "privacy")
}

// overheadAxes is a log-log plot of a ratio against training work per step.
func overheadAxes(title, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "training work per step (batch × features)"
	p.Y.Label.Text = ylabel
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	return p
}

// addLinesAndClaim draws the lines (name, XYs pairs) and the 1000x claim
// across [minX, maxX] as a dashed reference line.
func addLinesAndClaim(p *plot.Plot, lines []any, minX, maxX float64) error {
	if err := plotutil.AddLinePoints(p, lines...); err != nil {
		return err
	}
	claim, err := plotter.NewLine(plotter.XYs{{X: minX, Y: Claim}, {X: maxX, Y: Claim}})
	if err != nil {
		return err
	}
	claim.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(claim)
	p.Legend.Add("the 1000x claim", claim)
	return nil
}

var stageNames = []string{"setup", "witness", "prove", "verify"}

// stagesPlot: stacked time per stage for each workload on a host's native
// profile (Groth16).
func stagesPlot(es []Entry, host string) ([]file, error) {
	var sel []Entry
	for _, e := range es {
		if e.Host == host && e.Profile == "native" && e.System == resultset.ReferenceSystem {
			sel = append(sel, e)
		}
	}
	if len(sel) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = "Time per stage, " + host + " (Groth16, native)"
	p.Y.Label.Text = "seconds"
	var names []string
	vals := make([]plotter.Values, len(stageNames))
	for _, e := range sel {
		names = append(names, e.Workload)
		for i, ns := range []int64{e.SetupNs, e.WitnessNs, e.ProveNs, e.VerifyNs} {
			vals[i] = append(vals[i], float64(ns)/1e9)
		}
	}
	var prev *plotter.BarChart
	for i, v := range vals {
		bc, err := plotter.NewBarChart(v, vg.Points(28))
		if err != nil {
			return nil, err
		}
		bc.Color = plotutil.Color(i)
		bc.LineStyle.Width = 0
		if prev != nil {
			bc.StackOn(prev)
		}
		p.Add(bc)
		p.Legend.Add(stageNames[i], bc)
		prev = bc
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = 0.5
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YTop
	return render(p, 7*vg.Inch, 5*vg.Inch, "stages-"+host)
}

// profilesPlot: prove time per workload under each profile of a host.
func profilesPlot(es []Entry, host string) ([]file, error) {
	byProfile := map[string]map[string]float64{}
	var workloads []string
	seen := map[string]bool{}
	for _, e := range es {
		if e.Host != host || e.System != resultset.ReferenceSystem {
			continue
		}
		if byProfile[e.Profile] == nil {
			byProfile[e.Profile] = map[string]float64{}
		}
		byProfile[e.Profile][e.Workload] = float64(e.ProveNs) / 1e6
		if !seen[e.Workload] {
			seen[e.Workload] = true
			workloads = append(workloads, e.Workload)
		}
	}
	if len(byProfile) < 2 {
		return nil, nil
	}
	sort.SliceStable(workloads, func(i, j int) bool { return resultset.LessWorkload(workloads[i], workloads[j]) })
	var profiles []string
	for pr := range byProfile {
		profiles = append(profiles, pr)
	}
	sort.Slice(profiles, func(i, j int) bool { return hwprofiles.Rank(profiles[i]) < hwprofiles.Rank(profiles[j]) })
	p := plot.New()
	p.Title.Text = "Prove time by hardware profile, " + host + " (Groth16)"
	p.Y.Label.Text = "milliseconds"
	w := vg.Points(8)
	for i, pr := range profiles {
		var v plotter.Values
		for _, wl := range workloads {
			v = append(v, byProfile[pr][wl])
		}
		bc, err := plotter.NewBarChart(v, w)
		if err != nil {
			return nil, err
		}
		bc.Color = plotutil.Color(i)
		bc.LineStyle.Width = 0
		bc.Offset = w * vg.Length(float64(i)-float64(len(profiles)-1)/2)
		p.Add(bc)
		p.Legend.Add(pr, bc)
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.NominalX(workloads...)
	p.X.Tick.Label.Rotation = 0.5
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YTop
	return render(p, 8*vg.Inch, 5*vg.Inch, "profiles-"+host)
}

// Files renders REPORT.md and every plot.
func Files(all []Entry, opt Options) ([]file, error) {
	out := []file{{"REPORT.md", []byte(Markdown(all, opt))}}
	es, enc := splitFHE(all)
	fs, err := overheadPlot(es)
	if err != nil {
		return nil, err
	}
	out = append(out, fs...)
	if fs, err = privacyPlot(es, enc); err != nil {
		return nil, err
	}
	out = append(out, fs...)
	var hosts []string
	seen := map[string]bool{}
	for _, e := range es {
		if !seen[e.Host] {
			seen[e.Host] = true
			hosts = append(hosts, e.Host)
		}
	}
	for _, h := range hosts {
		for _, f := range []func([]Entry, string) ([]file, error){stagesPlot, profilesPlot} {
			fs, err := f(es, h)
			if err != nil {
				return nil, err
			}
			out = append(out, fs...)
		}
	}
	return out, nil
}

// Write regenerates root/REPORT.md and root/plots/ from the results under
// root, each file atomically, and returns the paths written.
func Write(root string, opt Options) ([]string, error) {
	es, err := Load(root)
	if err != nil {
		return nil, err
	}
	if opt.Runs, err = resultset.ReadRuns(root); err != nil {
		return nil, err
	}
	if opt.Paths, err = ReadAggregationPaths(root); err != nil {
		return nil, err
	}
	if opt.FHEChains, err = readBenchFiles(root, FHEChainFile); err != nil {
		return nil, err
	}
	if opt.Ceremonies, err = readBenchFiles(root, CeremonyFile); err != nil {
		return nil, err
	}
	if opt.FHETraining, err = readFHETraining(root); err != nil {
		return nil, err
	}
	fs, err := Files(es, opt)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range fs {
		path := filepath.Join(root, f.path)
		if err := mkdirFor(path); err != nil {
			return nil, err
		}
		if err := atomicfile.Write(path, f.data); err != nil {
			return nil, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// Markers delimit the README's generated headline.
const (
	HeadlineStart = "<!-- potbench report: headline start (generated, do not edit) -->"
	HeadlineEnd   = "<!-- potbench report: headline end -->"
)

// SpliceHeadline replaces the text between the headline markers of readme.
func SpliceHeadline(readme, headline string) (string, error) {
	i := strings.Index(readme, HeadlineStart)
	j := strings.Index(readme, HeadlineEnd)
	if i < 0 || j < i {
		return "", fmt.Errorf("README has no headline markers (%q ... %q)", HeadlineStart, HeadlineEnd)
	}
	return readme[:i+len(HeadlineStart)] + "\n" + headline + readme[j:], nil
}
