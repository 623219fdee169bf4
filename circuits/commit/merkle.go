package commit

import (
	"fmt"

	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/accumulator/merkle"
	"github.com/consensys/gnark/std/hash"
	"github.com/consensys/gnark/std/permutation/poseidon2"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// A dataset is committed as a Merkle tree whose leaves are whole batches: leaf
// k is the sponge digest of the packed rows of batch k. Proving that a batch
// belongs to the dataset then costs one Merkle path (log2 of the number of
// batches compressions) plus hashing the batch, which the training step needs
// anyway to bind its inputs; a tree with one leaf per row would cost one path
// per row. Unused leaves of the last power of two are zero.
//
// Inner nodes use gnark's std Merkle verifier with gnark's default Poseidon2
// compression (width 2) in a Merkle-Damgard hash whose initial state is the
// tag of the set's Node domain, so node(a, b) = MD(a, b) and the level-0 value
// of leaf x is MD(x), exactly as merkle.MerkleProof.VerifyProof computes. The
// tag binds the set's role, batch shape, depth and value format into the
// root, at no constraint.
//
// The number of batches n is bound too: the initial state is the tag plus n
// (TreeIV), so the root of the same leaves read as a set of fewer batches is
// another root, and a statement that names n (a public input) proves that its
// batch index is below it. The tag is 248 bits of SHA-256, so tag+n equals
// another domain's tag+n' only if two tags differ by less than 2^32
// (probability below 2^-216); in-circuit the sum is one linear combination,
// and only the first compression of each node hash sees a variable there.

// TreeIV is the Merkle-Damgard initial state of the tree of set over n
// batches: the Node tag plus n.
func (s Set) TreeIV(n int) *big.Int {
	return new(big.Int).Add(s.Node().Tag(), big.NewInt(int64(n)))
}

// treeHasher is the Merkle-Damgard hash of a set's tree of the given number
// of batches.
func treeHasher(api frontend.API, set Set, batches frontend.Variable) (hash.FieldHasher, error) {
	perm, err := poseidon2.NewPoseidon2(api)
	if err != nil {
		return nil, err
	}
	return hash.NewMerkleDamgardHasher(api, perm, api.Add(set.Node().Tag(), batches)), nil
}

// BatchBits bounds the number of batches of a set: below 2^32.
const BatchBits = 32

// VerifyBatch asserts that leaf sits at position index of the tree of set
// over the given number of batches with the given root, and that index is
// below batches; siblings are the sibling nodes from the bottom level up. The
// index is pinned to [0, 2^set.Depth) by the path and to [0, batches) by a
// range check of batches-1-index (BatchBits bits).
func VerifyBatch(fp *fixedpoint.API, set Set, root, batches, index, leaf frontend.Variable, siblings []frontend.Variable) error {
	if len(siblings) != set.Depth {
		return fmt.Errorf("commit: %d siblings for a tree of depth %d", len(siblings), set.Depth)
	}
	api := fp.Frontend()
	h, err := treeHasher(api, set, batches)
	if err != nil {
		return err
	}
	gap := api.Sub(batches, 1, index)
	if c, isConst := api.Compiler().ConstantValue(gap); !isConst {
		fp.AssertUnsigned(gap, BatchBits)
	} else if c.BitLen() > BatchBits { // a field element: -1 is p-1
		return fmt.Errorf("commit: batch %v is not below the set's %v batches", index, batches)
	}
	proof := merkle.MerkleProof{RootHash: root, Path: append([]frontend.Variable{leaf}, siblings...)}
	if len(siblings) == 0 {
		// VerifyProof decomposes index into zero bits, which pins it to 0.
		h.Reset()
		h.Write(leaf)
		api.AssertIsEqual(h.Sum(), root)
		api.AssertIsEqual(index, 0)
		return nil
	}
	proof.VerifyProof(api, h, index)
	return nil
}

// MD is gnark's Merkle-Damgard construction over the width-2 Poseidon2
// compression with a zero initial state, as std/hash/poseidon2 computes it.
func (f *Field) MD(xs ...*big.Int) *big.Int { return f.MDFrom(new(big.Int), xs...) }

// MDFrom is MD from the initial state iv.
func (f *Field) MDFrom(iv *big.Int, xs ...*big.Int) *big.Int {
	state := f.Reduce(iv)
	for _, x := range xs {
		buf := []*big.Int{state, f.Reduce(x)}
		f.md(buf)
		state = f.Reduce(buf[1].Add(buf[1], x))
	}
	return state
}

// Tree is the native Merkle tree over batch digests.
type Tree struct {
	levels [][]*big.Int // levels[0]: MD(leaf) per leaf; last: the root
	leaves []*big.Int
}

// Depth returns the number of sibling nodes in a path for n leaves.
func Depth(n int) int {
	d := 0
	for 1<<d < n {
		d++
	}
	return d
}

// NewTree builds the tree of set over the given leaves with the field's
// Merkle-Damgard hash from the set's tag, padding with zero leaves to a power
// of two.
func (f *Field) NewTree(set Set, leaves []*big.Int) (*Tree, error) {
	if d := Depth(len(leaves)); d != set.Depth {
		return nil, fmt.Errorf("commit: %d leaves make a tree of depth %d, the set says %d", len(leaves), d, set.Depth)
	}
	iv := set.TreeIV(len(leaves))
	return NewTreeWith(leaves, func(xs ...*big.Int) *big.Int { return f.MDFrom(iv, xs...) })
}

// NewTreeWith builds the tree with another Merkle-Damgard hash md (the
// in-circuit std/accumulator/merkle verifier takes any FieldHasher).
func NewTreeWith(leaves []*big.Int, md func(...*big.Int) *big.Int) (*Tree, error) {
	if len(leaves) == 0 {
		return nil, fmt.Errorf("commit: a tree needs at least one leaf")
	}
	n := 1 << Depth(len(leaves))
	padded := make([]*big.Int, n)
	copy(padded, leaves)
	for i := len(leaves); i < n; i++ {
		padded[i] = new(big.Int)
	}
	level := make([]*big.Int, n)
	for i := range padded {
		level[i] = md(padded[i])
	}
	t := &Tree{levels: [][]*big.Int{level}, leaves: padded}
	for len(level) > 1 {
		next := make([]*big.Int, len(level)/2)
		for i := range next {
			next[i] = md(level[2*i], level[2*i+1])
		}
		t.levels = append(t.levels, next)
		level = next
	}
	return t, nil
}

// Root returns the tree's root.
func (t *Tree) Root() *big.Int { return t.levels[len(t.levels)-1][0] }

// Depth returns the tree's depth (path length).
func (t *Tree) Depth() int { return len(t.levels) - 1 }

// Siblings returns the authentication path of leaf k, bottom level first.
func (t *Tree) Siblings(k int) ([]*big.Int, error) {
	if k < 0 || k >= len(t.leaves) {
		return nil, fmt.Errorf("commit: leaf %d outside a tree of %d leaves", k, len(t.leaves))
	}
	path := make([]*big.Int, 0, t.Depth())
	for l := 0; l < t.Depth(); l++ {
		path = append(path, t.levels[l][k^1])
		k >>= 1
	}
	return path, nil
}

// TreeRoot computes in-circuit the root of the tree of set over all of
// leaves, padded with zero leaves to a power of two, exactly as NewTree does.
func TreeRoot(api frontend.API, set Set, leaves []frontend.Variable) (frontend.Variable, error) {
	if d := Depth(len(leaves)); d != set.Depth {
		return nil, fmt.Errorf("commit: %d leaves make a tree of depth %d, the set says %d", len(leaves), d, set.Depth)
	}
	h, err := treeHasher(api, set, len(leaves))
	if err != nil {
		return nil, err
	}
	md := func(xs ...frontend.Variable) frontend.Variable {
		h.Reset()
		h.Write(xs...)
		return h.Sum()
	}
	n := 1 << Depth(len(leaves))
	level := make([]frontend.Variable, n)
	for i := range level {
		if i < len(leaves) {
			level[i] = md(leaves[i])
		} else {
			level[i] = md(0)
		}
	}
	for len(level) > 1 {
		next := make([]frontend.Variable, len(level)/2)
		for i := range next {
			next[i] = md(level[2*i], level[2*i+1])
		}
		level = next
	}
	return level[0], nil
}
