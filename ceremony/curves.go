package ceremony

import (
	"bytes"
	"fmt"
	"io"
	"reflect"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	mpcbls12377 "github.com/consensys/gnark/backend/groth16/bls12-377/mpcsetup"
	mpcbls12381 "github.com/consensys/gnark/backend/groth16/bls12-381/mpcsetup"
	mpcbn254 "github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	mpcbw6761 "github.com/consensys/gnark/backend/groth16/bw6-761/mpcsetup"
	"github.com/consensys/gnark/constraint"
	csbls12377 "github.com/consensys/gnark/constraint/bls12-377"
	csbls12381 "github.com/consensys/gnark/constraint/bls12-381"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
	csbw6761 "github.com/consensys/gnark/constraint/bw6-761"

	"github.com/potbench/potbench/internal/safedecode"
)

// mpc is gnark's two-phase Groth16 MPC on one curve, on encoded
// contributions: each method decodes what it is given (its layout walked
// first: safedecode.Phase1, Phase2), acts, and encodes what it returns.
type mpc interface {
	// contribute1 adds a random contribution to phase 1 after prev (nil:
	// the first, over a domain of n).
	contribute1(prev []byte, n uint64) ([]byte, error)
	// verify1 checks the phase-1 contributions in order and seals them with
	// the beacon, returning the SRS commons truncated to a domain of m ≤ n.
	verify1(n uint64, beacon []byte, contributions [][]byte) (commons, error)
	// lagrange computes the Lagrange bases of the commons truncated to a
	// domain of m and encodes them (lagrange.go); nil, nil, nil where the
	// curve's phase 2 computes its own.
	lagrange(c commons, m int) (bases any, data []byte, err error)
	// readLagrange decodes a domain's encoded bases and checks them
	// against the commons truncated to m.
	readLagrange(c commons, m int, data []byte) (any, error)
	// init2 is the phase-2 starting point of a circuit (deterministic),
	// from the Lagrange bases of its domain (nil: computed).
	init2(cs constraint.ConstraintSystem, c commons, bases any) ([]byte, error)
	contribute2(prev []byte) ([]byte, error)
	// verify2 checks a circuit's phase-2 contributions and seals them.
	verify2(cs constraint.ConstraintSystem, c commons, bases any, beacon []byte, contributions [][]byte) (groth16.ProvingKey, groth16.VerifyingKey, error)
	// decode reads a contribution of phase 1 (over a domain of n) or 2.
	decode(data []byte, phase int, n uint64) error
}

// commons is a curve's sealed phase 1 (a *SrsCommons).
type commons any

type phase1Ptr[T, C any] interface {
	*T
	Contribute()
	Verify(*T) error
	Seal([]byte) C
	io.WriterTo
	io.ReaderFrom
}

type phase2Ptr[T, R, C, E any] interface {
	*T
	Contribute()
	Initialize(*R, *C) E
	Verify(*T) error
	Seal(*C, *E, []byte) (groth16.ProvingKey, groth16.VerifyingKey)
	io.WriterTo
	io.ReaderFrom
}

// curveMPC adapts one curve's mpcsetup package.
type curveMPC[P1, P2, C, R, E any, PP1 phase1Ptr[P1, C], PP2 phase2Ptr[P2, R, C, E]] struct {
	curve ecc.ID
	new1  func(uint64) *P1
	// fast computes what gnark's Phase2.Initialize does, faster, from the
	// domain's Lagrange bases when given (else it computes them); a nil
	// fast means gnark's Initialize.
	fast func(*R, *C, any) (*P2, E)
	// computeBases and readBases make and read a domain's Lagrange bases
	// (nil: the curve has none in its transcripts).
	computeBases func(*C) (any, []byte, error)
	readBases    func(*C, []byte) (any, error)
	// phase1 replaces gnark's Phase1 calls (nil: gnark's).
	phase1 *phase1Ops
}

// phase1Ops is phase 1 on encoded contributions, as the mpc methods of the
// same names (phase1.go).
type phase1Ops struct {
	contribute func(prev []byte, n uint64) ([]byte, error)
	verify     func(n uint64, beacon []byte, contributions [][]byte) (commons, error)
	decode     func(data []byte, n uint64) error
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) lagrange(c commons, size int) (any, []byte, error) {
	if m.computeBases == nil {
		return nil, nil, nil
	}
	t, err := truncate(c, size)
	if err != nil {
		return nil, nil, err
	}
	return m.computeBases(t.(*C))
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) readLagrange(c commons, size int, data []byte) (any, error) {
	if m.readBases == nil {
		return nil, fmt.Errorf("no Lagrange bases on %s", m.curve)
	}
	t, err := truncate(c, size)
	if err != nil {
		return nil, err
	}
	return m.readBases(t.(*C), data)
}

// initialize is a circuit's phase-2 starting point and its evaluations.
func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) initialize(r *R, c *C, bases any) (*P2, E) {
	if m.fast != nil {
		return m.fast(r, c, bases)
	}
	p := new(P2)
	e := PP2(p).Initialize(r, c)
	return p, e
}

func encode(w io.WriterTo) ([]byte, error) {
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) sizes() safedecode.Sizes {
	s, _ := safedecode.SizesOf(m.curve)
	return s
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) read1(data []byte, n uint64) (*P1, error) {
	if err := safedecode.Phase1(data, m.sizes(), n); err != nil {
		return nil, err
	}
	p := new(P1)
	if err := safedecode.Decode("phase-1 contribution", data, PP1(p)); err != nil {
		return nil, err
	}
	return p, nil
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) read2(data []byte) (*P2, error) {
	if err := safedecode.Phase2(data, m.sizes()); err != nil {
		return nil, err
	}
	p := new(P2)
	if err := safedecode.Decode("phase-2 contribution", data, PP2(p)); err != nil {
		return nil, err
	}
	return p, nil
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) decode(data []byte, phase int, n uint64) error {
	var err error
	if phase == 1 && m.phase1 != nil {
		err = m.phase1.decode(data, n)
	} else if phase == 1 {
		_, err = m.read1(data, n)
	} else {
		_, err = m.read2(data)
	}
	return err
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) contribute1(prev []byte, n uint64) ([]byte, error) {
	if m.phase1 != nil {
		return m.phase1.contribute(prev, n)
	}
	p := m.new1(n)
	if prev != nil {
		var err error
		if p, err = m.read1(prev, n); err != nil {
			return nil, err
		}
	}
	PP1(p).Contribute()
	return encode(PP1(p))
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) verify1(n uint64, beacon []byte, contributions [][]byte) (commons, error) {
	if m.phase1 != nil {
		return m.phase1.verify(n, beacon, contributions)
	}
	ps := make([]*P1, len(contributions))
	for i, data := range contributions {
		p, err := m.read1(data, n)
		if err != nil {
			return nil, fmt.Errorf("phase-1 contribution %d: %w", i+1, err)
		}
		ps[i] = p
	}
	// gnark's VerifyPhase1, contribution by contribution to name the one
	// that fails: each is checked against the one before, the first
	// against the empty phase 1 of the domain, and the last is sealed.
	prev := m.new1(n)
	for i, p := range ps {
		if err := PP1(prev).Verify(p); err != nil {
			return nil, fmt.Errorf("phase-1 contribution %d: %w", i+1, err)
		}
		prev = p
	}
	c := PP1(prev).Seal(beacon)
	return &c, nil
}

// truncate returns the commons for a domain of size m ≤ their own: the first
// 2m-1 powers of τ in G1, m in G2, m of ατⁱ and βτⁱ.
func truncate(c commons, m int) (commons, error) {
	v := reflect.ValueOf(c).Elem()
	out := reflect.New(v.Type())
	out.Elem().Set(v)
	g1, g2 := out.Elem().FieldByName("G1"), out.Elem().FieldByName("G2")
	n := g2.FieldByName("Tau").Len()
	if m > n {
		return nil, fmt.Errorf("a circuit of domain %d needs a phase 1 of at least that size; this one has %d", m, n)
	}
	for _, f := range []struct {
		v reflect.Value
		k int
	}{{g1.FieldByName("Tau"), 2*m - 1}, {g1.FieldByName("AlphaTau"), m}, {g1.FieldByName("BetaTau"), m}, {g2.FieldByName("Tau"), m}} {
		f.v.Set(f.v.Slice(0, f.k))
	}
	return out.Interface(), nil
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) r1cs(cs constraint.ConstraintSystem) (*R, error) {
	r, ok := any(cs).(*R)
	if !ok {
		return nil, fmt.Errorf("a %T is not an R1CS on %s", cs, m.curve)
	}
	return r, nil
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) forCircuit(cs constraint.ConstraintSystem, c commons) (*R, *C, error) {
	r, err := m.r1cs(cs)
	if err != nil {
		return nil, nil, err
	}
	t, err := truncate(c, Domain(cs.GetNbConstraints()))
	if err != nil {
		return nil, nil, err
	}
	return r, t.(*C), nil
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) init2(cs constraint.ConstraintSystem, c commons, bases any) ([]byte, error) {
	r, cc, err := m.forCircuit(cs, c)
	if err != nil {
		return nil, err
	}
	p, _ := m.initialize(r, cc, bases)
	return encode(PP2(p))
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) contribute2(prev []byte) ([]byte, error) {
	p, err := m.read2(prev)
	if err != nil {
		return nil, err
	}
	PP2(p).Contribute()
	return encode(PP2(p))
}

func (m curveMPC[P1, P2, C, R, E, PP1, PP2]) verify2(cs constraint.ConstraintSystem, c commons, bases any, beacon []byte, contributions [][]byte) (groth16.ProvingKey, groth16.VerifyingKey, error) {
	r, cc, err := m.forCircuit(cs, c)
	if err != nil {
		return nil, nil, err
	}
	ps := make([]*P2, len(contributions))
	for i, data := range contributions {
		if ps[i], err = m.read2(data); err != nil {
			return nil, nil, fmt.Errorf("phase-2 contribution %d: %w", i+1, err)
		}
	}
	// gnark's VerifyPhase2, contribution by contribution
	prev, evals := m.initialize(r, cc, bases)
	for i, p := range ps {
		if err := PP2(prev).Verify(p); err != nil {
			return nil, nil, fmt.Errorf("phase-2 contribution %d: %w", i+1, err)
		}
		prev = p
	}
	pk, vk := PP2(prev).Seal(cc, &evals, beacon)
	return pk, vk, nil
}

// mpcOf returns the MPC of a curve.
func mpcOf(curve ecc.ID) (mpc, error) {
	switch curve {
	case ecc.BN254:
		return curveMPC[mpcbn254.Phase1, mpcbn254.Phase2, mpcbn254.SrsCommons, csbn254.R1CS, mpcbn254.Phase2Evaluations, *mpcbn254.Phase1, *mpcbn254.Phase2]{
			curve, mpcbn254.NewPhase1, initializeBN254With, lagrangeBN254Compute, lagrangeBN254Read,
			&phase1Ops{contribute1BN254, verify1BN254, decode1BN254}}, nil
	case ecc.BLS12_381:
		return curveMPC[mpcbls12381.Phase1, mpcbls12381.Phase2, mpcbls12381.SrsCommons, csbls12381.R1CS, mpcbls12381.Phase2Evaluations, *mpcbls12381.Phase1, *mpcbls12381.Phase2]{
			curve, mpcbls12381.NewPhase1, nil, nil, nil, nil}, nil
	case ecc.BLS12_377:
		return curveMPC[mpcbls12377.Phase1, mpcbls12377.Phase2, mpcbls12377.SrsCommons, csbls12377.R1CS, mpcbls12377.Phase2Evaluations, *mpcbls12377.Phase1, *mpcbls12377.Phase2]{
			curve, mpcbls12377.NewPhase1, nil, nil, nil, nil}, nil
	case ecc.BW6_761:
		return curveMPC[mpcbw6761.Phase1, mpcbw6761.Phase2, mpcbw6761.SrsCommons, csbw6761.R1CS, mpcbw6761.Phase2Evaluations, *mpcbw6761.Phase1, *mpcbw6761.Phase2]{
			curve, mpcbw6761.NewPhase1, nil, nil, nil, nil}, nil
	}
	return nil, fmt.Errorf("no Groth16 MPC on %s", curve)
}
