package onchain

import (
	"context"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/plonk"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/frontend/cs/scs"
	"github.com/consensys/gnark/test/unsafekzg"
	"github.com/ethereum/go-ethereum/common"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/trainrun"
)

// compiler returns solc-js, or skips the test where it is not installed
// (CI sets POTBENCH_REQUIRE_SOLC=1, so there it fails instead).
func compiler(t *testing.T) *Compiler {
	t.Helper()
	c, err := FindCompiler()
	if err != nil {
		if os.Getenv("POTBENCH_REQUIRE_SOLC") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return c
}

// TestVerifierInEVM: a real linear-regression step proof (range checks, so
// one commitment) is accepted by gnark's exported verifier compiled with solc
// and run in go-ethereum's EVM; tampered calls revert.
func TestVerifierInEVM(t *testing.T) {
	solc := compiler(t)
	p, assignment := linregStep(t, 61, 1, linreg.Model{W: []int64{1 << 15, -3 << 14, 7 << 12}, Bias: 7})
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, linreg.NewCircuit(p))
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	pub, _ := w.Public()
	proof, err := groth16.Prove(cs, pk, w, ProverOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	if err := groth16.Verify(proof, vk, pub, VerifierOptions()...); err != nil {
		t.Fatalf("Go verifier: %v", err)
	}
	e, err := New(vk, proof, pub)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Proof) != 384 || len(e.Public) != 6 {
		t.Fatalf("proof of %d bytes, %d public inputs", len(e.Proof), len(e.Public))
	}
	code, err := solc.Compile(e.Solidity, "Verifier")
	if err != nil {
		t.Fatal(err)
	}
	evm := NewEVM()
	addr, err := evm.Deploy(code)
	if err != nil {
		t.Fatal(err)
	}
	gas, err := evm.Call(addr, e.Calldata(), 0)
	if err != nil {
		t.Fatalf("the verifier rejected an honest proof: %v", err)
	}
	if gas < 150_000 || gas > 1_000_000 {
		t.Errorf("verification used %d gas", gas)
	}
	t.Logf("verifyProof: %d gas in execution, %d for the transaction", gas, TxGas(e.Calldata(), gas))

	r := ecc.BN254.ScalarField()
	changed := append([]*big.Int{}, e.Public...)
	changed[3] = new(big.Int).Add(changed[3], big.NewInt(1))
	unreduced := append([]*big.Int{}, e.Public...)
	unreduced[1] = new(big.Int).Add(unreduced[1], r)
	flipped := append([]byte{}, e.Proof...)
	flipped[70] ^= 1 // a bit of B
	// a proof made with gnark's default hash of the commitment, not keccak
	plain, err := groth16.Prove(cs, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := New(vk, plain, pub)
	if err != nil {
		t.Fatal(err)
	}
	for name, calldata := range map[string][]byte{
		"a changed public input":           Calldata(e.Proof, changed),
		"a public input not reduced":       Calldata(e.Proof, unreduced),
		"a flipped bit in a proof point":   Calldata(flipped, e.Public),
		"a proof made with the wrong hash": ep.Calldata(),
		"a truncated proof":                Calldata(e.Proof[:256], e.Public),
	} {
		// cap the gas forwarded: a point off the curve makes the pairing
		// precompile consume all of it
		if _, err := evm.Call(addr, calldata, 2_000_000); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if !strings.Contains(e.Solidity, "function verifyProof(") {
		t.Error("the exported contract has no verifyProof")
	}
}

// linregStep is a small linear-regression step (B=4, D=3, 4 batches of a
// seeded dataset) on batch k from model m, with its assignment.
func linregStep(t *testing.T, seed uint64, k int, m linreg.Model) (linreg.Params, *linreg.Circuit) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	p := linreg.DefaultParams(4, 3, 2)
	ds, err := commit.NewDataset(commit.RoleTrain, rows(rng, 16, 4), 4, p.Data)
	if err != nil {
		t.Fatal(err)
	}
	assignment, _, err := p.Assign(ds, k, m, 1<<13)
	if err != nil {
		t.Fatal(err)
	}
	return p, assignment
}

func rows(rng *rand.Rand, n, width int) [][]int64 {
	out := make([][]int64, n)
	for i := range out {
		for range width {
			out[i] = append(out[i], rng.Int64N(16000)-8000)
		}
	}
	return out
}

var (
	runOnce sync.Once
	runDir  string
	runErr  error
)

// tinyRun is a 5-step linear-regression run on diabetes (batches of 64) with
// its score proof, trained once for the package's tests.
func tinyRun(t *testing.T) string {
	t.Helper()
	runOnce.Do(func() {
		runDir, runErr = os.MkdirTemp("", "potbench-onchain-")
		if runErr != nil {
			return
		}
		cfg := trainrun.Config{Model: "linreg", Epochs: 1, Batch: 64, LR: 0.05, Seed: 1, Chain: 1, Curve: ecc.BN254, Backend: "groth16", Dir: runDir}
		_, runErr = trainrun.Train(context.Background(), cfg)
	})
	if runErr != nil {
		t.Fatal(runErr)
	}
	return runDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if runDir != "" {
		os.RemoveAll(runDir)
	}
	os.Exit(code)
}

// TestRunOnChain: every proof of a proven training run is accepted by its
// shape's verifier in the EVM, and the run's gas is the sum over its proofs.
func TestRunOnChain(t *testing.T) {
	solc := compiler(t)
	dir := tinyRun(t)
	out := filepath.Join(t.TempDir(), "onchain")
	re, err := ExportRun(dir, out, solc)
	if err != nil {
		t.Fatal(err)
	}
	if len(re.Proofs) != 6 || re.Gas == nil || len(re.Contracts) != 2 {
		t.Fatalf("export: %d proofs, %d contracts, gas %v", len(re.Proofs), len(re.Contracts), re.Gas)
	}
	var sum uint64
	for _, p := range re.Proofs {
		sum += p.Gas.Tx
	}
	if sum != re.Gas.Tx {
		t.Errorf("run gas %d, sum of proofs %d", re.Gas.Tx, sum)
	}
	t.Logf("a 5-step run verified on chain: %d gas (transactions)", re.Gas.Tx)
	for _, f := range []string{"Verifier-step.sol", "Verifier-score.sol", "proofs.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestPlonkVerifierInEVM: gnark's PLONK Solidity verifier accepts a real
// linear-regression step proof and returns false or reverts on tampered ones.
func TestPlonkVerifierInEVM(t *testing.T) {
	solc := compiler(t)
	p, assignment := linregStep(t, 63, 2, linreg.Model{W: []int64{1 << 14, 3 << 14, -7 << 12}, Bias: -9})
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), scs.NewBuilder, linreg.NewCircuit(p))
	if err != nil {
		t.Fatal(err)
	}
	srs, lagrange, err := unsafekzg.NewSRS(cs)
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := plonk.Setup(cs, srs, lagrange)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	pub, _ := w.Public()
	proof, err := plonk.Prove(cs, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(vk, proof, pub)
	if err != nil {
		t.Fatal(err)
	}
	if e.Contract() != "PlonkVerifier" || e.Function() != "Verify(bytes,uint256[])" {
		t.Fatalf("contract %s, function %s", e.Contract(), e.Function())
	}
	g, err := e.Measure(solc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("PLONK Verify: %d gas in execution, %d for the transaction", g.Exec, g.Tx)
	code, err := solc.Compile(e.Solidity, e.Contract())
	if err != nil {
		t.Fatal(err)
	}
	evm := NewEVM()
	addr, err := evm.Deploy(code)
	if err != nil {
		t.Fatal(err)
	}
	changed := append([]*big.Int{}, e.Public...)
	changed[4] = new(big.Int).Add(changed[4], big.NewInt(1))
	unreduced := append([]*big.Int{}, e.Public...)
	unreduced[0] = new(big.Int).Add(unreduced[0], ecc.BN254.ScalarField())
	flipped := append([]byte{}, e.Proof...)
	flipped[500] ^= 1 // an opening
	for name, calldata := range map[string][]byte{
		"a changed public input":     PlonkCalldata(e.Proof, changed),
		"a public input not reduced": PlonkCalldata(e.Proof, unreduced),
		"a flipped bit in the proof": PlonkCalldata(flipped, e.Public),
		"a truncated proof":          PlonkCalldata(e.Proof[:len(e.Proof)-32], e.Public),
	} {
		ret, _, err := evm.Send(common.Address{}, addr, calldata, nil, 2_000_000)
		if err == nil && e.Accepted(ret) {
			t.Errorf("%s: accepted", name)
		}
	}
}
