package bench

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Commitment workloads: "commit/N=4096" proves that N private 16-bit values
// hash (packed, Poseidon2 sponge) to a public digest: the cost of binding
// data, per value. The plain baseline hashes the same values with SHA-256.
func init() {
	Register(FamilyDef{Name: "commit", Bench: "Commit", Example: "N=4096", New: func(size string) (Workload, error) {
		s, err := parseSize(size, "N")
		if err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(9, uint64(s["N"])))
		vals := make([]int64, s["N"])
		for i := range vals {
			vals[i] = rng.Int64N(1<<16) - 1<<15
		}
		return &commitWorkload{name: fmt.Sprintf("commit/N=%d", s["N"]), vals: vals}, nil
	}})
}

type commitWorkload struct {
	name string
	vals []int64
}

type commitCircuit struct {
	Digest frontend.Variable `gnark:",public"`
	Vals   []frontend.Variable
}

func (c *commitCircuit) Define(api frontend.API) error {
	h, err := commit.PackAndHash(fixedpoint.New(api), c.Vals, 16)
	if err != nil {
		return err
	}
	api.AssertIsEqual(h, c.Digest)
	return nil
}

func (w *commitWorkload) Name() string  { return w.name }
func (w *commitWorkload) Elements() int { return len(w.vals) }
func (w *commitWorkload) Circuit() frontend.Circuit {
	return &commitCircuit{Vals: make([]frontend.Variable, len(w.vals))}
}

func (w *commitWorkload) Assignment(curve ecc.ID) (frontend.Circuit, error) {
	h, err := commit.NativePackAndHash(curve, w.vals, 16)
	if err != nil {
		return nil, err
	}
	c := &commitCircuit{Digest: h, Vals: make([]frontend.Variable, len(w.vals))}
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
