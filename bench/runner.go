package bench

import (
	"fmt"
	"io"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
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
	Keys     *KeyCache            // nil: always run setup
	OnStage  func(stage string)   // called as each stage starts
	PlainFor time.Duration        // how long to repeat the plain step to time it (default 50ms)
	Logf     func(string, ...any) // warnings; nil: stderr
	Curve    ecc.ID               // default BN254
	Backend  string               // "groth16" (the only one so far)
}

func (o *Options) stage(s string) {
	if o.OnStage != nil {
		o.OnStage(s)
	}
}

// Result holds one workload's measured figures. Times are nanoseconds; a
// stage not run is zero.
type Result struct {
	Workload     string  `json:"workload"`
	Curve        string  `json:"curve"`
	Backend      string  `json:"backend"`
	Constraints  int     `json:"constraints"`
	Elements     int     `json:"elements"`
	PublicInputs int     `json:"public_inputs"`
	CompileNs    int64   `json:"compile_ns"`
	SetupNs      int64   `json:"setup_ns"`
	SetupCached  bool    `json:"setup_cached"`
	WitnessNs    int64   `json:"witness_ns"`
	ProveNs      int64   `json:"prove_ns"`
	VerifyNs     int64   `json:"verify_ns"`
	PlainNs      float64 `json:"plain_ns"`
	ProofBytes   int64   `json:"proof_bytes"`
	PKBytes      int64   `json:"pk_bytes"`
	VKBytes      int64   `json:"vk_bytes"`
	PeakSetupB   int64   `json:"peak_setup_bytes"`
	PeakProveB   int64   `json:"peak_prove_bytes"`
}

// OverheadX is prove time over plain step time.
func (r Result) OverheadX() float64 {
	if r.PlainNs <= 0 {
		return 0
	}
	return float64(r.ProveNs) / r.PlainNs
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
	PK     groth16.ProvingKey
	VK     groth16.VerifyingKey
	Result Result // compile and setup figures filled in
	opt    Options
}

// Prepare compiles w and runs (or loads) the setup.
func Prepare(w Workload, opt Options) (*Prepared, error) {
	if opt.Curve == ecc.UNKNOWN {
		opt.Curve = ecc.BN254
	}
	if opt.Backend == "" {
		opt.Backend = "groth16"
	}
	if opt.Backend != "groth16" {
		return nil, fmt.Errorf("backend %q is not supported (supported: groth16)", opt.Backend)
	}
	p := &Prepared{W: w, opt: opt}
	p.Result = Result{Workload: w.Name(), Curve: opt.Curve.String(), Backend: opt.Backend, Elements: w.Elements()}

	opt.stage(StageCompile)
	start := time.Now()
	cs, err := frontend.Compile(opt.Curve.ScalarField(), r1cs.NewBuilder, w.Circuit())
	if err != nil {
		return nil, fmt.Errorf("%s: compile: %w", w.Name(), err)
	}
	p.Result.CompileNs = time.Since(start).Nanoseconds()
	p.CS = cs
	p.Result.Constraints = cs.GetNbConstraints()
	p.Result.PublicInputs = cs.GetNbPublicVariables() - 1 // minus the constant wire

	opt.stage(StageSetup)
	p.PK, p.VK = groth16.NewProvingKey(opt.Curve), groth16.NewVerifyingKey(opt.Curve)
	var key string
	if opt.Keys != nil {
		if key, err = opt.Keys.Key(cs, opt.Curve.String(), opt.Backend); err != nil {
			return nil, fmt.Errorf("%s: key cache: %w", w.Name(), err)
		}
	}
	resetPeak()
	start = time.Now()
	if opt.Keys != nil && opt.Keys.LoadGroth16(key, opt.Curve, p.PK, p.VK) {
		p.Result.SetupCached = true
	} else {
		if p.PK, p.VK, err = groth16.Setup(cs); err != nil {
			return nil, fmt.Errorf("%s: setup: %w", w.Name(), err)
		}
	}
	p.Result.SetupNs = time.Since(start).Nanoseconds()
	p.Result.PeakSetupB = peakBytes()
	if opt.Keys != nil && !p.Result.SetupCached {
		opt.Keys.StoreGroth16(key, p.PK, p.VK)
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
	a, err := p.W.Assignment()
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
	resetPeak()
	start = time.Now()
	proof, err := groth16.Prove(p.CS, p.PK, full)
	if err != nil {
		return r, fmt.Errorf("%s: prove: %w", name, err)
	}
	r.ProveNs = time.Since(start).Nanoseconds()
	r.PeakProveB = peakBytes()
	r.ProofBytes = sizeOf(proof)

	p.opt.stage(StageVerify)
	start = time.Now()
	if err := groth16.Verify(proof, p.VK, public); err != nil {
		return r, fmt.Errorf("%s: verify: the proof was rejected: %w", name, err)
	}
	r.VerifyNs = time.Since(start).Nanoseconds()

	p.opt.stage(StagePlain)
	r.PlainNs = TimePlain(p.W.Plain(), p.opt.PlainFor)
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

// Run prepares and proves once.
func Run(w Workload, opt Options) (Result, error) {
	p, err := Prepare(w, opt)
	if err != nil {
		return Result{}, err
	}
	return p.ProveOnce()
}

// add accumulates the per-proof stages of r.
func (r *Result) add(o Result) {
	r.WitnessNs += o.WitnessNs
	r.ProveNs += o.ProveNs
	r.VerifyNs += o.VerifyNs
	r.PlainNs += o.PlainNs
	r.ProofBytes = o.ProofBytes
	r.PeakProveB = max(r.PeakProveB, o.PeakProveB)
}

// div returns the mean of n accumulated proofs on top of the prepared figures.
func (r Result) div(n int, prepared Result) Result {
	out := prepared
	if n == 0 {
		return out
	}
	out.WitnessNs = r.WitnessNs / int64(n)
	out.ProveNs = r.ProveNs / int64(n)
	out.VerifyNs = r.VerifyNs / int64(n)
	out.PlainNs = r.PlainNs / float64(n)
	out.ProofBytes = r.ProofBytes
	out.PeakProveB = r.PeakProveB
	return out
}
