package blob

import (
	"crypto/sha256"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/multicommit"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/crypto/kzg4844"

	"github.com/potbench/potbench/circuits/internal/circuittest"
)

type evalCircuit struct {
	D     []frontend.Variable
	Point frontend.Variable `gnark:",public"`
	Value frontend.Variable `gnark:",public"`
	bits  int
	// commitAfter: a direct multicommit.WithCommitment follows, as a
	// Freivalds test of the circuit would (package matmul)
	commitAfter bool
}

func (c *evalCircuit) Define(api frontend.API) error {
	v, err := Evaluate(api, c.D, c.bits, c.Point)
	if err != nil {
		return err
	}
	api.AssertIsEqual(v, c.Value)
	if c.commitAfter {
		multicommit.WithCommitment(api, func(api frontend.API, r frontend.Variable) error {
			api.AssertIsDifferent(r, 0)
			return nil
		}, c.Point)
	}
	return nil
}

// values draws n values below 2^bits.
func values(rng *rand.Rand, n, bits int) []*big.Int {
	out := make([]*big.Int, n)
	for i := range out {
		v := new(big.Int)
		for v.BitLen() < bits-8 {
			v.Lsh(v, 32).Or(v, new(big.Int).SetUint64(rng.Uint64()>>32))
		}
		out[i] = v.Rsh(v, uint(max(v.BitLen()-bits, 0)))
	}
	return out
}

// kzgValue is the blob's value at z as go-ethereum's KZG library proves it
// (the point evaluation precompile's claim).
func kzgValue(t *testing.T, elems []*big.Int, z *big.Int) *big.Int {
	t.Helper()
	b, err := Encode(elems)
	if err != nil {
		t.Fatal(err)
	}
	var blob kzg4844.Blob
	copy(blob[:], b)
	var pt kzg4844.Point
	z.FillBytes(pt[:])
	commitment, err := kzg4844.BlobToCommitment(&blob)
	if err != nil {
		t.Fatal(err)
	}
	proof, claim, err := kzg4844.ComputeProof(&blob, pt)
	if err != nil {
		t.Fatal(err)
	}
	if err := kzg4844.VerifyProof(commitment, pt, claim, proof); err != nil {
		t.Fatal(err)
	}
	_ = kzg4844.CalcBlobHashV1(sha256.New(), &commitment)
	return new(big.Int).SetBytes(claim[:])
}

// TestValue: the native barycentric value is the one the KZG library
// proves for the same blob and point.
func TestValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 7, 300} {
		elems := values(rng, n, 253)
		z := values(rng, 1, 253)[0]
		got, err := Value(elems, z)
		if err != nil {
			t.Fatal(err)
		}
		if want := kzgValue(t, elems, z); got.Cmp(want) != 0 {
			t.Errorf("%d elements: value %x, the KZG proof's %x", n, got, want)
		}
	}
	w := Roots()
	if _, err := Value([]*big.Int{big.NewInt(1)}, w[0].BigInt(new(big.Int))); err == nil {
		t.Error("a point of the domain evaluated")
	}
}

func assignment(elems []*big.Int, z *big.Int, bits int) *evalCircuit {
	y, err := Value(elems, z)
	if err != nil {
		panic(err)
	}
	c := &evalCircuit{D: make([]frontend.Variable, len(elems)), Point: z, Value: new(big.Int).Mod(y, ecc.BN254.ScalarField()), bits: bits}
	for i, e := range elems {
		c.D[i] = e
	}
	return c
}

// TestEvaluate: the circuit accepts the native value (reduced into BN254's
// field) and refuses another value, another point, a value above its
// stated width, and limbs that sum to the value plus r_BN254.
func TestEvaluate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, bits = 5, 224
	elems := values(rng, n, bits)
	z := values(rng, 1, PointBits)[0]
	good := assignment(elems, z, bits)
	off := assignment(elems, z, bits)
	off.Value = new(big.Int).Add(good.Value.(*big.Int), big.NewInt(1))
	otherPoint := assignment(elems, z, bits)
	otherPoint.Point = new(big.Int).Add(z, big.NewInt(1))
	wide := append([]*big.Int{}, elems...)
	wide[2] = new(big.Int).Lsh(big.NewInt(1), bits) // one bit too wide
	tooWide := assignment(wide, z, bits)
	// a cheating prover splits a value into the limbs of value + r_BN254
	aliased := func(_ *big.Int, in, out []*big.Int) error {
		v := new(big.Int).Set(in[0])
		if v.Cmp(elems[1]) == 0 {
			v.Add(v, ecc.BN254.ScalarField())
		}
		return LimbsHint(nil, []*big.Int{v}, out)
	}
	empty := &evalCircuit{D: make([]frontend.Variable, n), bits: bits}
	assert := test.NewAssert(t)
	assert.CheckCircuit(empty, test.WithValidAssignment(good),
		test.WithInvalidAssignment(off), test.WithInvalidAssignment(otherPoint), test.WithInvalidAssignment(tooWide),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16), test.NoProverChecks())
	if circuittest.SolveR1CS(empty, good, solver.OverrideHint(solver.GetHintID(LimbsHint), aliased)) == nil {
		t.Error("limbs of value + r_BN254 accepted")
	}
	// the circuit's own commitment made after the evaluation
	withCommit, honest := &evalCircuit{D: make([]frontend.Variable, n), bits: bits, commitAfter: true}, *good
	honest.commitAfter = true
	if err := circuittest.SolveR1CS(withCommit, &honest); err != nil {
		t.Errorf("a commitment after the evaluation: %v", err)
	}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &evalCircuit{D: make([]frontend.Variable, 93), bits: bits})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("93 values of %d bits: %d constraints", bits, cs.GetNbConstraints())
}
