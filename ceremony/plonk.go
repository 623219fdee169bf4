package ceremony

import (
	"crypto/rand"
	"fmt"
	"reflect"
	"slices"

	"github.com/consensys/gnark-crypto/ecc"
	bls12377 "github.com/consensys/gnark-crypto/ecc/bls12-377"
	kzgbls12377 "github.com/consensys/gnark-crypto/ecc/bls12-377/kzg"
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	kzgbls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381/kzg"
	"github.com/consensys/gnark-crypto/ecc/bn254"
	kzgbn254 "github.com/consensys/gnark-crypto/ecc/bn254/kzg"
	"github.com/consensys/gnark-crypto/ecc/bw6-761"
	kzgbw6761 "github.com/consensys/gnark-crypto/ecc/bw6-761/kzg"
	"github.com/consensys/gnark-crypto/kzg"
	mpcbls12377 "github.com/consensys/gnark/backend/groth16/bls12-377/mpcsetup"
	mpcbls12381 "github.com/consensys/gnark/backend/groth16/bls12-381/mpcsetup"
	mpcbn254 "github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	mpcbw6761 "github.com/consensys/gnark/backend/groth16/bw6-761/mpcsetup"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/constraint"
)

// PLONK keys come from the same powers of τ as Groth16's, and from nothing
// else: KZG commits with [τ⁰]₁ … [τᵈ⁺²]₁ and checks openings with [1]₂ and
// [τ]₂, which a sealed phase 1 of domain N holds (2N-1 powers in G1, N in
// G2) for every PLONK circuit of domain d ≤ N. gnark's PLONK setup is then a
// function of the circuit and that reference string alone: anyone holding
// the transcript recomputes the verifying key byte for byte. There is no
// phase 2.

// PlonkDomain is the FFT domain of a PLONK constraint system, as gnark's
// setup takes it: its constraints and one placeholder row per public input.
func PlonkDomain(cs constraint.ConstraintSystem) int {
	return Domain(cs.GetNbConstraints() + cs.GetNbPublicVariables())
}

// IsPlonk says whether cs is a PLONK (sparse R1CS) constraint system: gnark
// gives both kinds one Go type per curve and tells them apart by a field.
func IsPlonk(cs constraint.ConstraintSystem) bool {
	f := reflect.Indirect(reflect.ValueOf(cs)).FieldByName("Type")
	return f.IsValid() && f.Interface() == constraint.SystemSparseR1CS
}

// plonkSRS is the KZG reference string of a circuit of domain d, canonical
// and in Lagrange form, read from a sealed phase 1.
func plonkSRS(c commons, d int) (canonical, lagrange kzg.SRS, err error) {
	need := func(g1, g2 int) error {
		if g1 < d+3 || g2 < 2 {
			return fmt.Errorf("a PLONK circuit of domain %d needs %d powers of τ in G1; this phase 1 has %d", d, d+3, g1)
		}
		return nil
	}
	switch c := c.(type) {
	case *mpcbn254.SrsCommons:
		if err := need(len(c.G1.Tau), len(c.G2.Tau)); err != nil {
			return nil, nil, err
		}
		s := &kzgbn254.SRS{Pk: kzgbn254.ProvingKey{G1: c.G1.Tau[:d+3]}}
		s.Vk.G1, s.Vk.G2 = c.G1.Tau[0], [2]bn254.G2Affine{c.G2.Tau[0], c.G2.Tau[1]}
		s.Vk.Lines[0], s.Vk.Lines[1] = bn254.PrecomputeLines(s.Vk.G2[0]), bn254.PrecomputeLines(s.Vk.G2[1])
		return lagrangeOf(s, d)
	case *mpcbls12381.SrsCommons:
		if err := need(len(c.G1.Tau), len(c.G2.Tau)); err != nil {
			return nil, nil, err
		}
		s := &kzgbls12381.SRS{Pk: kzgbls12381.ProvingKey{G1: c.G1.Tau[:d+3]}}
		s.Vk.G1, s.Vk.G2 = c.G1.Tau[0], [2]bls12381.G2Affine{c.G2.Tau[0], c.G2.Tau[1]}
		s.Vk.Lines[0], s.Vk.Lines[1] = bls12381.PrecomputeLines(s.Vk.G2[0]), bls12381.PrecomputeLines(s.Vk.G2[1])
		return lagrangeOf(s, d)
	case *mpcbls12377.SrsCommons:
		if err := need(len(c.G1.Tau), len(c.G2.Tau)); err != nil {
			return nil, nil, err
		}
		s := &kzgbls12377.SRS{Pk: kzgbls12377.ProvingKey{G1: c.G1.Tau[:d+3]}}
		s.Vk.G1, s.Vk.G2 = c.G1.Tau[0], [2]bls12377.G2Affine{c.G2.Tau[0], c.G2.Tau[1]}
		s.Vk.Lines[0], s.Vk.Lines[1] = bls12377.PrecomputeLines(s.Vk.G2[0]), bls12377.PrecomputeLines(s.Vk.G2[1])
		return lagrangeOf(s, d)
	case *mpcbw6761.SrsCommons:
		if err := need(len(c.G1.Tau), len(c.G2.Tau)); err != nil {
			return nil, nil, err
		}
		s := &kzgbw6761.SRS{Pk: kzgbw6761.ProvingKey{G1: c.G1.Tau[:d+3]}}
		s.Vk.G1, s.Vk.G2 = c.G1.Tau[0], [2]bw6761.G2Affine{c.G2.Tau[0], c.G2.Tau[1]}
		s.Vk.Lines[0], s.Vk.Lines[1] = bw6761.PrecomputeLines(s.Vk.G2[0]), bw6761.PrecomputeLines(s.Vk.G2[1])
		return lagrangeOf(s, d)
	}
	return nil, nil, fmt.Errorf("a phase 1 of type %T", c)
}

// lagrangeOf pairs a canonical SRS with its first d powers in Lagrange form
// (an inverse FFT over G1, gnark-crypto's ToLagrangeG1).
func lagrangeOf(s kzg.SRS, d int) (canonical, lagrange kzg.SRS, err error) {
	switch s := s.(type) {
	case *kzgbn254.SRS:
		l, err := kzgbn254.ToLagrangeG1(slices.Clone(s.Pk.G1[:d]))
		return s, &kzgbn254.SRS{Pk: kzgbn254.ProvingKey{G1: l}, Vk: s.Vk}, err
	case *kzgbls12381.SRS:
		l, err := kzgbls12381.ToLagrangeG1(slices.Clone(s.Pk.G1[:d]))
		return s, &kzgbls12381.SRS{Pk: kzgbls12381.ProvingKey{G1: l}, Vk: s.Vk}, err
	case *kzgbls12377.SRS:
		l, err := kzgbls12377.ToLagrangeG1(slices.Clone(s.Pk.G1[:d]))
		return s, &kzgbls12377.SRS{Pk: kzgbls12377.ProvingKey{G1: l}, Vk: s.Vk}, err
	case *kzgbw6761.SRS:
		l, err := kzgbw6761.ToLagrangeG1(slices.Clone(s.Pk.G1[:d]))
		return s, &kzgbw6761.SRS{Pk: kzgbw6761.ProvingKey{G1: l}, Vk: s.Vk}, err
	}
	return nil, nil, fmt.Errorf("a KZG reference string of type %T", s)
}

// plonkSetup is gnark's PLONK setup of cs under the reference string of a
// sealed phase 1.
func plonkSetup(cs constraint.ConstraintSystem, c commons) (plonk.ProvingKey, plonk.VerifyingKey, error) {
	canonical, lagrange, err := plonkSRS(c, PlonkDomain(cs))
	if err != nil {
		return nil, nil, err
	}
	return plonk.Setup(cs, canonical, lagrange)
}

// PlonkOneParty is the PLONK setup of cs under a one-party powers of τ: τ is
// drawn from crypto/rand and dropped when the call returns, but whoever runs
// it could have kept it and forge proofs under the keys. It is what a run
// without a ceremony uses, and says so; gnark's test/unsafekzg (whose τ is
// cached for the process) is left to unit tests.
func PlonkOneParty(cs constraint.ConstraintSystem) (plonk.ProvingKey, plonk.VerifyingKey, error) {
	d := PlonkDomain(cs)
	curve := ecc.ID(0)
	for _, c := range []ecc.ID{ecc.BN254, ecc.BLS12_381, ecc.BLS12_377, ecc.BW6_761} {
		if cs.Field().Cmp(c.ScalarField()) == 0 {
			curve = c
		}
	}
	tau, err := rand.Int(rand.Reader, cs.Field())
	if err != nil {
		return nil, nil, err
	}
	var s kzg.SRS
	size := uint64(d + 3)
	switch curve {
	case ecc.BN254:
		s, err = kzgbn254.NewSRS(size, tau)
	case ecc.BLS12_381:
		s, err = kzgbls12381.NewSRS(size, tau)
	case ecc.BLS12_377:
		s, err = kzgbls12377.NewSRS(size, tau)
	case ecc.BW6_761:
		s, err = kzgbw6761.NewSRS(size, tau)
	default:
		return nil, nil, fmt.Errorf("no PLONK setup over the field of %T", cs)
	}
	tau.SetInt64(0)
	if err != nil {
		return nil, nil, err
	}
	canonical, lagrange, err := lagrangeOf(s, d)
	if err != nil {
		return nil, nil, err
	}
	return plonk.Setup(cs, canonical, lagrange)
}
