package onchain

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/ethereum/go-ethereum/common"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/internal/atomicfile"
	"github.com/potbench/potbench/trainrun"
)

// RunExport is a proven training run made checkable on chain: one verifier
// contract per circuit shape, every proof as calldata, and (with a compiler)
// the gas of verifying each and the whole run.
type RunExport struct {
	Contracts map[string]string `json:"contracts"` // shape -> Solidity file
	Proofs    []RunProof        `json:"proofs"`
	Gas       *Gas              `json:"gas,omitempty"` // the whole run: every proof, score included
}

// RunProof is one proof of the run on chain.
type RunProof struct {
	File     string   `json:"file"`
	Shape    string   `json:"shape"`
	Input    []string `json:"input"`
	Calldata string   `json:"calldata"`
	Gas      *Gas     `json:"gas,omitempty"`
}

// run is a run directory read for the chain: its verifiers and its proofs
// (the steps in order, then the score unless the last step proof carries
// it) in the verifiers' layout.
type run struct {
	manifest  *trainrun.Manifest
	verifiers map[string]string // shape -> Solidity
	shapes    []string          // in the manifest's order
	proofs    []chainProof
	final     []int64       // the final model's values (model.json, checked against the manifest)
	domain    commit.Domain // their commitment domain
}

type chainProof struct {
	trainrun.Proof
	proof []byte     // MarshalSolidity
	input []*big.Int // reduced
}

// readRun reads a BN254 Groth16 run directory.
func readRun(dir string) (*run, error) {
	m, err := trainrun.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if m.Curve != ecc.BN254.String() || m.Backend != "groth16" {
		return nil, fmt.Errorf("%s: a %s proof on %s; only BN254 Groth16 runs are verified on chain", dir, m.Backend, m.Curve)
	}
	r := &run{manifest: m, verifiers: map[string]string{}}
	fm, dom, err := trainrun.FinalModelOf(dir, m)
	if err != nil {
		return nil, err
	}
	r.final, r.domain = fm.Values, dom
	for _, circ := range m.Circuits {
		key, err := trainrun.OpenVerifyingKey(dir, m, circ)
		if err != nil {
			return nil, err
		}
		vk := key.(groth16.VerifyingKey)
		var sol bytes.Buffer
		if err := vk.ExportSolidity(&sol, solidity.WithPragmaVersion("^0.8.20")); err != nil {
			return nil, err
		}
		r.verifiers[circ.Shape] = sol.String()
		r.shapes = append(r.shapes, circ.Shape)
	}
	proofs := append([]trainrun.Proof{}, m.Proofs...)
	if m.Score != nil && !trainrun.Scored(m.Score.Shape) { // else proven by the last step proof
		proofs = append(proofs, m.Score.Proof)
	}
	for _, p := range proofs {
		opened, err := trainrun.OpenProof(dir, m, p)
		if err != nil {
			return nil, err
		}
		proof := opened.(*groth16bn254.Proof)
		cp := chainProof{Proof: p, proof: proof.MarshalSolidity()}
		for _, h := range p.Public {
			v, ok := new(big.Int).SetString(strings.TrimPrefix(h, "0x"), 16)
			if !ok || !strings.HasPrefix(h, "0x") {
				return nil, fmt.Errorf("%s: public input %q", p.File, h)
			}
			cp.input = append(cp.input, v)
		}
		if _, ok := r.verifiers[p.Shape]; !ok {
			return nil, fmt.Errorf("%s: no %s circuit in the manifest", p.File, p.Shape)
		}
		r.proofs = append(r.proofs, cp)
	}
	return r, nil
}

// deploy compiles every verifier of the run and deploys it on chain.
func (r *run) deploy(evm *EVM, c *Compiler) (map[string]common.Address, error) {
	addrs := map[string]common.Address{}
	for _, shape := range r.shapes {
		code, err := c.Compile(r.verifiers[shape], "Verifier")
		if err != nil {
			return nil, err
		}
		addr, err := evm.Deploy(code)
		if err != nil {
			return nil, fmt.Errorf("onchain: deploy the %s verifier: %w", shape, err)
		}
		addrs[shape] = addr
	}
	return addrs, nil
}

// ExportRun writes a run directory's verifiers and calldata into out and,
// when c is not nil, verifies every proof in the EVM and records the gas.
func ExportRun(dir, out string, c *Compiler) (*RunExport, error) {
	r, err := readRun(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	re := &RunExport{Contracts: map[string]string{}}
	for _, shape := range r.shapes {
		name := "Verifier-" + shape + ".sol"
		if err := atomicfile.Write(filepath.Join(out, name), []byte(r.verifiers[shape])); err != nil {
			return nil, err
		}
		re.Contracts[shape] = name
	}
	evm := NewEVM()
	var addrs map[string]common.Address
	if c != nil {
		if addrs, err = r.deploy(evm, c); err != nil {
			return nil, err
		}
	}
	var total Gas
	for _, p := range r.proofs {
		rp := RunProof{File: p.File, Shape: p.Shape}
		for _, v := range p.input {
			rp.Input = append(rp.Input, v.String())
		}
		data := Calldata(p.proof, p.input)
		rp.Calldata = "0x" + hex.EncodeToString(data)
		if c != nil {
			exec, err := evm.Call(addrs[p.Shape], data, 0)
			if err != nil {
				return nil, fmt.Errorf("%s: the %s verifier rejected it on chain: %w (was the run proven before proofs targeted the Solidity verifier?)", p.File, p.Shape, err)
			}
			g := Gas{Exec: exec, Tx: TxGas(data, exec)}
			rp.Gas = &g
			total = total.Add(g)
		}
		re.Proofs = append(re.Proofs, rp)
	}
	if c != nil {
		re.Gas = &total
	}
	b, err := json.MarshalIndent(re, "", "  ")
	if err != nil {
		return nil, err
	}
	return re, atomicfile.Write(filepath.Join(out, "proofs.json"), append(b, '\n'))
}
