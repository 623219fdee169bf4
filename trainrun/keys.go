package trainrun

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"path/filepath"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra/native/sw_bls12377"

	"github.com/potbench/potbench/ceremony"
	"github.com/potbench/potbench/circuits/aggregate"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/proving"
	"github.com/potbench/potbench/training"
)

// KeySource is where a run's keys come from, as the manifest records it.
type KeySource struct {
	Kind       string `json:"kind"`                 // OneParty or FromCeremony
	Transcript string `json:"transcript,omitempty"` // SHA-256 of the ceremony's record
	Phase1     int    `json:"phase1_contributions,omitempty"`
	Phase2     int    `json:"phase2_contributions,omitempty"`
	Beacon1    string `json:"phase1_beacon,omitempty"`
	Beacon2    string `json:"phase2_beacon,omitempty"`
}

const (
	// OneParty: the prover ran the setup alone and could keep its trapdoor.
	OneParty = "one-party setup by the prover"
	// FromCeremony: the keys of a two-phase MPC (package ceremony).
	FromCeremony = "ceremony"
)

// maxCeremonyKeyBytes bounds a proving key read from a ceremony.
const maxCeremonyKeyBytes = 4 << 30

// ceremonyKeys loads the keys of a run circuit from the sealed ceremony in
// dir: the circuit must be one of its circuits, with the same constraint
// system. It records the source in p.source.
func (p *plan) ceremonyKeys(dir, name, id string) (pk, vk proving.Key, pkData, vkData []byte, err error) {
	rec, err := ceremony.Read(dir)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if backend := cmp.Or(rec.Backend, "groth16"); rec.Curve != p.cfg.Curve.String() || backend != p.cfg.Backend {
		return nil, nil, nil, nil, fmt.Errorf("-keys %s: a %s %s ceremony; this run is %s %s", dir, rec.Curve, backend, p.cfg.Curve, p.cfg.Backend)
	}
	var circ *ceremony.Circuit
	for i := range rec.Circuits {
		if rec.Circuits[i].Name == name {
			circ = &rec.Circuits[i]
		}
	}
	keys, sealed := rec.Keys[name]
	switch {
	case circ == nil:
		return nil, nil, nil, nil, fmt.Errorf("-keys %s: the ceremony sets up no %s circuit (run potbench ceremony init with this run's flags)", dir, name)
	case circ.ID != id:
		return nil, nil, nil, nil, fmt.Errorf("-keys %s: the ceremony's %s circuit is another constraint system than this run's (%s…, this run %s…)", dir, name, circ.ID[:12], id[:12])
	case !sealed || !rec.Sealed():
		return nil, nil, nil, nil, fmt.Errorf("-keys %s: the ceremony is not sealed (potbench ceremony verify -beacon, after its last phase)", dir)
	}
	vk, vkData, err = readVerifyingKey(dir, keys.VK, p.cfg.Backend, p.cfg.Curve, p.circuitInputs(name))
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if sha256Hex(vkData) != keys.VKSHA256 {
		return nil, nil, nil, nil, fmt.Errorf("-keys %s: %s differs from the record's hash", dir, keys.VK)
	}
	pkData, err = runFile(dir, keys.PK, maxCeremonyKeyBytes, "proving key")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	pk, _ = p.sys.NewKeys(p.cfg.Curve)
	if _, err := pk.UnsafeReadFrom(bytes.NewReader(pkData)); err != nil { // the prover's own file: checked by the proofs it makes
		return nil, nil, nil, nil, fmt.Errorf("%s: %w", keys.PK, err)
	}
	return pk, vk, pkData, vkData, nil
}

// Short names the source in a few words, for tables.
func (k KeySource) Short() string {
	switch {
	case k.Kind != FromCeremony:
		return "one-party (prover)"
	case k.Beacon2 == "":
		return fmt.Sprintf("ceremony, %d contributors (phase 1)", k.Phase1)
	}
	return fmt.Sprintf("ceremony, %d+%d contributors", k.Phase1, k.Phase2)
}

// contributions says what the keys were made from: both phases for
// Groth16, phase 1 alone for PLONK (no phase-2 beacon); with the beacons
// when asked.
func (k KeySource) contributions(beacons bool) string {
	if k.Beacon2 == "" {
		s := fmt.Sprintf("%d phase-1 contributions (PLONK: the KZG reference string is phase 1's powers of τ)", k.Phase1)
		if beacons {
			s += " and the beacon " + k.Beacon1
		}
		return s
	}
	s := fmt.Sprintf("%d phase-1 and %d phase-2 contributions", k.Phase1, k.Phase2)
	if beacons {
		s += fmt.Sprintf(" and the beacons %s and %s", k.Beacon1, k.Beacon2)
	}
	return s
}

// ceremonySource is the key source of the ceremony in dir.
func ceremonySource(dir string) (KeySource, error) {
	rec, err := ceremony.Read(dir)
	if err != nil {
		return KeySource{}, err
	}
	data, err := runFile(dir, "ceremony.json", 16<<20, "ceremony record")
	if err != nil {
		return KeySource{}, err
	}
	p1, p2 := rec.Contributors()
	return KeySource{Kind: FromCeremony, Transcript: sha256Hex(data), Phase1: p1, Phase2: p2, Beacon1: rec.Beacon1, Beacon2: rec.Beacon2}, nil
}

// circuitInputs is the number of public inputs of a run circuit.
func (p *plan) circuitInputs(name string) int {
	n, _ := inputsOf(name, Terms{Model: p.cfg.Model})
	return n
}

// writeKeys stores a circuit's keys in the run directory.
func (p *plan) writeKeys(name, id string, pkData, vkData []byte) error {
	for path, data := range map[string][]byte{
		filepath.Join(p.cfg.Dir, "keys", name+".pk"): pkData,
		filepath.Join(p.cfg.Dir, "vk", name+".vk"):   vkData,
		filepath.Join(p.cfg.Dir, "keys", name+".id"): []byte(id),
	} {
		if err := atomicfile.Write(path, data); err != nil {
			return err
		}
	}
	return nil
}

// RunCircuits compiles the circuits of the run cfg describes (the native
// trace fixes its shapes), named as the run names them: what a ceremony
// sets up keys for.
func RunCircuits(cfg Config) ([]ceremony.Named, error) {
	cfg.Dir = "-" // not written
	p, err := newPlan(cfg)
	if err != nil {
		return nil, err
	}
	var out []ceremony.Named
	for _, s := range p.shapes() {
		cs, err := frontend.Compile(cfg.Curve.ScalarField(), p.sys.Builder(), p.circuitOf(s))
		if err != nil {
			return nil, fmt.Errorf("%s circuit: %w", s, err)
		}
		out = append(out, ceremony.Named{Name: s, Describe: p.describe(s), CS: cs})
	}
	return out, nil
}

// TermsCircuits compiles, from the terms alone, the circuits of the given
// shapes ("step", "chain-K", "score"): batch, layer widths, the tree depth
// that the row count gives, the held-out rows, the curve.
func TermsCircuits(t Terms, shapes []string) ([]ceremony.Named, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	fam, err := training.Lookup(t.Model)
	if err != nil {
		return nil, err
	}
	dm := training.Dims{B: t.Batch, Depth: commit.Depth(t.Batches()), Widths: t.Widths, Revision: t.Revision, Batches: t.Batches()}
	if t.Heldout != nil {
		dm.TestRows = t.Heldout.Rows
	}
	sh := fam.Shape(dm)
	sys, err := proving.NewSystem(t.Backend)
	if err != nil {
		return nil, err
	}
	var out []ceremony.Named
	for _, s := range shapes {
		c, err := circuitOfShape(sh, s)
		if err != nil {
			return nil, err
		}
		cs, err := frontend.Compile(t.curveID().ScalarField(), sys.Builder(), c)
		if err != nil {
			return nil, fmt.Errorf("%s circuit: %w", s, err)
		}
		out = append(out, ceremony.Named{Name: s, CS: cs})
	}
	return out, nil
}

// DeriveKeys checks a verified run's verifying keys against the sealed
// ceremony in dir: it compiles each of the run's circuits from the verdict's
// terms, recomputes its verifying key from the transcript (every
// contribution of both phases verified) and compares it byte for byte with
// the run's. On success the verdict records where its keys come from.
func DeriveKeys(v *Verdict, runDir, dir string, opts ...ceremony.Option) error {
	_, _, err := deriveKeys(v, runDir, dir, opts...)
	return err
}

// deriveKeys is DeriveKeys, returning the circuits it compiled and the keys
// it derived, by shape.
func deriveKeys(v *Verdict, runDir, dir string, opts ...ceremony.Option) ([]ceremony.Named, map[string]io.WriterTo, error) {
	m := v.Manifest
	var shapes []string
	for _, c := range m.Circuits {
		shapes = append(shapes, c.Shape)
	}
	named, err := TermsCircuits(v.Terms, shapes)
	if err != nil {
		return nil, nil, fmt.Errorf("ceremony: %w", err)
	}
	vks, rec, err := ceremony.Derive(dir, named, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("ceremony %s: %w", dir, err)
	}
	for _, c := range m.Circuits {
		var buf bytes.Buffer
		if _, err := vks[c.Shape].WriteTo(&buf); err != nil {
			return nil, nil, err
		}
		want := buf.Bytes()
		got, err := runFile(runDir, c.VK, int64(len(want)), "verifying key")
		if err != nil || !bytes.Equal(got, want) {
			return nil, nil, fmt.Errorf("verifying key %s is not the key the ceremony in %s derives for the %s circuit of these terms", c.VK, dir, c.Shape)
		}
	}
	if !rec.Sealed() {
		return nil, nil, fmt.Errorf("ceremony %s is not sealed", dir)
	}
	src, err := ceremonySource(dir)
	if err != nil {
		return nil, nil, err
	}
	v.Keys = &src
	return named, vks, nil
}

// DeriveAggregate checks a verified aggregate against the sealed ceremony
// of its inner circuits in dir: the step and score keys are derived as
// DeriveKeys does, and the aggregation circuit is compiled again from the
// terms (steps, batches, score values) with those keys fixed in it, its
// identity equal to the one the manifest records. The aggregate's own
// BW6-761 key is not derived: the verdict says so.
func DeriveAggregate(v *Verdict, runDir, dir string, opts ...ceremony.Option) error {
	named, vks, err := deriveKeys(v, runDir, dir, opts...)
	if err != nil {
		return err
	}
	a := v.Manifest.Aggregate
	if a == nil {
		return fmt.Errorf("%s has no aggregated proof", runDir)
	}
	css := map[string]ceremony.Named{}
	for _, n := range named {
		css[n.Name] = n
	}
	step, score := css["step"], css["score"]
	stepVK, ok1 := vks["step"].(groth16.VerifyingKey)
	scoreVK, ok2 := vks["score"].(groth16.VerifyingKey)
	if step.CS == nil || score.CS == nil || !ok1 || !ok2 {
		return fmt.Errorf("aggregate: the run has no Groth16 step and score circuits to aggregate")
	}
	n, err := inputsOf("score", v.Terms)
	if err != nil {
		return err
	}
	shape := aggregate.Shape{Steps: v.Terms.Steps(), Batches: v.Terms.Batches(), ScoreValues: n - 3} // held-out root and rows, model
	circuit, err := aggregate.New[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](shape, step.CS, score.CS, stepVK, scoreVK)
	if err != nil {
		return err
	}
	cs, err := frontend.Compile(AggregateCurve.ScalarField(), r1cs.NewBuilder, circuit)
	if err != nil {
		return fmt.Errorf("aggregation circuit: %w", err)
	}
	id, err := circuitID(cs)
	if err != nil {
		return err
	}
	if id != a.ID {
		return fmt.Errorf("aggregate: the manifest's aggregation circuit (%s…) is not the one these terms and the ceremony's step and score keys give (%s…): it verifies other inner keys or another shape", short(a.ID), short(id))
	}
	v.AggregateID = id
	return nil
}
