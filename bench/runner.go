package bench

import (
	"fmt"
	"io"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
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
	Keys     *KeyCache          // nil: always run setup
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
	Memory      MemoryModel // zero: DefaultMemoryModel(Backend)
}

// ReferenceSystem is the proving system the headline figures use.
const ReferenceSystem = "groth16"

// System names the proving system of a result: the backend, followed by the
// curve when it is not BN254 ("groth16", "plonk", "groth16 bls12_381").
func (r Result) System() string {
	if r.Curve == "" || r.Curve == ecc.BN254.String() {
		return r.Backend
	}
	return r.Backend + " " + r.Curve
}

func (o *Options) stage(s string) {
	if o.OnStage != nil {
		o.OnStage(s)
	}
}

// Result holds one workload's measured figures. Times are nanoseconds; a
// stage not run is zero.
type Result struct {
	Workload     string   `json:"workload"`
	Curve        string   `json:"curve"`
	Backend      string   `json:"backend"`
	Constraints  int      `json:"constraints"`
	Elements     int      `json:"elements"`
	PublicInputs int      `json:"public_inputs"`
	CompileNs    int64    `json:"compile_ns"`
	SetupNs      int64    `json:"setup_ns"`
	SetupCached  bool     `json:"setup_cached"`
	WitnessNs    int64    `json:"witness_ns"`
	ProveNs      int64    `json:"prove_ns"`
	VerifyNs     int64    `json:"verify_ns"`
	PlainNs      float64  `json:"plain_ns"`
	PlainBLASNs  float64  `json:"plain_blas_ns,omitempty"`
	ProofBytes   int64    `json:"proof_bytes"`
	PKBytes      int64    `json:"pk_bytes"`
	VKBytes      int64    `json:"vk_bytes"`
	PeakSetupB   int64    `json:"peak_setup_bytes"`
	PeakProveB   int64    `json:"peak_prove_bytes"`
	Samples      []Sample `json:"samples,omitempty"`
}

// OverheadX is prove time over plain step time.
func (r Result) OverheadX() float64 {
	if r.PlainNs <= 0 {
		return 0
	}
	return float64(r.ProveNs) / r.PlainNs
}

// OverheadBLASX is prove time over the gonum (BLAS) plain step; 0 when the
// workload has no such baseline.
func (r Result) OverheadBLASX() float64 {
	if r.PlainBLASNs <= 0 {
		return 0
	}
	return float64(r.ProveNs) / r.PlainBLASNs
}

// ConstraintsPerElem is constraints per unit of training work.
func (r Result) ConstraintsPerElem() float64 {
	if r.Elements == 0 {
		return 0
	}
	return float64(r.Constraints) / float64(r.Elements)
}

// Prepared is a compiled circuit with its keys, ready to prove repeatedly.
type Prepared struct {
	W      Workload
	CS     constraint.ConstraintSystem
	PK, VK key
	Result Result // compile and setup figures filled in
	opt    Options
	sys    provingSystem
}

// Prepare compiles w and runs (or loads) the setup.
func Prepare(w Workload, opt Options) (*Prepared, error) {
	if opt.Curve == ecc.UNKNOWN {
		opt.Curve = ecc.BN254
	}
	if opt.Backend == "" {
		opt.Backend = "groth16"
	}
	sys, err := newProvingSystem(opt.Backend)
	if err != nil {
		return nil, err
	}
	p := &Prepared{W: w, opt: opt, sys: sys}
	p.Result = Result{Workload: w.Name(), Curve: opt.Curve.String(), Backend: opt.Backend, Elements: w.Elements()}

	opt.stage(StageCompile)
	start := time.Now()
	cs, err := frontend.Compile(opt.Curve.ScalarField(), sys.builder(), w.Circuit())
	if err != nil {
		return nil, fmt.Errorf("%s: compile: %w", w.Name(), err)
	}
	p.Result.CompileNs = time.Since(start).Nanoseconds()
	p.CS = cs
	p.Result.Constraints = cs.GetNbConstraints()
	p.Result.PublicInputs = cs.GetNbPublicVariables() - 1 // minus the constant wire
	model := opt.Memory
	if model.PerConstraint == 0 {
		model = DefaultMemoryModel(opt.Curve, opt.Backend)
	}
	if err := checkMemory(w.Name(), p.Result.Constraints, model, opt.MemoryLimit); err != nil {
		return nil, err
	}

	// One untimed assignment: it commits the workload's dataset on the
	// curve (a one-off cost of the data owner, not part of proving a step)
	// and fails early on bad data.
	if _, err := w.Assignment(opt.Curve); err != nil {
		return nil, fmt.Errorf("%s: witness: %w", w.Name(), err)
	}

	opt.stage(StageSetup)
	p.PK, p.VK = sys.newKeys(opt.Curve)
	var cacheName string
	if opt.Keys != nil {
		if cacheName, err = opt.Keys.Key(cs, opt.Curve.String(), opt.Backend); err != nil {
			return nil, fmt.Errorf("%s: key cache: %w", w.Name(), err)
		}
	}
	resetPeak()
	start = time.Now()
	if opt.Keys != nil && opt.Keys.Load(cacheName, p.PK, p.VK) {
		p.Result.SetupCached = true
	} else {
		if p.PK, p.VK, err = sys.setup(cs); err != nil {
			return nil, fmt.Errorf("%s: setup: %w", w.Name(), err)
		}
	}
	p.Result.SetupNs = time.Since(start).Nanoseconds()
	p.Result.PeakSetupB = peakBytes()
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
func (p *Prepared) ProveOnce() (Result, error) {
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
	resetPeak()
	start = time.Now()
	proof, err := p.sys.prove(p.CS, p.PK, full)
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
	r.PeakProveB = peakBytes()
	r.ProofBytes = sizeOf(proof)

	p.opt.stage(StageVerify)
	start = time.Now()
	if err := p.sys.verify(proof, p.VK, public); err != nil {
		return r, fmt.Errorf("%s: verify: the proof was rejected: %w", name, err)
	}
	r.VerifyNs = time.Since(start).Nanoseconds()

	p.opt.stage(StagePlain)
	r.PlainNs = TimePlain(p.W.Plain(), p.opt.PlainFor)
	if b, ok := p.W.(interface{ PlainBLAS() func() }); ok {
		if step := b.PlainBLAS(); step != nil {
			r.PlainBLASNs = TimePlain(step, p.opt.PlainFor)
		}
	}
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
// figures are medians over the proofs, each proof kept as a Sample.
func Run(w Workload, opt Options) (Result, error) {
	p, err := Prepare(w, opt)
	if err != nil {
		return Result{}, err
	}
	var runs []Result
	for range max(1, opt.Count) {
		r, err := p.ProveOnce()
		if err != nil {
			return Result{}, err
		}
		runs = append(runs, r)
	}
	return Combine(p.Result, runs), nil
}

// Sample is one proof's per-run figures.
type Sample struct {
	WitnessNs  int64   `json:"witness_ns"`
	ProveNs    int64   `json:"prove_ns"`
	VerifyNs   int64   `json:"verify_ns"`
	PlainNs    float64 `json:"plain_ns"`
	PlainBLAS  float64 `json:"plain_blas_ns,omitempty"`
	PeakProveB int64   `json:"peak_prove_bytes"`
}

// Combine puts the medians of runs on top of the prepared figures and keeps
// every run as a sample.
func Combine(prepared Result, runs []Result) Result {
	out := prepared
	if len(runs) == 0 {
		return out
	}
	out.Samples = make([]Sample, len(runs))
	for i, r := range runs {
		out.Samples[i] = Sample{r.WitnessNs, r.ProveNs, r.VerifyNs, r.PlainNs, r.PlainBLASNs, r.PeakProveB}
	}
	med := func(f func(Sample) float64) float64 {
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
	out.WitnessNs = int64(med(func(s Sample) float64 { return float64(s.WitnessNs) }))
	out.ProveNs = int64(med(func(s Sample) float64 { return float64(s.ProveNs) }))
	out.VerifyNs = int64(med(func(s Sample) float64 { return float64(s.VerifyNs) }))
	out.PlainNs = med(func(s Sample) float64 { return s.PlainNs })
	out.PlainBLASNs = med(func(s Sample) float64 { return s.PlainBLAS })
	out.PeakProveB = int64(med(func(s Sample) float64 { return float64(s.PeakProveB) }))
	out.ProofBytes = runs[0].ProofBytes
	return out
}

// PerSample returns r once per sample with that sample's stage figures (r
// itself when it has no samples): one benchmark line each.
func (r Result) PerSample() []Result {
	if len(r.Samples) == 0 {
		return []Result{r}
	}
	out := make([]Result, len(r.Samples))
	for i, s := range r.Samples {
		one := r
		one.Samples = nil
		one.WitnessNs, one.ProveNs, one.VerifyNs, one.PlainNs, one.PlainBLASNs, one.PeakProveB = s.WitnessNs, s.ProveNs, s.VerifyNs, s.PlainNs, s.PlainBLAS, s.PeakProveB
		out[i] = one
	}
	return out
}
