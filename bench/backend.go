package bench

import (
	"fmt"
	"io"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"
	"github.com/consensys/gnark/test/unsafekzg"
)

// Backends are the proving systems a workload can be measured with.
var Backends = []string{"groth16", "plonk"}

// key is a proving or verifying key that the cache can store.
type key interface {
	io.WriterTo
	WriteRawTo(io.Writer) (int64, error)
	UnsafeReadFrom(io.Reader) (int64, error)
}

// provingSystem hides the differences between gnark's backends.
type provingSystem interface {
	builder() frontend.NewBuilder
	newKeys(curve ecc.ID) (pk, vk key)
	setup(cs constraint.ConstraintSystem) (pk, vk key, err error)
	prove(cs constraint.ConstraintSystem, pk key, w witness.Witness) (io.WriterTo, error)
	verify(proof io.WriterTo, vk key, public witness.Witness) error
}

func newProvingSystem(name string) (provingSystem, error) {
	switch name {
	case "groth16":
		return groth16System{}, nil
	case "plonk":
		return plonkSystem{}, nil
	}
	return nil, fmt.Errorf("unknown backend %q (known: %s)", name, strings.Join(Backends, ", "))
}

type groth16System struct{}

func (groth16System) builder() frontend.NewBuilder { return r1cs.NewBuilder }
func (groth16System) newKeys(c ecc.ID) (key, key) {
	return groth16.NewProvingKey(c), groth16.NewVerifyingKey(c)
}
func (groth16System) setup(cs constraint.ConstraintSystem) (key, key, error) {
	pk, vk, err := groth16.Setup(cs)
	return pk, vk, err
}
func (groth16System) prove(cs constraint.ConstraintSystem, pk key, w witness.Witness) (io.WriterTo, error) {
	return groth16.Prove(cs, pk.(groth16.ProvingKey), w)
}
func (groth16System) verify(proof io.WriterTo, vk key, public witness.Witness) error {
	return groth16.Verify(proof.(groth16.Proof), vk.(groth16.VerifyingKey), public)
}

// plonkSystem uses a KZG reference string generated locally with known
// randomness (gnark's test/unsafekzg): the timings are those of PLONK, but
// such keys must never secure anything. Its generation counts as setup.
type plonkSystem struct{}

func (plonkSystem) builder() frontend.NewBuilder { return scs.NewBuilder }
func (plonkSystem) newKeys(c ecc.ID) (key, key) {
	return plonk.NewProvingKey(c), plonk.NewVerifyingKey(c)
}
func (plonkSystem) setup(cs constraint.ConstraintSystem) (key, key, error) {
	srs, lagrange, err := unsafekzg.NewSRS(cs)
	if err != nil {
		return nil, nil, err
	}
	pk, vk, err := plonk.Setup(cs, srs, lagrange)
	return pk, vk, err
}
func (plonkSystem) prove(cs constraint.ConstraintSystem, pk key, w witness.Witness) (io.WriterTo, error) {
	return plonk.Prove(cs, pk.(plonk.ProvingKey), w)
}
func (plonkSystem) verify(proof io.WriterTo, vk key, public witness.Witness) error {
	return plonk.Verify(proof.(plonk.Proof), vk.(plonk.VerifyingKey), public)
}
