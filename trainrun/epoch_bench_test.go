package trainrun

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/witness"

	"github.com/potbench/potbench/training"
)

var (
	epochModel   = flag.String("epoch.model", "logreg", "BenchmarkEpochProof's model family (its default dataset, batch 32)")
	epochRev     = flag.Int("epoch.revision", training.LatestRevision, "BenchmarkEpochProof's circuit revision (train's -circuit-revision)")
	epochProfile = flag.String("epoch.cpuprofile", "", "write a CPU profile of BenchmarkEpochProof's proofs alone (setup excluded) to this file")
)

// epochKeys is the epoch circuit BenchmarkEpochProof proves, set up once per
// process: -count repeats the benchmark, not the setup.
var epochKeys struct {
	once sync.Once
	c    *compiled
	w    witness.Witness
	p    *plan
	err  error
}

// BenchmarkEpochProof proves one epoch of a family as one proof (-chain
// epoch, batch 32, its default dataset and learning rate) b.N times under
// one setup, and reports the Groth16 prove time alone (the witness is built
// once): the figure to profile (-epoch.cpuprofile: the proofs alone, where
// -cpuprofile would include the setup) and to compare builds with (-pgo,
// benchstat). Setup is outside the timing; a logreg epoch takes about a
// minute to set up on 2 cores, softmax and the MLP ten and twenty.
//
//	go test ./trainrun -run '^$' -bench EpochProof -count 6 [-args -epoch.model softmax -epoch.revision 1]
func BenchmarkEpochProof(b *testing.B) {
	k := &epochKeys
	k.once.Do(func() {
		lr, err := DefaultLR(*epochModel)
		if err != nil {
			k.err = err
			return
		}
		dir, err := os.MkdirTemp("", "epochproof")
		if err != nil {
			k.err = err
			return
		}
		for _, d := range []string{"keys", "vk", "proofs"} {
			if k.err = os.MkdirAll(filepath.Join(dir, d), 0o755); k.err != nil {
				return
			}
		}
		cfg := Config{Model: *epochModel, Epochs: 1, Batch: 32, LR: lr, Seed: 1, Chain: ChainEpoch,
			Curve: ecc.BN254, Backend: "groth16", Dir: dir, Revision: *epochRev}
		if k.p, k.err = newPlan(cfg); k.err != nil {
			return
		}
		if len(k.p.jobs) == 0 || k.p.jobs[0].size < 2 {
			k.err = fmt.Errorf("%s: the epoch is not one chain proof (jobs %+v)", *epochModel, k.p.jobs)
			return
		}
		k.c, k.err = k.p.keys(context.Background(), k.p.jobs[0].shape, false)
		os.RemoveAll(dir) // the keys are in memory now
		if k.err != nil {
			return
		}
		k.w, _, k.err = k.p.witness(k.p.jobs[0])
	})
	if k.err != nil {
		b.Fatal(k.err)
	}
	if *epochProfile != "" { // -test.cpuprofile would profile the setup too
		f, err := os.Create(*epochProfile)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				b.Error(err)
			}
		}()
	}
	for b.Loop() {
		if _, err := k.p.sys.Prove(k.c.cs, k.c.pk, k.w); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(k.c.cs.GetNbConstraints()), "constraints")
	b.ReportMetric(float64(k.p.jobs[0].size), "steps")
}
