package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/potbench/potbench/resultset"
)

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
