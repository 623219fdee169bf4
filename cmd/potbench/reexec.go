// run -profiles: a profile whose build tags differ from this binary's is run
// by a potbench built with them (go run -tags ... from the checkout).

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/potbench/potbench/hwprofiles"
)

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
