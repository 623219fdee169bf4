package bench

import (
	"context"
	"fmt"
	"io"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/resultset"
)

// SuiteRun runs a list of workloads, each under every curve and backend, into
// a result set, saving the set after each workload so that an interrupted
// run keeps what finished.
type SuiteRun struct {
	Profile     string // named in messages, before each job
	Names       []string
	Curves      []ecc.ID
	Backends    []string
	Count       int               // proofs per workload
	Keys        *proving.KeyCache // nil: always run setup
	Resume      bool              // skip workloads the set already holds with the same count
	MemoryLimit int64             // refuse sizes estimated above it; 0: no check

	// ProveProfile, when set, gives the CPU-profile file of a job's proofs.
	ProveProfile func(workload string, curve ecc.ID, backend string) func() (io.WriteCloser, error)
	// Progress: a job's stage starting, a job skipped, a job finished.
	OnStage  func(job Job, stage string)
	OnSkip   func(job Job)
	OnResult func(job Job, r resultset.Result)
	// Save writes the set; it is called after each finished workload.
	Save func(set *resultset.ResultSet) error
}

// Job is one workload under one curve and backend, the i-th of Total.
type Job struct {
	Workload string
	Curve    ecc.ID
	Backend  string
	I, Total int
}

// Label names the job in progress lines: "linreg/B=8,D=8 groth16", with the
// curve when it is not BN254.
func (j Job) Label() string {
	l := j.Workload + " " + j.Backend
	if j.Curve != ecc.BN254 && j.Curve != ecc.UNKNOWN {
		l += " " + j.Curve.String()
	}
	return l
}

func (s SuiteRun) label(j Job) string {
	if s.Profile == "" {
		return j.Label()
	}
	return s.Profile + " " + j.Label()
}

// Jobs lists the suite's jobs: each workload under every curve and backend.
func (s SuiteRun) Jobs() []Job {
	var jobs []Job
	for _, n := range s.Names {
		if scheme := SchemeOf(n); scheme != "" { // not a circuit: one measurement
			jobs = append(jobs, Job{Workload: n, Curve: ecc.UNKNOWN, Backend: scheme})
			continue
		}
		for _, c := range s.Curves {
			for _, b := range s.Backends {
				jobs = append(jobs, Job{Workload: n, Curve: c, Backend: b})
			}
		}
	}
	for i := range jobs {
		jobs[i].I, jobs[i].Total = i, len(jobs)
	}
	return jobs
}

// Run runs the jobs into set and returns the results it measured. On
// cancellation it returns at once (proving cannot be cancelled inside gnark:
// it stops waiting) with an error wrapping ErrInterrupted, leaving what Save
// wrote.
func (s SuiteRun) Run(ctx context.Context, set *resultset.ResultSet) ([]resultset.Result, error) {
	var fresh []resultset.Result
	for _, j := range s.Jobs() {
		if s.Resume && Has(set, j.Workload, j.Curve, j.Backend, s.Count) {
			if s.OnSkip != nil {
				s.OnSkip(j)
			}
			continue
		}
		if ctx.Err() != nil {
			return fresh, fmt.Errorf("%w during %s", proving.ErrInterrupted, s.label(j))
		}
		w, err := New(j.Workload)
		if err != nil {
			return fresh, err
		}
		var model proving.MemoryModel // none for a workload that is not a circuit
		if j.Curve != ecc.UNKNOWN {
			var ok bool
			if model, ok = proving.FitMemoryModel(set.Results, j.Curve, j.Backend); !ok {
				model = proving.DefaultMemoryModel(j.Curve, j.Backend)
			}
		}
		opt := Options{Keys: s.Keys, Count: s.Count, Curve: j.Curve, Backend: j.Backend, MemoryLimit: s.MemoryLimit, Memory: model,
			OnStage: func(stage string) {
				if s.OnStage != nil {
					s.OnStage(j, stage)
				}
			}}
		if s.ProveProfile != nil {
			opt.ProveProfile = s.ProveProfile(j.Workload, j.Curve, j.Backend)
		}
		type outcome struct {
			r   resultset.Result
			err error
		}
		done := make(chan outcome, 1)
		go func() {
			r, err := Run(w, opt)
			done <- outcome{r, err}
		}()
		var o outcome
		select {
		case o = <-done:
		case <-ctx.Done():
			return fresh, fmt.Errorf("%w during %s", proving.ErrInterrupted, s.label(j))
		}
		if o.err != nil {
			return fresh, o.err
		}
		fresh = append(fresh, o.r)
		set.Merge(o.r)
		if s.Save != nil {
			if err := s.Save(set); err != nil {
				return fresh, err
			}
		}
		if s.OnResult != nil {
			s.OnResult(j, o.r)
		}
	}
	return fresh, nil
}

// Has reports whether set already holds workload under curve and backend,
// taken with the same number of proofs.
func Has(set *resultset.ResultSet, workload string, curve ecc.ID, backend string, count int) bool {
	for _, r := range set.Results {
		if r.Workload == workload && r.Curve == curveName(curve) && r.Backend == backend && max(1, len(r.Samples)) == count {
			return true
		}
	}
	return false
}

// curveName is the curve column of a result: "" for a workload that is not a
// circuit.
func curveName(c ecc.ID) string {
	if c == ecc.UNKNOWN {
		return ""
	}
	return c.String()
}
