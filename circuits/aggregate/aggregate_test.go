package aggregate

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	frbls12377 "github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	frbn254 "github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra/native/sw_bls12377"
	stdgroth16 "github.com/consensys/gnark/std/recursion/groth16"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/internal/circuittest"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/circuits/logreg"
	"github.com/potbench/potbench/circuits/score"
)

var (
	inner = ecc.BLS12_377
	outer = ecc.BW6_761
)

// curvePath is an inner curve whose proofs an outer curve's circuit verifies.
type curvePath struct{ inner, outer ecc.ID }

var twoChain = curvePath{inner, outer}

// proved is one inner proof with its public inputs.
type proved struct {
	proof  groth16.Proof
	public witness.Witness
	values []*big.Int
}

// keyed is an inner circuit with its keys.
type keyed struct {
	cs     constraint.ConstraintSystem
	pk     groth16.ProvingKey
	vk     groth16.VerifyingKey
	path   curvePath
	prover []backend.ProverOption
}

func setup(t testing.TB, c frontend.Circuit) keyed { return twoChain.setup(t, c) }

func (cp curvePath) setup(t testing.TB, c frontend.Circuit) keyed {
	t.Helper()
	cs, err := frontend.Compile(cp.inner.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	return keyed{cs, pk, vk, cp, []backend.ProverOption{stdgroth16.GetNativeProverOptions(cp.outer.ScalarField(), cp.inner.ScalarField())}}
}

func (k keyed) prove(t testing.TB, assignment frontend.Circuit) proved {
	t.Helper()
	w, err := frontend.NewWitness(assignment, k.path.inner.ScalarField())
	if err != nil {
		t.Fatal(err)
	}
	proof, err := groth16.Prove(k.cs, k.pk, w, k.prover...)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := w.Public()
	if err := groth16.Verify(proof, k.vk, pub, stdgroth16.GetNativeVerifierOptions(k.path.outer.ScalarField(), k.path.inner.ScalarField())); err != nil {
		t.Fatal(err)
	}
	return proved{proof, pub, publicValues(t, pub)}
}

func publicValues(t testing.TB, w witness.Witness) []*big.Int {
	t.Helper()
	var out []*big.Int
	switch vec := w.Vector().(type) {
	case frbls12377.Vector:
		for i := range vec {
			out = append(out, vec[i].BigInt(new(big.Int)))
		}
	case frbn254.Vector:
		for i := range vec {
			out = append(out, vec[i].BigInt(new(big.Int)))
		}
	default:
		t.Fatalf("public witness %T", w.Vector())
	}
	return out
}

// TestAggregate: a two-step linear-regression run on BLS12-377 with its
// score, verified in one BW6-761 circuit; tampered runs have no witness.
func TestAggregate(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	lp := logreg.DefaultParams(2, 2, 1)
	p := lp.Params
	rows := circuittest.Rows(rng, 4, 3, -3000, 3000)
	ds, err := commit.NewDatasetOn(inner, commit.RoleTrain, rows, 2, p.Data)
	if err != nil {
		t.Fatal(err)
	}
	qp := score.Params{N: 4, Model: logreg.DefaultParams(1, 2, 0)}
	held, err := qp.HeldoutSet(circuittest.Rows(rng, 4, 3, -3000, 3000))
	if err != nil {
		t.Fatal(err)
	}
	if held, err = held.On(inner); err != nil {
		t.Fatal(err)
	}
	const lr = 1 << 13
	step := setup(t, linreg.NewCircuit(p))
	score := setup(t, score.NewScore(qp))
	other := setup(t, linreg.NewCircuit(p)) // the same circuit under another setup

	// an honest run: batch 0 then batch 1
	m0 := linreg.Model{W: []int64{1 << 14, -1 << 13}, Bias: 3}
	a0, m1, err := p.Assign(ds, 0, m0, lr)
	if err != nil {
		t.Fatal(err)
	}
	a1, m2, err := p.Assign(ds, 1, m1, lr)
	if err != nil {
		t.Fatal(err)
	}
	sa, err := qp.AssignScore(held, m2)
	if err != nil {
		t.Fatal(err)
	}
	s0, s1, sc := step.prove(t, a0), step.prove(t, a1), score.prove(t, sa)

	stmt := Statement{DatasetRoot: s0.values[stepRoot], LearningRate: big.NewInt(lr), InitialModel: s0.values[stepBefore],
		FinalModel: s1.values[stepAfter], HeldoutRoot: sc.values[scoreHeldout], Score: sc.values[ScoreValuesAt:],
		Steps: 2, Batches: 2, HeldoutRows: qp.N}
	shape := Shape{Steps: 2, Batches: 2, ScoreValues: len(sc.values) - ScoreValuesAt}
	circuit, err := New[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](shape, step.cs, score.cs, step.vk, score.vk)
	if err != nil {
		t.Fatal(err)
	}
	assign := func(st Statement, steps []proved, s proved) *BLS12377 {
		t.Helper()
		var ps []groth16.Proof
		var ws []witness.Witness
		for _, p := range steps {
			ps, ws = append(ps, p.proof), append(ws, p.public)
		}
		a, err := Assign[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](st, ps, ws, s.proof, s.public)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	mirror := func(st Statement, steps []proved, s proved) error {
		var vals [][]*big.Int
		for _, p := range steps {
			vals = append(vals, p.values)
		}
		return st.Check(shape, vals, s.values)
	}
	if err := mirror(stmt, []proved{s0, s1}, sc); err != nil {
		t.Fatalf("the native mirror refuses the honest run: %v", err)
	}

	// a broken link: step 1 from a model step 0 did not reach
	a1b, m2b, err := p.Assign(ds, 1, linreg.Model{W: []int64{m1.W[0] + 1, m1.W[1]}, Bias: m1.Bias}, lr)
	if err != nil {
		t.Fatal(err)
	}
	broken := step.prove(t, a1b)
	sab, err := qp.AssignScore(held, m2b)
	if err != nil {
		t.Fatal(err)
	}
	scb := score.prove(t, sab)
	brokenStmt := stmt
	brokenStmt.FinalModel, brokenStmt.Score = broken.values[stepAfter], scb.values[ScoreValuesAt:]
	// a repeated batch: batch 0 twice, the models chained
	a1r, m2r, err := p.Assign(ds, 0, m1, lr)
	if err != nil {
		t.Fatal(err)
	}
	repeated := step.prove(t, a1r)
	sar, err := qp.AssignScore(held, m2r)
	if err != nil {
		t.Fatal(err)
	}
	scr := score.prove(t, sar)
	repeatedStmt := stmt
	repeatedStmt.FinalModel, repeatedStmt.Score = repeated.values[stepAfter], scr.values[ScoreValuesAt:]
	// a tampered proof: step 1's proof with a point of step 0's
	tampered := step.prove(t, a1)
	tamperedAssign := assign(stmt, []proved{s0, tampered}, sc)
	tamperedAssign.Steps[1].Ar = tamperedAssign.Steps[0].Ar
	// a proof under another verifying key
	foreign := other.prove(t, a1)
	// a statement claiming another final score
	lying := stmt
	lying.Score = append([]*big.Int{}, stmt.Score...)
	lying.Score[0] = new(big.Int).Sub(lying.Score[0], big.NewInt(1))
	// a statement declaring one batch per epoch (batch 0 twice would then be
	// the schedule), and one declaring another held-out size
	oneBatch := repeatedStmt
	oneBatch.Batches = 1
	otherSize := stmt
	otherSize.HeldoutRows = qp.N + 1

	for name, c := range map[string]struct {
		st    Statement
		steps []proved
		score proved
	}{
		"a broken link":              {brokenStmt, []proved{s0, broken}, scb},
		"a repeated batch":           {repeatedStmt, []proved{s0, repeated}, scr},
		"a claimed score not proven": {lying, []proved{s0, s1}, sc},
		"steps in the wrong order":   {stmt, []proved{s1, s0}, sc},
		"one batch declared":         {oneBatch, []proved{s0, repeated}, scr},
		"another held-out size":      {otherSize, []proved{s0, s1}, sc},
	} {
		if err := mirror(c.st, c.steps, c.score); err == nil {
			t.Errorf("%s: the native mirror accepts it", name)
		}
	}
	// an aggregate compiled for one batch per epoch: its links hold for
	// batch 0 twice, but the step proofs carry the root's count of 2
	if err := oneBatch.Check(Shape{Steps: 2, Batches: 1, ScoreValues: shape.ScoreValues}, [][]*big.Int{s0.values, repeated.values}, scr.values); err == nil {
		t.Error("a one-batch shape accepts steps on a set of two batches")
	}
	test.NewAssert(t).CheckCircuit(circuit,
		test.WithValidAssignment(assign(stmt, []proved{s0, s1}, sc)),
		test.WithInvalidAssignment(assign(brokenStmt, []proved{s0, broken}, scb)),
		test.WithInvalidAssignment(assign(repeatedStmt, []proved{s0, repeated}, scr)),
		test.WithInvalidAssignment(assign(lying, []proved{s0, s1}, sc)),
		test.WithInvalidAssignment(assign(stmt, []proved{s1, s0}, sc)),
		test.WithInvalidAssignment(assign(oneBatch, []proved{s0, repeated}, scr)),
		test.WithInvalidAssignment(assign(otherSize, []proved{s0, s1}, sc)),
		test.WithInvalidAssignment(tamperedAssign),
		test.WithInvalidAssignment(assign(stmt, []proved{s0, foreign}, sc)),
		test.WithCurves(outer), test.WithBackends(backend.GROTH16), test.NoFuzzing(), test.NoSerializationChecks(), test.NoProverChecks())
}
