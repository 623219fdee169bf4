package trainrun

import (
	"bytes"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/commit"
)

// Verdict is what Verify found.
type Verdict struct {
	Manifest   *Manifest
	Proofs     int             // proofs verified, score included
	Steps      int             // SGD steps they cover
	VerifyTime time.Duration   // verifying every proof and link
	ProofTimes []time.Duration // verifying each step and score proof, in order
	Bytes      int64           // transcript: manifest, model, verifying keys, proofs
}

// Verify checks a run directory using nothing but its files: every proof
// under its verifying key, and the links between them. The error names the
// first proof or file that fails and why.
func Verify(dir string) (*Verdict, error) {
	start := time.Now()
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	curve, err := commit.ParseCurve(m.Curve)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	sys, err := bench.NewSystem(m.Backend)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	v := &Verdict{Manifest: m}
	size := func(rel string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err == nil {
			v.Bytes += int64(len(data))
		}
		return data
	}
	size("manifest.json")

	// the verifying keys, each matching the manifest's hash
	vks := map[string]bench.Key{}
	circuits := map[string]Circuit{}
	for _, c := range m.Circuits {
		data := size(c.VK)
		if data == nil {
			return nil, fmt.Errorf("verifying key %s of the %s circuit is missing", c.VK, c.Shape)
		}
		if sha256Hex(data) != c.VKSHA256 {
			return nil, fmt.Errorf("verifying key %s is not the one the manifest names for the %s circuit (SHA-256 differs)", c.VK, c.Shape)
		}
		_, vk := sys.NewKeys(curve)
		if err := readKey(filepath.Join(dir, c.VK), vk); err != nil {
			return nil, fmt.Errorf("verifying key %s: %w", c.VK, err)
		}
		vks[c.Shape], circuits[c.Shape] = vk, c
	}

	// the schedule: every epoch visits every batch once, in order
	if m.Epochs < 1 || m.Dataset.Batches < 1 {
		return nil, fmt.Errorf("manifest: %d epochs of %d batches is no training run", m.Epochs, m.Dataset.Batches)
	}
	if len(m.Schedule) != m.Epochs*m.Dataset.Batches {
		return nil, fmt.Errorf("schedule has %d steps, %d epochs of %d batches need %d", len(m.Schedule), m.Epochs, m.Dataset.Batches, m.Epochs*m.Dataset.Batches)
	}
	for s, k := range m.Schedule {
		if m.Order != "sequential" || k != s%m.Dataset.Batches {
			return nil, fmt.Errorf("schedule step %d visits batch %d; a %s schedule visits batch %d", s, k, m.Order, s%m.Dataset.Batches)
		}
	}
	root, err := parseHex(m.Dataset.Root)
	if err != nil {
		return nil, fmt.Errorf("manifest dataset root: %w", err)
	}
	model, err := parseHex(m.InitialModel.Commitment)
	if err != nil {
		return nil, fmt.Errorf("manifest initial model: %w", err)
	}
	lr := big.NewInt(m.LRFixed)

	// every proof, and the chain of models through them
	next := 0 // the next step to be covered
	for i, p := range m.Proofs {
		what := fmt.Sprintf("proof %d (%s, steps %d..%d)", i, p.File, p.FirstStep, p.FirstStep+p.Steps-1)
		t0 := time.Now()
		pub, err := checkProof(dir, sys, curve, vks, circuits, p, size)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		v.ProofTimes = append(v.ProofTimes, time.Since(t0))
		if k, err := StepsOf(p.Shape); err != nil || k != p.Steps {
			return nil, fmt.Errorf("%s: a %s proof covers %d step(s), the manifest says %d", what, p.Shape, k, p.Steps)
		}
		if p.Index != i || p.FirstStep != next || p.Steps < 1 || next+p.Steps > len(m.Schedule) {
			return nil, fmt.Errorf("%s: covers steps %d..%d where step %d comes next (a proof dropped, repeated or out of order)",
				what, p.FirstStep, p.FirstStep+p.Steps-1, next)
		}
		// step and chain statements: root, first batch, learning rate, model before, model after
		if len(pub) != 5 {
			return nil, fmt.Errorf("%s: %d public inputs, a step has 5", what, len(pub))
		}
		for s := 1; s < p.Steps; s++ {
			if m.Schedule[next+s] != m.Schedule[next]+s {
				return nil, fmt.Errorf("%s: a chain covers consecutive batches, the schedule does not", what)
			}
		}
		switch {
		case pub[0].Cmp(root) != 0:
			return nil, fmt.Errorf("%s: trained on dataset %s, the run's is %s", what, hexOf(pub[0]), m.Dataset.Root)
		case pub[1].Cmp(big.NewInt(int64(m.Schedule[next]))) != 0:
			return nil, fmt.Errorf("%s: proves batch %s, the schedule says batch %d", what, pub[1], m.Schedule[next])
		case pub[2].Cmp(lr) != 0:
			return nil, fmt.Errorf("%s: learning rate %s, the run's is %d", what, pub[2], m.LRFixed)
		case pub[3].Cmp(model) != 0:
			return nil, fmt.Errorf("%s: starts from model %s, not from %s (the model the run had reached)", what, hexOf(pub[3]), hexOf(model))
		}
		model = pub[4]
		next += p.Steps
		v.Proofs++
	}
	if next != len(m.Schedule) {
		return nil, fmt.Errorf("the proofs cover %d of the schedule's %d steps", next, len(m.Schedule))
	}
	v.Steps = next

	// the final model file
	if err := checkFinalModel(dir, m, v); err != nil {
		return nil, err
	}
	if hexOf(model) != m.FinalModel.Commitment {
		return nil, fmt.Errorf("the last proof ends at model %s, the final model file commits to %s", hexOf(model), m.FinalModel.Commitment)
	}

	// the score of that model on the held-out set
	if s := m.Score; s != nil {
		what := fmt.Sprintf("score proof (%s)", s.File)
		t0 := time.Now()
		pub, err := checkProof(dir, sys, curve, vks, circuits, s.Proof, size)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		v.ProofTimes = append(v.ProofTimes, time.Since(t0))
		// Heldout, Model, [LossSum,] Correct
		if len(pub) != 3 && len(pub) != 4 {
			return nil, fmt.Errorf("%s: %d public inputs, a score has 3 or 4", what, len(pub))
		}
		held, err := parseHex(m.Dataset.HeldoutRoot)
		if err != nil {
			return nil, fmt.Errorf("manifest held-out root: %w", err)
		}
		correct := pub[len(pub)-1]
		switch {
		case pub[0].Cmp(held) != 0:
			return nil, fmt.Errorf("%s: scores held-out set %s, the run's is %s", what, hexOf(pub[0]), m.Dataset.HeldoutRoot)
		case pub[1].Cmp(model) != 0:
			return nil, fmt.Errorf("%s: scores model %s, not the final model %s", what, hexOf(pub[1]), hexOf(model))
		case correct.Cmp(big.NewInt(s.Correct)) != 0:
			return nil, fmt.Errorf("%s: proves %s correct answers, the manifest claims %d", what, correct, s.Correct)
		}
		if len(pub) == 4 {
			loss, err := parseHex(s.LossSum)
			if err != nil {
				return nil, fmt.Errorf("manifest loss: %w", err)
			}
			if pub[2].Cmp(loss) != 0 {
				return nil, fmt.Errorf("%s: proves summed loss %s, the manifest claims %s", what, hexOf(pub[2]), s.LossSum)
			}
		}
		v.Proofs++
	}
	if m.Aggregate != nil { // checked too, apart from the transcript's figures
		if _, err := verifyAggregate(dir, m); err != nil {
			return nil, err
		}
	}
	v.VerifyTime = time.Since(start)
	return v, nil
}

// checkFinalModel checks that the final model file is the one the manifest
// names and commits to the manifest's final model commitment.
func checkFinalModel(dir string, m *Manifest, v *Verdict) error {
	data, err := os.ReadFile(filepath.Join(dir, m.FinalModel.File))
	if err != nil {
		return fmt.Errorf("final model file %s is missing", m.FinalModel.File)
	}
	v.Bytes += int64(len(data))
	if sha256Hex(data) != m.FinalModel.SHA256 {
		return fmt.Errorf("final model file %s was changed (SHA-256 differs from the manifest's)", m.FinalModel.File)
	}
	curve, err := commit.ParseCurve(m.Curve)
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	var fm FinalModel
	if err := readJSON(filepath.Join(dir, m.FinalModel.File), &fm); err != nil {
		return err
	}
	h, err := commit.NativePackAndHash(curve, m.ModelDomain, fm.Values)
	if err != nil {
		return fmt.Errorf("final model file %s: %w", m.FinalModel.File, err)
	}
	if hexOf(h) != m.FinalModel.Commitment {
		return fmt.Errorf("final model file %s commits to %s, the manifest says %s", m.FinalModel.File, hexOf(h), m.FinalModel.Commitment)
	}
	return nil
}

// checkProof verifies one proof file under its shape's key with the public
// inputs the manifest gives, and returns those inputs.
func checkProof(dir string, sys bench.System, curve ecc.ID, vks map[string]bench.Key,
	circuits map[string]Circuit, p Proof, size func(string) []byte) ([]*big.Int, error) {
	vk, ok := vks[p.Shape]
	if !ok {
		return nil, fmt.Errorf("no %s circuit in the manifest", p.Shape)
	}
	var pub []*big.Int
	for _, s := range p.Public {
		x, err := parseHex(s)
		if err != nil {
			return nil, fmt.Errorf("public input: %w", err)
		}
		if x.Cmp(curve.ScalarField()) >= 0 {
			return nil, fmt.Errorf("public input %s is not reduced modulo the scalar field", s)
		}
		pub = append(pub, x)
	}
	if len(pub) != circuits[p.Shape].Public {
		return nil, fmt.Errorf("%d public inputs, the %s circuit has %d", len(pub), p.Shape, circuits[p.Shape].Public)
	}
	data := size(p.File)
	if data == nil {
		return nil, fmt.Errorf("proof file is missing")
	}
	if sha256Hex(data) != p.SHA256 {
		return nil, fmt.Errorf("proof file was changed (SHA-256 differs from the manifest's)")
	}
	proof := sys.NewProof(curve)
	if _, err := proof.ReadFrom(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("malformed proof: %w", err)
	}
	w, err := publicWitness(curve.ScalarField(), pub)
	if err != nil {
		return nil, err
	}
	if err := sys.Verify(proof, vk, w); err != nil {
		return nil, fmt.Errorf("does not verify under the %s circuit's key: %w", p.Shape, err)
	}
	return pub, nil
}

// StepsOf is how many SGD steps a proof of a shape covers: 1 for "step", K
// for "chain-K"; a score covers none.
func StepsOf(shape string) (int, error) {
	if shape == "step" {
		return 1, nil
	}
	var k int
	if n, err := fmt.Sscanf(shape, "chain-%d", &k); err != nil || n != 1 || k < 2 || fmt.Sprintf("chain-%d", k) != shape {
		return 0, fmt.Errorf("%q is not a step or chain shape", shape)
	}
	return k, nil
}
