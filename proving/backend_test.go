package proving

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
)

// twoPublic has two public inputs and one secret.
type twoPublic struct {
	A, B frontend.Variable `gnark:",public"`
	X    frontend.Variable
}

func (c *twoPublic) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.A), c.B)
	return nil
}

// TestPublicVariables: both proving systems count the circuit's public
// inputs, not R1CS's constant wire (PLONK has none: subtracting it counted
// one input too few), and agree with the verifying keys.
func TestPublicVariables(t *testing.T) {
	for _, name := range Backends {
		sys, err := NewSystem(name)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), sys.Builder(), &twoPublic{})
		if err != nil {
			t.Fatal(err)
		}
		if n := PublicVariables(cs); n != 2 {
			t.Errorf("%s: %d public inputs, want 2", name, n)
		}
		_, vk, err := sys.Setup(cs)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := PublicInputs(vk); err != nil || n != 2 {
			t.Errorf("%s verifying key: %d public inputs (%v), want 2", name, n, err)
		}
	}
}
