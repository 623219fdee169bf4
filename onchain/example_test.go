package onchain_test

import (
	"fmt"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/onchain"
)

// square states that the public Y is the square of a private X.
type square struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
}

func (c *square) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.Y)
	return nil
}

// Export a Groth16 verifying key as gnark's Solidity verifier and a proof
// as its calldata; Export.Measure would compile the contract with solc and
// run the call in go-ethereum's EVM.
func Example() {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &square{})
	if err != nil {
		panic(err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		panic(err)
	}
	w, err := frontend.NewWitness(&square{X: 3, Y: 9}, ecc.BN254.ScalarField())
	if err != nil {
		panic(err)
	}
	proof, err := groth16.Prove(cs, pk, w, onchain.ProverOptions()...)
	if err != nil {
		panic(err)
	}
	public, err := w.Public()
	if err != nil {
		panic(err)
	}
	e, err := onchain.New(vk, proof, public)
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Contract(), e.Function(), e.Public)
	fmt.Println("a Solidity contract:", strings.Contains(e.Solidity, "contract Verifier"), "calldata bytes:", len(e.Calldata()))
	// Output:
	// Verifier verifyProof(bytes,uint256[1]) [9]
	// a Solidity contract: true calldata bytes: 356
}
