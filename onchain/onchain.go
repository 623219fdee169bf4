// Package onchain checks proofs the way a chain would: it exports a BN254
// Groth16 verifying key as gnark's Solidity verifier and a proof in that
// verifier's calldata layout, compiles the verifier with solc, and runs it in
// go-ethereum's EVM, measuring gas.
//
// A proof a contract accepts must be made with
// solidity.WithProverTargetSolidityVerifier(backend.GROTH16) (and checked in
// Go with the verifier twin): gnark's Groth16 with commitments (range checks,
// lookups, multicommit) hashes each commitment to a public input, and the
// Solidity template does that with keccak256. ProverOptions and
// VerifierOptions give them.
package onchain

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"golang.org/x/crypto/sha3"
)

// ProverOptions make a Groth16 proof that the exported Solidity verifier
// accepts.
func ProverOptions() []backend.ProverOption {
	return []backend.ProverOption{solidity.WithProverTargetSolidityVerifier(backend.GROTH16)}
}

// VerifierOptions check such a proof in Go.
func VerifierOptions() []backend.VerifierOption {
	return []backend.VerifierOption{solidity.WithVerifierTargetSolidityVerifier(backend.GROTH16)}
}

// Export is a verifier and a proof for it.
type Export struct {
	Solidity string     // the verifier contract "Verifier"
	Proof    []byte     // the proof in the verifier's calldata layout
	Public   []*big.Int // the public inputs, reduced
}

// New exports a BN254 Groth16 verifying key and proof.
func New(vk groth16.VerifyingKey, proof groth16.Proof, public witness.Witness) (*Export, error) {
	p, ok := proof.(*groth16bn254.Proof)
	if !ok {
		return nil, fmt.Errorf("onchain: only BN254 Groth16 proofs can be verified on chain, got %T", proof)
	}
	var sol bytes.Buffer
	if err := vk.ExportSolidity(&sol, solidity.WithPragmaVersion("^0.8.20")); err != nil {
		return nil, err
	}
	vec, ok := public.Vector().(fr.Vector)
	if !ok {
		return nil, fmt.Errorf("onchain: public inputs %T are not BN254 scalars", public.Vector())
	}
	e := &Export{Solidity: sol.String(), Proof: p.MarshalSolidity()}
	for i := range vec {
		e.Public = append(e.Public, vec[i].BigInt(new(big.Int)))
	}
	return e, nil
}

// Calldata is the call verifyProof(bytes proof, uint256[N] input), ABI-encoded.
func (e *Export) Calldata() []byte { return Calldata(e.Proof, e.Public) }

// Calldata ABI-encodes verifyProof(bytes proof, uint256[N] input): the
// selector, the offset of the proof bytes, the N inputs inline, then the
// proof's length and the proof, padded to 32 bytes.
func Calldata(proof []byte, input []*big.Int) []byte {
	sig := fmt.Sprintf("verifyProof(bytes,uint256[%d])", len(input))
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(sig))
	out := h.Sum(nil)[:4]
	word := func(v *big.Int) []byte { return common.LeftPadBytes(v.Bytes(), 32) }
	out = append(out, word(big.NewInt(int64(32*(1+len(input)))))...)
	for _, v := range input {
		out = append(out, word(v)...)
	}
	out = append(out, word(big.NewInt(int64(len(proof))))...)
	out = append(out, proof...)
	if pad := len(proof) % 32; pad != 0 {
		out = append(out, make([]byte, 32-pad)...)
	}
	return out
}

// File is the JSON file of an export, for Ethereum tooling.
type File struct {
	Contract string   `json:"contract"` // the Solidity file
	Function string   `json:"function"`
	Proof    string   `json:"proof"` // 0x hex, the verifier's layout
	Input    []string `json:"input"` // decimal, reduced
	Calldata string   `json:"calldata"`
}

// JSON renders the export's proof, inputs and calldata.
func (e *Export) JSON(contractFile string) ([]byte, error) {
	f := File{Contract: contractFile, Function: fmt.Sprintf("verifyProof(bytes,uint256[%d])", len(e.Public)),
		Proof: "0x" + hex.EncodeToString(e.Proof), Calldata: "0x" + hex.EncodeToString(e.Calldata())}
	for _, v := range e.Public {
		f.Input = append(f.Input, v.String())
	}
	return json.MarshalIndent(f, "", "  ")
}

// Compiler is solc-js (the npm package solc) run with node.
type Compiler struct {
	Dir string // holding compile.js and node_modules/solc
}

// ErrNoCompiler says that node or solc-js is missing.
var ErrNoCompiler = errors.New("onchain: no Solidity compiler (install node, then run `npm ci --prefix tools/solc`)")

// FindCompiler looks for tools/solc with solc installed, from the working
// directory up, or in $POTBENCH_SOLC.
func FindCompiler() (*Compiler, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return nil, ErrNoCompiler
	}
	var dirs []string
	if d := os.Getenv("POTBENCH_SOLC"); d != "" {
		dirs = append(dirs, d)
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			dirs = append(dirs, filepath.Join(d, "tools", "solc"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "node_modules", "solc", "package.json")); err == nil {
			return &Compiler{Dir: d}, nil
		}
	}
	return nil, ErrNoCompiler
}

// Compile compiles one source file and returns the creation bytecode of
// contract.
func (c *Compiler) Compile(source, contract string) ([]byte, error) {
	in, _ := json.Marshal(map[string]any{
		"language": "Solidity",
		"sources":  map[string]any{"Verifier.sol": map[string]string{"content": source}},
		"settings": map[string]any{
			"optimizer":       map[string]any{"enabled": true, "runs": 200},
			"outputSelection": map[string]any{"*": map[string]any{"*": []string{"evm.bytecode.object"}}},
		},
	})
	cmd := exec.Command("node", filepath.Join(c.Dir, "compile.js"))
	cmd.Dir = c.Dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("onchain: solc: %v: %s", err, stderr.String())
	}
	var res struct {
		Errors []struct {
			Severity, FormattedMessage string
		}
		Contracts map[string]map[string]struct {
			EVM struct {
				Bytecode struct{ Object string }
			}
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("onchain: solc output: %w", err)
	}
	var msgs []string
	for _, e := range res.Errors {
		if e.Severity == "error" {
			msgs = append(msgs, e.FormattedMessage)
		}
	}
	if len(msgs) > 0 {
		return nil, fmt.Errorf("onchain: solc: %s", strings.Join(msgs, "\n"))
	}
	obj := res.Contracts["Verifier.sol"][contract].EVM.Bytecode.Object
	if obj == "" {
		return nil, fmt.Errorf("onchain: solc produced no contract %q", contract)
	}
	return hex.DecodeString(obj)
}

// Chain is an in-process EVM: go-ethereum's, with every fork enabled (the
// BN254 precompiles included).
type Chain struct{ cfg *runtime.Config }

// NewChain returns an empty chain.
func NewChain() *Chain { return &Chain{cfg: &runtime.Config{GasLimit: 30_000_000}} }

// Deploy creates a contract from its creation bytecode.
func (c *Chain) Deploy(code []byte) (common.Address, error) {
	_, addr, _, err := runtime.Create(code, c.cfg)
	return addr, err
}

// Call runs input against the contract with gas forwarded (0: the block's
// limit) and returns the execution gas used; a revert is an error.
func (c *Chain) Call(addr common.Address, input []byte, gas uint64) (uint64, error) {
	cfg := *c.cfg
	if gas > 0 {
		cfg.GasLimit = gas
	}
	_, left, err := runtime.Call(addr, input, &cfg)
	return cfg.GasLimit - left, err
}

// TxGas is the gas of a transaction carrying calldata whose execution used
// exec: the base 21,000, 16 per non-zero and 4 per zero calldata byte
// (EIP-2028), and the execution.
func TxGas(calldata []byte, exec uint64) uint64 {
	g := uint64(21000) + exec
	for _, b := range calldata {
		if b == 0 {
			g += 4
		} else {
			g += 16
		}
	}
	return g
}

// Gas is what verifying one proof on chain costs.
type Gas struct {
	Exec uint64 `json:"exec"` // execution of verifyProof
	Tx   uint64 `json:"tx"`   // the whole transaction: base, calldata and execution
}

// Measure compiles the verifier, deploys it on a fresh chain and calls it
// with the proof; it fails when the verifier rejects the proof.
func (e *Export) Measure(c *Compiler) (Gas, error) {
	code, err := c.Compile(e.Solidity, "Verifier")
	if err != nil {
		return Gas{}, err
	}
	chain := NewChain()
	addr, err := chain.Deploy(code)
	if err != nil {
		return Gas{}, fmt.Errorf("onchain: deploy: %w", err)
	}
	data := e.Calldata()
	exec, err := chain.Call(addr, data, 0)
	if err != nil {
		return Gas{}, fmt.Errorf("onchain: the verifier rejected the proof: %w", err)
	}
	return Gas{Exec: exec, Tx: TxGas(data, exec)}, nil
}
