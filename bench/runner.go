package bench

import (
	"fmt"
	"io"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/potbench/potbench/internal/peakmem"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/resultset"
)

// Stage names, in the order they run.
const (
	StageCompile = "compile"
	StageSetup   = "setup"
	StageWitness = "witness"
	StageProve   = "prove"
	StageVerify  = "verify"
	StagePlain   = "plain"
)

// Stages lists the stages in order.
var Stages = []string{StageCompile, StageSetup, StageWitness, StageProve, StageVerify, StagePlain}

// Options configure a run.
type Options struct {
	Keys     *proving.KeyCache  // nil: always run setup
	OnStage  func(stage string) // called as each stage starts
	PlainFor time.Duration      // how long to repeat the plain step to time it (default 50ms)
	Curve    ecc.ID             // default BN254
	Backend  string             // "groth16" (default) or "plonk"
	Count    int                // proofs per workload in Run (default 1)

	// ProveProfile, when set, receives a CPU profile of each proof (pprof).
	ProveProfile func() (io.WriteCloser, error)

	// MemoryLimit refuses, after compiling, a circuit whose estimated peak
	// memory (Memory.Estimate) exceeds it; 0 disables the check.
	MemoryLimit int64
	Memory      proving.MemoryModel // zero: proving.DefaultMemoryModel(Backend)
}

func (o *Options) stage(s string) {
	if o.OnStage != nil {
		o.OnStage(s)
	}
}

// Prepared is a compiled circuit with its keys, ready to prove repeatedly.
type Prepared struct {
	W      Workload
	CS     constraint.ConstraintSystem
	PK, VK proving.Key
	Result resultset.Result // compile and setup figures filled in

	// the last proof made and its public inputs (for export)
	LastProof  io.WriterTo
	LastPublic witness.Witness
	opt        Options
	sys        proving.System
	enc        Encrypted // not a circuit: the stages are the scheme's
}

// Prepare compiles w and runs (or loads) the setup; an Encrypted workload
// generates its keys instead.
func Prepare(w Workload, opt Options) (*Prepared, error) {
	if e, ok := w.(Encrypted); ok {
		return prepareEncrypted(e, opt)
	}
	if opt.Curve == ecc.UNKNOWN {
		opt.Curve = ecc.BN254
	}
	if opt.Backend == "" {
		opt.Backend = "groth16"
	}
	sys, err := proving.NewSystem(opt.Backend)
	if err != nil {
		return nil, err
	}
	p := &Prepared{W: w, opt: opt, sys: sys}
	p.Result = resultset.Result{Workload: w.Name(), Curve: opt.Curve.String(), Backend: opt.Backend, Elements: w.Elements()}
	if e, ok := w.(interface{ EpochSteps() int }); ok {
		p.Result.EpochSteps = e.EpochSteps()
	}

	opt.stage(StageCompile)
	start := time.Now()
	cs, err := frontend.Compile(opt.Curve.ScalarField(), sys.Builder(), w.Circuit())
	if err != nil {
		return nil, fmt.Errorf("%s: compile: %w", w.Name(), err)
	}
	p.Result.CompileNs = time.Since(start).Nanoseconds()
	p.CS = cs
	p.Result.Constraints = cs.GetNbConstraints()
	p.Result.PublicInputs = proving.PublicVariables(cs)
	model := opt.Memory
	if model.PerConstraint == 0 {
		model = proving.DefaultMemoryModel(opt.Curve, opt.Backend)
	}
	if err := proving.CheckMemoryLimit(w.Name(), p.Result.Constraints, model, opt.MemoryLimit); err != nil {
		return nil, err
	}

	// One untimed assignment: it commits the workload's dataset on the
	// curve (a one-off cost of the data owner, not part of proving a step)
	// and fails early on bad data.
	if _, err := w.Assignment(opt.Curve); err != nil {
		return nil, fmt.Errorf("%s: witness: %w", w.Name(), err)
	}

	opt.stage(StageSetup)
	p.PK, p.VK = sys.NewKeys(opt.Curve)
	var cacheName string
	if opt.Keys != nil {
		if cacheName, err = opt.Keys.Key(cs, opt.Curve.String(), opt.Backend); err != nil {
			return nil, fmt.Errorf("%s: key cache: %w", w.Name(), err)
		}
	}
	peakmem.Reset()
	start = time.Now()
	if opt.Keys != nil && opt.Keys.Load(cacheName, p.PK, p.VK) {
		p.Result.SetupCached = true
	} else {
		if p.PK, p.VK, err = sys.Setup(cs); err != nil {
			return nil, fmt.Errorf("%s: setup: %w", w.Name(), err)
		}
	}
	p.Result.SetupNs = time.Since(start).Nanoseconds()
	p.Result.PeakSetupB = peakmem.Peak()
	if opt.Keys != nil && !p.Result.SetupCached {
		opt.Keys.Store(cacheName, p.PK, p.VK)
	}
	p.Result.PKBytes = sizeOf(p.PK)
	p.Result.VKBytes = sizeOf(p.VK)
	return p, nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }

// sizeOf is the serialised (point-compressed) size of a key or proof.
func sizeOf(w io.WriterTo) int64 {
	var c countWriter
	if _, err := w.WriteTo(&c); err != nil {
		return 0
	}
	return c.n
}

// ProveOnce builds the witness, proves and verifies, and returns the result
// with those stages filled in (compile and setup copied from Prepare).
func (p *Prepared) ProveOnce() (resultset.Result, error) {
	if p.enc != nil {
		return p.stepEncrypted()
	}
	r := p.Result
	name := p.W.Name()

	p.opt.stage(StageWitness)
	start := time.Now()
	a, err := p.W.Assignment(p.opt.Curve)
	if err != nil {
		return r, fmt.Errorf("%s: witness: %w", name, err)
	}
	full, err := frontend.NewWitness(a, p.opt.Curve.ScalarField())
	if err != nil {
		return r, fmt.Errorf("%s: witness: %w", name, err)
	}
	public, err := full.Public()
	if err != nil {
		return r, fmt.Errorf("%s: witness: %w", name, err)
	}
	r.WitnessNs = time.Since(start).Nanoseconds()

	p.opt.stage(StageProve)
	var prof io.WriteCloser
	if p.opt.ProveProfile != nil {
		if prof, err = p.opt.ProveProfile(); err != nil {
			return r, fmt.Errorf("%s: profile: %w", name, err)
		}
		if err := pprof.StartCPUProfile(prof); err != nil {
			prof.Close()
			return r, fmt.Errorf("%s: profile: %w", name, err)
		}
	}
	peakmem.Reset()
	start = time.Now()
	proof, err := p.sys.Prove(p.CS, p.PK, full)
	r.ProveNs = time.Since(start).Nanoseconds()
	if prof != nil {
		pprof.StopCPUProfile()
		if cerr := prof.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err != nil {
		return r, fmt.Errorf("%s: prove: %w", name, err)
	}
	r.PeakProveB = peakmem.Peak()
	r.ProofBytes = sizeOf(proof)
	p.LastProof, p.LastPublic = proof, public

	p.opt.stage(StageVerify)
	start = time.Now()
	if err := p.sys.Verify(proof, p.VK, public); err != nil {
		return r, fmt.Errorf("%s: verify: the proof was rejected: %w", name, err)
	}
	r.VerifyNs = time.Since(start).Nanoseconds()

	p.timePlain(&r)
	return r, nil
}

// timePlain measures the plain baselines of the workload.
func (p *Prepared) timePlain(r *resultset.Result) {
	p.opt.stage(StagePlain)
	r.PlainNs = TimePlain(p.W.Plain(), p.opt.PlainFor)
	if b, ok := p.W.(interface{ PlainBLAS() func() }); ok {
		if step := b.PlainBLAS(); step != nil {
			r.PlainBLASNs = TimePlain(step, p.opt.PlainFor)
		}
	}
}

// prepareEncrypted generates an Encrypted workload's keys: its setup.
func prepareEncrypted(e Encrypted, opt Options) (*Prepared, error) {
	p := &Prepared{W: e, opt: opt, enc: e}
	p.Result = resultset.Result{Workload: e.Name(), Backend: e.Scheme(), Elements: e.Elements(), FHEParams: e.ParamsName()}
	opt.stage(StageSetup)
	peakmem.Reset()
	start := time.Now()
	evk, sk, err := e.KeyGen()
	if err != nil {
		return nil, fmt.Errorf("%s: key generation: %w", e.Name(), err)
	}
	p.Result.SetupNs = time.Since(start).Nanoseconds()
	p.Result.PeakSetupB = peakmem.Peak()
	p.Result.PKBytes, p.Result.VKBytes = evk, sk
	p.Result.FHERotations, p.Result.FHELevels, p.Result.FHEGaloisKeys = e.Shape()
	p.Result.FHEActivation = e.Activation()
	return p, nil
}

// stepEncrypted encrypts (witness), computes the step (prove) and decrypts
// (verify).
func (p *Prepared) stepEncrypted() (resultset.Result, error) {
	r := p.Result
	name := p.W.Name()
	p.opt.stage(StageWitness)
	start := time.Now()
	size, err := p.enc.Encrypt()
	if err != nil {
		return r, fmt.Errorf("%s: encrypt: %w", name, err)
	}
	r.WitnessNs, r.ProofBytes = time.Since(start).Nanoseconds(), size
	p.opt.stage(StageProve)
	peakmem.Reset()
	start = time.Now()
	if err := p.enc.Step(); err != nil {
		return r, fmt.Errorf("%s: encrypted step: %w", name, err)
	}
	r.ProveNs, r.PeakProveB = time.Since(start).Nanoseconds(), peakmem.Peak()
	p.opt.stage(StageVerify)
	start = time.Now()
	if r.FHEError, r.FHENoise, err = p.enc.Decrypt(); err != nil {
		return r, fmt.Errorf("%s: decrypt: %w", name, err)
	}
	r.VerifyNs = time.Since(start).Nanoseconds()
	if r.FHEFormerNs, err = p.enc.Former(); err != nil {
		return r, fmt.Errorf("%s: the former layout's step: %w", name, err)
	}
	p.timePlain(&r)
	return r, nil
}

// TimePlain returns the mean time of one call of step, repeating it for at
// least d (default 50ms) after a warm-up call.
func TimePlain(step func(), d time.Duration) float64 {
	if d <= 0 {
		d = 50 * time.Millisecond
	}
	step()
	n := 1
	for {
		start := time.Now()
		for i := 0; i < n; i++ {
			step()
		}
		el := time.Since(start)
		if el >= d || n >= 1<<30 {
			return float64(el.Nanoseconds()) / float64(n)
		}
		n *= 2
	}
}

// Run prepares w and proves it opt.Count times (at least once); the stage
// figures are medians over the proofs, each proof kept as a resultset.Sample.
func Run(w Workload, opt Options) (resultset.Result, error) {
	p, err := Prepare(w, opt)
	if err != nil {
		return resultset.Result{}, err
	}
	var runs []resultset.Result
	for range max(1, opt.Count) {
		r, err := p.ProveOnce()
		if err != nil {
			return resultset.Result{}, err
		}
		runs = append(runs, r)
	}
	return Combine(p.Result, runs), nil
}

// Combine puts the medians of runs on top of the prepared figures and keeps
// every run as a sample.
func Combine(prepared resultset.Result, runs []resultset.Result) resultset.Result {
	out := prepared
	if len(runs) == 0 {
		return out
	}
	out.Samples = make([]resultset.Sample, len(runs))
	for i, r := range runs {
		out.Samples[i] = resultset.Sample{WitnessNs: r.WitnessNs, ProveNs: r.ProveNs, VerifyNs: r.VerifyNs, PlainNs: r.PlainNs, PlainBLAS: r.PlainBLASNs, PeakProveB: r.PeakProveB}
	}
	med := func(f func(resultset.Sample) float64) float64 {
		v := make([]float64, len(out.Samples))
		for i, s := range out.Samples {
			v[i] = f(s)
		}
		slices.Sort(v)
		if n := len(v); n%2 == 1 {
			return v[n/2]
		} else {
			return (v[n/2-1] + v[n/2]) / 2
		}
	}
	out.WitnessNs = int64(med(func(s resultset.Sample) float64 { return float64(s.WitnessNs) }))
	out.ProveNs = int64(med(func(s resultset.Sample) float64 { return float64(s.ProveNs) }))
	out.VerifyNs = int64(med(func(s resultset.Sample) float64 { return float64(s.VerifyNs) }))
	out.PlainNs = med(func(s resultset.Sample) float64 { return s.PlainNs })
	out.PlainBLASNs = med(func(s resultset.Sample) float64 { return s.PlainBLAS })
	out.PeakProveB = int64(med(func(s resultset.Sample) float64 { return float64(s.PeakProveB) }))
	out.ProofBytes = runs[0].ProofBytes
	former := make([]float64, len(runs))
	for i, r := range runs { // the worst error seen
		out.FHEError, out.FHENoise = max(out.FHEError, r.FHEError), max(out.FHENoise, r.FHENoise)
		former[i] = float64(r.FHEFormerNs)
	}
	slices.Sort(former)
	out.FHEFormerNs = int64((former[(len(former)-1)/2] + former[len(former)/2]) / 2)
	return out
}
