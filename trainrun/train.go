// Package trainrun proves whole training runs: it trains a model with the
// native fixed-point mirror from a seeded start, proves every step (or every
// chain of K steps, one per epoch, or one for the run) and the final model's
// held-out score (in a proof of its own, or folded into the last chain
// proof), and writes a
// self-contained run directory; Verify checks such a directory with nothing
// else: every proof, and the links between them (model after of one proof is
// model before of the next, one dataset root, the batch schedule, the learning
// rate, the final model file, the score's model and held-out set).
//
// A run directory:
//
//	manifest.json   what was proven, every proof's public inputs, the figures
//	README.md       the statement in words
//	model.json      the final model (fixed point and float64)
//	vk/SHAPE.vk     one verifying key per circuit shape
//	proofs/N.proof  the proofs; proofs/N.json the prover's record of each
//	keys/SHAPE.pk   the proving keys (the prover's; not needed to verify)
//
// Proving a run is embarrassingly parallel once the native trace is known (it
// is recomputed, deterministically, by every process): Prepare sets up the
// keys, each of n shards proves the jobs whose index is its own modulo n, and
// Merge assembles the manifest.
//
// Files:
//   - train.go: Config and Train, the seller's side: train, set up or load
//     the keys, prove each job, write the manifest and the README.
//   - family.go: the run's model family (package training's descriptor)
//     and the dataset's digest, or a CSV file in its place.
//   - terms.go: the buyer's terms (Terms) and their checks.
//   - manifest.go: the manifest and its records.
//   - verify.go: Verify, the buyer's side: every proof and every link.
//   - statement.go: what a verified run means, in the words verify prints.
//   - keys.go: where keys come from (one-party or a ceremony) and
//     re-deriving them from the circuits.
//   - aggregate.go: the whole run again in one BW6-761 proof, and its check.
//   - files.go: reading the files another party wrote, within bounds.
//   - witness.go: the public witness files.
//   - publish.go: Publish and CheckPublished, a run's public part.
//   - summary.go: a run's figures for the report.
package trainrun

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/score"
	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/training"
)

// Config is a run to make.
type Config struct {
	Model, Dataset string // Dataset empty: the model's own; for linreg also a CSV file
	DatasetSkip    int    // header lines of a CSV file
	Clip           bool   // saturate a CSV file's values outside the data format instead of failing
	Epochs, Batch  int
	LR             float64
	Seed           uint64
	Chain          int // steps per proof; ChainEpoch: one proof per epoch; ChainRun: one for the run
	Curve          ecc.ID
	Backend        string
	Dir            string
	Resume         bool // keep proofs already in Dir (after an interruption)

	// Sharding: Stage "prepare" sets up the keys; "prove" with Shards > 1
	// proves job j when j % Shards == Shard; "merge" assembles the manifest.
	// Stage "" does all three.
	Stage         string
	Shard, Shards int

	// Aggregate proves the whole run again in one proof (circuits/aggregate)
	// once every proof is made: BLS12-377 Groth16 runs, one step per proof.
	// SkipMemoryCheck sets up and proves a circuit (a step, a chain, the
	// aggregate) even where the memory model says it will not fit.
	Aggregate, SkipMemoryCheck bool

	// FoldScore proves the held-out score in the run's last chain proof
	// (shape "chain-K+score" or "run-K+score") rather than in a proof of
	// its own: with -chain run, the whole run is one proof.
	FoldScore bool

	// Revision is the circuits' revision (training.LatestRevision; 0 or
	// 1: the circuits of runs made before revision 2): other circuits, the
	// same statement.
	Revision int

	// KeysFrom is a sealed ceremony (package ceremony) whose keys the run
	// proves under; empty: a one-party setup by the prover.
	KeysFrom string

	// Progress sees each finished job.
	Progress func(done, total int, what string)
}

// ChainEpoch as Config.Chain proves each epoch in one chain proof: K is the
// batches per epoch, known once the training set is committed (the manifest
// records the number).
const ChainEpoch = -1

// ChainRun as Config.Chain proves the whole run in one chain proof: K is
// every step of every epoch, and past one epoch the chain wraps from the
// set's last batch to its first (shape "run-K", chain.Params.Wrap).
const ChainRun = -2

// lrFrac is the learning rate's fractional bits in every step circuit.
const lrFrac = 16

func (c Config) validate() error {
	switch {
	case c.Epochs < 1:
		return fmt.Errorf("-epochs %d: a run needs at least one epoch", c.Epochs)
	case c.Batch < 1:
		return fmt.Errorf("-batch %d: must be positive", c.Batch)
	case c.Chain < 1 && c.Chain != ChainEpoch && c.Chain != ChainRun:
		return fmt.Errorf("-chain %d: must be positive", c.Chain)
	case c.LR <= 0 || c.LR >= 16:
		return fmt.Errorf("-lr %g: must be in (0, 16)", c.LR)
	case c.Dir == "":
		return fmt.Errorf("no run directory (-out)")
	case training.CheckRevision(c.Revision) != nil:
		return fmt.Errorf("-circuit-revision: %w", training.CheckRevision(c.Revision))
	case c.Shards > 1 && (c.Shard < 0 || c.Shard >= c.Shards):
		return fmt.Errorf("shard %d/%d: want 0 <= i < n", c.Shard, c.Shards)
	}
	switch c.Stage {
	case "", "prepare", "prove", "merge":
	default:
		return fmt.Errorf("unknown stage %q", c.Stage)
	}
	if c.Aggregate {
		switch {
		case c.Curve != ecc.BLS12_377:
			return fmt.Errorf("-aggregate: the step proofs are on %s; aggregation verifies BLS12-377 Groth16 proofs in a BW6-761 circuit (pass -curve bls12-377)", c.Curve)
		case c.Backend != "groth16":
			return fmt.Errorf("-aggregate: the step proofs are %s; aggregation verifies Groth16 proofs", c.Backend)
		case c.Chain != 1:
			return fmt.Errorf("-aggregate: -chain %d; aggregation verifies one step per proof (-chain 1)", c.Chain)
		}
	}
	return nil
}

// job is one proof to make.
type job struct {
	index       int
	shape       string // "step", "chain-K", "run-K", "score"
	first, size int    // steps covered
}

func (j job) file() string { return fmt.Sprintf("proofs/%04d-%s", j.index, j.shape) }

// plan is the native trace of a run and its proof jobs.
type plan struct {
	cfg      Config
	fam      family
	rep      training.TrainReport
	ds       *commit.Dataset // on the run's curve
	shape    training.Shape
	snaps    []training.Snapshot
	final    []int64
	lrFixed  int64
	jobs     []job
	trainDur time.Duration
	sys      proving.System
}

func newPlan(cfg Config) (*plan, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	fam, err := lookupFamily(cfg)
	if err != nil {
		return nil, err
	}
	sys, err := proving.NewSystem(cfg.Backend)
	if err != nil {
		return nil, err
	}
	p := &plan{cfg: cfg, fam: fam, sys: sys, lrFixed: int64(math.Round(cfg.LR * (1 << lrFrac)))}
	start := time.Now()
	p.rep, err = fam.Train(cfg.Epochs, cfg.Batch, cfg.LR, cfg.Seed, func(s training.Snapshot) { p.snaps = append(p.snaps, s) })
	p.trainDur = time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("training %s on %s: %w", cfg.Model, fam.Dataset, err)
	}
	if p.ds, err = p.rep.Dataset.On(cfg.Curve); err != nil {
		return nil, err
	}
	p.shape = fam.Shape(fam.dimsOf(p.ds, len(p.rep.Quant), cfg.Revision))
	// the epoch's batches, known once the set is committed
	wholeRun := cfg.Chain == ChainRun
	switch cfg.Chain {
	case ChainEpoch:
		cfg.Chain = p.ds.NumBatches()
	case ChainRun:
		cfg.Chain = cfg.Epochs * p.ds.NumBatches()
	}
	p.cfg.Chain = cfg.Chain
	if cfg.Chain > 1 && p.shape.ChainCircuit == nil {
		return nil, fmt.Errorf("-chain %d: %s has no chain circuit", cfg.Chain, cfg.Model)
	}
	last := p.snaps[len(p.snaps)-1]
	if _, p.final, err = p.shape.AssignStep(p.ds, last.Batch, last.Model, p.lrFixed); err != nil {
		return nil, err
	}
	// Jobs: within each epoch, chains of Chain consecutive steps, the
	// remainder step by step (or one chain for the whole run, wrapping
	// where it passes an epoch's end); then the score.
	nb := p.ds.NumBatches()
	epochs := cfg.Epochs
	if wholeRun && cfg.Epochs > 1 {
		p.jobs = append(p.jobs, job{shape: fmt.Sprintf("run-%d", cfg.Chain), size: cfg.Chain})
		epochs = 0
	}
	for e := 0; e < epochs; e++ {
		for k := 0; k < nb; {
			size := cfg.Chain
			if k+size > nb || size == 1 {
				size = 1
			}
			shape := "step"
			if size > 1 {
				shape = fmt.Sprintf("chain-%d", size)
			}
			p.jobs = append(p.jobs, job{index: len(p.jobs), shape: shape, first: e*nb + k, size: size})
			k += size
		}
	}
	switch last := &p.jobs[len(p.jobs)-1]; {
	case p.shape.ScoreCircuit == nil && cfg.FoldScore:
		return nil, fmt.Errorf("-fold-score: %s has no score circuit", cfg.Model)
	case cfg.FoldScore && last.size == 1:
		return nil, fmt.Errorf("-fold-score: the run's last proof is a single step; the score folds into a chain proof: use -chain epoch, -chain run, or a K that divides the %d batches per epoch", nb)
	case cfg.FoldScore:
		last.shape += ScoreSuffix
	case p.shape.ScoreCircuit != nil:
		p.jobs = append(p.jobs, job{index: len(p.jobs), shape: "score"})
	}
	return p, nil
}

// circuitOf returns the empty circuit of a shape.
func (p *plan) circuitOf(shape string) frontend.Circuit {
	c, _ := circuitOfShape(p.shape, shape)
	return c
}

// circuitOfShape returns the empty circuit of a shape name.
func circuitOfShape(sh training.Shape, name string) (frontend.Circuit, error) {
	switch {
	case name == "step":
		return sh.StepCircuit(), nil
	case name == "score" && sh.ScoreCircuit != nil:
		return sh.ScoreCircuit(), nil
	}
	k, err := StepsOf(name)
	if err != nil || k < 2 || sh.ChainCircuit == nil || (Scored(name) && sh.ScoreCircuit == nil) {
		return nil, fmt.Errorf("no %q circuit for this family", name)
	}
	c := sh.ChainCircuit(k, Wraps(name))
	if Scored(name) {
		sc, err := score.Fold(sh.ScoreCircuit())
		if err != nil {
			return nil, err
		}
		return &chain.Scored{Chain: c.(*chain.Circuit), Score: sc}, nil
	}
	return c, nil
}

// shapes lists the shapes the jobs use, in first use.
func (p *plan) shapes() []string {
	var out []string
	seen := map[string]bool{}
	for _, j := range p.jobs {
		if !seen[j.shape] {
			seen[j.shape] = true
			out = append(out, j.shape)
		}
	}
	return out
}

// compiled is one shape's constraint system and keys.
type compiled struct {
	cs     constraint.ConstraintSystem
	id     string
	pk, vk proving.Key
}

// Train makes (part of) a run; see Config.Stage. It returns the manifest
// once the run is complete (stage "" or "merge").
func Train(ctx context.Context, cfg Config) (*Manifest, error) { return train(ctx, cfg, nil) }

// train is Train with a hook that may change the plan before keys are set up
// (tests play a dishonest prover with it).
func train(ctx context.Context, cfg Config, edit func(*plan) error) (*Manifest, error) {
	// the flags and the data are checked (and the native trace taken)
	// before anything is written: a refused run leaves no directory behind
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	if err := p.checkEarlierRun(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the run directory: %w", err)
	}
	for _, d := range []string{"vk", "proofs", "keys"} {
		if err := os.MkdirAll(filepath.Join(cfg.Dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("cannot create the run directory: %w", err)
		}
	}
	if err := atomicfile.Write(filepath.Join(cfg.Dir, ".writable"), nil); err != nil {
		return nil, fmt.Errorf("run directory %s is not writable: %w", cfg.Dir, err)
	}
	os.Remove(filepath.Join(cfg.Dir, ".writable"))
	if edit != nil {
		if err := edit(p); err != nil {
			return nil, err
		}
	}
	var setupDur time.Duration
	keys := map[string]*compiled{}
	if cfg.Stage != "merge" {
		for _, s := range p.shapes() {
			start := time.Now()
			c, err := p.keys(ctx, s, cfg.Stage == "prove" && cfg.Shards > 1)
			if err != nil {
				return nil, err
			}
			setupDur += time.Since(start)
			keys[s] = c
		}
	}
	if cfg.Stage == "prepare" {
		return nil, nil
	}
	if cfg.Stage != "merge" {
		if err := p.prove(ctx, keys); err != nil {
			return nil, err
		}
	}
	if cfg.Stage == "prove" && cfg.Shards > 1 {
		return nil, nil
	}
	var previous *Aggregate // an aggregate left by an earlier run of these flags
	if old, err := ReadManifest(cfg.Dir); err == nil && cfg.Resume {
		previous = old.Aggregate
	}
	m, err := p.merge(setupDur)
	if err != nil || !cfg.Aggregate {
		return m, err
	}
	if previous != nil { // kept, with its figures, when it still proves this run's statement
		m.Aggregate = previous
		if _, err := verifyAggregate(cfg.Dir, m, TermsOf(m)); err == nil {
			p.aggregationProgress(true, "kept the aggregate already there")
			if err := writeJSON(filepath.Join(cfg.Dir, "manifest.json"), m); err != nil {
				return nil, err
			}
			return m, atomicfile.Write(filepath.Join(cfg.Dir, "README.md"), []byte(readme(m)))
		}
		m.Aggregate = nil
	}
	if err := p.aggregate(ctx, m, keys); err != nil {
		return nil, err
	}
	return m, nil
}

// keys compiles a shape and loads its keys from the run directory, or sets
// them up (unless mustExist: a shard never sets up keys of its own, since
// every shard must prove under the same keys).
func (p *plan) keys(ctx context.Context, shape string, mustExist bool) (*compiled, error) {
	cs, err := frontend.Compile(p.cfg.Curve.ScalarField(), p.sys.Builder(), p.circuitOf(shape))
	if err != nil {
		return nil, fmt.Errorf("%s circuit: %w", shape, err)
	}
	// refused before its setup where the memory model says it will not fit
	if !p.cfg.SkipMemoryCheck {
		name := fmt.Sprintf("the %s circuit", shape)
		if err := proving.CheckMemory(name, cs.GetNbConstraints(), proving.DefaultMemoryModel(p.cfg.Curve, p.cfg.Backend)); err != nil {
			return nil, err
		}
	}
	return p.keysOf(ctx, shape, p.cfg.Curve, cs, mustExist)
}

// keysOf loads the keys of a compiled circuit named name from the run
// directory (keys/NAME.pk, vk/NAME.vk) when they were set up for the same
// constraint system, or sets them up (unless mustExist).
func (p *plan) keysOf(ctx context.Context, name string, curve ecc.ID, cs constraint.ConstraintSystem, mustExist bool) (*compiled, error) {
	id, err := circuitID(cs)
	if err != nil {
		return nil, err
	}
	c := &compiled{cs: cs, id: id}
	if p.cfg.KeysFrom != "" && name != "aggregate" {
		pk, vk, pkData, vkData, err := p.ceremonyKeys(p.cfg.KeysFrom, name, id)
		if err != nil {
			return nil, err
		}
		c.pk, c.vk = pk, vk
		return c, p.writeKeys(name, id, pkData, vkData)
	}
	pkPath, vkPath, idPath := filepath.Join(p.cfg.Dir, "keys", name+".pk"), filepath.Join(p.cfg.Dir, "vk", name+".vk"), filepath.Join(p.cfg.Dir, "keys", name+".id")
	if old, err := os.ReadFile(idPath); err == nil && string(old) == id {
		c.pk, c.vk = p.sys.NewKeys(curve)
		if err := readKey(pkPath, c.pk); err == nil {
			if err := readKey(vkPath, c.vk); err == nil {
				return c, nil
			}
		}
	}
	if mustExist {
		return nil, fmt.Errorf("%s: no keys for the %s circuit (run potbench train -prepare first, with the same flags)", p.cfg.Dir, name)
	}
	if c.pk, c.vk, err = p.setup(ctx, name, cs); err != nil {
		return nil, err
	}
	for path, k := range map[string]io.WriterTo{pkPath: c.pk, vkPath: c.vk} {
		if err := writeTo(path, k); err != nil {
			return nil, err
		}
	}
	if err := atomicfile.Write(idPath, []byte(id)); err != nil {
		return nil, err
	}
	return c, nil
}

// checkEarlierRun refuses a run directory that already holds a run, unless
// the run resumes it (or is a later stage of a sharded run); a resumed run
// removes the proofs no job of this run can keep (those beyond its last
// job, or of another shape), so that no stale proof stays beside its
// manifest. Each proof a job may keep is checked again before it is kept.
func (p *plan) checkEarlierRun() error {
	dir := p.cfg.Dir
	proofs, _ := filepath.Glob(filepath.Join(dir, "proofs", "*"))
	_, err := os.Stat(filepath.Join(dir, "manifest.json"))
	earlier := err == nil || len(proofs) > 0
	switch {
	case !earlier || p.cfg.Stage == "prove" || p.cfg.Stage == "merge":
		return nil
	case !p.cfg.Resume:
		return fmt.Errorf("%s already holds a run (%d proof files): pass -resume to continue it (proofs that no longer prove this run are made again, the others removed), or choose another -out", dir, len(proofs))
	}
	mine := map[string]bool{}
	for _, j := range p.jobs {
		mine[filepath.Join(dir, j.file())+".proof"], mine[filepath.Join(dir, j.file())+".json"] = true, true
	}
	for _, f := range proofs {
		if !mine[f] {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("removing a stale proof of an earlier run: %w", err)
			}
		}
	}
	return nil
}

// setup runs the one-party setup of a circuit, or returns at once when ctx
// is cancelled (an interrupt): gnark's setup cannot be stopped, so it is
// abandoned, and nothing of it is written.
func (p *plan) setup(ctx context.Context, name string, cs constraint.ConstraintSystem) (pk, vk proving.Key, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("%w before the %s key setup", proving.ErrInterrupted, name)
	}
	type keys struct {
		pk, vk proving.Key
		err    error
	}
	done := make(chan keys, 1)
	go func() {
		pk, vk, err := p.sys.Setup(cs)
		done <- keys{pk, vk, err}
	}()
	select {
	case k := <-done:
		if k.err != nil {
			return nil, nil, fmt.Errorf("%s setup: %w", name, k.err)
		}
		return k.pk, k.vk, nil
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("%w during the %s key setup (abandoned; none of its keys written)", proving.ErrInterrupted, name)
	}
}

func circuitID(cs constraint.ConstraintSystem) (string, error) {
	h := newHashWriter()
	if _, err := cs.WriteTo(h); err != nil {
		return "", err
	}
	return h.sum(), nil
}

func readKey(path string, k proving.Key) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, ok := k.(io.ReaderFrom)
	if !ok {
		return fmt.Errorf("%s: key cannot be read", path)
	}
	_, err = r.ReadFrom(f)
	return err
}

func writeTo(path string, w io.WriterTo) error {
	var buf bytesBuffer
	if _, err := w.WriteTo(&buf); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.b)
}

// assign builds a job's assignment and the model after it.
func (p *plan) assign(j job) (frontend.Circuit, error) {
	switch {
	case j.shape == "score":
		c, _, _, _, err := p.shape.AssignScore(p.cfg.Curve, p.rep.Quant, p.final)
		return c, err
	case j.size == 1:
		s := p.snaps[j.first]
		c, _, err := p.shape.AssignStep(p.ds, s.Batch, s.Model, p.lrFixed)
		return c, err
	}
	s := p.snaps[j.first]
	c, _, err := p.shape.AssignChain(p.ds, s.Batch, j.size, Wraps(j.shape), s.Model, p.lrFixed)
	if err != nil || !Scored(j.shape) {
		return c, err
	}
	sc, _, _, _, err := p.shape.AssignScore(p.cfg.Curve, p.rep.Quant, p.final)
	if err != nil {
		return nil, err
	}
	folded, err := score.Fold(sc)
	if err != nil {
		return nil, err
	}
	return &chain.Scored{Chain: c.(*chain.Circuit), Score: folded}, nil
}

// prove makes every job of this shard whose proof is not yet there (with
// Resume) and writes the proof and its record.
func (p *plan) prove(ctx context.Context, keys map[string]*compiled) error {
	var mine []job
	for _, j := range p.jobs {
		if p.cfg.Shards > 1 && j.index%p.cfg.Shards != p.cfg.Shard {
			continue
		}
		mine = append(mine, j)
	}
	for i, j := range mine {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%w (%w) before proof %d; run again with -resume to prove only the rest", proving.ErrInterrupted, err, j.index)
		}
		base := filepath.Join(p.cfg.Dir, j.file())
		if p.cfg.Resume && p.kept(j, base) {
			p.progress(i+1, len(mine), fmt.Sprintf("proof %d (%s) already there", j.index, j.shape))
			continue
		}
		rec, err := p.proveOne(j, keys[j.shape])
		if err != nil {
			return fmt.Errorf("proof %d (%s): %w", j.index, j.shape, err)
		}
		if err := writeJSON(base+".json", rec); err != nil {
			return err
		}
		p.progress(i+1, len(mine), fmt.Sprintf("proof %d (%s) in %s", j.index, j.shape, time.Duration(rec.ProveNs).Round(time.Millisecond)))
	}
	return nil
}

// kept reports whether a proof of job j is already in the run directory: its
// record and file agree, and its public inputs are the ones this run's trace
// gives (a proof of a run made with other flags is proven again).
func (p *plan) kept(j job, base string) bool {
	var rec Proof
	if readJSON(base+".json", maxRecordBytes, "proof record", &rec) != nil || rec.Shape != j.shape || rec.FirstStep != j.first {
		return false
	}
	if data, err := os.ReadFile(base + ".proof"); err != nil || sha256Hex(data) != rec.SHA256 {
		return false
	}
	_, values, err := p.witness(j)
	if err != nil || len(values) != len(rec.Public) {
		return false
	}
	for i, v := range values {
		if hexOf(v) != rec.Public[i] {
			return false
		}
	}
	return true
}

// witness builds job j's full witness and its public inputs.
func (p *plan) witness(j job) (witness.Witness, []*big.Int, error) {
	a, err := p.assign(j)
	if err != nil {
		return nil, nil, err
	}
	w, err := frontend.NewWitness(a, p.cfg.Curve.ScalarField())
	if err != nil {
		return nil, nil, err
	}
	pub, err := w.Public()
	if err != nil {
		return nil, nil, err
	}
	values, err := publicValues(pub)
	return w, values, err
}

func (p *plan) progress(done, total int, what string) {
	if p.cfg.Progress != nil {
		if p.cfg.Aggregate && p.cfg.Stage == "" {
			total++ // the aggregation is the last job
		}
		p.cfg.Progress(done, total, what)
	}
}

// aggregationProgress reports a stage of the aggregation, the last job.
func (p *plan) aggregationProgress(finished bool, what string) {
	done := len(p.jobs)
	if finished {
		done++
	}
	p.progress(done, len(p.jobs), "aggregation: "+what)
}

func (p *plan) proveOne(j job, c *compiled) (Proof, error) {
	start := time.Now()
	w, values, err := p.witness(j)
	if err != nil {
		return Proof{}, err
	}
	pub, err := w.Public()
	if err != nil {
		return Proof{}, err
	}
	witnessNs := time.Since(start).Nanoseconds()
	start = time.Now()
	proof, err := p.sys.Prove(c.cs, c.pk, w)
	if err != nil {
		return Proof{}, err
	}
	proveNs := time.Since(start).Nanoseconds()
	if err := p.sys.Verify(proof, c.vk, pub); err != nil {
		return Proof{}, fmt.Errorf("the proof just made does not verify: %w", err)
	}
	var buf bytesBuffer
	if _, err := proof.WriteTo(&buf); err != nil {
		return Proof{}, err
	}
	if err := atomicfile.Write(filepath.Join(p.cfg.Dir, j.file()+".proof"), buf.b); err != nil {
		return Proof{}, err
	}
	rec := Proof{Index: j.index, Shape: j.shape, FirstStep: j.first, Steps: j.size, File: j.file() + ".proof",
		SHA256: sha256Hex(buf.b), WitnessNs: witnessNs, ProveNs: proveNs}
	for _, v := range values {
		rec.Public = append(rec.Public, hexOf(v))
	}
	return rec, nil
}

// merge assembles the manifest from the proof records, writes the final
// model and the README, and returns the manifest.
func (p *plan) merge(setupDur time.Duration) (*Manifest, error) {
	cfg := p.cfg
	m := &Manifest{Format: Format, Model: cfg.Model, Epochs: cfg.Epochs, Batch: cfg.Batch, LR: cfg.LR, LRFixed: p.lrFixed,
		Seed: cfg.Seed, Chain: cfg.Chain, Order: "sequential", ModelDomain: p.shape.Domain,
		Curve: cfg.Curve.String(), Backend: cfg.Backend, Revision: cfg.Revision}
	h := hwprofiles.Detect()
	m.Gnark, m.GnarkCrypto = h.Gnark, h.GnarkCrypto
	m.Keys = KeySource{Kind: OneParty}
	if cfg.KeysFrom != "" {
		var err error
		if m.Keys, err = ceremonySource(cfg.KeysFrom); err != nil {
			return nil, err
		}
	}
	m.Dataset.Name = p.fam.Dataset
	var err error
	if m.Dataset.SHA256, err = p.fam.digest(); err != nil {
		return nil, err
	}
	m.Dataset.TrainRows, m.Dataset.TestRows = p.rep.TrainRows, p.rep.TestRows
	if m.Dataset.TrainRows/cfg.Batch != p.ds.NumBatches() {
		return nil, fmt.Errorf("%d training rows make %d batches of %d, the committed set has %d", m.Dataset.TrainRows, m.Dataset.TrainRows/cfg.Batch, cfg.Batch, p.ds.NumBatches())
	}
	m.Dataset.Root = hexOf(p.ds.Root())
	m.Widths = p.shape.Widths
	first, err := commit.NativePackAndHash(cfg.Curve, p.shape.Domain, p.snaps[0].Model)
	if err != nil {
		return nil, err
	}
	m.InitialModel.Kind, m.InitialModel.Commitment, m.InitialModel.How = p.fam.InitialKind, hexOf(first), p.fam.Initial
	if m.InitialModel.Kind == "seeded" {
		m.InitialModel.Seed = cfg.Seed
	}
	final, err := commit.NativePackAndHash(cfg.Curve, p.shape.Domain, p.final)
	if err != nil {
		return nil, err
	}
	fm := FinalModel{Model: cfg.Model, Values: p.final, Float: p.shape.Decode(p.final), Commitment: hexOf(final)}
	if err := writeJSON(filepath.Join(cfg.Dir, "model.json"), fm); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(cfg.Dir, "model.json"))
	if err != nil {
		return nil, err
	}
	m.FinalModel.File, m.FinalModel.SHA256, m.FinalModel.Commitment = "model.json", sha256Hex(data), hexOf(final)

	for _, s := range p.shapes() {
		cs, err := frontend.Compile(cfg.Curve.ScalarField(), p.sys.Builder(), p.circuitOf(s))
		if err != nil {
			return nil, err
		}
		id, err := circuitID(cs)
		if err != nil {
			return nil, err
		}
		vkFile := filepath.Join("vk", s+".vk")
		vk, err := os.ReadFile(filepath.Join(cfg.Dir, vkFile))
		if err != nil {
			return nil, fmt.Errorf("%s: no verifying key for the %s circuit: %w", cfg.Dir, s, err)
		}
		m.Circuits = append(m.Circuits, Circuit{Shape: s, Describe: p.describe(s), ID: id, Constraints: cs.GetNbConstraints(),
			Public: proving.PublicVariables(cs), VK: vkFile, VKSHA256: sha256Hex(vk)})
	}
	if err := p.checkComplete(); err != nil {
		return nil, err
	}
	for _, j := range p.jobs {
		var rec Proof
		if err := readJSON(filepath.Join(cfg.Dir, j.file()+".json"), maxRecordBytes, "proof record", &rec); err != nil {
			return nil, fmt.Errorf("proof %d (%s) is missing: %w (a shard has not finished?)", j.index, j.shape, err)
		}
		m.Figures.ProveNs += rec.ProveNs
		if j.shape == "score" || Scored(j.shape) {
			_, set, loss, correct, err := p.shape.AssignScore(cfg.Curve, p.rep.Quant, p.final)
			if err != nil {
				return nil, err
			}
			m.Dataset.HeldoutRoot = hexOf(set.Root())
			sr := rec
			if Scored(j.shape) { // the score's inputs but its model follow the chain's in the same proof
				if len(rec.Public) < chain.Inputs {
					return nil, fmt.Errorf("proof %d (%s): %d public inputs recorded", j.index, j.shape, len(rec.Public))
				}
				sr.Public = rec.Public[chain.Inputs:]
			}
			m.Score = &Score{Proof: sr, Metric: p.rep.Metric, Correct: correct, FixedPoint: p.rep.FixedPoint, Float64: p.rep.Float64}
			if loss != nil {
				m.Score.LossSum = hexOf(loss)
			}
			if j.shape == "score" {
				continue
			}
		}
		m.Proofs = append(m.Proofs, rec)
	}
	m.Figures.Steps, m.Figures.ProofsCount = len(p.snaps), len(p.jobs)
	m.Figures.SetupNs, m.Figures.Cores, m.Figures.TrainNs = setupDur.Nanoseconds(), runtime.GOMAXPROCS(0), p.trainDur.Nanoseconds()
	m.Figures.PlainRunNs = timePlain(func() { p.fam.Plain(p.rep, cfg.Epochs, cfg.Batch, cfg.LR, cfg.Seed) }).Nanoseconds()
	m.Figures.Metric, m.Figures.FixedPoint, m.Figures.Float64 = p.rep.Metric, p.rep.FixedPoint, p.rep.Float64
	if err := writeJSON(filepath.Join(cfg.Dir, "manifest.json"), m); err != nil {
		return nil, err
	}
	if err := atomicfile.Write(filepath.Join(cfg.Dir, "README.md"), []byte(readme(m))); err != nil {
		return nil, err
	}
	return m, nil
}

// checkComplete refuses a merge while proofs are missing, naming them and,
// when the merge knows the shard count (Config.Shards), the shards that owe
// them: proving those shards again with -resume fills only what is missing.
func (p *plan) checkComplete() error {
	var missing []string
	shards := map[int]bool{}
	for _, j := range p.jobs {
		if _, err := os.Stat(filepath.Join(p.cfg.Dir, j.file()+".json")); err != nil {
			missing = append(missing, fmt.Sprintf("%d (%s)", j.index, j.shape))
			if p.cfg.Shards > 1 {
				shards[j.index%p.cfg.Shards] = true
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	owe := "a shard has not finished"
	if len(shards) > 0 {
		var ids []string
		for _, s := range slices.Sorted(maps.Keys(shards)) {
			ids = append(ids, fmt.Sprint(s))
		}
		owe = fmt.Sprintf("shard %s of %d has not finished; prove it again with -shard i/%d -resume", strings.Join(ids, ", "), p.cfg.Shards, p.cfg.Shards)
	}
	return fmt.Errorf("%s: %d of %d proofs missing: %s (%s)", p.cfg.Dir, len(missing), len(p.jobs), strings.Join(missing, ", "), owe)
}

func (p *plan) describe(shape string) string {
	s := p.ds.Set()
	switch {
	case shape == "step":
		return fmt.Sprintf("one %s SGD step on a batch of %d rows of %d values (tree depth %d)", p.cfg.Model, s.BatchSize, s.Width, s.Depth)
	case shape == "score":
		return fmt.Sprintf("the summed loss and correct answers of a %s model on %d held-out rows", p.cfg.Model, len(p.rep.Quant))
	}
	what := fmt.Sprintf("%s: consecutive %s SGD steps in one proof, batches of %d rows of %d values", shape, p.cfg.Model, s.BatchSize, s.Width)
	if Wraps(shape) {
		what += ", every epoch (batch t mod batches)"
	}
	if Scored(shape) {
		what += fmt.Sprintf(", and the held-out score of the model they reach on %d rows", len(p.rep.Quant))
	}
	return what
}

// readme states in words what the run proves.
func readme(m *Manifest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Proven training run: %s on %s\n\n", m.Model, m.Dataset.Name)
	fmt.Fprintf(&b, "This directory proves, with %d %s proofs on %s, that the model in `model.json` (commitment %s) is the result of "+
		"training a %s model from the initial model committed as %s (%s) for %d epoch(s) of %d steps each, with mini-batch SGD at "+
		"learning rate %g (%d/2^16), batches of %d rows visited in order, on the training set committed as %s "+
		"(%d rows of the %s dataset, SHA-256 %s of its vendored files).\n\n",
		len(m.Proofs), m.Backend, m.Curve, m.FinalModel.Commitment, m.Model, m.InitialModel.Commitment, m.InitialModel.How,
		m.Epochs, TermsOf(m).Batches(), m.LR, m.LRFixed, m.Batch, m.Dataset.Root, m.Dataset.TrainRows, m.Dataset.Name, m.Dataset.SHA256)
	if m.Score != nil {
		what := fmt.Sprintf("%d correct answers", m.Score.Correct)
		if m.Score.LossSum != "" {
			what += " and summed loss " + m.Score.LossSum
		}
		if loss, err := parseHex(m.Score.LossSum); err == nil && Regression(m.Model) { // least squares counts no answers
			what = fmt.Sprintf("mean squared error %.6g (summed loss %s)", meanLoss(TermsOf(m), &ProvenScore{Rows: m.Dataset.TestRows, LossSum: loss}), m.Score.LossSum)
		}
		further := "A further proof states"
		if Scored(m.Score.Shape) {
			further = "The last proof also states"
		}
		fmt.Fprintf(&b, "%s that this model has %s on the held-out set committed as %s (%d rows).\n\n",
			further, what, m.Dataset.HeldoutRoot, m.Dataset.TestRows)
	} else {
		fmt.Fprintf(&b, "The held-out score (%s %.4f) is computed natively, not proven: %s has no score circuit yet.\n\n", m.Figures.Metric, m.Figures.FixedPoint, m.Model)
	}
	if m.Keys.Kind == FromCeremony {
		fmt.Fprintf(&b, "The verifying keys in `vk/` come from a ceremony (record SHA-256 %s, %s): check them with `potbench verify -ceremony <transcript> <this directory>`, which recomputes every key from the transcript and the circuits. ", m.Keys.Transcript, m.Keys.contributions(false))
	} else {
		b.WriteString("The verifying keys in `vk/` come from a one-party setup by the prover, who could keep its trapdoor: `potbench verify -trust-keys <this directory>` checks the proofs under them and says so. ")
	}
	b.WriteString("Verify reads only this directory (and the transcript); the data stay private, bound only by their commitments.\n")
	if a := m.Aggregate; a != nil {
		fmt.Fprintf(&b, "\n`%s` proves all of the above in one %s Groth16 proof (%s, %d constraints): `potbench verify -aggregate <this directory>` checks it with `%s`, `manifest.json` and `model.json` alone.\n",
			a.File, a.Curve, a.Describe, a.Constraints, a.VK)
	}
	return b.String()
}
