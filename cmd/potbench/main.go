// Command potbench runs the proof-of-training benchmark suite and writes
// result tables.
//
//	potbench run [flags]       run a suite, write results/<host>/<profile>/
//	potbench profiles          host facts and hardware profiles
//	potbench compare A B       compare two result sets
//	potbench help [command]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/logger"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/onchain"
	"github.com/potbench/potbench/report"
	"github.com/potbench/potbench/resultset"
	"github.com/potbench/potbench/trainrun"
	"github.com/potbench/potbench/workloads"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"run", "run a benchmark suite and write results/<host>/<profile>/", cmdRun},
	{"profiles", "show the host's facts and the hardware profiles", cmdProfiles},
	{"compare", "compare two result sets with benchstat's statistics", cmdCompare},
	{"report", "regenerate the comparison pages under results/ from stored results", cmdReport},
	{"train", "train a model, prove every step and its held-out score, write a run directory", cmdTrain},
	{"verify", "verify a run directory written by train (the buyer's side: needs nothing else)", cmdVerify},
	{"export", "export a workload's or a run's proofs for gnark's Solidity verifier, and measure their gas in an EVM", cmdExport},
	{"gas", "measure the on-chain verification gas of stored BN254 results (timings untouched)", cmdGas},
	{"settle", "settle a run through the escrow contract (contracts/Settlement.sol) in an EVM and measure its gas", cmdSettle},
	{"ceremony", "run the MPC ceremony (init, contribute, verify) whose keys a run proves under (Groth16: two phases; PLONK: phase 1)", cmdCeremony},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Disable() // gnark logs every compile and proof to stdout; potbench reports its own figures
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks errors already explained by a usage message.
var errUsage = errors.New("usage")

// runCommand runs one command, turning a panic (a library's, on a file
// another party wrote) into an error, so that the exit code is 1 and the
// message is one line.
func runCommand(ctx context.Context, run func(context.Context, []string, io.Writer, io.Writer) error, args []string, stdout, stderr io.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal failure on this input: %v", p)
		}
	}()
	return run(ctx, args, stdout, stderr)
}

// Main runs the CLI and returns the exit code: 0 on success, 1 on failure, 2
// on a usage error, 130 when interrupted by a signal.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return Main(ctx, []string{args[1], "-help"}, stdout, stderr)
		}
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := runCommand(ctx, c.run, args[1:], stdout, stderr)
			switch {
			case err == nil, errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			case errors.Is(err, bench.ErrInterrupted), errors.Is(err, context.Canceled):
				fmt.Fprintf(stderr, "potbench %s: %v\n", c.name, err)
				return 130
			default:
				fmt.Fprintf(stderr, "potbench %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "potbench: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "potbench measures the cost of proving ML training steps in zero knowledge, and of computing them under homomorphic encryption, against plain training.")
	fmt.Fprintln(w, "\nUsage: potbench <command> [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'potbench <command> -help' for a command's flags.")
}

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: potbench %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// gasPriceFlags adds -gas-price-gwei and -eth-usd; check the price after
// parsing.
func gasPriceFlags(fs *flag.FlagSet) *resultset.GasPrice {
	p := resultset.DefaultGasPrice
	fs.Float64Var(&p.Gwei, "gas-price-gwei", p.Gwei, "gas price in gwei for money figures; the default's source and date are in the README")
	fs.Float64Var(&p.EthUSD, "eth-usd", p.EthUSD, "USD per ETH for money figures; the default's source and date are in the README")
	return &p
}

// parsePositional parses flags followed by exactly n arguments.
func parsePositional(fs *flag.FlagSet, args []string, n int, want string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() != n {
		fmt.Fprintf(fs.Output(), "%s, got %d arguments\n", want, fs.NArg())
		fs.Usage()
		return errUsage
	}
	return nil
}

// parseWithArgs parses flags that may come before, between or after the
// positional arguments, and returns those.
func parseWithArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return errUsage
	}
	return nil
}

type runConfig struct {
	names      []string
	out, id    string
	keys       *bench.KeyCache
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
	backends := fs.String("backends", "groth16", "comma-separated proving systems: "+strings.Join(bench.Backends, ", "))
	curves := fs.String("curves", "bn254", "comma-separated curves: "+commit.CurveNames())
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
		if !slices.Contains(bench.Backends, b) {
			return fmt.Errorf("unknown backend %q (known: %s)", b, strings.Join(bench.Backends, ", "))
		}
		blist = append(blist, b)
	}

	var clist []ecc.ID
	var cnames []string
	for _, c := range strings.Split(*curves, ",") {
		id, err := commit.ParseCurve(c)
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
		cfg.keys = bench.DefaultKeyCache()
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
			return fmt.Errorf("%w before profile %s", bench.ErrInterrupted, p.Name)
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
	if set.Training, err = workloads.TrainAll(); err != nil {
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
	if avail, ok := bench.AvailableMemory(); ok && !cfg.skipMem {
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
		if errors.Is(err, bench.ErrInterrupted) {
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

// forwardedFlags lists the flags for a potbench re-executed for another
// profile, as -name=value: every flag set on fs (FlagSet.Visit sees exactly
// those) except the ones in drop, with the values of explicit (flags whose
// value this process resolved, such as an absolute path) replacing or adding
// to them; an empty explicit value is left out.
func forwardedFlags(fs *flag.FlagSet, drop []string, explicit map[string]string) []string {
	var args []string
	fs.Visit(func(f *flag.Flag) {
		if _, ok := explicit[f.Name]; ok || slices.Contains(drop, f.Name) {
			return
		}
		args = append(args, "-"+f.Name+"="+f.Value.String())
	})
	names := make([]string, 0, len(explicit))
	for n := range explicit {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if explicit[n] != "" {
			args = append(args, "-"+n+"="+explicit[n])
		}
	}
	return args
}

// reexec runs the profile with a binary built with its tags.
func reexec(ctx context.Context, p hwprofiles.Profile, cfg runConfig, stdout, stderr io.Writer) error {
	tags := strings.Join(p.Tags, ",")
	if tags == "" {
		tags = "none"
	}
	goBin, err := exec.LookPath("go")
	root := moduleRoot()
	if err != nil || root == "" {
		return fmt.Errorf("profile %s needs a binary built with -tags %s, and this one has tags [%s]; "+
			"with the Go toolchain and the source, run it from the potbench checkout, or use the binaries of "+
			"'make bench-binaries' (dist/potbench-%s)", p.Name, tags, strings.Join(hwprofiles.BuildTags(), ","), tags)
	}
	out, err := filepath.Abs(cfg.out)
	if err != nil {
		return err
	}
	args := append([]string{"run", "-tags", strings.Join(p.Tags, ","), "./cmd/potbench", "run", "-profile", p.Name, "-out", out}, cfg.passArgs...)
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("profile %s (go %s): %w", p.Name, strings.Join(args, " "), err)
	}
	return nil
}

// moduleRoot finds the potbench checkout from the working directory up.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module github.com/potbench/potbench\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func cmdProfiles(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("profiles", "profiles", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	h := hwprofiles.Detect()
	fmt.Fprintf(stdout, "Host %s\n", h.ID())
	for _, l := range h.ConfigLines() {
		fmt.Fprintf(stdout, "  %s\n", l)
	}
	fmt.Fprintf(stdout, "  vendor: %s, family %d, model %d; %s; %s/%s; GOMAXPROCS %d\n",
		h.Vendor, h.Family, h.Model, h.MachineText(), h.GOOS, h.GOARCH, h.GOMAXPROCS)
	tags := strings.Join(hwprofiles.BuildTags(), ",")
	if tags == "" {
		tags = "none"
	}
	fmt.Fprintf(stdout, "  this binary's build tags: %s\n\nProfiles:\n", tags)
	ps, err := hwprofiles.Profiles()
	if err != nil {
		return err
	}
	for _, p := range ps {
		how := "runs in this binary"
		if !p.TagsMatch() {
			how = "runs through go run -tags " + strings.Join(p.Tags, ",")
		}
		fmt.Fprintf(stdout, "  %-11s tags=%-8s env=%-18s %s (%s)\n", p.Name, strings.Join(p.Tags, ","), fmtEnv(p.Env), p.Description, how)
	}
	return nil
}

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

// datasetTag is a dataset's name for a run directory: a file's base name
// without its extension, or a shipped dataset's name, in lower-case letters,
// digits and underscores.
func datasetTag(dataset string) string {
	base := strings.TrimSuffix(filepath.Base(dataset), filepath.Ext(dataset))
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return '_'
	}, base)
}

func fmtEnv(env map[string]string) string {
	var parts []string
	for k, v := range env {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", "report [-results DIR] [-price-per-core-hour USD] [-gas-price-gwei G] [-eth-usd P] [-readme FILE]", stderr)
	root := fs.String("results", "results", "results root holding <host>/<profile>/results.json")
	price := fs.Float64("price-per-core-hour", report.DefaultPricePerCoreHour, "USD per core-hour for the cost model")
	gasPrice := gasPriceFlags(fs)
	readme := fs.String("readme", "", "also rewrite the generated headline section of this README")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *price <= 0 {
		return fmt.Errorf("-price-per-core-hour %g: must be positive", *price)
	}
	if err := gasPrice.Check(); err != nil {
		return err
	}
	locs, err := resultset.Find(*root)
	if err != nil {
		return err
	}
	// Rewrite each result set's derived files (tables, bench.txt) from its
	// results.json, so that they follow the current format.
	for _, l := range locs {
		set, err := resultset.Read(l.Path)
		if err != nil {
			return err
		}
		backfill(set)
		if err := report.WriteSet(filepath.Dir(l.Path), set, bench.BenchName); err != nil {
			return err
		}
	}
	done := map[string]bool{}
	for _, l := range locs {
		dir := resultset.HostDir(*root, l.Host)
		if done[dir] {
			continue
		}
		done[dir] = true
		if err := report.WriteHostReport(dir); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(dir, "README.md"))
	}
	if len(done) == 0 {
		return resultset.ErrNoResults(*root)
	}
	if len(done) > 1 {
		s, err := report.HostsReport(*root, "native", "procs1", "purego")
		if err != nil {
			return err
		}
		path := filepath.Join(*root, "HOSTS.md")
		if err := atomicfile.Write(path, []byte(s)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
	}
	paths, err := report.Write(*root, report.Options{PricePerCoreHour: *price, GasPrice: *gasPrice})
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintf(stdout, "wrote %s\n", p)
	}
	if *readme != "" {
		es, err := report.Load(*root)
		if err != nil {
			return err
		}
		old, err := os.ReadFile(*readme)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(filepath.Dir(*readme), filepath.Join(*root, "plots", "overhead.png"))
		if err != nil {
			return err
		}
		runs, err := resultset.ReadRuns(*root)
		if err != nil {
			return err
		}
		head := report.Headline(es, runs) + "\n![overhead vs training work](" + filepath.ToSlash(rel) + ")\n"
		updated, err := report.SpliceHeadline(string(old), head)
		if err != nil {
			return fmt.Errorf("%s: %w", *readme, err)
		}
		if err := atomicfile.Write(*readme, []byte(updated)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "updated the headline of %s\n", *readme)
	}
	return nil
}

// backfill fills in what results recorded before a field existed lack and
// the workload definitions know: the proofs per epoch of the real dataset.
func backfill(set *resultset.ResultSet) {
	for i, r := range set.Results {
		if r.EpochSteps != 0 {
			continue
		}
		if w, err := bench.New(r.Workload); err == nil {
			if e, ok := w.(interface{ EpochSteps() int }); ok {
				set.Results[i].EpochSteps = e.EpochSteps()
			}
		}
	}
}

func cmdCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("compare", "compare [-unit UNIT] A B\n\nA and B are result directories (results/<host>/<profile>) or bench.txt files.", stderr)
	unit := fs.String("unit", "prove-ns", "benchmark unit to compare (e.g. prove-ns, setup-ns, overhead-x, peak-prove-B)")
	if err := parsePositional(fs, args, 2, "compare needs two result sets"); err != nil {
		return err
	}
	a, b := fs.Arg(0), fs.Arg(1)
	rows, err := report.Compare(a, b, *unit)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: B/A ratios (below 1: B is lower)\n\n", *unit)
	fmt.Fprint(stdout, report.FormatRows(rows, a, b, *unit))
	return nil
}

// progress shows a bar with the current workload, stage and ETA on a
// terminal (schollz/progressbar); off a terminal (make run | tee log) it
// prints a line per finished workload, and with verbose one per stage too.
type progress struct {
	w       io.Writer
	total   int
	verbose bool
	bar     *progressbar.ProgressBar // nil when stderr is not a terminal
}

func newProgress(w io.Writer, total int, verbose bool) *progress {
	p := &progress{w: w, total: total, verbose: verbose}
	if f, ok := w.(*os.File); ok {
		if term.IsTerminal(int(f.Fd())) {
			p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionShowCount(),
				progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
				progressbar.OptionSetWidth(20), progressbar.OptionClearOnFinish(), progressbar.OptionShowDescriptionAtLineEnd(),
				progressbar.OptionThrottle(100*time.Millisecond))
		}
	}
	return p
}

func (p *progress) stage(i int, name, stage string) {
	switch {
	case p.bar != nil:
		p.bar.Describe(name + ": " + stage)
	case p.verbose:
		fmt.Fprintf(p.w, "[%d/%d] %s: %s\n", i+1, p.total, name, stage)
	}
}

func (p *progress) finished(i int, name string, r resultset.Result) {
	line := fmt.Sprintf("[%d/%d] %s: prove %s, overhead %s", i+1, p.total, name, resultset.Duration(r.ProveNs), resultset.Factor(r.OverheadX()))
	p.line(line)
	if p.bar != nil {
		_ = p.bar.Add(1)
	}
}

// line prints above the bar, or plainly off a terminal.
func (p *progress) line(s string) {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	fmt.Fprintln(p.w, s)
}

// note prints a stage's line above the bar, or plainly when verbose.
func (p *progress) note(s string) {
	if p.bar != nil || p.verbose {
		p.line(s)
	}
}

// finishedLine counts one unit of work done, with a line about it.
func (p *progress) finishedLine(i int, line string) {
	p.line(fmt.Sprintf("[%d/%d] %s", i+1, p.total, line))
	if p.bar != nil {
		_ = p.bar.Add(1)
	}
}

func (p *progress) skipped(i int, name string) {
	p.line(fmt.Sprintf("[%d/%d] %s: already in the results, skipped (-resume)", i+1, p.total, name))
	if p.bar != nil {
		_ = p.bar.Add(1)
	}
}

func (p *progress) warn(format string, args ...any) {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	fmt.Fprintf(p.w, "potbench: warning: "+format+"\n", args...)
}

func (p *progress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// medianDuration is the median of ds (0 for none).
func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// defaultLR is each model's learning rate in the training comparisons.
var defaultLR = map[string]float64{"linreg": 0.05, "logreg": 0.1, "softmax": 0.1, "mlp": 0.1}

func cmdTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("train", "train -model linreg|logreg|softmax|mlp [-epochs E] [-batch B] [-lr LR] [-chain K] [-out runs/NAME] [flags]", stderr)
	model := fs.String("model", "logreg", "model family: "+strings.Join(trainrun.Models(), ", "))
	dataset := fs.String("dataset", "", "dataset (default: the model's own: linreg diabetes, logreg breast_cancer, softmax and mlp digits); for linreg also a CSV FILE, last column the target")
	datasetSkip := fs.Int("dataset-skip", 0, "header lines to skip in a -dataset FILE")
	clip := fs.Bool("clip", false, "saturate -dataset FILE values outside the fixed-point range instead of failing")
	epochs := fs.Int("epochs", 1, "epochs")
	batch := fs.Int("batch", 32, "rows per batch")
	lr := fs.Float64("lr", 0, "learning rate (default: the model's, as in the training comparison)")
	seed := fs.Uint64("seed", 1, "seed of the train/test split and the initial model")
	chainK := fs.Int("chain", 1, "SGD steps per proof (linreg and logreg)")
	curve := fs.String("curve", "bn254", "curve: "+commit.CurveNames())
	backend := fs.String("backend", "groth16", "proving system: "+strings.Join(bench.Backends, ", "))
	out := fs.String("out", "", "run directory (default runs/MODEL-bB-kK-eE, with the -dataset's name after MODEL when one is given, and -CURVE-BACKEND off BN254 Groth16)")
	resume := fs.Bool("resume", false, "keep the proofs already in the run directory and prove only the missing ones")
	shard := fs.String("shard", "", "prove only shard i of n (\"i/n\"; \"n\" takes i from $JOB_COMPLETION_INDEX or $SLURM_ARRAY_TASK_ID)")
	prepare := fs.Bool("prepare", false, "only set up the keys in the run directory (before sharded proving)")
	merge := fs.Bool("merge", false, "only assemble the manifest from the shards' proofs")
	results := fs.String("results", "", "results root to add the run's figures to (RESULTS/<host>/runs/NAME.json, which potbench report publishes; e.g. -results results); default: none, the figures stay in the run directory")
	host := fs.String("host", "", "host id for the figures (default: derived from the CPU, or $POTBENCH_HOST)")
	verbose := fs.Bool("v", false, "print a line per proof even when stderr is not a terminal")
	aggregate := fs.Bool("aggregate", false, "also prove the whole run in one BW6-761 proof (needs -curve bls12-377, -chain 1)")
	skipMem := fs.Bool("skip-memory-check", false, "aggregate even where the memory model says it will not fit")
	keys := fs.String("keys", "", "prove under the keys of this sealed ceremony (potbench ceremony); default: a one-party setup by the prover")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := commit.ParseCurve(*curve)
	if err != nil {
		return err
	}
	if _, known := defaultLR[*model]; !known { // before the learning rate's default is looked up
		return fmt.Errorf("-model %q: not a model potbench trains (%s)", *model, strings.Join(trainrun.Models(), ", "))
	}
	if *lr == 0 {
		*lr = defaultLR[*model]
	}
	cfg := trainrun.Config{Model: *model, Dataset: *dataset, Epochs: *epochs, Batch: *batch, LR: *lr, Seed: *seed, Chain: *chainK,
		Curve: c, Backend: *backend, Resume: *resume, DatasetSkip: *datasetSkip, Clip: *clip, Aggregate: *aggregate, SkipMemoryCheck: *skipMem, KeysFrom: *keys}
	name := *model
	if *dataset != "" { // runs on two datasets must not share a directory
		name += "-" + datasetTag(*dataset)
	}
	name += fmt.Sprintf("-b%d-k%d-e%d", *batch, *chainK, *epochs)
	if c != ecc.BN254 || *backend != "groth16" {
		name += "-" + c.String() + "-" + *backend
	}
	cfg.Dir = *out
	if cfg.Dir == "" {
		cfg.Dir = filepath.Join("runs", name)
	}
	switch {
	case *prepare && *merge:
		return fmt.Errorf("-prepare and -merge are separate stages")
	case *prepare:
		cfg.Stage = "prepare"
	case *merge:
		cfg.Stage = "merge"
	case *shard != "":
		cfg.Stage = "prove"
		if cfg.Shard, cfg.Shards, err = parseShard(*shard); err != nil {
			return err
		}
	}
	var prog *progress
	last := 0
	cfg.Progress = func(done, total int, what string) {
		if prog == nil {
			prog = newProgress(stderr, total, *verbose)
		}
		if done > last { // a job finished
			prog.finishedLine(done-1, what)
			last = done
			return
		}
		prog.note(fmt.Sprintf("[%d/%d] %s", done, total, what)) // a stage of the next job
	}
	m, err := trainrun.Train(ctx, cfg)
	if prog != nil {
		prog.done()
	}
	if err != nil {
		return err
	}
	switch cfg.Stage {
	case "prepare":
		fmt.Fprintf(stdout, "keys set up in %s; now prove with -shard i/n, then -merge\n", cfg.Dir)
		return nil
	case "prove":
		fmt.Fprintf(stdout, "shard %d/%d proven into %s\n", cfg.Shard, cfg.Shards, cfg.Dir)
		return nil
	}
	v, err := trainrun.Verify(cfg.Dir, nil)
	if err != nil {
		return fmt.Errorf("the run just written does not verify: %w", err)
	}
	id := *host
	if id == "" {
		id = hwprofiles.Detect().ID()
	}
	var gasTx int64
	solc, solcErr := onchain.FindCompiler()
	if solcErr != nil && m.Curve == ecc.BN254.String() && m.Backend == "groth16" {
		fmt.Fprintf(stdout, "on-chain figures skipped: %v; install solc-js (npm ci --prefix tools/solc), then potbench export %s and potbench settle -trust-keys %s add them to this run's summary\n", solcErr, cfg.Dir, cfg.Dir)
	}
	if solcErr == nil && m.Curve == ecc.BN254.String() && m.Backend == "groth16" {
		re, err := onchain.ExportRun(cfg.Dir, filepath.Join(cfg.Dir, "onchain"), solc)
		if err != nil {
			return err
		}
		gasTx = int64(re.Gas.Tx)
		if m.Score != nil {
			fmt.Fprintf(stdout, "settle it through the escrow contract (offer, prove, deliver, settle): potbench settle -trust-keys %s\n", cfg.Dir)
		}
	}
	sum := resultset.RunSummary{Name: filepath.Base(cfg.Dir), Model: m.Model, Dataset: m.Dataset.Name, Epochs: m.Epochs, Batch: m.Batch,
		Chain: m.Chain, Curve: m.Curve, Backend: m.Backend, Steps: m.Figures.Steps, Proofs: v.Proofs, SetupNs: m.Figures.SetupNs,
		ProveNs: m.Figures.ProveNs, Cores: m.Figures.Cores, PlainRunNs: m.Figures.PlainRunNs, VerifyNs: v.VerifyTime.Nanoseconds(),
		Bytes: v.Bytes, Metric: m.Figures.Metric, FixedPoint: m.Figures.FixedPoint, Float64: m.Figures.Float64, ScoreProof: m.Score != nil,
		GasTx: gasTx, Keys: m.Keys.Short()}
	if a := m.Aggregate; a != nil {
		av, err := trainrun.VerifyAggregate(cfg.Dir, nil)
		if err != nil {
			return fmt.Errorf("the aggregate just written does not verify: %w", err)
		}
		each := medianDuration(v.ProofTimes)
		sum.Aggregate = &resultset.AggregateSummary{Curve: a.Curve, Proofs: a.Proofs, Constraints: a.Constraints, CompileNs: a.CompileNs,
			SetupNs: a.SetupNs, ProveNs: a.ProveNs, PeakBytes: a.PeakBytes, ProofBytes: a.ProofBytes, VerifyNs: av.VerifyTime.Nanoseconds(),
			VerifyEachNs: each.Nanoseconds()}
		fmt.Fprintf(stdout, "aggregate: %d proofs in one %s proof of %d constraints (%d per inner proof); setup %s, prove %s, peak %s; verified alone in %s (one inner proof: %s)\n",
			a.Proofs, a.Curve, a.Constraints, a.Constraints/a.Proofs, resultset.Duration(a.SetupNs), resultset.Duration(a.ProveNs), resultset.Bytes(a.PeakBytes),
			resultset.Duration(sum.Aggregate.VerifyNs), resultset.Duration(sum.Aggregate.VerifyEachNs))
	}
	path := "nowhere else (pass -results results to add them to the published tables)"
	if *results != "" {
		if path, err = resultset.WriteRun(*results, id, sum); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: %d steps in %d proofs, prove %s (%.3g core-s), plain float64 run %s, overhead %s; transcript %s, verified in %s; test %s %.4f (float64 %.4f)\n",
		cfg.Dir, sum.Steps, sum.Proofs, resultset.Duration(sum.ProveNs), sum.CoreSeconds(), resultset.Duration(sum.PlainRunNs),
		resultset.Factor(sum.OverheadX()), resultset.Bytes(sum.Bytes), resultset.Duration(sum.VerifyNs), sum.Metric, sum.FixedPoint, sum.Float64)
	fmt.Fprintf(stdout, "figures in %s/manifest.json and %s\n", cfg.Dir, path)
	return nil
}

// parseShard reads "i/n", or "n" with i from the scheduler's environment
// (Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX, Slurm arrays
// SLURM_ARRAY_TASK_ID).
func parseShard(s string) (int, int, error) {
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		is, ns = "", s
		for _, env := range []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"} {
			if v := os.Getenv(env); v != "" {
				is = v
				break
			}
		}
		if is == "" {
			return 0, 0, fmt.Errorf("-shard %s: no shard index (write i/n, or set JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)", s)
		}
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("-shard %s: want i/n with 0 <= i < n", s)
	}
	return i, n, nil
}

func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", "verify [-aggregate] [-terms terms.json] (-ceremony DIR | -trust-keys) RUN-DIRECTORY\n\n"+
		"Checks every proof of a run directory and the links between them, and its aggregated proof where there is one;\n"+
		"with -aggregate, only the aggregated proof (the step and score proofs are then not needed).\n"+
		"With -terms, the run is checked against the buyer's terms (model, widths, training and held-out roots and\n"+
		"rows, batch, initial model, learning rate, epochs, score target); without, against the terms its manifest\n"+
		"states, which are printed so that a buyer can compare them with their own. The verifying keys are derived from a\n"+
		"ceremony transcript (-ceremony), or accepted as given only with -trust-keys. With -aggregate -ceremony, the\n"+
		"step and score keys are derived and the aggregation circuit compiled again around them; the aggregate's own\n"+
		"BW6-761 key is the prover's and needs -trust-keys as well.", stderr)
	only := fs.Bool("aggregate", false, "check only the aggregated proof against the run's statement")
	termsFile := fs.String("terms", "", "the buyer's terms (JSON, as printed by verify without -terms)")
	ceremonyDir := fs.String("ceremony", "", "a sealed ceremony transcript (potbench ceremony) to derive the run's verifying keys from")
	trustKeys := fs.Bool("trust-keys", false, "accept the run's verifying keys as given, without a ceremony (the output says so)")
	dirs, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		fmt.Fprintf(stderr, "verify needs one run directory, got %d arguments\n", len(dirs))
		fs.Usage()
		return errUsage
	}
	var terms *trainrun.Terms
	if *termsFile != "" {
		if terms, err = trainrun.ReadTerms(*termsFile); err != nil {
			return fmt.Errorf("FAIL: terms: %w", err)
		}
	}
	verify := trainrun.Verify
	if *only {
		verify = trainrun.VerifyAggregate
	}
	v, err := verify(dirs[0], terms)
	if err != nil {
		return fmt.Errorf("FAIL: %w", err)
	}
	switch {
	case *ceremonyDir != "" && *only && !*trustKeys:
		return fmt.Errorf("FAIL: -ceremony derives the step and score keys and checks the aggregation circuit, but the aggregate's own key comes from a one-party setup by the prover: pass -trust-keys as well to accept it as given (the output says so)")
	case *ceremonyDir != "":
		start := time.Now()
		derive := trainrun.DeriveKeys
		if *only {
			derive = trainrun.DeriveAggregate
		}
		if err := derive(v, dirs[0], *ceremonyDir); err != nil {
			return fmt.Errorf("FAIL: %w", err)
		}
		derived := time.Since(start).Round(time.Millisecond)
		defer func() { fmt.Fprintf(stdout, "keys derived from the ceremony in %s\n", derived) }()
	case !*trustKeys:
		return fmt.Errorf("FAIL: the proofs verify, but under verifying keys that are the prover's (%s): pass -ceremony DIR to derive them from a ceremony transcript, or -trust-keys to accept them as given", v.Manifest.Keys.Kind)
	}
	fmt.Fprint(stdout, v.Statement(*only))
	what := fmt.Sprintf("%d proofs", v.Proofs)
	if *only {
		what = "the aggregate, its key and the final model"
	}
	fmt.Fprintf(stdout, "verified in %s; read %s (%s)\n", resultset.Duration(v.VerifyTime.Nanoseconds()), resultset.Bytes(v.Bytes), what)
	if terms == nil {
		fmt.Fprintf(stdout, "terms verified (the manifest's; save them as terms.json and pass -terms to hold a run to your own):\n%s", v.Terms.JSON())
	}
	return nil
}

func short(h string) string {
	if len(h) > 14 {
		return h[:10] + "…"
	}
	return h
}

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "export [-workload NAME [-backend groth16|plonk] | RUN-DIRECTORY] [-out DIR] [-no-gas]\n\n"+
		"Writes the Solidity verifier (gnark's template), the proof in its calldata layout, the public inputs and a JSON\n"+
		"file for Ethereum tooling; with solc-js installed (npm ci --prefix tools/solc) it also runs the verifier in\n"+
		"go-ethereum's EVM and reports the gas. BN254 only: Groth16, or PLONK with -backend plonk (a run directory: Groth16).", stderr)
	workload := fs.String("workload", "", "workload to prove and export, e.g. linreg/B=8,D=8")
	backendName := fs.String("backend", "groth16", "proving system for -workload: groth16 or plonk (gnark exports a Solidity verifier for both on BN254)")
	out := fs.String("out", "", "output directory (default exports/NAME, or RUN-DIRECTORY/onchain)")
	noGas := fs.Bool("no-gas", false, "do not compile and run the verifier")
	results := fs.String("results", "results", "results directory whose run summary (RESULTS/HOST/runs/NAME.json, if train wrote one) gets the run's gas")
	host := fs.String("host", "", "host id of that summary (default: derived from the CPU, or $POTBENCH_HOST)")
	price := gasPriceFlags(fs)
	dirs, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if (*workload == "") == (len(dirs) != 1) || len(dirs) > 1 {
		fmt.Fprintln(stderr, "export needs either -workload NAME or one run directory")
		fs.Usage()
		return errUsage
	}
	if err := price.Check(); err != nil {
		return err
	}
	if *backendName != "groth16" && *backendName != "plonk" {
		return fmt.Errorf("-backend %q: groth16 or plonk", *backendName)
	}
	var solc *onchain.Compiler
	if !*noGas {
		c, err := onchain.FindCompiler()
		if err != nil {
			return fmt.Errorf("%w (or pass -no-gas)", err)
		}
		solc = c
	}
	if *workload == "" {
		dir := dirs[0]
		if *out == "" {
			*out = filepath.Join(dir, "onchain")
		}
		re, err := onchain.ExportRun(dir, *out, solc)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d verifier(s) and %d proofs' calldata to %s\n", len(re.Contracts), len(re.Proofs), *out)
		if re.Gas == nil {
			return nil
		}
		fmt.Fprintf(stdout, "every proof verified on chain: %d gas in execution, %d in transactions (%d proofs, %d per proof on average), %s at %s\n",
			re.Gas.Exec, re.Gas.Tx, len(re.Proofs), re.Gas.Tx/uint64(len(re.Proofs)), resultset.Dollars(price.USD(int64(re.Gas.Tx))), price)
		return updateRunSummary(*results, *host, dir, stdout, func(sum *resultset.RunSummary) { sum.GasTx = int64(re.Gas.Tx) })
	}
	if err := bench.Check(*workload); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join("exports", strings.NewReplacer("/", "_", ",", "_", "=", "").Replace(*workload))
	}
	w, err := bench.New(*workload)
	if err != nil {
		return err
	}
	e, err := exportWorkload(w, *backendName)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	js, err := e.JSON("Verifier.sol")
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{"Verifier.sol": []byte(e.Solidity), "proof.json": append(js, '\n')} {
		if err := atomicfile.Write(filepath.Join(*out, name), data); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %s/{Verifier.sol,proof.json}: %d public inputs, a %d-byte proof\n", *out, len(e.Public), len(e.Proof))
	if solc != nil {
		g, err := e.Measure(solc)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "verified in go-ethereum's EVM: %d gas in execution, %d for the transaction (%s at %s)\n",
			g.Exec, g.Tx, resultset.Dollars(price.USD(int64(g.Tx))), price)
	}
	return nil
}

// exportWorkload proves a workload once on BN254 (keys from the key cache)
// and exports its verifier and proof.
func exportWorkload(w bench.Workload, backendName string) (*onchain.Export, error) {
	p, err := bench.Prepare(w, bench.Options{Keys: bench.DefaultKeyCache(), Curve: ecc.BN254, Backend: backendName})
	if err != nil {
		return nil, err
	}
	if _, err := p.ProveOnce(); err != nil {
		return nil, err
	}
	vk, ok := p.VK.(interface {
		ExportSolidity(io.Writer, ...solidity.ExportOption) error
	})
	if !ok {
		return nil, fmt.Errorf("a %s verifying key has no Solidity export", backendName)
	}
	return onchain.New(vk, p.LastProof, p.LastPublic)
}

// settleRun runs the settlement scenario for a run directory, with the
// delivery circuit's keys set up by the buyer (or loaded from the key
// cache), and writes RUN-DIRECTORY/onchain/settlement.json.
func settleRun(dir string, solc *onchain.Compiler, target onchain.Target, stdout io.Writer) (*onchain.Settlement, error) {
	m, err := trainrun.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	_, dom, err := trainrun.FinalModelOf(dir, m)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "delivery circuit for a %s model of %d values: compiling, and setting up its keys as the buyer (loaded from the key cache after the first time)\n", m.Model, dom.Values)
	dk, err := onchain.SetupDelivery(dom, bench.DefaultKeyCache())
	if err != nil {
		return nil, err
	}
	how := "loaded from the key cache"
	if !dk.Cached {
		how = fmt.Sprintf("set up in %s", time.Duration(dk.SetupNs).Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "delivery circuit: %d constraints, keys %s (%s)\n", dk.Constraints, how, dk.Source)
	s, err := onchain.Settle(dir, solc, target, dk)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "onchain"), 0o755); err != nil {
		return nil, err
	}
	return s, atomicfile.Write(filepath.Join(dir, "onchain", "settlement.json"), append(b, '\n'))
}

// settlementSummary is what a run's stored figures keep of a settlement.
func settlementSummary(s *onchain.Settlement) *resultset.SettlementSummary {
	sum := &resultset.SettlementSummary{OfferGasTx: int64(s.Offer.Tx), DeliverGasTx: int64(s.Deliver.Tx), SettleGasTx: int64(s.Settle.Tx),
		DeliveryVerifyGas: int64(s.DeliveryVerify.Exec), CipherElements: s.CipherElements, DeliveryConstraints: s.DeliveryConstraints,
		DeliveryProveNs: s.DeliveryProveNs, Delivered: s.Delivered}
	for _, g := range s.Prove {
		sum.ProveGasTx += int64(g.Tx)
	}
	return sum
}

func cmdSettle(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("settle", "settle RUN-DIRECTORY [-min-correct N] [-max-loss-sum N] [-results DIR] [-host ID] [-gas-price-gwei G] [-eth-usd P]\n\n"+
		"Runs contracts/Settlement.sol beside the run's verifiers in go-ethereum's EVM: the buyer locks a payment for the run's\n"+
		"statement (dataset root, initial model, learning rate, schedule) and a held-out score; the seller submits every step\n"+
		"proof, in as few transactions as the 2^24 gas cap per transaction allows, then delivers: the score proof, the final\n"+
		"model encrypted under a fresh key, the key's SHA-256 and a proof that the ciphertext decrypts to the scored model, made\n"+
		"for this offer and seller; then settle reveals the key and the contract pays. The buyer decrypts the model from the\n"+
		"chain's events and checks it against its commitment. The delivery circuit's keys are the buyer's own setup.\n"+
		"Writes RUN-DIRECTORY/onchain/settlement.json and adds the gas to the run's stored figures\n"+
		"(RESULTS/<host>/runs/NAME.json) where they exist. BN254 Groth16 runs with a score proof.", stderr)
	minCorrect := fs.Int64("min-correct", 0, "held-out answers the model must get right (default, with -max-loss-sum unset: the score the run claims)")
	maxLoss := fs.String("max-loss-sum", "", "summed held-out loss the model must stay within, fixed point as the score proof's input (least squares)")
	results := fs.String("results", "results", "results root holding the run's figures")
	host := fs.String("host", "", "host id of the run's figures (default: derived from the CPU, or $POTBENCH_HOST)")
	ceremonyDir := fs.String("ceremony", "", "deploy verifiers only from keys derived again from this sealed ceremony (as verify -ceremony)")
	trustKeys := fs.Bool("trust-keys", false, "deploy verifiers from the run's keys as given, without a ceremony")
	price := gasPriceFlags(fs)
	dirs, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		fmt.Fprintf(stderr, "settle needs one run directory, got %d arguments\n", len(dirs))
		fs.Usage()
		return errUsage
	}
	if err := price.Check(); err != nil {
		return err
	}
	target := onchain.Target{MinCorrect: *minCorrect}
	if *minCorrect < 0 {
		return fmt.Errorf("-min-correct %d: must not be negative", *minCorrect)
	}
	if *maxLoss != "" {
		v, ok := new(big.Int).SetString(*maxLoss, 0)
		if !ok || v.Sign() <= 0 {
			return fmt.Errorf("-max-loss-sum %q: want a positive integer (decimal or 0x hex)", *maxLoss)
		}
		target.MaxLossSum = v
	}
	dir := dirs[0]
	if _, err := trainrun.ReadManifest(dir); err != nil { // before looking for a compiler
		return err
	}
	switch {
	case *ceremonyDir != "":
		v, err := trainrun.Verify(dir, nil)
		if err == nil {
			err = trainrun.DeriveKeys(v, dir, *ceremonyDir)
		}
		if err != nil {
			return fmt.Errorf("the verifiers' keys: %w", err)
		}
	case !*trustKeys:
		return fmt.Errorf("the verifiers would be built from the prover's keys: pass -ceremony DIR to derive them from a ceremony transcript, or -trust-keys")
	}
	solc, err := onchain.FindCompiler()
	if err != nil {
		return err
	}
	s, err := settleRun(dir, solc, target, stdout)
	if err != nil {
		return err
	}
	var prove int64
	for _, g := range s.Prove {
		prove += int64(g.Tx)
	}
	fmt.Fprintf(stdout, "settled %s: %d proofs; offer %d gas, %d prove transaction(s) (%s proofs each) %d gas, deliver %d gas (its delivery verifier %d), settle %d gas\n",
		dir, s.Proofs, s.Offer.Tx, len(s.Prove), strings.Trim(strings.Join(strings.Fields(fmt.Sprint(s.ProofsPerTx)), ","), "[]"), prove, s.Deliver.Tx, s.DeliveryVerify.Exec, s.Settle.Tx)
	fmt.Fprintf(stdout, "delivered: %d ciphertext elements, delivery proof %s (%d constraints); the buyer decrypted the run's final model from the chain: %v\n",
		s.CipherElements, time.Duration(s.DeliveryProveNs).Round(time.Millisecond), s.DeliveryConstraints, s.Delivered)
	fmt.Fprintf(stdout, "the whole settlement: %d gas in %d transactions, %s at %s; deploying the contracts once: %d gas\n",
		s.Total.Tx, s.Transactions(), resultset.Dollars(price.USD(int64(s.Total.Tx))), price, s.Deploy.Tx)
	return updateRunSummary(*results, *host, dir, stdout, func(sum *resultset.RunSummary) {
		sum.SettleGasTx, sum.SettleTxs, sum.DeployGas = int64(s.Total.Tx), s.Transactions(), int64(s.Deploy.Tx)
		sum.Settlement = settlementSummary(s)
	})
}

// updateRunSummary applies set to the stored summary of the run directory
// dir (results/<host>/runs/<name>.json), when train wrote one.
func updateRunSummary(results, host, dir string, stdout io.Writer, set func(*resultset.RunSummary)) error {
	if host == "" {
		host = hwprofiles.Detect().ID()
	}
	path := filepath.Join(resultset.RunsDir(results, host), filepath.Base(filepath.Clean(dir))+".json")
	sum, err := resultset.ReadRun(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	set(&sum)
	if _, err := resultset.WriteRun(results, host, sum); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "figures updated in %s\n", path)
	return nil
}

func cmdGas(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("gas", "gas [-results DIR] [-host ID] [-profile NAME] [-workloads LIST]\n\n"+
		"For each stored BN254 result (Groth16 and PLONK), proves the workload once more (keys from the key cache), runs gnark's\n"+
		"Solidity verifier on the proof in go-ethereum's EVM and stores the gas in the result; the timings stay as measured.", stderr)
	root := fs.String("results", "results", "results root")
	host := fs.String("host", "", "host id (default: derived from the CPU, or $POTBENCH_HOST)")
	profile := fs.String("profile", "native", "profile whose results get the gas")
	list := fs.String("workloads", "", "comma-separated workloads (default: every BN254 result)")
	price := gasPriceFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := price.Check(); err != nil {
		return err
	}
	solc, err := onchain.FindCompiler()
	if err != nil {
		return err
	}
	if *host == "" {
		*host = hwprofiles.Detect().ID()
	}
	dir := resultset.Dir(*root, *host, *profile)
	set, err := resultset.Read(filepath.Join(dir, resultset.FileName))
	if err != nil {
		return err
	}
	var only []string
	if *list != "" {
		if only, err = bench.Resolve("", *list); err != nil {
			return err
		}
	}
	done := 0
	for i, r := range set.Results {
		if r.Curve != ecc.BN254.String() || (only != nil && !slices.Contains(only, r.Workload)) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		w, err := bench.New(r.Workload)
		if err != nil {
			fmt.Fprintf(stderr, "potbench gas: %s: %v (skipped)\n", r.Workload, err)
			continue
		}
		e, err := exportWorkload(w, r.Backend)
		if err != nil {
			return fmt.Errorf("%s (%s): %w", r.Workload, r.Backend, err)
		}
		g, err := e.Measure(solc)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Workload, err)
		}
		set.Results[i].VerifyGas, set.Results[i].VerifyTxGas = int64(g.Exec), int64(g.Tx)
		if err := report.WriteSet(dir, set, bench.BenchName); err != nil {
			return err
		}
		done++
		fmt.Fprintf(stdout, "%s (%s): %d public inputs, verify %d gas (transaction %d, %s at %s)\n",
			r.Workload, r.Backend, len(e.Public), g.Exec, g.Tx, resultset.Dollars(price.USD(int64(g.Tx))), price)
	}
	if done == 0 {
		return fmt.Errorf("%s: no BN254 results to measure", dir)
	}
	return nil
}
