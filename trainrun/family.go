package trainrun

import (
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/datasets"
	"github.com/potbench/potbench/training"
)

// family is a model family (package training's descriptor) with the digest
// of the data it trains on.
type family struct {
	training.Family
	// digest is the SHA-256 of the dataset's files
	digest func() (string, error)
}

// dimsOf are the dimensions of a run on the committed set ds.
func (f family) dimsOf(ds *commit.Dataset, testRows, revision int) training.Dims {
	return training.Dims{B: ds.BatchSize, Depth: ds.Depth(), TestRows: testRows, Widths: f.Widths(len(ds.Rows[0]) - 1), Revision: revision, Batches: ds.NumBatches()}
}

// Models lists the model families a run can train.
func Models() []string { return training.Names() }

// Regression: the family model's score is a loss only, counting no
// answers (least squares); false for an unknown family.
func Regression(model string) bool {
	f, err := training.Lookup(model)
	return err == nil && f.Regression()
}

// lookupFamily is the run's family on its vendored dataset or, when the
// config names a file, on that CSV file.
func lookupFamily(cfg Config) (family, error) {
	tf, err := training.Lookup(cfg.Model)
	if err != nil {
		return family{}, err
	}
	f := family{Family: tf, digest: func() (string, error) { return datasets.SHA256(tf.Dataset) }}
	switch {
	case cfg.Dataset == "" || cfg.Dataset == tf.Dataset:
	case !slices.Contains(datasetNames(), cfg.Dataset):
		path := cfg.Dataset
		f.Family = tf.OnFile(path, cfg.DatasetSkip, cfg.Clip)
		f.digest = func() (string, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return "", err
			}
			return sha256Hex(data), nil
		}
	default:
		return family{}, fmt.Errorf("model %s trains on %s or a CSV file, not %q", cfg.Model, tf.Dataset, cfg.Dataset)
	}
	return f, nil
}

func datasetNames() []string {
	var out []string
	for n := range datasets.Files {
		out = append(out, n)
	}
	return out
}

// timePlain is the mean time of one float64 run of the schedule, repeated
// for at least 100 ms.
func timePlain(run func()) time.Duration {
	var n int
	start := time.Now()
	for n == 0 || time.Since(start) < 100*time.Millisecond {
		run()
		n++
	}
	return time.Since(start) / time.Duration(n)
}
