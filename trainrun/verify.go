package trainrun

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/potbench/potbench/circuits/chain"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/step"
	"github.com/potbench/potbench/internal/safedecode"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/training"
)

// Verdict is what Verify found: the terms it checked the run against and
// what the proofs bind besides them.
type Verdict struct {
	Manifest    *Manifest
	Terms       Terms           // the terms verified (the buyer's, or the manifest's)
	Claimed     []string        // where the buyer's terms and the manifest's differ without a proof telling them apart
	Initial     *big.Int        // the initial model's commitment, computed from the terms
	Final       *big.Int        // the final model's commitment the last proof reaches
	Score       *ProvenScore    // nil without a score proof
	Keys        *KeySource      // set by DeriveKeys: the keys were derived from a ceremony
	AggregateID string          // set by DeriveAggregate: the aggregation circuit compiled again from the terms and the derived keys
	Proofs      int             // proofs verified, score included
	Steps       int             // SGD steps they cover
	Batches     int             // batches per epoch, from the terms' row count
	VerifyTime  time.Duration   // verifying every proof and link
	ProofTimes  []time.Duration // verifying each step and score proof, in order
	Bytes       int64           // transcript: manifest, model, verifying keys, proofs
}

// ProvenScore is what the score proof binds: the final model's correct
// answers (and summed loss, where the family proves one) on the held-out
// set of Rows rows.
type ProvenScore struct {
	Rows    int
	Correct int64
	LossSum *big.Int // nil for a class score
}

// Verify checks a run directory using nothing but its files, against terms
// (nil: the terms the manifest states, TermsOf): every proof under its
// verifying key with public inputs the verifier builds from the terms itself
// (dataset root, batch count, scheduled batch, learning rate, chain length,
// the model reached so far, held-out root and size), so that the only
// values taken from the prover are the models after each proof and the
// claimed score. The initial model's commitment is computed from the terms;
// the number of steps each proof covers is fixed by its circuit (a chain's
// length is a public input it pins), not by a file name. The error names the
// first proof, file or term that fails, with the proof's value and the
// terms'.
func Verify(dir string, terms *Terms) (_ *Verdict, err error) {
	defer recoverInto(dir, &err)
	start := time.Now()
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	v, err := newVerdict(m, terms)
	if err != nil {
		return nil, err
	}
	t := v.Terms
	curve := t.curveID()
	sys, err := proving.NewSystem(t.Backend)
	if err != nil {
		return nil, fmt.Errorf("backend: %w", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		v.Bytes += st.Size()
	}

	// the verifying keys, each matching the manifest's hash and with the
	// number of public inputs its shape has
	vks := map[string]proving.Key{}
	for _, c := range m.Circuits {
		want, err := inputsOf(c.Shape, t)
		if err != nil {
			return nil, fmt.Errorf("manifest circuit %q: %w", c.Shape, err)
		}
		vk, data, err := readVerifyingKey(dir, c.VK, t.Backend, curve, want)
		if err != nil {
			return nil, fmt.Errorf("verifying key of the %s circuit: %w", c.Shape, err)
		}
		v.Bytes += int64(len(data))
		if sha256Hex(data) != c.VKSHA256 {
			return nil, fmt.Errorf("verifying key %s is not the one the manifest names for the %s circuit (SHA-256 differs)", c.VK, c.Shape)
		}
		got, err := proving.PublicInputs(vk)
		if err != nil {
			return nil, fmt.Errorf("verifying key %s: %w", c.VK, err)
		}
		if got != want {
			return nil, fmt.Errorf("verifying key %s: %d public inputs; a %s %s proof has %d (a key of another circuit)", c.VK, got, t.Model, c.Shape, want)
		}
		vks[c.Shape] = vk
	}

	root, _ := parseHex(t.Train.Root)
	lr := big.NewInt(t.LRFixed)
	model, err := t.InitialCommitment()
	if err != nil {
		return nil, fmt.Errorf("initial model: %w", err)
	}
	v.Initial = model
	batches := t.Batches()
	total := t.Steps()

	// every proof, and the chain of models through them: the verifier's own
	// public inputs, compared with the manifest's record for the message
	next := 0               // the next step to be covered
	var folded *ProvenScore // a score proven by the last step proof (-fold-score)
	for i, p := range m.Proofs {
		k, err := StepsOf(p.Shape)
		if err != nil {
			return nil, fmt.Errorf("proof %d (%s): %w", i, p.File, err)
		}
		what := fmt.Sprintf("proof %d (%s, steps %d..%d)", i, p.File, next, next+k-1)
		if p.Index != i || p.FirstStep != next {
			return nil, fmt.Errorf("%s: the manifest places it at steps %d.. where step %d comes next (a proof dropped, repeated or out of order)", what, p.FirstStep, next)
		}
		if p.Steps != k {
			return nil, fmt.Errorf("%s: a %s proof covers %d step(s), the manifest says %d", what, p.Shape, k, p.Steps)
		}
		if next+k > total {
			return nil, fmt.Errorf("%s: the terms' run has %d steps (%d epoch(s) of %d batches of %d rows)", what, total, t.Epochs, batches, t.Batch)
		}
		batch := next % batches
		if batch+k > batches && !Wraps(p.Shape) {
			return nil, fmt.Errorf("%s: a chain of %d from batch %d runs past the epoch's %d batches", what, k, batch, batches)
		}
		if len(p.Public) < 5 {
			return nil, fmt.Errorf("%s: %d public inputs recorded", what, len(p.Public))
		}
		after, err := parseHex(p.Public[4])
		if err != nil {
			return nil, fmt.Errorf("%s: model after: %w", what, err)
		}
		pub := []*big.Int{root, big.NewInt(int64(batch)), lr, model, after, big.NewInt(int64(batches))}
		if k > 1 {
			pub = append(pub, big.NewInt(int64(k)))
		}
		names := stepInputNames
		if Scored(p.Shape) { // the score of the model this last proof reaches, in the same proof
			if next+k != total {
				return nil, fmt.Errorf("%s: a proof with the score folded in must be the run's last", what)
			}
			if m.Score == nil || m.Score.File != p.File || m.Score.Shape != p.Shape || t.Heldout == nil {
				return nil, fmt.Errorf("%s: the score it proves is not the manifest's score record (or the terms name no held-out set)", what)
			}
			if len(p.Public) != chain.Inputs+len(m.Score.Public) || !slices.Equal(p.Public[chain.Inputs:], m.Score.Public) {
				return nil, fmt.Errorf("%s: its recorded score inputs are not the score record's", what)
			}
			spub, snames, ps, err := scoreInputs(m.Score, t, after, true)
			if err != nil {
				return nil, fmt.Errorf("%s: score: %w", what, err)
			}
			pub, names = append(pub, spub...), append(append([]string{}, stepInputNames...), snames...)
			folded = ps
		}
		if err := compareInputs(p.Public, pub, names, t); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		t0 := time.Now()
		if err := checkProof(dir, sys, t, vks, p, pub, v); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		v.ProofTimes = append(v.ProofTimes, time.Since(t0))
		model = after
		next += k
		v.Proofs++
	}
	if total == 0 || next != total {
		return nil, fmt.Errorf("the proofs cover %d steps; the terms' run is %d epoch(s) of %d batches = %d steps (every batch once per epoch)", next, t.Epochs, batches, total)
	}
	v.Steps, v.Final = next, model

	// the final model file
	if err := checkFinalModel(dir, m, t, v); err != nil {
		return nil, err
	}
	if hexOf(model) != m.FinalModel.Commitment {
		return nil, fmt.Errorf("the last proof ends at model %s, the final model file commits to %s", hexOf(model), m.FinalModel.Commitment)
	}

	// the score of that model on the held-out set
	switch s := m.Score; {
	case s != nil && t.Heldout == nil:
		return nil, fmt.Errorf("score proof (%s): the terms name no held-out set", s.File)
	case s == nil && t.Heldout != nil:
		return nil, fmt.Errorf("held-out set: the terms name %s, the run has no score proof", t.Heldout.Root)
	case s != nil && Scored(s.Shape): // verified with the last step proof
		if folded == nil {
			return nil, fmt.Errorf("score (%s): the manifest places it in a proof with the score folded in, and no such proof was verified", s.File)
		}
		if err := t.meets(folded); err != nil {
			return nil, err
		}
		v.Score = folded
	case s != nil:
		ps, err := checkScore(dir, sys, vks, s, t, model, v)
		if err != nil {
			return nil, err
		}
		v.Score = ps.ProvenScore
		v.ProofTimes = append(v.ProofTimes, ps.time)
		v.Proofs++
	}
	if m.Aggregate != nil { // checked too, apart from the transcript's figures
		if _, err := verifyAggregate(dir, m, t); err != nil {
			return nil, err
		}
	}
	v.VerifyTime = time.Since(start)
	return v, nil
}

// newVerdict starts the verdict on a manifest: the terms to check it
// against are the buyer's (checked) or, when nil, the ones the manifest
// states (checked too); where the two differ, the difference is recorded.
func newVerdict(m *Manifest, terms *Terms) (*Verdict, error) {
	claimed := TermsOf(m)
	if err := claimed.Check(); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	v := &Verdict{Manifest: m, Terms: claimed}
	if terms != nil {
		if err := terms.Check(); err != nil {
			return nil, fmt.Errorf("terms: %w", err)
		}
		v.Terms, v.Claimed = *terms, terms.Diff(claimed)
	}
	v.Batches = v.Terms.Batches()
	return v, nil
}

// recoverInto turns a panic inside a library (a decoder, a verifier) on
// the seller's files into an error naming the run directory.
func recoverInto(dir string, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("%s: verification failed on malformed input: %v", dir, p)
	}
}

// stepInputNames names a step's public inputs (then a chain's length).
var stepInputNames = []string{"dataset root", "batch", "learning rate", "model before", "model after", "batches", "chain length"}

// scoreInputNames names a score's public inputs.
var scoreInputNames = []string{"held-out root", "held-out rows", "model", "score", "score"}

// compareInputs checks the manifest's record of a proof's public inputs
// against the ones the verifier built, naming the first that differs.
func compareInputs(recorded []string, built []*big.Int, names []string, t Terms) error {
	if len(recorded) != len(built) {
		return fmt.Errorf("%d public inputs recorded, the statement has %d", len(recorded), len(built))
	}
	for j, b := range built {
		r, err := parseHex(recorded[j])
		if err != nil {
			return fmt.Errorf("public input %d: %w", j, err)
		}
		if r.Cmp(t.curveID().ScalarField()) >= 0 {
			return fmt.Errorf("public input %d (%s) %s is not reduced modulo the scalar field", j, names[j], recorded[j])
		}
		if r.Cmp(b) == 0 {
			continue
		}
		name := names[j]
		switch name {
		case "learning rate":
			return fmt.Errorf("learning rate: proof %s, terms %g (fixed %d)", r, t.LR, t.LRFixed)
		case "batch", "batches", "chain length", "held-out rows":
			return fmt.Errorf("%s: proof %s, terms %s", name, r, b)
		case "model before":
			return fmt.Errorf("model before: proof %s, terms %s (the model the run had reached; for the first proof, the initial model: %s)", hexOf(r), hexOf(b), t.Initial.Kind)
		}
		return fmt.Errorf("%s: proof %s, terms %s", name, hexOf(r), hexOf(b))
	}
	return nil
}

// inputsOf is how many public inputs a circuit shape has.
func inputsOf(shape string, t Terms) (int, error) {
	switch shape {
	case "step":
		return step.Inputs, nil
	case "score":
		f, err := training.Lookup(t.Model)
		if err != nil {
			return 0, err
		}
		return f.ScoreInputs, nil // held-out root and rows, model, (summed loss,) correct
	}
	if _, err := StepsOf(shape); err != nil {
		return 0, err
	}
	if Scored(shape) { // the score's model is the chain's last, not an input
		n, err := inputsOf("score", t)
		return chain.Inputs + n - 1, err
	}
	return chain.Inputs, nil
}

// checkScore verifies the score proof of the final model on the terms'
// held-out set and returns what it proves.
func checkScore(dir string, sys proving.System, vks map[string]proving.Key, s *Score, t Terms, final *big.Int, v *Verdict) (*scoreResult, error) {
	what := fmt.Sprintf("score proof (%s)", s.File)
	pub, _, ps, err := scoreInputs(s, t, final, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	t0 := time.Now()
	if err := checkProof(dir, sys, t, vks, s.Proof, pub, v); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	res := &scoreResult{ProvenScore: ps, time: time.Since(t0)}
	return res, t.meets(ps)
}

// scoreInputs builds a score's public inputs from the terms (held-out root
// and rows, the final model) and the claims the score record states,
// compares them with the record, and returns them, their names and the
// score they prove once the proof verifies. A score folded into the last
// chain proof has no model input: the circuit scores the chain's last model.
func scoreInputs(s *Score, t Terms, final *big.Int, folded bool) ([]*big.Int, []string, *ProvenScore, error) {
	n, err := inputsOf("score", t)
	if err != nil {
		return nil, nil, nil, err
	}
	held, _ := parseHex(t.Heldout.Root)
	pub := []*big.Int{held, big.NewInt(int64(t.Heldout.Rows)), final}
	names := append([]string{}, scoreInputNames[:3]...)
	if folded {
		n, pub, names = n-1, pub[:2], names[:2]
	}
	if len(s.Public) != n {
		return nil, nil, nil, fmt.Errorf("%d public inputs recorded, a %s score has %d", len(s.Public), t.Model, n)
	}
	ps, fixed := &ProvenScore{Rows: t.Heldout.Rows}, len(pub)
	for j := fixed; j < n; j++ { // the claimed score: taken from the record, bound by the proof
		x, err := parseHex(s.Public[j])
		if err != nil {
			return nil, nil, nil, fmt.Errorf("score: %w", err)
		}
		pub, names = append(pub, x), append(names, "score")
	}
	if err := compareInputs(s.Public, pub, names, t); err != nil {
		return nil, nil, nil, err
	}
	correct := pub[n-1]
	if !correct.IsInt64() || correct.Int64() > int64(t.Heldout.Rows) {
		return nil, nil, nil, fmt.Errorf("proves %s correct answers of %d rows", correct, t.Heldout.Rows)
	}
	ps.Correct = correct.Int64()
	if n-fixed == 2 { // summed loss, correct answers
		ps.LossSum = pub[n-2]
	}
	if s.Correct != ps.Correct || (ps.LossSum != nil && s.LossSum != hexOf(ps.LossSum)) {
		return nil, nil, nil, fmt.Errorf("the manifest claims %d correct and summed loss %q, the proof's inputs are %d and %v", s.Correct, s.LossSum, ps.Correct, ps.LossSum)
	}
	return pub, names, ps, nil
}

// meets checks a proven score against the terms' target.
func (t Terms) meets(ps *ProvenScore) error {
	tg := t.Target
	if tg == nil {
		return nil
	}
	if ps.Correct < tg.MinCorrect {
		return fmt.Errorf("score target: proof %d correct of %d, terms at least %d", ps.Correct, ps.Rows, tg.MinCorrect)
	}
	if tg.MaxLossSum != "" {
		limit, _ := parseHex(tg.MaxLossSum)
		if ps.LossSum == nil {
			return fmt.Errorf("score target: the terms cap the summed loss at %s; a %s score proves no loss", tg.MaxLossSum, t.Model)
		}
		if ps.LossSum.Cmp(limit) > 0 {
			return fmt.Errorf("score target: proof summed loss %s, terms at most %s", hexOf(ps.LossSum), tg.MaxLossSum)
		}
	}
	return nil
}

// scoreResult is a proven score with its verification time.
type scoreResult struct {
	*ProvenScore
	time time.Duration
}

// checkFinalModel checks that the final model file is the one the manifest
// names and commits to the manifest's final model commitment.
func checkFinalModel(dir string, m *Manifest, t Terms, v *Verdict) error {
	fm, dom, n, err := readFinalModel(dir, m, t)
	if err != nil {
		return err
	}
	v.Bytes += n
	// the float weights beside the committed values are their decoding
	if len(fm.Float) != len(fm.Values) {
		return fmt.Errorf("final model file %s: %d float weights for %d committed values", m.FinalModel.File, len(fm.Float), len(fm.Values))
	}
	step := 1 / float64(int64(1)<<dom.Format.Frac)
	for i, v := range fm.Values {
		if d := fm.Float[i] - float64(v)*step; d > step || d < -step || d != d {
			return fmt.Errorf("final model file %s: float weight %d is %g, the committed value decodes to %g (more than one quantisation step apart)",
				m.FinalModel.File, i, fm.Float[i], float64(v)*step)
		}
	}
	return nil
}

// FinalModelOf reads a run's final model file, checked against the
// manifest (its SHA-256 and its commitment in the model domain of the
// manifest's terms), and returns it with that domain.
func FinalModelOf(dir string, m *Manifest) (*FinalModel, commit.Domain, error) {
	fm, dom, _, err := readFinalModel(dir, m, TermsOf(m))
	return fm, dom, err
}

func readFinalModel(dir string, m *Manifest, t Terms) (*FinalModel, commit.Domain, int64, error) {
	dom, err := t.ModelDomain()
	if err != nil {
		return nil, dom, 0, err
	}
	data, err := runFile(dir, m.FinalModel.File, maxModelBytes(dom.Values), "final model file")
	if err != nil {
		return nil, dom, 0, fmt.Errorf("final model file: %w", err)
	}
	if sha256Hex(data) != m.FinalModel.SHA256 {
		return nil, dom, 0, fmt.Errorf("final model file %s was changed (SHA-256 differs from the manifest's)", m.FinalModel.File)
	}
	var fm FinalModel
	if err := safedecode.JSON(m.FinalModel.File, data, &fm); err != nil {
		return nil, dom, 0, err
	}
	h, err := commit.NativePackAndHash(t.curveID(), dom, fm.Values)
	if err != nil {
		return nil, dom, 0, fmt.Errorf("final model file %s: %w", m.FinalModel.File, err)
	}
	if hexOf(h) != m.FinalModel.Commitment {
		return nil, dom, 0, fmt.Errorf("final model file %s commits to %s, the manifest says %s", m.FinalModel.File, hexOf(h), m.FinalModel.Commitment)
	}
	return &fm, dom, int64(len(data)), nil
}

// checkProof verifies one proof file under its shape's key with the public
// inputs pub, built by the verifier.
func checkProof(dir string, sys proving.System, t Terms, vks map[string]proving.Key, p Proof, pub []*big.Int, v *Verdict) error {
	curve := t.curveID()
	vk, ok := vks[p.Shape]
	if !ok {
		return fmt.Errorf("no %s circuit in the manifest", p.Shape)
	}
	for _, x := range pub {
		if x.Cmp(curve.ScalarField()) >= 0 {
			return fmt.Errorf("public input %s is not reduced modulo the scalar field", hexOf(x))
		}
	}
	proof, data, err := readProofFile(dir, p.File, t.Backend, curve)
	if err != nil {
		return fmt.Errorf("malformed proof: %w", err)
	}
	v.Bytes += int64(len(data))
	if sha256Hex(data) != p.SHA256 {
		return fmt.Errorf("proof file was changed (SHA-256 differs from the manifest's)")
	}
	w, err := publicWitness(curve.ScalarField(), pub)
	if err != nil {
		return err
	}
	if err := sys.Verify(proof, vk, w); err != nil {
		return fmt.Errorf("does not verify under the %s circuit's key: %w", p.Shape, err)
	}
	return nil
}

// StepsOf is how many SGD steps a proof of a shape covers: 1 for "step", K
// for "chain-K" and "run-K" (with or without the score folded in); a score
// covers none.
func StepsOf(shape string) (int, error) {
	if shape == "step" {
		return 1, nil
	}
	base := strings.TrimSuffix(shape, ScoreSuffix)
	for _, kind := range []string{"chain", "run"} {
		var k int
		if n, err := fmt.Sscanf(base, kind+"-%d", &k); err == nil && n == 1 && k >= 2 && fmt.Sprintf("%s-%d", kind, k) == base {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%q is not a step or chain shape", shape)
}

// Scored tells a chain shape whose proof also proves the held-out score of
// the model it reaches ("chain-K+score", "run-K+score": -fold-score).
func Scored(shape string) bool { return strings.HasSuffix(shape, ScoreSuffix) }

// ScoreSuffix marks a shape with the score folded in.
const ScoreSuffix = "+score"

// Wraps tells a chain shape whose steps may pass the set's last batch to
// its first ("run-K": batch (first + t) mod batches) from one that ends
// within an epoch ("chain-K").
func Wraps(shape string) bool { return strings.HasPrefix(shape, "run-") }
