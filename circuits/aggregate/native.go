package aggregate

import (
	"fmt"
	"math/big"
)

// Check is the native mirror of Define's links: the step proofs' public
// inputs (steps[i]) and the score proof's (score) chain as the statement
// says, for a run of the given shape. The proofs themselves are checked by
// their verifiers.
func (s Statement) Check(shape Shape, steps [][]*big.Int, score []*big.Int) error {
	if err := shape.Check(); err != nil {
		return err
	}
	if len(steps) != shape.Steps || s.Steps != shape.Steps || s.Batches != shape.Batches {
		return fmt.Errorf("aggregate: %d step proofs and a statement of %d steps of %d batches; the shape has %d of %d",
			len(steps), s.Steps, s.Batches, shape.Steps, shape.Batches)
	}
	batches := big.NewInt(int64(s.Batches))
	model := s.InitialModel
	for i, in := range steps {
		if len(in) != StepInputs {
			return fmt.Errorf("aggregate: step %d has %d public inputs, a step has %d", i, len(in), StepInputs)
		}
		switch {
		case in[stepRoot].Cmp(s.DatasetRoot) != 0 || in[stepBatches].Cmp(batches) != 0:
			return fmt.Errorf("aggregate: step %d trained on another dataset", i)
		case in[stepBatch].Cmp(big.NewInt(int64(i%shape.Batches))) != 0:
			return fmt.Errorf("aggregate: step %d proves batch %s, the schedule says %d", i, in[stepBatch], i%shape.Batches)
		case in[stepLR].Cmp(s.LearningRate) != 0:
			return fmt.Errorf("aggregate: step %d has another learning rate", i)
		case in[stepBefore].Cmp(model) != 0:
			return fmt.Errorf("aggregate: step %d does not start from the model the run had reached", i)
		}
		model = in[stepAfter]
	}
	if model.Cmp(s.FinalModel) != 0 {
		return fmt.Errorf("aggregate: the last step does not reach the final model")
	}
	if len(score) != ScoreValuesAt+shape.ScoreValues || len(s.Score) != shape.ScoreValues {
		return fmt.Errorf("aggregate: the score has %d public inputs and the statement %d values; the shape wants %d values", len(score), len(s.Score), shape.ScoreValues)
	}
	if score[scoreHeldout].Cmp(s.HeldoutRoot) != 0 || score[scoreRows].Cmp(big.NewInt(int64(s.HeldoutRows))) != 0 || score[ScoreModel].Cmp(s.FinalModel) != 0 {
		return fmt.Errorf("aggregate: the score is not of the final model on the held-out set")
	}
	for j, v := range s.Score {
		if score[ScoreValuesAt+j].Cmp(v) != 0 {
			return fmt.Errorf("aggregate: score value %d differs from the statement's", j)
		}
	}
	return nil
}
