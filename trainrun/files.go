package trainrun

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/plonk"

	"github.com/potbench/potbench/curves"
	"github.com/potbench/potbench/internal/safedecode"
	"github.com/potbench/potbench/proving"
)

// A run directory is the seller's: every file in it is read as hostile
// input, size-checked against what the statement allows before it is
// decoded, and decoded so that no length in it can make the verifier
// allocate more than the file's own size (internal/safedecode).
const (
	maxManifestBytes = 64 << 20 // a manifest of about 10^5 proof records
	maxTermsBytes    = 1 << 20
	maxRecordBytes   = 1 << 20 // a prover's record of one proof
	maxCommitments   = 4       // BSB22 commitments a key may carry
)

// maxModelBytes bounds model.json for a model of n values: each value
// twice (fixed point and float64) in at most 32 characters, and the rest.
func maxModelBytes(n int) int64 { return int64(n)*64 + 64<<10 }

// maxKeyBytes bounds a verifying key of a circuit with public inputs on a
// curve: the Groth16 points (public inputs, constant and commitments) and
// commitment wiring, or PLONK's selectors and KZG key.
func maxKeyBytes(backend string, curve ecc.ID, public int) (int64, error) {
	s, err := safedecode.SizesOf(curve)
	if err != nil {
		return 0, err
	}
	c := maxCommitments
	if backend == "plonk" {
		tail, err := plonkKZGTail(curve)
		if err != nil {
			return 0, err
		}
		return int64(32 + 3*s.Fr + 8*s.G1 + 4 + c*s.G1 + tail + 4 + 8*c), nil
	}
	return int64(3*s.G1 + 3*s.G2 + 4 + (public+1+c)*s.G1 + 4 + c*(4+8*(public+c)) + 4 + 2*c*s.G2), nil
}

// maxProofBytes bounds a proof: Groth16's three points, commitments and
// their proof of knowledge; PLONK's eight commitments, openings and claimed
// values (at most 16).
func maxProofBytes(backend string, curve ecc.ID) (int64, error) {
	s, err := safedecode.SizesOf(curve)
	if err != nil {
		return 0, err
	}
	if backend == "plonk" {
		return int64(8*s.G1 + 4 + 16*s.Fr + s.G1 + s.Fr + 4 + maxCommitments*s.G1), nil
	}
	return int64(2*s.G1 + s.G2 + 4 + maxCommitments*s.G1 + s.G1), nil
}

var kzgTails sync.Map // ecc.ID → int

// plonkKZGTail is the size of a PLONK verifying key's KZG part on a curve,
// measured once from the encoding of an empty key.
func plonkKZGTail(curve ecc.ID) (int, error) {
	if v, ok := kzgTails.Load(curve); ok {
		return v.(int), nil
	}
	s, err := safedecode.SizesOf(curve)
	if err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	if _, err := plonk.NewVerifyingKey(curve).WriteTo(&buf); err != nil {
		return 0, err
	}
	tail := buf.Len() - (32 + 3*s.Fr + 8*s.G1 + 4 + 4)
	kzgTails.Store(curve, tail)
	return tail, nil
}

// runFile reads a file the manifest names, which must lie inside the run
// directory, when it holds at most limit bytes.
func runFile(dir, rel string, limit int64, what string) ([]byte, error) {
	if !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("%s %q: not a path inside the run directory", what, rel)
	}
	return safedecode.ReadFile(filepath.Join(dir, rel), limit, what)
}

// readVerifyingKey reads and decodes a verifying key of a circuit with the
// given public inputs; it returns the key and the file's bytes.
func readVerifyingKey(dir, rel, backend string, curve ecc.ID, public int) (proving.Key, []byte, error) {
	limit, err := maxKeyBytes(backend, curve, public)
	return readDecoded(dir, rel, limit, err, "verifying key", func(data []byte) (proving.Key, error) {
		return DecodeVerifyingKey(rel, data, backend, curve)
	})
}

// readDecoded reads a run file of at most limit bytes (limitErr: the bound
// could not be computed) and decodes it.
func readDecoded[T any](dir, rel string, limit int64, limitErr error, what string, decode func([]byte) (T, error)) (T, []byte, error) {
	var zero T
	if limitErr != nil {
		return zero, nil, limitErr
	}
	data, err := runFile(dir, rel, limit, what)
	if err != nil {
		return zero, nil, err
	}
	v, err := decode(data)
	return v, data, err
}

// codec is the proving system and encoding sizes files of a backend and
// curve are decoded with.
func codec(backend string, curve ecc.ID) (proving.System, safedecode.Sizes, error) {
	sys, err := proving.NewSystem(backend)
	if err != nil {
		return nil, safedecode.Sizes{}, err
	}
	s, err := safedecode.SizesOf(curve)
	return sys, s, err
}

// DecodeVerifyingKey decodes a verifying key's bytes, its layout checked
// first; name is the file, for errors.
func DecodeVerifyingKey(name string, data []byte, backend string, curve ecc.ID) (proving.Key, error) {
	sys, s, err := codec(backend, curve)
	if err != nil {
		return nil, err
	}
	if backend == "plonk" {
		tail, err := plonkKZGTail(curve)
		if err == nil {
			err = safedecode.PlonkVK(data, s, tail)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	} else if err := safedecode.Groth16VK(data, s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	_, vk := sys.NewKeys(curve)
	r, ok := vk.(io.ReaderFrom)
	if !ok {
		return nil, fmt.Errorf("%s: a %T cannot be read", name, vk)
	}
	return vk, safedecode.Decode(name, data, r)
}

// readProofFile reads and decodes a proof; it returns the proof and the
// file's bytes.
func readProofFile(dir, rel, backend string, curve ecc.ID) (proving.Proof, []byte, error) {
	limit, err := maxProofBytes(backend, curve)
	return readDecoded(dir, rel, limit, err, "proof", func(data []byte) (proving.Proof, error) {
		return DecodeProof(rel, data, backend, curve)
	})
}

// DecodeProof decodes a proof's bytes, its layout checked first.
func DecodeProof(name string, data []byte, backend string, curve ecc.ID) (proving.Proof, error) {
	sys, s, err := codec(backend, curve)
	if err != nil {
		return nil, err
	}
	check := safedecode.Groth16Proof
	if backend == "plonk" {
		check = safedecode.PlonkProof
	}
	if err := check(data, s); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	proof := sys.NewProof(curve)
	return proof, safedecode.Decode(name, data, proof)
}

// readJSON reads a JSON file of at most limit bytes strictly; errors name
// the file.
func readJSON(path string, limit int64, what string, v any) error {
	data, err := safedecode.ReadFile(path, limit, what)
	if err != nil {
		return err
	}
	return safedecode.JSON(path, data, v)
}

// ParseManifest decodes a manifest's bytes (name is the file, for errors).
func ParseManifest(name string, data []byte) (*Manifest, error) {
	var m Manifest
	if err := safedecode.JSON(name, data, &m); err != nil {
		return nil, err
	}
	if m.Format != Format {
		return nil, fmt.Errorf("%s: format %q, expected %q", name, m.Format, Format)
	}
	return &m, nil
}

// ParseTerms decodes and checks a terms file's bytes.
func ParseTerms(name string, data []byte) (*Terms, error) {
	var t Terms
	if err := safedecode.JSON(name, data, &t); err != nil {
		return nil, err
	}
	if err := t.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &t, nil
}

// OpenVerifyingKey reads, bounded and checked, the verifying key of one of
// the manifest's circuits (for tools beside Verify, such as the on-chain
// export).
func OpenVerifyingKey(dir string, m *Manifest, c Circuit) (proving.Key, error) {
	curve, err := curves.Parse(m.Curve)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	public, err := inputsOf(c.Shape, TermsOf(m))
	if err != nil {
		return nil, fmt.Errorf("manifest circuit %q: %w", c.Shape, err)
	}
	vk, data, err := readVerifyingKey(dir, c.VK, m.Backend, curve, public)
	if err != nil {
		return nil, err
	}
	if sha256Hex(data) != c.VKSHA256 {
		return nil, fmt.Errorf("verifying key %s is not the one the manifest names for the %s circuit (SHA-256 differs)", c.VK, c.Shape)
	}
	return vk, nil
}

// OpenProof reads, bounded and checked, one of the manifest's proofs.
func OpenProof(dir string, m *Manifest, p Proof) (proving.Proof, error) {
	curve, err := curves.Parse(m.Curve)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	proof, data, err := readProofFile(dir, p.File, m.Backend, curve)
	if err != nil {
		return nil, err
	}
	if sha256Hex(data) != p.SHA256 {
		return nil, fmt.Errorf("proof %s was changed (SHA-256 differs from the manifest's)", p.File)
	}
	return proof, nil
}
