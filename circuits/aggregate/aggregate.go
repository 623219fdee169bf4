// Package aggregate proves a whole training run in one proof: a circuit that
// verifies every step proof of the run and its score proof with gnark's
// recursive Groth16 verifier (std/recursion/groth16) and checks, inside the
// circuit, the links that potbench verify checks outside.
//
// Statement: there are Steps Groth16 proofs under the step circuit's
// verifying key, and one under the score circuit's key, whose public inputs
// chain as one sequential run: every step trained on the training set of
// Batches batches committed as DatasetRoot with LearningRate; step i on batch
// i mod Batches; step 0 starts from InitialModel, step i+1 from the model
// step i reached, and the last reaches FinalModel; the score proof scores
// FinalModel on the HeldoutRows rows of the held-out set HeldoutRoot with the
// values Score (the summed loss where the score circuit proves one, then the
// correct answers). The intermediate models and the proofs stay private.
// Steps and Batches are public and asserted equal to the circuit's shape, so
// a verifier passes the counts it derived itself and an aggregate compiled
// for another schedule fails.
//
// Curve paths: the inner curve's scalar field is emulated (the step inputs
// are emulated elements) and its pairing is computed in the outer field. On
// the 2-chain BLS12-377 → BW6-761 the pairing is native (BLS12-377's base
// field is BW6-761's scalar field): the cheapest recursion gnark offers. BN254
// in BN254 emulates the pairing too and costs far more per proof (the figures
// are in the README and REPORT.md). The verifying keys are circuit constants
// (ValueOfVerifyingKeyFixed): an aggregate is bound to the run's circuits.
//
// Cost: one recursive Groth16 verification per proof (a 4-pairing product
// with the commitment's proof of knowledge, and the public-input
// multi-scalar multiplication with emulated scalars), plus 6 emulated
// equalities per step.
//
// Soundness: each inner proof is sound under its verifying key (knowledge
// soundness of Groth16 with BSB22 commitments); the inner proofs must be made
// with stdgroth16.GetNativeProverOptions so that the commitment is hashed the
// way the circuit does it. The links are equalities of emulated elements,
// which hold modulo the inner field, as the inner verifier reads its inputs.
// Batch indices are circuit constants, and the batch count every step proof
// passes is the aggregate's public Batches. The outer proof is Groth16 on the
// outer curve, sound under its own setup.
package aggregate

import (
	"fmt"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra"
	"github.com/consensys/gnark/std/math/emulated"
	stdgroth16 "github.com/consensys/gnark/std/recursion/groth16"
)

// Public inputs of a step proof (circuits/step.Public) and of a score proof
// (circuits/score): held-out root, its rows, model, then the score values.
const (
	StepInputs    = 6
	ScoreModel    = 2
	ScoreValuesAt = 3
	stepRoot      = 0
	stepBatch     = 1
	stepLR        = 2
	stepBefore    = 3
	stepAfter     = 4
	stepBatches   = 5
	scoreHeldout  = 0
	scoreRows     = 1
)

// Shape is what an aggregation circuit is compiled for: the number of step
// proofs, the batches per epoch (step i trains on batch i mod Batches) and
// the score's values (the score circuit's public inputs after the model).
type Shape struct {
	Steps, Batches, ScoreValues int
}

// Check refuses shapes no run has.
func (s Shape) Check() error {
	if s.Steps < 1 || s.Batches < 1 || s.ScoreValues < 1 {
		return fmt.Errorf("aggregate: %d steps of %d batches with %d score values is no run", s.Steps, s.Batches, s.ScoreValues)
	}
	return nil
}

// Circuit verifies a run's step proofs and score proof and their links.
type Circuit[FR emulated.FieldParams, G1 algebra.G1ElementT, G2 algebra.G2ElementT, GT algebra.GtElementT] struct {
	DatasetRoot  emulated.Element[FR]   `gnark:",public"`
	LearningRate emulated.Element[FR]   `gnark:",public"`
	InitialModel emulated.Element[FR]   `gnark:",public"`
	FinalModel   emulated.Element[FR]   `gnark:",public"`
	HeldoutRoot  emulated.Element[FR]   `gnark:",public"`
	StepCount    emulated.Element[FR]   `gnark:",public"` // = shape.Steps
	Batches      emulated.Element[FR]   `gnark:",public"` // = shape.Batches
	HeldoutRows  emulated.Element[FR]   `gnark:",public"`
	Score        []emulated.Element[FR] `gnark:",public"`

	Steps      []stdgroth16.Proof[G1, G2]
	StepInputs []stdgroth16.Witness[FR]
	ScoreProof stdgroth16.Proof[G1, G2]
	ScoreInput stdgroth16.Witness[FR]

	shape   Shape                               `gnark:"-"`
	stepVK  stdgroth16.VerifyingKey[G1, G2, GT] `gnark:"-"` // fixed: circuit constants
	scoreVK stdgroth16.VerifyingKey[G1, G2, GT] `gnark:"-"`
}

// Define verifies every proof and asserts the links.
func (c *Circuit[FR, G1, G2, GT]) Define(api frontend.API) error {
	if err := c.shape.Check(); err != nil {
		return err
	}
	if len(c.Steps) != c.shape.Steps || len(c.StepInputs) != c.shape.Steps || len(c.Score) != c.shape.ScoreValues ||
		len(c.ScoreInput.Public) != ScoreValuesAt+c.shape.ScoreValues {
		return fmt.Errorf("aggregate: the circuit's slices do not match its shape %+v", c.shape)
	}
	f, err := emulated.NewField[FR](api)
	if err != nil {
		return err
	}
	v, err := stdgroth16.NewVerifier[FR, G1, G2, GT](api)
	if err != nil {
		return err
	}
	f.AssertIsEqual(&c.StepCount, f.NewElement(c.shape.Steps))
	f.AssertIsEqual(&c.Batches, f.NewElement(c.shape.Batches))
	model := &c.InitialModel
	for i := range c.Steps {
		in := c.StepInputs[i].Public
		if len(in) != StepInputs {
			return fmt.Errorf("aggregate: step %d has %d public inputs, a step has %d", i, len(in), StepInputs)
		}
		f.AssertIsEqual(&in[stepRoot], &c.DatasetRoot)
		f.AssertIsEqual(&in[stepBatch], f.NewElement(i%c.shape.Batches))
		f.AssertIsEqual(&in[stepBatches], &c.Batches)
		f.AssertIsEqual(&in[stepLR], &c.LearningRate)
		f.AssertIsEqual(&in[stepBefore], model)
		model = &in[stepAfter]
		if err := v.AssertProof(c.stepVK, c.Steps[i], c.StepInputs[i]); err != nil {
			return fmt.Errorf("aggregate: step %d: %w", i, err)
		}
	}
	f.AssertIsEqual(model, &c.FinalModel)
	in := c.ScoreInput.Public
	f.AssertIsEqual(&in[scoreHeldout], &c.HeldoutRoot)
	f.AssertIsEqual(&in[scoreRows], &c.HeldoutRows)
	f.AssertIsEqual(&in[ScoreModel], &c.FinalModel)
	for j := range c.Score {
		f.AssertIsEqual(&in[ScoreValuesAt+j], &c.Score[j])
	}
	return v.AssertProof(c.scoreVK, c.ScoreProof, c.ScoreInput)
}
