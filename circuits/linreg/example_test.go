package linreg_test

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/linreg"
)

// Prove one least-squares SGD step on a committed batch with Groth16 on
// BN254, and verify it against the public inputs alone: the dataset root,
// the batch, the learning rate and the models before and after.
func Example() {
	p := linreg.DefaultParams(4, 3, 2) // batches of 4 rows, 3 features, up to 2^2 batches
	rows := make([][]int64, 16)        // 4 batches of 3 features and a target, Q4.12
	for i := range rows {
		rows[i] = []int64{int64(i * 100), int64(-i * 50), 4096, int64(i * 30)}
	}
	ds, err := commit.NewDataset(commit.RoleTrain, rows, p.B, p.Data)
	if err != nil {
		panic(err)
	}
	before := linreg.Model{W: []int64{1 << 15, -3 << 14, 7 << 12}, Bias: 7} // Q16.16
	assignment, after, err := p.Assign(ds, 1, before, 1<<13)                // batch 1, learning rate 1/8
	if err != nil {
		panic(err)
	}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, linreg.NewCircuit(p))
	if err != nil {
		panic(err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		panic(err)
	}
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		panic(err)
	}
	proof, err := groth16.Prove(cs, pk, w)
	if err != nil {
		panic(err)
	}
	public, err := w.Public()
	if err != nil {
		panic(err)
	}
	fmt.Println("verified:", groth16.Verify(proof, vk, public) == nil)
	fmt.Println("bias after the step:", after.Bias != before.Bias)
	// Output:
	// verified: true
	// bias after the step: true
}
