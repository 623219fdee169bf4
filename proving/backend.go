package proving

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"
	stdgroth16 "github.com/consensys/gnark/std/recursion/groth16"

	"github.com/potbench/potbench/ceremony"
)

// Backends are the proving systems a workload can be measured with.
var Backends = []string{"groth16", "plonk"}

// Key is a proving or verifying key that the cache can store.
type Key interface {
	io.WriterTo
	WriteRawTo(io.Writer) (int64, error)
	UnsafeReadFrom(io.Reader) (int64, error)
}

// Proof is a proof that can be written and read back.
type Proof interface {
	io.WriterTo
	io.ReaderFrom
}

// System hides the differences between gnark's backends.
type System interface {
	NewProof(curve ecc.ID) Proof
	Builder() frontend.NewBuilder
	NewKeys(curve ecc.ID) (pk, vk Key)
	Setup(cs constraint.ConstraintSystem) (pk, vk Key, err error)
	Prove(cs constraint.ConstraintSystem, pk Key, w witness.Witness) (io.WriterTo, error)
	Verify(proof io.WriterTo, vk Key, public witness.Witness) error
}

// NewSystem returns the proving system called name ("groth16", "plonk").
func NewSystem(name string) (System, error) {
	switch name {
	case "groth16":
		return groth16System{}, nil
	case "plonk":
		return plonkSystem{}, nil
	}
	return nil, fmt.Errorf("unknown backend %q (known: %s)", name, strings.Join(Backends, ", "))
}

type groth16System struct{}

func (groth16System) Builder() frontend.NewBuilder { return r1cs.NewBuilder }
func (groth16System) NewProof(c ecc.ID) Proof      { return groth16.NewProof(c) }
func (groth16System) NewKeys(c ecc.ID) (Key, Key) {
	return groth16.NewProvingKey(c), groth16.NewVerifyingKey(c)
}
func (groth16System) Setup(cs constraint.ConstraintSystem) (Key, Key, error) {
	pk, vk, err := groth16.Setup(cs)
	return pk, vk, err
}

// On BN254, Groth16 proofs are made for gnark's Solidity verifier: the
// commitment of range checks, lookups and multicommit is hashed to a public
// input with keccak256, as the exported contract does (a proof made with
// gnark's default hash verifies in Go but not on chain). On BLS12-377 they are
// made for gnark's recursive verifier in a BW6-761 circuit (circuits/aggregate):
// the commitment is hashed with the hash that circuit computes natively. Go
// verification uses the same hash.
func (groth16System) Prove(cs constraint.ConstraintSystem, pk Key, w witness.Witness) (io.WriterTo, error) {
	var opts []backend.ProverOption
	switch {
	case cs.Field().Cmp(ecc.BN254.ScalarField()) == 0:
		opts = append(opts, solidity.WithProverTargetSolidityVerifier(backend.GROTH16))
	case cs.Field().Cmp(ecc.BLS12_377.ScalarField()) == 0:
		opts = append(opts, stdgroth16.GetNativeProverOptions(ecc.BW6_761.ScalarField(), ecc.BLS12_377.ScalarField()))
	}
	return groth16.Prove(cs, pk.(groth16.ProvingKey), w, opts...)
}
func (groth16System) Verify(proof io.WriterTo, vk Key, public witness.Witness) error {
	v := vk.(groth16.VerifyingKey)
	var opts []backend.VerifierOption
	switch v.CurveID() {
	case ecc.BN254:
		opts = append(opts, solidity.WithVerifierTargetSolidityVerifier(backend.GROTH16))
	case ecc.BLS12_377:
		opts = append(opts, stdgroth16.GetNativeVerifierOptions(ecc.BW6_761.ScalarField(), ecc.BLS12_377.ScalarField()))
	}
	return groth16.Verify(proof.(groth16.Proof), v, public, opts...)
}

// plonkSystem sets up under a one-party KZG reference string
// (ceremony.PlonkOneParty: τ drawn and dropped in the call), whose
// generation counts as setup; keys that secure a run come from a ceremony's
// phase 1 (potbench ceremony init -backend plonk).
type plonkSystem struct{}

func (plonkSystem) Builder() frontend.NewBuilder { return scs.NewBuilder }
func (plonkSystem) NewProof(c ecc.ID) Proof      { return plonk.NewProof(c) }
func (plonkSystem) NewKeys(c ecc.ID) (Key, Key) {
	return plonk.NewProvingKey(c), plonk.NewVerifyingKey(c)
}
func (plonkSystem) Setup(cs constraint.ConstraintSystem) (Key, Key, error) {
	pk, vk, err := ceremony.PlonkOneParty(cs)
	return pk, vk, err
}
func (plonkSystem) Prove(cs constraint.ConstraintSystem, pk Key, w witness.Witness) (io.WriterTo, error) {
	return plonk.Prove(cs, pk.(plonk.ProvingKey), w)
}
func (plonkSystem) Verify(proof io.WriterTo, vk Key, public witness.Witness) error {
	return plonk.Verify(proof.(plonk.Proof), vk.(plonk.VerifyingKey), public)
}

// PublicVariables is how many public inputs a compiled circuit takes: an
// R1CS counts the constant wire among its public variables, a PLONK
// constraint system does not.
func PublicVariables(cs constraint.ConstraintSystem) int {
	n := cs.GetNbPublicVariables()
	if ceremony.IsPlonk(cs) {
		return n
	}
	return n - 1
}

// PublicInputs is how many public inputs a verifying key verifies: for
// Groth16 its public-input points less the constant and one point per BSB22
// commitment; for PLONK its recorded count.
func PublicInputs(vk Key) (int, error) {
	n, ok := vk.(interface{ NbPublicWitness() int })
	if !ok {
		return 0, fmt.Errorf("a %T does not tell its public inputs", vk)
	}
	count := n.NbPublicWitness()
	if _, isGroth16 := vk.(groth16.VerifyingKey); isGroth16 {
		v := reflect.Indirect(reflect.ValueOf(vk)).FieldByName("PublicAndCommitmentCommitted")
		if !v.IsValid() {
			return 0, fmt.Errorf("a %T does not tell its commitments", vk)
		}
		count -= v.Len()
	}
	return count, nil
}
