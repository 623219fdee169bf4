package training

import (
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/datasets"
)

// Split is a seeded train/test Split of a table in fixed point, the training
// rows committed in batches.
type Split struct {
	Train, Test *datasets.Table // standardised with the training rows' statistics
	TestRows    [][]int64       // the test rows quantised
	DS          *commit.Dataset // the training rows, committed
}

// NewSplit shuffles t with seed, keeps nTrain rows to train, standardises
// features (and a regression target) with the training rows' statistics,
// quantises both parts to the data format and commits the training rows.
func NewSplit(t *datasets.Table, seed uint64, nTrain, batch int, data fixedpoint.Format) (Split, error) {
	train, test := t.Shuffle(seed).Split(nTrain)
	s := Split{Train: train.Standardize(), Test: test.StandardizeWith(train)}
	if t.Classes == 0 {
		my, sy := datasets.MeanStd(train.Y)
		for i := range s.Test.Y {
			s.Test.Y[i] = (s.Test.Y[i] - my) / sy
		}
	}
	rows, _, err := s.Train.Quantize(data)
	if err != nil {
		return Split{}, err
	}
	if s.TestRows, _, err = s.Test.Quantize(data); err != nil {
		return Split{}, err
	}
	if s.DS, err = commit.NewDataset(commit.RoleTrain, rows, batch, data); err != nil {
		return Split{}, err
	}
	return s, nil
}

// Depth is the Merkle depth of n rows in batches of b.
func Depth(n, b int) int { return commit.Depth(n / b) }
