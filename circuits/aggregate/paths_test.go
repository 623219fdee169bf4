package aggregate

import (
	"flag"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra"
	"github.com/consensys/gnark/std/algebra/emulated/sw_bn254"
	"github.com/consensys/gnark/std/algebra/native/sw_bls12377"
	"github.com/consensys/gnark/std/math/emulated"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/score"
	"github.com/potbench/potbench/internal/peakmem"
)

// BenchmarkAggregationPaths compiles the aggregation circuit of a one-step
// run (the step and the score proof) on each curve path and reports its
// constraints per inner proof: BLS12-377 proofs in BW6-761 (native pairing)
// and BN254 proofs in BN254 (emulated pairing, the path whose aggregate an
// EVM could verify). Compile only: setting up the BN254 path is what the
// constraint count rules out on small machines.
func BenchmarkAggregationPaths(b *testing.B) {
	lp := logreg.DefaultParams(32, 10, 4) // linreg/diabetes at batch 32: the published run's step
	qp := score.Params{N: 88, Model: logreg.DefaultParams(1, 10, 0)}
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
			score, qvk := inner(path.inner, score.NewScore(qp))
			var n, pub, commitments int
			for b.Loop() {
				c, err := path.circuit(step, score, svk, qvk)
				if err != nil {
					b.Fatal(err)
				}
				cs, err := frontend.Compile(path.outer.ScalarField(), r1cs.NewBuilder, c)
				if err != nil {
					b.Fatal(err)
				}
				n, pub = cs.GetNbConstraints(), cs.GetNbPublicVariables()-1
				commitments = len(cs.GetCommitments().CommitmentIndexes())
			}
			b.ReportMetric(float64(n), "constraints")
			b.ReportMetric(float64(n)/2, "constraints/proof")
			b.ReportMetric(float64(pub), "public-inputs")
			b.ReportMetric(float64(commitments), "commitments")
		})
	}
}

var proveFlag = flag.Bool("aggregate.prove", false, "run BenchmarkAggregationProve: set up and prove a one-step aggregate on each curve path (the BN254 path: about 3.2M constraints, several minutes and about 10 GB on 2 cores)")

// BenchmarkAggregationProve sets up, proves and verifies the aggregate of a
// one-step run (a step proof and a score proof of small linear-regression
// circuits: the recursive verifier's cost does not depend on the inner
// circuit's size) on each curve path, and reports each stage, the outer
// proof's size and the peak resident memory. Opt-in: -args -aggregate.prove.
func BenchmarkAggregationProve(b *testing.B) {
	if !*proveFlag {
		b.Skip("opt-in: pass -args -aggregate.prove (the BN254 path takes minutes and about 10 GB)")
	}
	b.Run("bls12_377-in-bw6_761", func(b *testing.B) {
		aggregateOnce[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](b, twoChain)
	})
	b.Run("bn254-in-bn254", func(b *testing.B) {
		aggregateOnce[sw_bn254.ScalarField, sw_bn254.G1Affine, sw_bn254.G2Affine, sw_bn254.GTEl](b, curvePath{ecc.BN254, ecc.BN254})
	})
}

func aggregateOnce[FR emulated.FieldParams, G1 algebra.G1ElementT, G2 algebra.G2ElementT, GT algebra.GtElementT](b *testing.B, cp curvePath) {
	rng := rand.New(rand.NewPCG(91, 92))
	p := logreg.DefaultParams(2, 2, 1).Params
	ds, err := commit.NewDatasetOn(cp.inner, commit.RoleTrain, circuittest.Rows(rng, 4, 3, -3000, 3000), 2, p.Data)
	if err != nil {
		b.Fatal(err)
	}
	qp := score.Params{N: 4, Model: logreg.DefaultParams(1, 2, 0)}
	held, err := qp.HeldoutSet(circuittest.Rows(rng, 4, 3, -3000, 3000))
	if err == nil {
		held, err = held.On(cp.inner)
	}
	if err != nil {
		b.Fatal(err)
	}
	step, score := cp.setup(b, linreg.NewCircuit(p)), cp.setup(b, score.NewScore(qp))
	a0, m1, err := p.Assign(ds, 0, linreg.Model{W: []int64{1 << 14, -1 << 13}, Bias: 3}, 1<<13)
	if err != nil {
		b.Fatal(err)
	}
	sa, err := qp.AssignScore(held, m1)
	if err != nil {
		b.Fatal(err)
	}
	s0, sc := step.prove(b, a0), score.prove(b, sa)
	stmt := Statement{DatasetRoot: s0.values[stepRoot], LearningRate: big.NewInt(1 << 13), InitialModel: s0.values[stepBefore],
		FinalModel: s0.values[stepAfter], HeldoutRoot: sc.values[scoreHeldout], Score: sc.values[ScoreValuesAt:],
		Steps: 1, Batches: 2, HeldoutRows: qp.N}
	shape := Shape{Steps: 1, Batches: 2, ScoreValues: len(stmt.Score)}
	circuit, err := New[FR, G1, G2, GT](shape, step.cs, score.cs, step.vk, score.vk)
	if err != nil {
		b.Fatal(err)
	}
	assignment, err := Assign[FR, G1, G2, GT](stmt, []groth16.Proof{s0.proof}, []witness.Witness{s0.public}, sc.proof, sc.public)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		peakmem.Reset()
		start := time.Now()
		cs, err := frontend.Compile(cp.outer.ScalarField(), r1cs.NewBuilder, circuit)
		if err != nil {
			b.Fatal(err)
		}
		compile := time.Since(start)
		start = time.Now()
		pk, vk, err := groth16.Setup(cs)
		if err != nil {
			b.Fatal(err)
		}
		setupT := time.Since(start)
		w, err := frontend.NewWitness(assignment, cp.outer.ScalarField())
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		proof, err := groth16.Prove(cs, pk, w)
		if err != nil {
			b.Fatal(err)
		}
		proveT := time.Since(start)
		pub, _ := w.Public()
		start = time.Now()
		if err := groth16.Verify(proof, vk, pub); err != nil {
			b.Fatal(err)
		}
		verifyT := time.Since(start)
		var size countingWriter
		proof.WriteTo(&size)
		b.ReportMetric(float64(cs.GetNbConstraints()), "constraints")
		b.ReportMetric(float64(cs.GetNbConstraints())/2, "constraints/proof")
		b.ReportMetric(float64(compile.Nanoseconds()), "compile-ns")
		b.ReportMetric(float64(setupT.Nanoseconds()), "setup-ns")
		b.ReportMetric(float64(proveT.Nanoseconds()), "prove-ns")
		b.ReportMetric(float64(proveT.Nanoseconds())/2, "prove-ns/proof")
		b.ReportMetric(float64(verifyT.Nanoseconds()), "verify-ns")
		b.ReportMetric(float64(size), "proof-B")
		b.ReportMetric(float64(peakmem.Peak()), "peak-B")
	}
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
