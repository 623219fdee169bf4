package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/potbench/potbench/hwprofiles"
)

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
