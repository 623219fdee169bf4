package aggregate

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra/emulated/sw_bn254"
	"github.com/consensys/gnark/std/algebra/native/sw_bls12377"

	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/quality"
)

// BenchmarkAggregationPaths compiles the aggregation circuit of a one-step
// run (the step and the score proof) on each curve path and reports its
// constraints per inner proof: BLS12-377 proofs in BW6-761 (native pairing)
// and BN254 proofs in BN254 (emulated pairing, the path whose aggregate an
// EVM could verify). Compile only: setting up the BN254 path is what the
// constraint count rules out on small machines.
func BenchmarkAggregationPaths(b *testing.B) {
	lp := logreg.DefaultParams(32, 10, 4) // linreg/diabetes at batch 32: the published run's step
	qp := quality.Params{N: 88, Model: logreg.DefaultParams(1, 10, 0)}
	inner := func(curve ecc.ID, c frontend.Circuit) (constraint.ConstraintSystem, groth16.VerifyingKey) {
		cs, err := frontend.Compile(curve.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			b.Fatal(err)
		}
		_, vk, err := groth16.Setup(cs)
		if err != nil {
			b.Fatal(err)
		}
		return cs, vk
	}
	shape := Shape{Steps: 1, Batches: 11, ScoreValues: 2}
	for _, path := range []struct {
		name         string
		inner, outer ecc.ID
		circuit      func(step, score constraint.ConstraintSystem, svk, qvk groth16.VerifyingKey) (frontend.Circuit, error)
	}{
		{"bls12_377-in-bw6_761", ecc.BLS12_377, ecc.BW6_761, func(step, score constraint.ConstraintSystem, svk, qvk groth16.VerifyingKey) (frontend.Circuit, error) {
			return New[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](shape, step, score, svk, qvk)
		}},
		{"bn254-in-bn254", ecc.BN254, ecc.BN254, func(step, score constraint.ConstraintSystem, svk, qvk groth16.VerifyingKey) (frontend.Circuit, error) {
			return New[sw_bn254.ScalarField, sw_bn254.G1Affine, sw_bn254.G2Affine, sw_bn254.GTEl](shape, step, score, svk, qvk)
		}},
	} {
		b.Run(path.name, func(b *testing.B) {
			step, svk := inner(path.inner, linreg.NewCircuit(lp.Params))
			score, qvk := inner(path.inner, quality.NewScore(qp))
			var n int
			for b.Loop() {
				c, err := path.circuit(step, score, svk, qvk)
				if err != nil {
					b.Fatal(err)
				}
				cs, err := frontend.Compile(path.outer.ScalarField(), r1cs.NewBuilder, c)
				if err != nil {
					b.Fatal(err)
				}
				n = cs.GetNbConstraints()
			}
			b.ReportMetric(float64(n), "constraints")
			b.ReportMetric(float64(n)/2, "constraints/proof")
		})
	}
}
