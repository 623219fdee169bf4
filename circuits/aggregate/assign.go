package aggregate

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/std/algebra"
	"github.com/consensys/gnark/std/algebra/native/sw_bls12377"
	"github.com/consensys/gnark/std/math/emulated"
	stdgroth16 "github.com/consensys/gnark/std/recursion/groth16"
)

// BLS12377 is the aggregation circuit of the 2-chain: BLS12-377 step proofs
// verified in a BW6-761 circuit.
type BLS12377 = Circuit[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT]

// Statement is what an aggregate proof makes public: the run's statement.
type Statement struct {
	DatasetRoot, LearningRate, InitialModel, FinalModel, HeldoutRoot *big.Int
	Steps, Batches, HeldoutRows                                      int
	Score                                                            []*big.Int // summed loss (where proven), correct answers
}

// New returns the circuit to compile for a shape: the step and score
// circuits give the placeholders' sizes, and their verifying keys are fixed
// in the circuit.
func New[FR emulated.FieldParams, G1 algebra.G1ElementT, G2 algebra.G2ElementT, GT algebra.GtElementT](shape Shape,
	stepCS, scoreCS constraint.ConstraintSystem, stepVK, scoreVK groth16.VerifyingKey) (*Circuit[FR, G1, G2, GT], error) {
	if err := shape.Check(); err != nil {
		return nil, err
	}
	if n := stepCS.GetNbPublicVariables() - 1; n != StepInputs {
		return nil, fmt.Errorf("aggregate: the step circuit has %d public inputs, a step has %d", n, StepInputs)
	}
	if n := scoreCS.GetNbPublicVariables() - 1; n != ScoreValuesAt+shape.ScoreValues {
		return nil, fmt.Errorf("aggregate: the score circuit has %d public inputs, the shape wants %d", n, ScoreValuesAt+shape.ScoreValues)
	}
	c := &Circuit[FR, G1, G2, GT]{shape: shape, Score: make([]emulated.Element[FR], shape.ScoreValues),
		Steps: make([]stdgroth16.Proof[G1, G2], shape.Steps), StepInputs: make([]stdgroth16.Witness[FR], shape.Steps),
		ScoreProof: stdgroth16.PlaceholderProof[G1, G2](scoreCS), ScoreInput: stdgroth16.PlaceholderWitness[FR](scoreCS)}
	for i := range c.Steps {
		c.Steps[i] = stdgroth16.PlaceholderProof[G1, G2](stepCS)
		c.StepInputs[i] = stdgroth16.PlaceholderWitness[FR](stepCS)
	}
	var err error
	if c.stepVK, err = stdgroth16.ValueOfVerifyingKeyFixed[G1, G2, GT](stepVK); err != nil {
		return nil, fmt.Errorf("aggregate: step verifying key: %w", err)
	}
	if c.scoreVK, err = stdgroth16.ValueOfVerifyingKeyFixed[G1, G2, GT](scoreVK); err != nil {
		return nil, fmt.Errorf("aggregate: score verifying key: %w", err)
	}
	return c, nil
}

// Public returns the assignment of the statement alone, for verifying an
// aggregate proof.
func Public[FR emulated.FieldParams, G1 algebra.G1ElementT, G2 algebra.G2ElementT, GT algebra.GtElementT](s Statement) *Circuit[FR, G1, G2, GT] {
	c := &Circuit[FR, G1, G2, GT]{DatasetRoot: emulated.ValueOf[FR](s.DatasetRoot), LearningRate: emulated.ValueOf[FR](s.LearningRate),
		InitialModel: emulated.ValueOf[FR](s.InitialModel), FinalModel: emulated.ValueOf[FR](s.FinalModel),
		HeldoutRoot: emulated.ValueOf[FR](s.HeldoutRoot), StepCount: emulated.ValueOf[FR](s.Steps),
		Batches: emulated.ValueOf[FR](s.Batches), HeldoutRows: emulated.ValueOf[FR](s.HeldoutRows)}
	for _, v := range s.Score {
		c.Score = append(c.Score, emulated.ValueOf[FR](v))
	}
	return c
}

// Assign returns the full assignment: the statement, every step proof with
// its public witness, and the score proof with its public witness.
func Assign[FR emulated.FieldParams, G1 algebra.G1ElementT, G2 algebra.G2ElementT, GT algebra.GtElementT](s Statement,
	steps []groth16.Proof, stepPublic []witness.Witness, score groth16.Proof, scorePublic witness.Witness) (*Circuit[FR, G1, G2, GT], error) {
	if len(steps) != len(stepPublic) {
		return nil, fmt.Errorf("aggregate: %d step proofs, %d public witnesses", len(steps), len(stepPublic))
	}
	c := Public[FR, G1, G2, GT](s)
	for i := range steps {
		p, err := stdgroth16.ValueOfProof[G1, G2](steps[i])
		if err != nil {
			return nil, fmt.Errorf("aggregate: step proof %d: %w", i, err)
		}
		w, err := stdgroth16.ValueOfWitness[FR](stepPublic[i])
		if err != nil {
			return nil, fmt.Errorf("aggregate: step witness %d: %w", i, err)
		}
		c.Steps, c.StepInputs = append(c.Steps, p), append(c.StepInputs, w)
	}
	var err error
	if c.ScoreProof, err = stdgroth16.ValueOfProof[G1, G2](score); err != nil {
		return nil, fmt.Errorf("aggregate: score proof: %w", err)
	}
	if c.ScoreInput, err = stdgroth16.ValueOfWitness[FR](scorePublic); err != nil {
		return nil, fmt.Errorf("aggregate: score witness: %w", err)
	}
	return c, nil
}
