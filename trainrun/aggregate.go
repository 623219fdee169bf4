package trainrun

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/native/sw_bls12377"

	"github.com/potbench/potbench/circuits/aggregate"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/proving"
)

// AggregateCurve is the curve of aggregated proofs: BW6-761, whose scalar
// field is BLS12-377's base field.
const AggregateCurve = ecc.BW6_761

// Aggregate is the manifest's record of the run's aggregated proof: one
// BW6-761 Groth16 proof that every step proof and the score proof verify and
// chain (circuits/aggregate).
type Aggregate struct {
	File        string `json:"file"`
	SHA256      string `json:"sha256"`
	Curve       string `json:"curve"`
	Describe    string `json:"describe"`
	ID          string `json:"id"` // SHA-256 of the compiled constraint system
	Constraints int    `json:"constraints"`
	Steps       int    `json:"steps"`   // step proofs verified
	Batches     int    `json:"batches"` // step i trains on batch i mod Batches
	Proofs      int    `json:"proofs"`  // inner proofs: the steps and the score
	VK          string `json:"vk"`
	VKSHA256    string `json:"vk_sha256"`
	CompileNs   int64  `json:"compile_ns"`
	SetupNs     int64  `json:"setup_ns"`
	ProveNs     int64  `json:"prove_ns"`
	PeakBytes   int64  `json:"peak_bytes"` // resident memory, setup and prove
	ProofBytes  int64  `json:"proof_bytes"`
}

// statementOf is the run's statement as an aggregate proof makes it public,
// built from the terms (the dataset and held-out roots and sizes, the
// learning rate, the initial model's commitment computed from them, the
// counts of steps and batches) and, from the manifest, the two values no
// verifier can compute: the final model's commitment (checked against the
// model file) and the claimed score (bound by the proof).
func statementOf(m *Manifest, t Terms) (aggregate.Statement, error) {
	var s aggregate.Statement
	if m.Score == nil || t.Heldout == nil {
		return s, fmt.Errorf("the run has no score proof or the terms no held-out set; an aggregate covers the score")
	}
	var err error
	if s.InitialModel, err = t.InitialCommitment(); err != nil {
		return s, fmt.Errorf("initial model: %w", err)
	}
	s.DatasetRoot, _ = parseHex(t.Train.Root)
	s.HeldoutRoot, _ = parseHex(t.Heldout.Root)
	if s.FinalModel, err = parseHex(m.FinalModel.Commitment); err != nil {
		return s, fmt.Errorf("manifest final model: %w", err)
	}
	s.LearningRate = big.NewInt(t.LRFixed)
	s.Steps, s.Batches, s.HeldoutRows = t.Steps(), t.Batches(), t.Heldout.Rows
	if m.Score.LossSum != "" {
		loss, err := parseHex(m.Score.LossSum)
		if err != nil {
			return s, fmt.Errorf("manifest loss: %w", err)
		}
		s.Score = append(s.Score, loss)
	}
	s.Score = append(s.Score, big.NewInt(m.Score.Correct))
	return s, nil
}

// aggregate proves the finished run m again as one proof and records it in
// the manifest.
func (p *plan) aggregate(ctx context.Context, m *Manifest, keys map[string]*compiled) error {
	if m.Score == nil {
		return fmt.Errorf("-aggregate: %s has no score circuit", m.Model)
	}
	for _, s := range []string{"step", "score"} {
		if keys[s] == nil {
			c, err := p.keys(ctx, s, true)
			if err != nil {
				return err
			}
			keys[s] = c
		}
	}
	stmt, err := statementOf(m, TermsOf(m))
	if err != nil {
		return err
	}
	shape := aggregate.Shape{Steps: len(m.Proofs), Batches: stmt.Batches, ScoreValues: len(stmt.Score)}
	dir := p.cfg.Dir
	// the inner proofs and their public inputs, checked natively first
	read := func(p Proof) (groth16.Proof, witness.Witness, []*big.Int, error) {
		proof, _, err := readProofFile(dir, p.File, "groth16", ecc.BLS12_377)
		if err != nil {
			return nil, nil, nil, err
		}
		var vals []*big.Int
		for _, h := range p.Public {
			v, err := parseHex(h)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("%s: %w", p.File, err)
			}
			vals = append(vals, v)
		}
		w, err := publicWitness(ecc.BLS12_377.ScalarField(), vals)
		return proof.(groth16.Proof), w, vals, err
	}
	var proofs []groth16.Proof
	var pubs []witness.Witness
	var stepVals [][]*big.Int
	for _, rec := range m.Proofs {
		proof, w, vals, err := read(rec)
		if err != nil {
			return err
		}
		proofs, pubs, stepVals = append(proofs, proof), append(pubs, w), append(stepVals, vals)
	}
	scoreProof, scorePub, scoreVals, err := read(m.Score.Proof)
	if err != nil {
		return err
	}
	if err := stmt.Check(shape, stepVals, scoreVals); err != nil {
		return err
	}

	agg := &Aggregate{File: "aggregate.proof", Curve: AggregateCurve.String(), Steps: shape.Steps, Batches: shape.Batches,
		Proofs: shape.Steps + 1, VK: filepath.Join("vk", "aggregate.vk")}
	agg.Describe = fmt.Sprintf("%d %s step proofs and the score proof on BLS12-377, verified and chained in one BW6-761 circuit", shape.Steps, m.Model)
	p.aggregationProgress(false, "compiling the BW6-761 circuit")
	start := time.Now()
	circuit, err := aggregate.New[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](shape,
		keys["step"].cs, keys["score"].cs, keys["step"].vk.(groth16.VerifyingKey), keys["score"].vk.(groth16.VerifyingKey))
	if err != nil {
		return err
	}
	cs, err := frontend.Compile(AggregateCurve.ScalarField(), p.sys.Builder(), circuit)
	if err != nil {
		return fmt.Errorf("aggregation circuit: %w", err)
	}
	agg.CompileNs, agg.Constraints = time.Since(start).Nanoseconds(), cs.GetNbConstraints()
	if !p.cfg.SkipMemoryCheck {
		if err := proving.CheckMemory(fmt.Sprintf("the aggregation of %d proofs", agg.Proofs), agg.Constraints, proving.DefaultMemoryModel(AggregateCurve, "groth16")); err != nil {
			return fmt.Errorf("-aggregate: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	peak := proving.PeakWindow()
	p.aggregationProgress(false, fmt.Sprintf("setting up %d constraints", agg.Constraints))
	start = time.Now()
	c, err := p.keysOf(ctx, "aggregate", AggregateCurve, cs, false)
	if err != nil {
		return err
	}
	agg.SetupNs, agg.ID = time.Since(start).Nanoseconds(), c.id
	if err := ctx.Err(); err != nil {
		return err
	}
	assignment, err := aggregate.Assign[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](stmt, proofs, pubs, scoreProof, scorePub)
	if err != nil {
		return err
	}
	p.aggregationProgress(false, "proving")
	start = time.Now()
	w, err := frontend.NewWitness(assignment, AggregateCurve.ScalarField())
	if err != nil {
		return err
	}
	proof, err := p.sys.Prove(cs, c.pk, w)
	if err != nil {
		return fmt.Errorf("aggregation: %w", err)
	}
	agg.ProveNs, agg.PeakBytes = time.Since(start).Nanoseconds(), peak()
	pub, err := w.Public()
	if err != nil {
		return err
	}
	if err := p.sys.Verify(proof, c.vk, pub); err != nil {
		return fmt.Errorf("the aggregated proof just made does not verify: %w", err)
	}
	var buf bytesBuffer
	if _, err := proof.WriteTo(&buf); err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(p.cfg.Dir, agg.File), buf.b); err != nil {
		return err
	}
	agg.SHA256, agg.ProofBytes = sha256Hex(buf.b), int64(len(buf.b))
	vk, err := os.ReadFile(filepath.Join(p.cfg.Dir, agg.VK))
	if err != nil {
		return err
	}
	agg.VKSHA256 = sha256Hex(vk)
	p.aggregationProgress(true, fmt.Sprintf("%d proofs in one, proven in %s", agg.Proofs, time.Duration(agg.ProveNs).Round(time.Millisecond)))
	m.Aggregate = agg
	if err := writeJSON(filepath.Join(p.cfg.Dir, "manifest.json"), m); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(p.cfg.Dir, "README.md"), []byte(readme(m)))
}

// VerifyAggregate checks a run directory's aggregated proof alone: its
// verifying key against the manifest, the final model file against the
// statement, and the proof against the statement built from terms (nil: the
// manifest's, TermsOf), with the counts of steps and batches derived from
// them and passed as public inputs the aggregate pins to its shape. The step
// and score proofs are not read.
func VerifyAggregate(dir string, terms *Terms) (_ *Verdict, err error) {
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
	v.Proofs = 1
	t := v.Terms
	n, err := verifyAggregate(dir, m, t)
	if err != nil {
		return nil, err
	}
	v.Bytes, v.Steps = n, t.Steps()
	if v.Initial, err = t.InitialCommitment(); err != nil {
		return nil, err
	}
	v.Final, _ = parseHex(m.FinalModel.Commitment)
	if err := checkFinalModel(dir, m, t, v); err != nil {
		return nil, err
	}
	v.Score = &ProvenScore{Rows: t.Heldout.Rows, Correct: m.Score.Correct}
	if m.Score.LossSum != "" {
		v.Score.LossSum, _ = parseHex(m.Score.LossSum)
	}
	if err := t.meets(v.Score); err != nil {
		return nil, err
	}
	v.VerifyTime = time.Since(start)
	return v, nil
}

// verifyAggregate checks m.Aggregate against the terms t and returns the
// bytes it read.
func verifyAggregate(dir string, m *Manifest, t Terms) (int64, error) {
	a := m.Aggregate
	if a == nil {
		return 0, fmt.Errorf("%s has no aggregated proof (train with -aggregate)", dir)
	}
	if a.Curve != AggregateCurve.String() || t.Curve != ecc.BLS12_377.String() || t.Backend != "groth16" {
		return 0, fmt.Errorf("aggregate: a %s aggregate of %s %s proofs; potbench aggregates BLS12-377 Groth16 proofs on %s", a.Curve, t.Curve, t.Backend, AggregateCurve)
	}
	if a.Steps != t.Steps() || a.Batches != t.Batches() || a.Proofs != a.Steps+1 {
		return 0, fmt.Errorf("aggregate: the manifest says it covers %d steps of %d batches; the terms' run has %d steps of %d", a.Steps, a.Batches, t.Steps(), t.Batches())
	}
	stmt, err := statementOf(m, t)
	if err != nil {
		return 0, fmt.Errorf("aggregate: %w", err)
	}
	pub, err := frontend.NewWitness(aggregate.Public[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](stmt),
		AggregateCurve.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return 0, fmt.Errorf("aggregate: statement: %w", err)
	}
	key, vkData, err := readVerifyingKey(dir, a.VK, "groth16", AggregateCurve, pub.Vector().(interface{ Len() int }).Len())
	if err != nil {
		return 0, fmt.Errorf("aggregate: verifying key: %w", err)
	}
	if sha256Hex(vkData) != a.VKSHA256 {
		return 0, fmt.Errorf("aggregate: verifying key %s is not the one the manifest names (SHA-256 differs)", a.VK)
	}
	p, raw, err := readProofFile(dir, a.File, "groth16", AggregateCurve)
	if err != nil {
		return 0, fmt.Errorf("aggregate: %w", err)
	}
	vk, proof := key.(groth16.VerifyingKey), p.(groth16.Proof)
	if err := groth16.Verify(proof, vk, pub); err != nil {
		return 0, fmt.Errorf("aggregate: %s does not verify against the run's statement: %w", a.File, err)
	}
	return int64(len(vkData) + len(raw)), nil
}
