package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/curves"
	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/report"
	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/training"
	"github.com/potbench/potbench/workloads"
)

type runConfig struct {
	names      []string
	out, id    string
	keys       *proving.KeyCache
	count      int
	resume     bool
	skipMem    bool
	profileDir string
	backends   []string
	curves     []ecc.ID
	verbose    bool
	passArgs   []string // flags to hand to a re-executed potbench
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", "run [-suite NAME | -workloads LIST] [-profile NAME | -profiles LIST] [-out DIR] [flags]", stderr)
	suite := fs.String("suite", "default", "suite to run: "+strings.Join(bench.SuiteNames(), ", "))
	list := fs.String("workloads", "", "comma-separated workloads instead of a suite, e.g. linreg/B=32,D=32")
	profile := fs.String("profile", "native", "hardware profile (see 'potbench profiles')")
	profiles := fs.String("profiles", "", "comma-separated profiles to run one after another (overrides -profile); \"all\" for every profile")
	backends := fs.String("backends", "groth16", "comma-separated proving systems: "+strings.Join(proving.Backends, ", "))
	curveList := fs.String("curves", "bn254", "comma-separated curves: "+curves.Names())
	count := fs.Int("count", 1, "proofs per workload; stage times are medians, every proof is kept as a sample")
	out := fs.String("out", "results", "results root; results go to OUT/<host>/<profile>/")
	host := fs.String("host", "", "host id for the results directory (default: derived from the CPU, or $POTBENCH_HOST)")
	noCache := fs.Bool("no-key-cache", false, "always run setup instead of loading cached proving keys")
	resume := fs.Bool("resume", false, "skip workloads that already have results (same backend and -count) in the results directory")
	skipMem := fs.Bool("skip-memory-check", false, "run sizes even when their estimated memory exceeds what is available")
	dataset := fs.String("dataset", "", "CSV file for linreg-file workloads: numbers, last column the target")
	datasetSkip := fs.Int("dataset-skip", 0, "header lines to skip in -dataset")
	clip := fs.Bool("clip", false, "saturate -dataset values outside the fixed-point range instead of failing")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile (pprof) of each proof to DIR/<workload>-<backend>.prof")
	verbose := fs.Bool("v", false, "print a line per stage even when stderr is not a terminal")
	var err error
	if err = parseFlags(fs, args); err != nil {
		return err
	}
	dsPath := ""
	if *dataset != "" {
		if dsPath, err = filepath.Abs(*dataset); err != nil {
			return err
		}
	}
	workloads.UseDatasetFile(dsPath, *datasetSkip, *clip)
	if *count < 1 {
		return fmt.Errorf("-count %d: need at least one proof per workload", *count)
	}
	names, err := bench.Resolve(*suite, *list)
	if err != nil {
		return err
	}
	if err := checkDatasetFile(*dataset, names); err != nil {
		return err
	}
	var plist []hwprofiles.Profile
	pnames := []string{*profile}
	if *profiles == "all" {
		all, err := hwprofiles.Profiles()
		if err != nil {
			return err
		}
		plist = all
	} else {
		if *profiles != "" {
			pnames = strings.Split(*profiles, ",")
		}
		for _, n := range pnames {
			p, err := hwprofiles.Lookup(strings.TrimSpace(n))
			if err != nil {
				return err
			}
			plist = append(plist, p)
		}
	}

	var blist []string
	for _, b := range strings.Split(*backends, ",") {
		b = strings.TrimSpace(b)
		if !slices.Contains(proving.Backends, b) {
			return fmt.Errorf("unknown backend %q (known: %s)", b, strings.Join(proving.Backends, ", "))
		}
		blist = append(blist, b)
	}

	var clist []ecc.ID
	var cnames []string
	for _, c := range strings.Split(*curveList, ",") {
		id, err := curves.Parse(c)
		if err != nil {
			return err
		}
		clist = append(clist, id)
		cnames = append(cnames, id.String())
	}

	h := hwprofiles.Detect()
	cfg := runConfig{names: names, out: *out, id: *host, count: *count, backends: blist, curves: clist, verbose: *verbose}
	if cfg.id == "" {
		cfg.id = h.ID()
	}
	if !*noCache {
		cfg.keys = proving.DefaultKeyCache()
	}
	cfg.resume, cfg.skipMem, cfg.profileDir = *resume, *skipMem, *cpuprofile
	explicit := map[string]string{"workloads": strings.Join(names, ","), "host": cfg.id,
		"curves": strings.Join(cnames, ","), "dataset": dsPath}
	if *cpuprofile != "" {
		if err := os.MkdirAll(*cpuprofile, 0o755); err != nil {
			return fmt.Errorf("cannot create profile directory: %w", err)
		}
		explicit["cpuprofile"], _ = filepath.Abs(*cpuprofile)
	}
	// The child gets its profile and output directory from reexec, and the
	// resolved workload list instead of the suite.
	cfg.passArgs = forwardedFlags(fs, []string{"suite", "profile", "profiles", "out"}, explicit)
	hostDir := filepath.Join(cfg.out, cfg.id)
	// Fail before any long work if results cannot be written.
	if err := os.MkdirAll(hostDir, 0o755); err != nil {
		return fmt.Errorf("cannot create results directory: %w", err)
	}
	for _, p := range plist {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%w before profile %s", proving.ErrInterrupted, p.Name)
		}
		if err := runProfile(ctx, p, cfg, stdout, stderr); err != nil {
			return err
		}
	}
	if err := report.WriteHostReport(hostDir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Profiles compared in %s\n", filepath.Join(hostDir, "README.md"))
	return nil
}

// runProfile runs the suite under one profile: in this process when the
// binary has the profile's build tags, else through 'go run -tags'.
func runProfile(ctx context.Context, p hwprofiles.Profile, cfg runConfig, stdout, stderr io.Writer) error {
	if !p.TagsMatch() {
		return reexec(ctx, p, cfg, stdout, stderr)
	}
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	if err := p.Apply(hwprofiles.Detect().Available()); err != nil {
		return err
	}
	h := hwprofiles.Detect()
	h.Name = cfg.id
	dir := filepath.Join(cfg.out, cfg.id, p.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create results directory: %w", err)
	}
	set, err := resultset.Read(filepath.Join(dir, resultset.FileName))
	if err != nil {
		return err
	}
	set.Host, set.Profile = h, p.Name
	previous := set.Training
	if set.Training, err = training.TrainAll(); err != nil {
		return fmt.Errorf("training comparison: %w", err)
	}
	if slices.ContainsFunc(cfg.names, func(n string) bool { return strings.HasPrefix(n, "fhe-logreg/") }) {
		t, err := workloads.TrainFHE()
		if err != nil {
			return err
		}
		set.Training = append(set.Training, t)
	} else { // keep the encrypted training measured by an earlier run
		for _, o := range previous {
			if o.FHE > 0 {
				set.Training = append(set.Training, o)
			}
		}
	}
	suite := bench.SuiteRun{Profile: p.Name, Names: cfg.names, Curves: cfg.curves, Backends: cfg.backends, Count: cfg.count, Keys: cfg.keys, Resume: cfg.resume}
	prog := newProgress(stderr, len(suite.Jobs()), cfg.verbose)
	defer prog.done()
	if cfg.keys != nil {
		cfg.keys.Warn = prog.warn
	}
	if avail, ok := proving.AvailableMemory(); ok && !cfg.skipMem {
		suite.MemoryLimit = avail
	}
	label := func(j bench.Job) string { return p.Name + " " + j.Label() }
	suite.OnStage = func(j bench.Job, stage string) {
		prog.stage(j.I, label(j), stage)
		if stageHook != nil {
			stageHook(label(j), stage)
		}
	}
	suite.OnSkip = func(j bench.Job) { prog.skipped(j.I, label(j)) }
	suite.OnResult = func(j bench.Job, r resultset.Result) { prog.finished(j.I, label(j), r) }
	suite.Save = func(set *resultset.ResultSet) error { return report.WriteSet(dir, set, bench.BenchName) }
	if cfg.profileDir != "" {
		suite.ProveProfile = func(workload string, curve ecc.ID, backend string) func() (io.WriteCloser, error) {
			return profileFile(cfg.profileDir, p.Name, workload, curve, backend)
		}
	}
	fresh, err := suite.Run(ctx, set)
	if err != nil {
		if errors.Is(err, proving.ErrInterrupted) {
			return fmt.Errorf("%w; finished workloads are saved in %s (run again with -resume to do only the rest)", err, dir)
		}
		return err
	}
	prog.done()
	shown := &resultset.ResultSet{Host: set.Host, Profile: set.Profile, Results: fresh, Training: set.Training}
	fmt.Fprint(stdout, report.ResultsPage(shown))
	fmt.Fprintf(stdout, "\nWrote %s/{results.json,results.csv,results.md,bench.txt}\n\n", dir)
	return nil
}

// profileFile returns the opener of a workload's prove profile, or nil.
func profileFile(dir, profile, workload string, curve ecc.ID, backend string) func() (io.WriteCloser, error) {
	if dir == "" {
		return nil
	}
	name := strings.NewReplacer("/", "_", ",", "_", "=", "").Replace(workload)
	if curve != ecc.BN254 && curve != ecc.UNKNOWN {
		backend += "-" + curve.String()
	}
	return func() (io.WriteCloser, error) {
		return os.Create(filepath.Join(dir, fmt.Sprintf("%s-%s-%s.prof", name, backend, profile)))
	}
}

// stageHook, when set (by tests), sees every stage as it starts.
var stageHook func(label, stage string)

// checkDatasetFile refuses a -dataset that no selected workload reads, and
// reads and checks the file for those that do, before anything is written.
func checkDatasetFile(dataset string, names []string) error {
	if dataset == "" {
		return nil
	}
	var readers []string
	for _, n := range names {
		if strings.HasPrefix(n, "linreg-file/") {
			readers = append(readers, n)
		}
	}
	if len(readers) == 0 {
		return fmt.Errorf("-dataset %s: only linreg-file workloads read it, and none is selected (e.g. -workloads linreg-file/B=32)", dataset)
	}
	for _, n := range readers {
		if _, err := bench.New(n); err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
	}
	return nil
}
