package commit

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"strings"

	"github.com/potbench/potbench/circuits/fixedpoint"
)

// Domain separation. Every digest here starts from a tag, a field element
// computed from what is committed: its kind, the number of values, their
// shape and their fixed-point format. The tag is the sponge's capacity
// element (and the initial state of a dataset's Merkle hash), so it costs no
// constraint, yet two commitments of a different kind, length, shape or value
// width start from different states and collide only if Poseidon2 does.
// Without it, packing alone would let one digest mean two things: 16-bit
// values and their 8-bit halves pack to the same field elements, a model whose
// last value is the format's minimum packs like the model one value shorter,
// and the rows of a 3-feature dataset read as twice as many 1-feature rows.

// Kind names what a commitment is of.
type Kind string

const (
	KindBatch  Kind = "batch"  // the rows of one batch of a dataset: a Merkle leaf
	KindTree   Kind = "tree"   // the Merkle nodes of a dataset's tree
	KindModel  Kind = "model"  // a model's parameters
	KindVector Kind = "vector" // a plain vector of values
)

// Role names what a dataset is for; each statement binds the role it reads.
type Role string

const (
	RoleTrain   Role = "train"   // training rows: features, then the target or label
	RoleHeldout Role = "heldout" // held-out rows for scoring, laid out as training rows
	RoleRaw     Role = "raw"     // raw rows before preprocessing
)

// Domain is what a commitment means.
type Domain struct {
	Kind   Kind
	Name   string            // a dataset's role, a model's family
	Shape  []int             // batch and tree: rows per batch, values per row; model: layer widths; vector: length
	Values int               // number of values absorbed (0 for tree nodes)
	Depth  int               // batch and tree: the dataset's Merkle depth
	Format fixedpoint.Format // width and fractional bits of every value
}

// String is the domain's canonical encoding, the preimage of its tag.
func (d Domain) String() string {
	shape := make([]string, len(d.Shape))
	for i, s := range d.Shape {
		shape[i] = fmt.Sprint(s)
	}
	return fmt.Sprintf("potbench/commitment/v1;kind=%s;name=%s;shape=%s;values=%d;depth=%d;bits=%d;frac=%d",
		d.Kind, d.Name, strings.Join(shape, "x"), d.Values, d.Depth, d.Format.Bits, d.Format.Frac)
}

// Tag is the field element a digest of this domain starts from: the first
// 248 bits of SHA-256 of String, below the scalar field of every supported
// curve (so the same on each). Distinct domains get distinct tags unless
// SHA-256 truncated to 248 bits collides.
func (d Domain) Tag() *big.Int {
	sum := sha256.Sum256([]byte(d.String()))
	return new(big.Int).SetBytes(sum[:31])
}

// check reports values that do not fit the domain.
func (d Domain) check(n int) error {
	if n != d.Values {
		return fmt.Errorf("commit: %d values given for a commitment of %d (%s)", n, d.Values, d)
	}
	if err := d.Format.Validate(); err != nil {
		return err
	}
	return nil
}

// Vector is the domain of a plain vector of n values.
func Vector(n int, format fixedpoint.Format) Domain {
	return Domain{Kind: KindVector, Name: "values", Shape: []int{n}, Values: n, Format: format}
}

// Model is the domain of a model of the given family ("linear", "logistic",
// "softmax", "mlp"), layer widths and value count.
func Model(family string, format fixedpoint.Format, values int, layers ...int) Domain {
	return Domain{Kind: KindModel, Name: family, Shape: layers, Values: values, Format: format}
}

// Set says how a dataset is committed: its role, how it is cut into batches,
// the depth of its tree and the format of its values. Statements that read a
// dataset name the Set they expect, and a root made for another one fails
// their membership check.
type Set struct {
	Role      Role
	BatchSize int               // rows per batch (one Merkle leaf)
	Width     int               // values per row
	Depth     int               // Merkle depth: up to 2^Depth batches
	Format    fixedpoint.Format // every value's format
}

// Leaf is the domain of one batch's digest.
func (s Set) Leaf() Domain {
	return Domain{Kind: KindBatch, Name: string(s.Role), Shape: []int{s.BatchSize, s.Width},
		Values: s.BatchSize * s.Width, Depth: s.Depth, Format: s.Format}
}

// Node is the domain of the tree's hashes; its tag is the Merkle-Damgard
// initial state of every node and leaf wrapping.
func (s Set) Node() Domain {
	return Domain{Kind: KindTree, Name: string(s.Role), Shape: []int{s.BatchSize, s.Width}, Depth: s.Depth, Format: s.Format}
}

// String describes the set in words, for errors.
func (s Set) String() string {
	return fmt.Sprintf("%s set of batches of %d rows × %d %s values (depth %d)", s.Role, s.BatchSize, s.Width, s.Format, s.Depth)
}
