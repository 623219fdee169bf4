package trainrun_test

import (
	"context"
	"fmt"
	"os"

	"github.com/consensys/gnark-crypto/ecc"

	"github.com/potbench/potbench/trainrun"
)

// Train least squares on the diabetes set for one epoch in batches of 128
// (two SGD steps), prove every step and the held-out score, then verify the
// run directory as a buyer would, from its files alone.
func Example_trainAndVerify() {
	dir, err := os.MkdirTemp("", "potbench-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	cfg := trainrun.Config{Model: "linreg", Epochs: 1, Batch: 128, LR: 0.05, Seed: 1, Chain: 1,
		Curve: ecc.BN254, Backend: "groth16", Dir: dir}
	if _, err := trainrun.Train(context.Background(), cfg); err != nil {
		panic(err)
	}
	v, err := trainrun.Verify(dir, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("verified %d proofs: %d steps and the score on %d held-out rows\n", v.Proofs, v.Steps, v.Score.Rows)
	// Output:
	// verified 3 proofs: 2 steps and the score on 88 held-out rows
}
