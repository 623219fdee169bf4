package onchain

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
)

// inputsCircuit has N public inputs, each range-checked (so, like every
// potbench circuit, one commitment): a circuit of the shape whose on-chain
// cost is measured, with nothing else in it.
type inputsCircuit struct {
	In []frontend.Variable `gnark:",public"`
}

func (c *inputsCircuit) Define(api frontend.API) error {
	rc := rangecheck.New(api)
	for _, v := range c.In {
		rc.Check(v, 32)
	}
	return nil
}

// BenchmarkVerifyGasByInputs measures the gas of gnark's Groth16 Solidity
// verifier for proofs with N public inputs and one commitment, in
// go-ethereum's EVM: 1 and 5 as potbench's circuits have, 28 as the BN254
// aggregate of a run has (7 emulated values of 4 limbs, see
// BenchmarkAggregationPaths in circuits/aggregate).
func BenchmarkVerifyGasByInputs(b *testing.B) {
	solc, err := FindCompiler()
	if err != nil {
		b.Skip(err)
	}
	for _, n := range []int{1, 5, 28} {
		b.Run(fmt.Sprintf("inputs=%d", n), func(b *testing.B) {
			c := &inputsCircuit{In: make([]frontend.Variable, n)}
			cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
			if err != nil {
				b.Fatal(err)
			}
			pk, vk, err := groth16.Setup(cs)
			if err != nil {
				b.Fatal(err)
			}
			a := &inputsCircuit{In: make([]frontend.Variable, n)}
			for i := range a.In {
				a.In[i] = 1000 + i
			}
			w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
			if err != nil {
				b.Fatal(err)
			}
			pub, _ := w.Public()
			proof, err := groth16.Prove(cs, pk, w, ProverOptions()...)
			if err != nil {
				b.Fatal(err)
			}
			e, err := New(vk, proof, pub)
			if err != nil {
				b.Fatal(err)
			}
			var g Gas
			for b.Loop() {
				if g, err = e.Measure(solc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(cs.GetCommitments().CommitmentIndexes())), "commitments")
			b.ReportMetric(float64(g.Exec), "verify-gas")
			b.ReportMetric(float64(g.Tx), "verify-tx-gas")
		})
	}
}
