package blob

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/circuits/internal/circuittest"
)

var update = flag.Bool("update", false, "rewrite testdata/constraints.txt with the current counts")

// TestConstraintCounts tracks the gadget's size on BN254 R1CS in
// testdata/constraints.txt for the packed models of the default runs (32-bit
// values, seven to a 224-bit element: linreg 2, logreg 5, softmax 93, MLP
// 345 elements) and a quarter blob: a circuit that grows fails; -update
// rewrites the file.
func TestConstraintCounts(t *testing.T) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# blob evaluation, BN254 R1CS, 224-bit elements, the point and value public: elements, constraints, per element\n")
	for _, n := range []int{2, 5, 93, 345, 1024} {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &evalCircuit{D: make([]frontend.Variable, n), bits: 224})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%d\t%d\t%.1f\n", n, cs.GetNbConstraints(), float64(cs.GetNbConstraints())/float64(n))
	}
	circuittest.Golden(t, filepath.Join("testdata", "constraints.txt"), b.Bytes(), *update, "the blob evaluation's counts")
}
