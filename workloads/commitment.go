package workloads

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	gkrposeidon2 "github.com/consensys/gnark/std/hash/poseidon2/gkr-poseidon2"

	"github.com/potbench/potbench/bench"
	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Commitment workloads: "commit/N=4096" proves that N private 16-bit values
// hash (packed, Poseidon2 sponge) to a public digest: the cost of binding
// data, per value. "commit-gkr/N=1024" hashes the same packed values with
// gnark's GKR-checked Poseidon2 (std/hash/poseidon2/gkr-poseidon2, a width-2
// Merkle-Damgard chain) instead, for comparison. The plain baseline hashes
// the same values with SHA-256.
func commitFamilies() (out []bench.FamilyDef) {
	for _, gkr := range []bool{false, true} {
		name, goName := "commit", "Commit"
		if gkr {
			name, goName = "commit-gkr", "CommitGKR"
		}
		out = append(out, bench.FamilyDef{Name: name, Bench: goName, Example: "N=4096", Keys: []string{"N"}, New: func(s map[string]int) (bench.Workload, error) {
			rng := rand.New(rand.NewPCG(9, uint64(s["N"])))
			vals := make([]int64, s["N"])
			for i := range vals {
				vals[i] = rng.Int64N(1<<16) - 1<<15
			}
			return &commitWorkload{name: fmt.Sprintf("%s/N=%d", name, s["N"]), vals: vals, gkr: gkr}, nil
		}})
	}
	return out
}

// commitDomain is the commitment domain of n values: 16-bit integers.
func commitDomain(n int) commit.Domain { return commit.Vector(n, fixedpoint.Format{Bits: 16}) }

type commitWorkload struct {
	name string
	vals []int64
	gkr  bool
}

type commitCircuit struct {
	Digest frontend.Variable `gnark:",public"`
	Vals   []frontend.Variable
	gkr    bool
}

func (c *commitCircuit) Define(api frontend.API) error {
	if c.gkr {
		h, err := gkrposeidon2.New(api)
		if err != nil {
			return err
		}
		h.Write(commit.Pack(fixedpoint.For(api, true), c.Vals, 16)...)
		api.AssertIsEqual(h.Sum(), c.Digest)
		return nil
	}
	h, err := commit.PackAndHash(fixedpoint.For(api, true), commitDomain(len(c.Vals)), c.Vals)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h, c.Digest)
	return nil
}

func (w *commitWorkload) Name() string  { return w.name }
func (w *commitWorkload) Elements() int { return len(w.vals) }
func (w *commitWorkload) Circuit() frontend.Circuit {
	return &commitCircuit{Vals: make([]frontend.Variable, len(w.vals)), gkr: w.gkr}
}

func (w *commitWorkload) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	f, err := commit.FieldOf(curve)
	if err != nil {
		return nil, err
	}
	var h *big.Int
	if w.gkr {
		packed, err := f.Pack(w.vals, 16)
		if err != nil {
			return nil, err
		}
		h = f.MD(packed...)
	} else if h, err = f.PackAndHash(commitDomain(len(w.vals)), w.vals); err != nil {
		return nil, err
	}
	c := &commitCircuit{Digest: h, Vals: make([]frontend.Variable, len(w.vals)), gkr: w.gkr}
	for i, v := range w.vals {
		c.Vals[i] = v
	}
	return c, nil
}

func (w *commitWorkload) Plain() func() {
	buf := make([]byte, 2*len(w.vals))
	for i, v := range w.vals {
		binary.LittleEndian.PutUint16(buf[2*i:], uint16(v))
	}
	var sink [32]byte
	return func() { sink = sha256.Sum256(buf); _ = sink }
}
