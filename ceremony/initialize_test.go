package ceremony

import (
	"bytes"
	"math/big"
	"reflect"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	mpcbn254 "github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
)

// mixed has every kind of term Initialize meets: public inputs, a BSB22
// commitment and a range check's, coefficients 1, -1, 2, small, small
// negative and full width, and wires that appear in no A or B.
type mixed struct {
	X    [4]frontend.Variable
	P, Q frontend.Variable `gnark:",public"`
}

func (c *mixed) Define(api frontend.API) error {
	rc := rangecheck.New(api)
	for _, x := range c.X {
		rc.Check(x, 12)
	}
	wide, _ := new(big.Int).SetString("1234567890123456789012345678901234567890123456789", 10)
	lin := api.Add(api.Mul(c.X[0], 2), api.Neg(c.X[1]), api.Mul(c.X[2], wide), api.Mul(c.X[3], -(1<<40)), api.Mul(c.X[0], 12345))
	api.AssertIsEqual(api.Mul(lin, c.P), c.Q)
	cm, err := api.(frontend.Committer).Commit(c.X[0], c.X[3], c.P)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(cm, c.Q)
	return nil
}

// TestInitializeBN254 compares initializeBN254 with gnark's
// Phase2.Initialize, encoding for encoding and evaluation for evaluation.
func TestInitializeBN254(t *testing.T) {
	for _, c := range []frontend.Circuit{&mixed{}, &square{k: 9}} {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			t.Fatal(err)
		}
		r := cs.(*csbn254.R1CS)
		n := uint64(Domain(r.GetNbConstraints()))
		p1 := mpcbn254.NewPhase1(n)
		p1.Contribute()
		commons := p1.Seal([]byte("beacon"))

		var want mpcbn254.Phase2
		wantEvals := want.Initialize(r, &commons)
		got, gotEvals := initializeBN254(r, &commons)

		var wb, gb bytes.Buffer
		if _, err := want.WriteTo(&wb); err != nil {
			t.Fatal(err)
		}
		if _, err := got.WriteTo(&gb); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(wb.Bytes(), gb.Bytes()) {
			t.Errorf("%T: phase-2 starting point differs from gnark's", c)
		}
		if !reflect.DeepEqual(wantEvals, gotEvals) {
			t.Errorf("%T: evaluations differ from gnark's", c)
		}
		if len(gotEvals.G1.CKK) == 0 || len(gotEvals.G1.VKK) < 3 {
			t.Errorf("%T: %d commitments, %d public and commitment points: the test circuit lost its commitment", c, len(gotEvals.G1.CKK), len(gotEvals.G1.VKK))
		}
	}
}
