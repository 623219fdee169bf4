package delivery

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/mlp"
	"github.com/potbench/potbench/circuits/softmax"
)

var update = flag.Bool("update", false, "rewrite testdata/constraints.txt with the current counts")

// runDomains are the model domains of the runs potbench trains by default
// (their datasets' widths).
var runDomains = []struct {
	name string
	dom  commit.Domain
}{
	{"linreg diabetes (10 features)", linreg.DefaultParams(1, 10, 0).ModelDomain()},
	{"logreg breast_cancer (30 features)", logreg.DefaultParams(1, 30, 0).ModelDomain()},
	{"softmax digits (64 features, 10 classes)", softmax.DefaultParams(1, 64, 10, 0).ModelDomain()},
	{"mlp digits (64-32-10)", mlp.DefaultParams(1, 64, 32, 10, 0, true).ModelDomain()},
}

// TestConstraintCounts tracks the delivery circuit's size on BN254 R1CS for
// each default run's model in testdata/constraints.txt: a circuit that grows
// fails; -update rewrites the file.
func TestConstraintCounts(t *testing.T) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# delivery circuit, BN254 R1CS: model, values, ciphertext elements (public inputs: 6, whatever the model), constraints\n")
	for _, d := range runDomains {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, New(d.dom))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s\t%d\t%d\t%d\n", d.name, d.dom.Values, Elements(d.dom), cs.GetNbConstraints())
	}
	circuittest.Golden(t, filepath.Join("testdata", "constraints.txt"), b.Bytes(), *update, "the delivery circuit's counts")
}
