package workloads

import (
	"fmt"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/training"
)

// familyStep is the step workload the harness derives from a model
// family's descriptor alone (training.Family.BenchStep), for a family with
// no workload file of its own: "NAME/B=..", on its vendored dataset.
func familyStep(f training.Family) bench.FamilyDef {
	return bench.FamilyDef{Name: f.Name, Bench: strings.ToUpper(f.Name[:1]) + f.Name[1:] + "Step", Keys: []string{"B"},
		Sizes: f.BenchSizes, Default: f.DefaultSizes,
		New: func(s map[string]int) (bench.Workload, error) {
			st, err := f.BenchStep(s["B"])
			if err != nil {
				return nil, err
			}
			return &descriptorStep{name: fmt.Sprintf("%s/B=%d", f.Name, s["B"]), st: st}, nil
		}}
}

type descriptorStep struct {
	name string
	st   training.BenchStep
}

func (w *descriptorStep) Name() string              { return w.name }
func (w *descriptorStep) Elements() int             { return w.st.Elements }
func (w *descriptorStep) Circuit() frontend.Circuit { return w.st.Circuit }
func (w *descriptorStep) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	return w.st.Assign(curve)
}
func (w *descriptorStep) Plain() func()   { return w.st.Plain() }
func (w *descriptorStep) EpochSteps() int { return w.st.Batches }
