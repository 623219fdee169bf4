// Package ceremony runs the two-phase MPC that makes Groth16 keys no single
// party can forge proofs under (gnark's backend/groth16/*/mpcsetup, after
// Bowe, Gabizon and Miers, eprint 2017/1050), and lets a stranger check it
// from its transcript alone. PLONK keys come from its phase 1 alone: the
// powers of τ are KZG's reference string (plonk.go).
//
// Phase 1 (powers of τ) is independent of the circuit: it serves every
// circuit of up to Domain constraints. Phase 2 is per circuit. Anyone may
// contribute to either phase, each in a process of its own; a contribution
// proves, against the contribution before it, that it only multiplied in
// secrets of its own (a proof of knowledge bound to the previous transcript's
// hash). Each phase ends with a beacon: a public value fixed after the last
// contribution (a future block hash, a drand round), mixed in as a final
// contribution anyone recomputes, so that the last contributor cannot choose
// the result. The keys are sound if one contributor of each phase destroyed
// their secret.
//
// A transcript is a directory:
//
//	ceremony.json          the record: curve, domain, circuits (name, constraint-system hash), contributions, beacons, keys
//	phase1/NNNN.bin        phase-1 contributions, in order
//	phase1/lagrange-M.bin  the Lagrange bases of a circuit domain M, written at the phase-1 seal (BN254; checked by every later party: lagrange.go)
//	phase2/NAME/0000.bin   a circuit's phase-2 starting point (recomputed by every verifier; Groth16 only)
//	phase2/NAME/NNNN.bin   its contributions
//	keys/NAME.vk, .pk      the sealed keys
//
// Derive recomputes every key from the transcript and the circuits, which
// the verifier compiles itself: nothing in the record is trusted but the
// beacons, which are public.
//
// Files:
//   - ceremony.go: Init, Contribute, Verify and Derive, the record.
//   - curves.go: the per-curve mpcsetup calls behind one interface.
//   - plonk.go: PLONK's reference string from phase 1.
//   - phase1.go: phase 1 on BN254, decoded and updated on every core.
//   - initialize.go, lagrange.go: phase 2's starting point on BN254, and
//     the Lagrange bases in the transcript.
package ceremony

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"

	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/internal/safedecode"
)

// Format names the layout of a transcript.
const Format = "potbench-ceremony/1"

// Record is ceremony.json.
type Record struct {
	Format   string         `json:"format"`
	Backend  string         `json:"backend,omitempty"` // "groth16" (also when empty) or "plonk"
	Curve    string         `json:"curve"`
	Domain   uint64         `json:"domain"` // phase 1 serves circuits whose domain is at most Domain
	Circuits []Circuit      `json:"circuits"`
	Phase1   []Contribution `json:"phase1"`
	Beacon1  string         `json:"phase1_beacon,omitempty"` // hex; phase 1 is sealed when set
	// Lagrange names, per circuit domain (its size in decimal), the file of
	// its Lagrange bases written at the phase-1 seal; absent (older
	// transcripts, other curves): every party computes them.
	Lagrange map[string]Contribution   `json:"lagrange,omitempty"`
	Phase2   map[string][]Contribution `json:"phase2,omitempty"`
	Beacon2  string                    `json:"phase2_beacon,omitempty"` // hex; the keys are sealed when set
	Keys     map[string]Keys           `json:"keys,omitempty"`
	For      json.RawMessage           `json:"for,omitempty"` // what the circuits were compiled from, as the caller put it

	progress func(string) // WithProgress
}

// Circuit is a circuit the ceremony sets up keys for.
type Circuit struct {
	Name        string `json:"name"`
	ID          string `json:"id"` // SHA-256 of the compiled constraint system
	Constraints int    `json:"constraints"`
	Describe    string `json:"describe,omitempty"`
}

// Contribution is one file of the transcript.
type Contribution struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	By     string `json:"by,omitempty"` // as the contributor signed it; not checked
}

// Keys are a circuit's sealed keys.
type Keys struct {
	VK       string `json:"vk"`
	VKSHA256 string `json:"vk_sha256"`
	PK       string `json:"pk"`
}

// Named is a compiled circuit under its name.
type Named struct {
	Name, Describe string
	CS             constraint.ConstraintSystem
}

// Domain is the FFT domain of a circuit of n constraints: the power of two
// at or above n, as gnark's Groth16 setup takes it.
func Domain(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// ID is a constraint system's identity: the SHA-256 of its encoding.
func ID(cs constraint.ConstraintSystem) (string, error) {
	h := sha256.New()
	if _, err := cs.WriteTo(h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

const recordFile = "ceremony.json"

// maxRecordBytes bounds ceremony.json.
const maxRecordBytes = 16 << 20

// Read reads a transcript's record.
func Read(dir string) (*Record, error) {
	path := filepath.Join(dir, recordFile)
	data, err := safedecode.ReadFile(path, maxRecordBytes, "ceremony record")
	if err != nil {
		return nil, err
	}
	var r Record
	if err := safedecode.JSON(path, data, &r); err != nil {
		return nil, err
	}
	if r.Format != Format {
		return nil, fmt.Errorf("%s: format %q, expected %q", path, r.Format, Format)
	}
	if _, err := r.curve(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Backend != "" && r.Backend != "groth16" && r.Backend != "plonk" {
		return nil, fmt.Errorf("%s: backend %q, expected groth16 or plonk", path, r.Backend)
	}
	if r.Domain == 0 || r.Domain&(r.Domain-1) != 0 || r.Domain > 1<<28 {
		return nil, fmt.Errorf("%s: domain %d is not a power of two up to 2^28", path, r.Domain)
	}
	return &r, nil
}

func (r *Record) curve() (ecc.ID, error) {
	for _, c := range []ecc.ID{ecc.BN254, ecc.BLS12_381, ecc.BLS12_377, ecc.BW6_761} {
		if c.String() == r.Curve {
			return c, nil
		}
	}
	return 0, fmt.Errorf("curve %q: not one potbench runs a ceremony on", r.Curve)
}

func (r *Record) write(dir string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, recordFile), append(b, '\n'))
}

// Init starts a transcript in dir for the circuits, all on curve, with a
// phase 1 sized for the largest (or for domain constraints, when larger);
// forWhat, encoded as JSON in the record, says what they were compiled from.
func Init(dir string, curve ecc.ID, circuits []Named, domain int, forWhat any) (*Record, error) {
	if _, err := os.Stat(filepath.Join(dir, recordFile)); err == nil {
		return nil, fmt.Errorf("%s already holds a ceremony", dir)
	}
	if _, err := mpcOf(curve); err != nil {
		return nil, err
	}
	if len(circuits) == 0 {
		return nil, errors.New("a ceremony needs at least one circuit")
	}
	r := &Record{Format: Format, Backend: "groth16", Curve: curve.String(), Domain: uint64(Domain(domain)), Phase2: map[string][]Contribution{}}
	if IsPlonk(circuits[0].CS) {
		r.Backend, r.Phase2 = "plonk", nil
	}
	if forWhat != nil {
		b, err := json.Marshal(forWhat)
		if err != nil {
			return nil, err
		}
		r.For = b
	}
	for _, c := range circuits {
		id, err := ID(c.CS)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(r.Circuits, func(o Circuit) bool { return o.Name == c.Name }) {
			return nil, fmt.Errorf("two circuits named %q", c.Name)
		}
		if IsPlonk(c.CS) != r.plonk() {
			return nil, fmt.Errorf("circuit %s: a ceremony sets up keys of one proving system (%s)", c.Name, r.Backend)
		}
		r.Circuits = append(r.Circuits, Circuit{Name: c.Name, ID: id, Constraints: c.CS.GetNbConstraints(), Describe: c.Describe})
		if d := uint64(r.domainOf(c.CS)); d > r.Domain {
			r.Domain = d
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "phase1"), 0o755); err != nil {
		return nil, err
	}
	return r, r.write(dir)
}

// plonk says whether the ceremony sets up PLONK keys: phase 1 only.
func (r *Record) plonk() bool { return r.Backend == "plonk" }

// Sealed says whether the ceremony's keys are sealed: phase 2 for Groth16,
// phase 1 for PLONK.
func (r *Record) Sealed() bool {
	return r.Beacon1 != "" && (r.plonk() || r.Beacon2 != "")
}

// domainOf is the phase-1 domain a circuit needs.
func (r *Record) domainOf(cs constraint.ConstraintSystem) int {
	if r.plonk() {
		return PlonkDomain(cs)
	}
	return Domain(cs.GetNbConstraints())
}

// open reads a transcript's record and its curve's MPC.
func open(dir string) (*Record, mpc, error) {
	r, err := Read(dir)
	if err != nil {
		return nil, nil, err
	}
	m, err := mpcOf(mustCurve(r))
	return r, m, err
}

// readContribution reads a transcript file the record names, checking its
// hash and its size (at most limit bytes).
func readContribution(dir string, c Contribution, limit int64) ([]byte, error) {
	if !filepath.IsLocal(c.File) {
		return nil, fmt.Errorf("%q: not a path inside the transcript", c.File)
	}
	data, err := safedecode.ReadFile(filepath.Join(dir, c.File), limit, "contribution")
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != c.SHA256 {
		return nil, fmt.Errorf("%s: SHA-256 differs from the record's (the file was changed)", c.File)
	}
	return data, nil
}

// phase1Limit is the size of a phase-1 contribution of the record's domain.
func (r *Record) phase1Limit() int64 {
	s, _ := safedecode.SizesOf(mustCurve(r))
	n := int64(r.Domain)
	return 3*int64(s.G1+s.G2) + 8 + int64(s.G2) + (4*n-2)*int64(s.G1) + (n-1)*int64(s.G2) + 1 + 255
}

// phase2Limit bounds a circuit's phase-2 contribution: its private wires and
// vanishing polynomial in G1, a few points per commitment.
func (r *Record) phase2Limit(c Circuit) int64 {
	s, _ := safedecode.SizesOf(mustCurve(r))
	n := int64(Domain(c.Constraints))
	return 2 + 2*int64(s.G1+s.G2) + (4*int64(c.Constraints)+2*n+64)*int64(s.G1) + 64*int64(s.G2) + 1 + 255
}

func mustCurve(r *Record) ecc.ID {
	c, _ := r.curve()
	return c
}

func writeContribution(dir, rel string, data []byte, by string) (Contribution, error) {
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
		return Contribution{}, err
	}
	if err := atomicfile.Write(filepath.Join(dir, rel), data); err != nil {
		return Contribution{}, err
	}
	sum := sha256.Sum256(data)
	return Contribution{File: rel, SHA256: hex.EncodeToString(sum[:]), By: by}, nil
}

// Contribute adds one contribution to the current phase (phase 1 until it is
// sealed, then phase 2 of every circuit), signed by, and returns what it
// wrote. The contributor's secrets live only in this call.
func Contribute(dir, by string) ([]Contribution, error) {
	r, m, err := open(dir)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Beacon1 == "":
		var prev []byte
		if k := len(r.Phase1); k > 0 {
			if prev, err = readContribution(dir, r.Phase1[k-1], r.phase1Limit()); err != nil {
				return nil, fmt.Errorf("phase-1 contribution %d: %w", k, err)
			}
		}
		next, err := m.contribute1(prev, r.Domain)
		if err != nil {
			return nil, fmt.Errorf("phase-1 contribution %d: %w", len(r.Phase1), err)
		}
		c, err := writeContribution(dir, fmt.Sprintf("phase1/%04d.bin", len(r.Phase1)+1), next, by)
		if err != nil {
			return nil, err
		}
		r.Phase1 = append(r.Phase1, c)
		return []Contribution{c}, r.write(dir)
	case r.plonk():
		return nil, errors.New("the ceremony is sealed: PLONK keys need phase 1 only, and it is closed")
	case r.Beacon2 == "":
		var out []Contribution
		for _, circ := range r.Circuits {
			list := r.Phase2[circ.Name]
			if len(list) == 0 {
				return nil, fmt.Errorf("phase 2 of %s has no starting point (seal phase 1 first)", circ.Name)
			}
			prev, err := readContribution(dir, list[len(list)-1], r.phase2Limit(circ))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", circ.Name, err)
			}
			next, err := m.contribute2(prev)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", circ.Name, err)
			}
			c, err := writeContribution(dir, fmt.Sprintf("phase2/%s/%04d.bin", circ.Name, len(list)), next, by)
			if err != nil {
				return nil, err
			}
			r.Phase2[circ.Name] = append(list, c)
			out = append(out, c)
		}
		return out, r.write(dir)
	}
	return nil, errors.New("the ceremony is sealed: both phases are closed")
}

// Option changes how Seal and Derive run.
type Option func(*Record)

// WithProgress has Seal and Derive tell step about each long step as it
// starts: at large domains the MPC's steps take minutes.
func WithProgress(step func(string)) Option {
	return func(r *Record) { r.progress = step }
}

func contributions(n int) string {
	if n == 1 {
		return "1 contribution"
	}
	return fmt.Sprintf("%d contributions", n)
}

func (r *Record) say(format string, args ...any) {
	if r.progress != nil {
		r.progress(fmt.Sprintf(format, args...))
	}
}

// phase1 verifies the phase-1 transcript and seals it with its beacon.
func (r *Record) phase1(dir string, m mpc, beacon []byte) (commons, error) {
	if len(r.Phase1) == 0 {
		return nil, errors.New("phase 1 has no contribution")
	}
	r.say("phase 1: verifying %s over a domain of %d and sealing them", contributions(len(r.Phase1)), r.Domain)
	var all [][]byte
	for i, c := range r.Phase1 {
		data, err := readContribution(dir, c, r.phase1Limit())
		if err != nil {
			return nil, fmt.Errorf("phase-1 contribution %d: %w", i+1, err)
		}
		all = append(all, data)
	}
	return m.verify1(r.Domain, beacon, all)
}

// compiled matches the record's circuits with compiled ones by name and
// constraint-system hash.
func (r *Record) compiled(circuits []Named) (map[string]constraint.ConstraintSystem, error) {
	out := map[string]constraint.ConstraintSystem{}
	for _, c := range r.Circuits {
		i := slices.IndexFunc(circuits, func(n Named) bool { return n.Name == c.Name })
		if i < 0 {
			continue
		}
		id, err := ID(circuits[i].CS)
		if err != nil {
			return nil, err
		}
		if id != c.ID {
			return nil, fmt.Errorf("circuit %s: the transcript was made for constraint system %s…, this one is %s…", c.Name, c.ID[:12], id[:12])
		}
		if d := r.domainOf(circuits[i].CS); d > int(r.Domain) {
			return nil, fmt.Errorf("circuit %s: domain %d, phase 1 serves up to %d", c.Name, d, r.Domain)
		}
		out[c.Name] = circuits[i].CS
	}
	for _, n := range circuits {
		if _, ok := out[n.Name]; !ok {
			return nil, fmt.Errorf("circuit %s: the ceremony sets up no key for it", n.Name)
		}
	}
	return out, nil
}

// Seal closes the current phase with the public beacon: phase 1 (every
// contribution verified, then each circuit's phase 2 started), or phase 2
// (every contribution of every circuit verified, then the keys written).
// circuits are compiled by the caller and must be the record's.
func Seal(dir string, beacon []byte, circuits []Named, opts ...Option) (*Record, error) {
	if len(beacon) == 0 {
		return nil, errors.New("no beacon: pass the public random value that seals the phase")
	}
	r, m, err := open(dir)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(r)
	}
	css, err := r.compiled(circuits)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Beacon1 == "" && r.plonk():
		r.Beacon1 = hex.EncodeToString(beacon)
		keys, err := r.derive(dir, m, css)
		if err != nil {
			return nil, err
		}
		return r, r.writeKeys(dir, keys)
	case r.Beacon1 == "":
		c, err := r.phase1(dir, m, beacon)
		if err != nil {
			return nil, err
		}
		r.Phase2 = map[string][]Contribution{}
		r.Lagrange = nil
		bases := map[int]any{}
		for _, circ := range r.Circuits {
			size := Domain(css[circ.Name].GetNbConstraints())
			if _, ok := bases[size]; !ok {
				r.say("phase 1: computing the Lagrange bases of a domain of %d", size)
				b, data, err := m.lagrange(c, size)
				if err != nil {
					return nil, err
				}
				if data != nil {
					w, err := writeContribution(dir, lagrangeFile(size), data, "")
					if err != nil {
						return nil, err
					}
					if r.Lagrange == nil {
						r.Lagrange = map[string]Contribution{}
					}
					r.Lagrange[strconv.Itoa(size)] = w
				}
				bases[size] = b
			}
			r.say("phase 2 of %s: computing its starting point (%d constraints)", circ.Name, css[circ.Name].GetNbConstraints())
			start, err := m.init2(css[circ.Name], c, bases[size])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", circ.Name, err)
			}
			w, err := writeContribution(dir, fmt.Sprintf("phase2/%s/0000.bin", circ.Name), start, "")
			if err != nil {
				return nil, err
			}
			r.Phase2[circ.Name] = []Contribution{w}
		}
		r.Beacon1 = hex.EncodeToString(beacon)
		return r, r.write(dir)
	case !r.Sealed():
		r.Beacon2 = hex.EncodeToString(beacon)
		keys, err := r.derive(dir, m, css)
		if err != nil {
			return nil, err
		}
		return r, r.writeKeys(dir, keys)
	}
	return nil, errors.New("the ceremony is already sealed")
}

// writeKeys writes the sealed keys and records them.
func (r *Record) writeKeys(dir string, keys map[string]keyPair) error {
	r.Keys = map[string]Keys{}
	for name, k := range keys {
		vk, err := encode(k.vk)
		if err != nil {
			return err
		}
		pk, err := encode(k.pk)
		if err != nil {
			return err
		}
		vkc, err := writeContribution(dir, filepath.Join("keys", name+".vk"), vk, "")
		if err != nil {
			return err
		}
		if _, err := writeContribution(dir, filepath.Join("keys", name+".pk"), pk, ""); err != nil {
			return err
		}
		r.Keys[name] = Keys{VK: vkc.File, VKSHA256: vkc.SHA256, PK: filepath.Join("keys", name+".pk")}
	}
	return r.write(dir)
}

// keyPair is a circuit's Groth16 or PLONK keys.
type keyPair struct {
	pk, vk io.WriterTo
}

// derive verifies both phases from the transcript and the record's beacons
// and returns the keys of the given circuits.
func (r *Record) derive(dir string, m mpc, css map[string]constraint.ConstraintSystem) (map[string]keyPair, error) {
	b1, err1 := hex.DecodeString(r.Beacon1)
	b2, err2 := hex.DecodeString(r.Beacon2)
	if err1 != nil || len(b1) == 0 || !r.plonk() && (err2 != nil || len(b2) == 0) {
		return nil, errors.New("the ceremony is not sealed: each phase needs its beacon")
	}
	c, err := r.phase1(dir, m, b1)
	if err != nil {
		return nil, err
	}
	out := map[string]keyPair{}
	bases := map[int]any{}
	for _, circ := range r.Circuits { // in the record's order
		name := circ.Name
		cs, ok := css[name]
		if !ok {
			continue
		}
		if r.plonk() {
			r.say("%s: PLONK setup from the reference string (%d constraints)", name, cs.GetNbConstraints())
			pk, vk, err := plonkSetup(cs, c)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out[name] = keyPair{pk, vk}
			continue
		}
		list := r.Phase2[name]
		if len(list) < 2 {
			return nil, fmt.Errorf("%s: phase 2 has no contribution", name)
		}
		var all [][]byte
		for i, con := range list[1:] { // list[0] is the starting point, recomputed
			data, err := readContribution(dir, con, r.phase2Limit(circ))
			if err != nil {
				return nil, fmt.Errorf("%s: phase-2 contribution %d: %w", name, i+1, err)
			}
			all = append(all, data)
		}
		b, err := r.bases(dir, m, c, Domain(cs.GetNbConstraints()), bases)
		if err != nil {
			return nil, err
		}
		r.say("phase 2 of %s: verifying %s from its starting point (%d constraints) and sealing them", name, contributions(len(all)), cs.GetNbConstraints())
		pk, vk, err := m.verify2(cs, c, b, b2, all)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = keyPair{pk, vk}
	}
	return out, nil
}

// lagrangeFile names the Lagrange bases of a domain of m in the transcript.
func lagrangeFile(m int) string { return fmt.Sprintf("phase1/lagrange-%d.bin", m) }

// bases returns the Lagrange bases of a domain of size, read from the
// transcript and checked against the sealed phase 1 c when the record names
// them (nil when it does not: the circuit's phase 2 computes them), once
// per domain (cache).
func (r *Record) bases(dir string, m mpc, c commons, size int, cache map[int]any) (any, error) {
	if b, ok := cache[size]; ok {
		return b, nil
	}
	con, ok := r.Lagrange[strconv.Itoa(size)]
	if !ok {
		cache[size] = nil
		return nil, nil
	}
	if con.File != lagrangeFile(size) {
		return nil, fmt.Errorf("the Lagrange bases of a domain of %d: the record names %q, not %s", size, con.File, lagrangeFile(size))
	}
	r.say("phase 1: checking the Lagrange bases of a domain of %d against it", size)
	data, err := readContribution(dir, con, lagrangeBytes(size))
	if err != nil {
		return nil, fmt.Errorf("the Lagrange bases of a domain of %d: %w", size, err)
	}
	b, err := m.readLagrange(c, size, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", con.File, err)
	}
	cache[size] = b
	return b, nil
}

// Derive recomputes from the sealed transcript in dir the verifying keys of
// the given circuits (compiled by the caller, checked against the record's
// hashes), verifying every contribution of both phases on the way. It is
// what a buyer runs to know that keys come from the ceremony.
func Derive(dir string, circuits []Named, opts ...Option) (map[string]io.WriterTo, *Record, error) {
	r, m, err := open(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range opts {
		o(r)
	}
	css, err := r.compiled(circuits)
	if err != nil {
		return nil, nil, err
	}
	keys, err := r.derive(dir, m, css)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]io.WriterTo{}
	for name, k := range keys {
		out[name] = k.vk
	}
	return out, r, nil
}

// Contributors is how many contributions each phase has (phase 2: the
// fewest of any circuit).
func (r *Record) Contributors() (phase1, phase2 int) {
	phase2 = -1
	for _, list := range r.Phase2 {
		if n := len(list) - 1; phase2 < 0 || n < phase2 {
			phase2 = n
		}
	}
	return len(r.Phase1), max(phase2, 0)
}
