// Command potbench runs the proof-of-training benchmark suite and writes
// result tables.
//
//	potbench run [flags]       run a suite, write results/<host>/
//	potbench help [command]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/consensys/gnark/logger"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/hwprofiles"
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"run", "run a benchmark suite and write results/<host>/", cmdRun},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Disable() // gnark logs every compile and proof to stdout; potbench reports its own figures
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks errors already explained by a usage message.
var errUsage = errors.New("usage")

// Main runs the CLI and returns the exit code: 0 on success, 1 on failure, 2
// on a usage error.
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
			err := c.run(ctx, args[1:], stdout, stderr)
			switch {
			case err == nil, errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
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
	fmt.Fprintln(w, "potbench measures the cost of proving ML training steps in zero knowledge against plain training.")
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

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", "run [-suite NAME | -workloads LIST] [-out DIR] [flags]", stderr)
	suite := fs.String("suite", "default", "suite to run: "+strings.Join(bench.SuiteNames(), ", "))
	list := fs.String("workloads", "", "comma-separated workloads instead of a suite, e.g. linreg/B=32,D=32")
	out := fs.String("out", "results", "results root; results go to OUT/<host>/")
	host := fs.String("host", "", "host id for the results directory (default: derived from the CPU, or $POTBENCH_HOST)")
	noCache := fs.Bool("no-key-cache", false, "always run setup instead of loading cached proving keys")
	verbose := fs.Bool("v", false, "print a line per stage even when stderr is not a terminal")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	names, err := bench.Resolve(*suite, *list)
	if err != nil {
		return err
	}

	h := hwprofiles.Detect()
	id := *host
	if id == "" {
		id = h.ID()
	}
	dir := filepath.Join(*out, id)
	// Fail before any long work if results cannot be written.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create results directory: %w", err)
	}
	set, err := bench.ReadResultSet(filepath.Join(dir, "results.json"))
	if err != nil {
		return err
	}
	set.Host, set.Profile = h, "native"

	keys := bench.DefaultKeyCache()
	if *noCache {
		keys = nil
	}
	prog := newProgress(stderr, len(names), *verbose)
	if keys != nil {
		keys.Warn = prog.warn
	}
	var fresh []bench.Result
	for i, name := range names {
		if err := ctx.Err(); err != nil {
			prog.done()
			return fmt.Errorf("interrupted before %s; %d finished workload(s) are saved in %s", name, i, dir)
		}
		w, err := bench.New(name)
		if err != nil {
			return err
		}
		r, err := bench.Run(w, bench.Options{Keys: keys, OnStage: func(s string) { prog.stage(i, name, s) }})
		if err != nil {
			prog.done()
			return err
		}
		fresh = append(fresh, r)
		set.Merge(r)
		// Written after each workload, so an interrupted run keeps what finished.
		if err := set.WriteDir(dir); err != nil {
			prog.done()
			return err
		}
		prog.finished(i, name, r)
	}
	prog.done()
	shown := &bench.ResultSet{Host: set.Host, Profile: set.Profile, Results: fresh}
	fmt.Fprint(stdout, shown.Markdown())
	fmt.Fprintf(stdout, "\nWrote %s/{results.json,results.csv,results.md,bench.txt}\n", dir)
	return nil
}

// progress shows the current workload and stage with an ETA on a terminal,
// and stays quiet otherwise (unless verbose).
type progress struct {
	w        io.Writer
	total    int
	tty      bool
	verbose  bool
	start    time.Time
	finishes int
}

func newProgress(w io.Writer, total int, verbose bool) *progress {
	p := &progress{w: w, total: total, verbose: verbose, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) eta() string {
	if p.finishes == 0 {
		return "ETA unknown"
	}
	per := time.Since(p.start) / time.Duration(p.finishes)
	left := per * time.Duration(p.total-p.finishes)
	return "ETA " + left.Round(time.Second).String()
}

func (p *progress) stage(i int, name, stage string) {
	line := fmt.Sprintf("[%d/%d] %s: %s (%s)", i+1, p.total, name, stage, p.eta())
	switch {
	case p.tty:
		fmt.Fprintf(p.w, "\r\033[K%s", line)
	case p.verbose:
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) finished(i int, name string, r bench.Result) {
	p.finishes++
	if p.tty || p.verbose {
		prefix := ""
		if p.tty {
			prefix = "\r\033[K"
		}
		fmt.Fprintf(p.w, "%s[%d/%d] %s: prove %s, overhead %s\n", prefix, i+1, p.total, name,
			bench.Duration(r.ProveNs), bench.Factor(r.OverheadX()))
	}
}

func (p *progress) warn(format string, args ...any) {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, "potbench: warning: "+format+"\n", args...)
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
