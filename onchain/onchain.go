// Package onchain checks proofs the way a chain would: it exports a BN254
// verifying key as gnark's Solidity verifier (Groth16 or PLONK) and a proof in
// that verifier's calldata layout, compiles the verifier with solc, and runs
// it in go-ethereum's EVM, measuring gas. Settle runs a whole settlement of a
// proven training run through contracts/Settlement.sol.
//
// A Groth16 proof a contract accepts must be made with
// solidity.WithProverTargetSolidityVerifier(backend.GROTH16) (and checked in
// Go with the verifier twin): gnark's Groth16 with commitments (range checks,
// lookups, multicommit) hashes each commitment to a public input, and the
// Solidity template does that with keccak256. ProverOptions and
// VerifierOptions give them. PLONK proofs made with gnark's defaults are
// accepted as they are.
//
// Files:
//   - onchain.go: the Solidity export, the EVM (EVM) and a proof's calldata.
//   - run.go: a run directory's verifiers and proofs in the EVM.
//   - settle.go: the whole settlement of a run through the escrow.
//   - delivery.go: the delivery proof's keys (the model sold for its key).
//   - batched.go: the verifier that checks the commitment's proof of
//     knowledge in the proof's pairing call.
//   - sale.go: a whole run sold in one transaction through the sale
//     contract, the model in calldata or in an EIP-4844 blob (its KZG
//     commitment and opening, go-ethereum's kzg4844).
package onchain

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	plonkbn254 "github.com/consensys/gnark/backend/plonk/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/backend/witness"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
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
	Backend  string     // "groth16" or "plonk"
	Solidity string     // the verifier contract
	Proof    []byte     // the proof in the verifier's calldata layout
	Public   []*big.Int // the public inputs, reduced
}

// New exports a BN254 Groth16 or PLONK verifying key and proof.
func New(vk interface {
	ExportSolidity(w io.Writer, opts ...solidity.ExportOption) error
}, proof any, public witness.Witness) (*Export, error) {
	e := &Export{}
	switch p := proof.(type) {
	case *groth16bn254.Proof:
		e.Backend, e.Proof = "groth16", p.MarshalSolidity()
	case *plonkbn254.Proof:
		e.Backend, e.Proof = "plonk", p.MarshalSolidity()
	default:
		return nil, fmt.Errorf("onchain: only BN254 Groth16 and PLONK proofs can be verified on chain, got %T", proof)
	}
	var sol bytes.Buffer
	if err := vk.ExportSolidity(&sol, solidity.WithPragmaVersion("^0.8.20")); err != nil {
		return nil, err
	}
	e.Solidity = sol.String()
	vec, ok := public.Vector().(fr.Vector)
	if !ok {
		return nil, fmt.Errorf("onchain: public inputs %T are not BN254 scalars", public.Vector())
	}
	for i := range vec {
		e.Public = append(e.Public, vec[i].BigInt(new(big.Int)))
	}
	return e, nil
}

// Contract is the name of the exported verifier contract.
func (e *Export) Contract() string {
	if e.Backend == "plonk" {
		return "PlonkVerifier"
	}
	return "Verifier"
}

// Function is the verifier's signature.
func (e *Export) Function() string {
	if e.Backend == "plonk" {
		return "Verify(bytes,uint256[])"
	}
	return fmt.Sprintf("verifyProof(bytes,uint256[%d])", len(e.Public))
}

// Calldata is the call of the verifier, ABI-encoded.
func (e *Export) Calldata() []byte {
	if e.Backend == "plonk" {
		return PlonkCalldata(e.Proof, e.Public)
	}
	return Calldata(e.Proof, e.Public)
}

// Accepted says whether a call that did not revert accepted the proof:
// gnark's Groth16 verifier reverts on a bad proof, its PLONK verifier returns
// false.
func (e *Export) Accepted(ret []byte) bool {
	if e.Backend == "plonk" {
		return len(ret) == 32 && new(big.Int).SetBytes(ret).Cmp(big.NewInt(1)) == 0
	}
	return true
}

func selector(sig string) []byte {
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(sig))
	return h.Sum(nil)[:4]
}

func word(v *big.Int) []byte { return common.LeftPadBytes(v.Bytes(), 32) }

func padded(b []byte) []byte {
	out := append([]byte{}, b...)
	if pad := len(b) % 32; pad != 0 {
		out = append(out, make([]byte, 32-pad)...)
	}
	return out
}

// PlonkCalldata ABI-encodes Verify(bytes proof, uint256[] input): the
// selector, the two offsets, the proof's length and the proof padded to 32
// bytes, then the inputs' count and the inputs.
func PlonkCalldata(proof []byte, input []*big.Int) []byte {
	p := padded(proof)
	out := selector("Verify(bytes,uint256[])")
	out = append(out, word(big.NewInt(64))...)
	out = append(out, word(big.NewInt(int64(64+32+len(p))))...)
	out = append(out, word(big.NewInt(int64(len(proof))))...)
	out = append(out, p...)
	out = append(out, word(big.NewInt(int64(len(input))))...)
	for _, v := range input {
		out = append(out, word(v)...)
	}
	return out
}

// Calldata ABI-encodes verifyProof(bytes proof, uint256[N] input), the call
// of gnark's Groth16 verifier: the selector, the offset of the proof bytes,
// the N inputs inline, then the proof's length and the proof, padded to 32
// bytes.
func Calldata(proof []byte, input []*big.Int) []byte {
	out := selector(fmt.Sprintf("verifyProof(bytes,uint256[%d])", len(input)))
	out = append(out, word(big.NewInt(int64(32*(1+len(input)))))...)
	for _, v := range input {
		out = append(out, word(v)...)
	}
	out = append(out, word(big.NewInt(int64(len(proof))))...)
	return append(out, padded(proof)...)
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
	f := File{Contract: contractFile, Function: e.Function(),
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
	code, _, err := c.CompileABI(source, contract)
	return code, err
}

// CompileABI compiles one source file and returns the creation bytecode and
// the ABI (JSON) of contract.
func (c *Compiler) CompileABI(source, contract string) ([]byte, []byte, error) {
	in, _ := json.Marshal(map[string]any{
		"language": "Solidity",
		"sources":  map[string]any{"Contract.sol": map[string]string{"content": source}},
		"settings": map[string]any{
			"optimizer":       map[string]any{"enabled": true, "runs": 200},
			"outputSelection": map[string]any{"*": map[string]any{"*": []string{"abi", "evm.bytecode.object"}}},
		},
	})
	cmd := exec.Command("node", filepath.Join(c.Dir, "compile.js"))
	cmd.Dir = c.Dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("onchain: solc: %v: %s", err, stderr.String())
	}
	var res struct {
		Errors []struct {
			Severity, FormattedMessage string
		}
		Contracts map[string]map[string]struct {
			ABI json.RawMessage
			EVM struct {
				Bytecode struct{ Object string }
			}
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, nil, fmt.Errorf("onchain: solc output: %w", err)
	}
	var msgs []string
	for _, e := range res.Errors {
		if e.Severity == "error" {
			msgs = append(msgs, e.FormattedMessage)
		}
	}
	if len(msgs) > 0 {
		return nil, nil, fmt.Errorf("onchain: solc: %s", strings.Join(msgs, "\n"))
	}
	ct := res.Contracts["Contract.sol"][contract]
	if ct.EVM.Bytecode.Object == "" {
		return nil, nil, fmt.Errorf("onchain: solc produced no contract %q", contract)
	}
	code, err := hex.DecodeString(ct.EVM.Bytecode.Object)
	return code, ct.ABI, err
}

// EVM is an in-process EVM: go-ethereum's, under Ethereum mainnet's rules
// at block BlockNumber and time BlockTime (Osaka, the BN254 precompiles at
// their EIP-1108 prices), one state across calls.
type EVM struct{ cfg *runtime.Config }

// The block and time whose rules a Chain runs: mainnet after the Fusaka
// (Osaka) upgrade of December 2025.
const (
	BlockNumber = 24_000_000
	BlockTime   = 1795564800 // 2026-11-25
)

// BlockGasLimit is the gas limit of the chain's blocks; TxGasCap is the most
// gas one transaction may use since EIP-7825 (Fusaka, 2^24).
const (
	BlockGasLimit = 60_000_000
	TxGasCap      = 1 << 24
)

// NewEVM returns an EVM with an empty state.
func NewEVM() *EVM {
	st, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	if err != nil {
		panic(err) // an empty in-memory state
	}
	return &EVM{cfg: &runtime.Config{GasLimit: BlockGasLimit, State: st, ChainConfig: params.MainnetChainConfig,
		BlockNumber: big.NewInt(BlockNumber), Time: BlockTime, Random: &common.Hash{}}}
}

// Fund gives an account ether (wei).
func (c *EVM) Fund(addr common.Address, wei *big.Int) {
	c.cfg.State.AddBalance(addr, uint256.MustFromBig(wei), tracing.BalanceChangeUnspecified)
}

// Balance is an account's balance in wei.
func (c *EVM) Balance(addr common.Address) *big.Int { return c.cfg.State.GetBalance(addr).ToBig() }

// Logs are the events every transaction so far emitted.
func (c *EVM) Logs() []*types.Log { return c.cfg.State.Logs() }

// SetTime sets the timestamp of the block calls run in.
func (c *EVM) SetTime(unix uint64) { c.cfg.Time = unix }

// Deploy creates a contract from its creation bytecode.
func (c *EVM) Deploy(code []byte) (common.Address, error) {
	addr, _, err := c.DeployFrom(common.Address{}, code)
	return addr, err
}

// CodeHash is the keccak256 of the runtime code at addr (EXTCODEHASH).
func (c *EVM) CodeHash(addr common.Address) [32]byte { return c.cfg.State.GetCodeHash(addr) }

// DeployFrom creates a contract from an account and returns its address and
// the execution gas of its creation.
func (c *EVM) DeployFrom(from common.Address, code []byte) (common.Address, uint64, error) {
	cfg := *c.cfg
	cfg.Origin = from
	_, addr, left, err := runtime.Create(code, &cfg)
	return addr, c.settle(code, cfg.GasLimit-left), err
}

// settle ends a transaction that carried calldata and used exec gas in
// execution, as a block does: the storage refund it earned (EIP-3529: a
// slot cleared, or reset to its value before the transaction) is taken off
// its execution gas, capped at a fifth of all the gas it used, and its
// writes become the state the next transaction starts from, so that the
// next one's storage costs see them as the slots' original values
// (EIP-2200). It returns the execution gas net of the refund.
func (c *EVM) settle(calldata []byte, exec uint64) uint64 {
	refund := min(c.cfg.State.GetRefund(), (21000+4*tokens(calldata)+exec)/5)
	c.cfg.State.Finalise(true)
	return exec - min(refund, exec)
}

// Call runs input against the contract with gas forwarded (0: the block's
// limit) and returns the execution gas used; a revert is an error.
func (c *EVM) Call(addr common.Address, input []byte, gas uint64) (uint64, error) {
	_, used, err := c.Send(common.Address{}, addr, input, nil, gas)
	return used, err
}

// Send runs a transaction from an account with value (wei, may be nil) and
// gas (0: the block's limit), and returns the return data and the execution
// gas used, net of its storage refund (settle); a revert is an error
// carrying the revert reason. Each call is a transaction of its own: the
// next one sees its writes as committed state.
func (c *EVM) Send(from, to common.Address, input []byte, value *big.Int, gas uint64) ([]byte, uint64, error) {
	return c.SendWithBlobs(from, to, input, value, gas, nil)
}

// SendWithBlobs is Send for a transaction that carries blobs of the given
// versioned hashes (EIP-4844: BLOBHASH reads them).
func (c *EVM) SendWithBlobs(from, to common.Address, input []byte, value *big.Int, gas uint64, blobs []common.Hash) ([]byte, uint64, error) {
	cfg := *c.cfg
	cfg.Origin, cfg.Value, cfg.BlobHashes = from, value, blobs
	if gas > 0 {
		cfg.GasLimit = gas
	}
	ret, left, err := runtime.Call(to, input, &cfg)
	return ret, c.settle(input, cfg.GasLimit-left), err
}

// TxGas is the gas of a transaction carrying calldata whose execution used
// exec: the base 21,000, 16 per non-zero and 4 per zero calldata byte
// (EIP-2028), and the execution, or the calldata floor of EIP-7623 (10 per
// token, a non-zero byte being 4 tokens) where that is more.
func TxGas(calldata []byte, exec uint64) uint64 {
	t := tokens(calldata)
	return max(21000+4*t+exec, 21000+10*t)
}

// tokens are calldata's tokens (EIP-7623): 1 per zero byte, 4 per other.
func tokens(calldata []byte) uint64 {
	var n uint64
	for _, b := range calldata {
		if b == 0 {
			n++
		} else {
			n += 4
		}
	}
	return n
}

// Gas is what verifying one proof on chain costs.
type Gas struct {
	Exec uint64 `json:"exec"` // execution of the call, less the storage refund its transaction earns
	Tx   uint64 `json:"tx"`   // the whole transaction: base, calldata and execution
}

// Add sums gas.
func (g Gas) Add(h Gas) Gas { return Gas{g.Exec + h.Exec, g.Tx + h.Tx} }

// Measure compiles the verifier, deploys it on a fresh chain and calls it
// with the proof; it fails when the verifier rejects the proof.
func (e *Export) Measure(c *Compiler) (Gas, error) {
	code, err := c.Compile(e.Solidity, e.Contract())
	if err != nil {
		return Gas{}, err
	}
	evm := NewEVM()
	addr, err := evm.Deploy(code)
	if err != nil {
		return Gas{}, fmt.Errorf("onchain: deploy: %w", err)
	}
	data := e.Calldata()
	ret, exec, err := evm.Send(common.Address{}, addr, data, nil, 0)
	if err != nil {
		return Gas{}, fmt.Errorf("onchain: the verifier rejected the proof: %w", err)
	}
	if !e.Accepted(ret) {
		return Gas{}, errors.New("onchain: the verifier returned false")
	}
	return Gas{Exec: exec, Tx: TxGas(data, exec)}, nil
}
