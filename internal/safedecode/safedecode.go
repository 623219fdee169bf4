// Package safedecode reads files a hostile party wrote: every file is
// size-checked before it is read, JSON is decoded from those bytes alone, and
// the binary encodings of gnark's keys and proofs are walked first, so that
// no length prefix in a file makes a decoder allocate more than the file's
// own size allows (gnark-crypto's decoders allocate a slice of the length they
// read before reading its elements: a 4-byte length of 0x7ffffff0 in a 1 KiB
// verifying key would otherwise ask for 128 GiB). A panic inside a decoder is
// turned into an error. Every error names the file and what was wrong.
package safedecode

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/consensys/gnark-crypto/ecc"
	bls12377 "github.com/consensys/gnark-crypto/ecc/bls12-377"
	bls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381"
	"github.com/consensys/gnark-crypto/ecc/bn254"
	bw6761 "github.com/consensys/gnark-crypto/ecc/bw6-761"
)

// ReadFile reads path when it holds at most limit bytes; what names the
// file's kind for the error ("verifying key").
func ReadFile(path string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes; a %s is at most %d", path, st.Size(), what, limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit { // grew while read
		return nil, fmt.Errorf("%s: more than %d bytes; a %s is at most %d", path, limit, what, limit)
	}
	return data, nil
}

// JSON decodes data strictly (no unknown fields, one value, nothing after
// it) into v; name is the file, for the error. Go's decoder refuses nesting
// deeper than 10,000 levels, and data is already bounded.
func JSON(name string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%s: data after the JSON value", name)
	}
	return nil
}

// Decode runs a library decoder over data, turning a panic into an error
// naming the file.
func Decode(name string, data []byte, r io.ReaderFrom) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: the decoder failed: %v", name, p)
		}
	}()
	n, err := r.ReadFrom(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if n != int64(len(data)) {
		return fmt.Errorf("%s: %d bytes after the encoded value", name, int64(len(data))-n)
	}
	return nil
}

// Sizes are the compressed encodings' sizes on a curve, and how its first
// byte marks a compressed point.
type Sizes struct {
	G1, G2, Fr int
	bn254      bool // BN254 flags compression in 2 bits, the others in 3
}

// SizesOf returns the encoding sizes of a curve.
func SizesOf(curve ecc.ID) (Sizes, error) {
	switch curve {
	case ecc.BN254:
		return Sizes{bn254.SizeOfG1AffineCompressed, bn254.SizeOfG2AffineCompressed, 32, true}, nil
	case ecc.BLS12_381:
		return Sizes{bls12381.SizeOfG1AffineCompressed, bls12381.SizeOfG2AffineCompressed, 32, false}, nil
	case ecc.BLS12_377:
		return Sizes{bls12377.SizeOfG1AffineCompressed, bls12377.SizeOfG2AffineCompressed, 32, false}, nil
	case ecc.BW6_761:
		return Sizes{bw6761.SizeOfG1AffineCompressed, bw6761.SizeOfG2AffineCompressed, 48, false}, nil
	}
	return Sizes{}, fmt.Errorf("no encoding sizes for %s", curve)
}

// walker checks an encoding item by item, every length prefix against the
// bytes that remain.
type walker struct {
	data []byte
	at   int
	s    Sizes
	err  error
}

var errShort = errors.New("truncated")

func (w *walker) skip(n int, what string) {
	if w.err != nil {
		return
	}
	if n < 0 || n > len(w.data)-w.at {
		w.err = fmt.Errorf("%s at byte %d: %w (%d bytes needed, %d left)", what, w.at, errShort, n, len(w.data)-w.at)
		return
	}
	w.at += n
}

func (w *walker) u32(what string) int {
	if w.err != nil {
		return 0
	}
	if len(w.data)-w.at < 4 {
		w.skip(4, what)
		return 0
	}
	v := binary.BigEndian.Uint32(w.data[w.at:])
	w.at += 4
	return int(v)
}

// slice checks a length prefix for elements of size each (at least one byte
// of the file per element) and skips them.
func (w *walker) slice(each int, what string) int {
	n := w.u32(what + " length")
	if w.err == nil && n > (len(w.data)-w.at)/each {
		w.err = fmt.Errorf("%s at byte %d: the length prefix says %d elements of %d bytes, the file has %d bytes left", what, w.at-4, n, each, len(w.data)-w.at)
		return 0
	}
	w.skip(n*each, what)
	return n
}

func (w *walker) done(kind string) error {
	if w.err != nil {
		return fmt.Errorf("not a %s: %w", kind, w.err)
	}
	if w.at != len(w.data) {
		return fmt.Errorf("not a %s: %d bytes after its end", kind, len(w.data)-w.at)
	}
	return nil
}

// points skips n compressed points of size bytes each, refusing a point
// whose first byte does not mark it compressed: the decoder would read an
// uncompressed point as twice the bytes, out of step with this walk.
func (w *walker) points(n, size int, what string) {
	for i := 0; i < n && w.err == nil; i++ {
		if w.at < len(w.data) && !w.s.compressed(w.data[w.at]) {
			w.err = fmt.Errorf("%s at byte %d: not a compressed point", what, w.at)
			return
		}
		w.skip(size, what)
	}
}

// pointList skips a length-prefixed list of compressed points of size
// bytes each, refusing a length the bytes left cannot hold.
func (w *walker) pointList(size int, what string) {
	n := w.u32(what + " length")
	if w.err == nil && n > (len(w.data)-w.at)/size {
		w.err = fmt.Errorf("%s at byte %d: the length prefix says %d points, the file has %d bytes left", what, w.at-4, n, len(w.data)-w.at)
		return
	}
	w.points(n, size, what)
}

// compressed reads gnark-crypto's flags in a point's first byte: on BN254
// 0b01 (infinity), 0b10 and 0b11 in the top two bits; on the others 0b100,
// 0b101 and 0b110 (infinity) in the top three.
func (s Sizes) compressed(b byte) bool {
	if s.bn254 {
		return b>>6 != 0
	}
	switch b >> 5 {
	case 0b100, 0b101, 0b110:
		return true
	}
	return false
}

// Groth16VK checks the layout of a compressed Groth16 verifying key.
func Groth16VK(data []byte, s Sizes) error {
	w := &walker{data: data, s: s}
	w.points(1, s.G1, "[α]₁")
	w.points(1, s.G1, "[β]₁")
	w.points(1, s.G2, "[β]₂")
	w.points(1, s.G2, "[γ]₂")
	w.points(1, s.G1, "[δ]₁")
	w.points(1, s.G2, "[δ]₂")
	w.pointList(s.G1, "public-input key")
	outer := w.u32("commitment wiring length")
	if w.err == nil && outer > (len(data)-w.at)/4 {
		w.err = fmt.Errorf("commitment wiring at byte %d: the length prefix says %d lists, the file has %d bytes left", w.at-4, outer, len(data)-w.at)
	}
	for i := 0; i < outer && w.err == nil; i++ {
		w.slice(8, "commitment wiring")
	}
	c := w.u32("commitment key count")
	if w.err == nil && c > (len(data)-w.at)/(2*s.G2) {
		w.err = fmt.Errorf("commitment keys at byte %d: the count says %d, the file has %d bytes left", w.at-4, c, len(data)-w.at)
	}
	w.points(2*c, s.G2, "commitment key")
	return w.done("Groth16 verifying key")
}

// Groth16Proof checks the layout of a compressed Groth16 proof.
func Groth16Proof(data []byte, s Sizes) error {
	w := &walker{data: data, s: s}
	w.points(1, s.G1, "Ar")
	w.points(1, s.G2, "Bs")
	w.points(1, s.G1, "Krs")
	w.pointList(s.G1, "commitments")
	w.points(1, s.G1, "commitment proof of knowledge")
	return w.done("Groth16 proof")
}

// PlonkProof checks the layout of a PLONK proof.
func PlonkProof(data []byte, s Sizes) error {
	w := &walker{data: data, s: s}
	w.points(8, s.G1, "L, R, O, Z, H and the batched opening")
	w.slice(s.Fr, "claimed values")
	w.points(1, s.G1, "shifted opening")
	w.skip(s.Fr, "shifted claimed value")
	w.pointList(s.G1, "BSB22 commitments")
	return w.done("PLONK proof")
}

// PlonkVK checks the layout of a PLONK verifying key (the versioned
// encoding gnark writes); kzgTail is the size of the KZG key's fixed part
// (G1, two G2 and the precomputed lines), which PlonkKZGTail measures.
func PlonkVK(data []byte, s Sizes, kzgTail int) error {
	w := &walker{data: data, s: s}
	if len(data) < 16 || binary.BigEndian.Uint64(data) != 0 || binary.BigEndian.Uint64(data[8:]) != 1 {
		return fmt.Errorf("not a PLONK verifying key: not gnark's versioned encoding (marker 0, version 1)")
	}
	w.skip(8+8+8, "version and domain size")
	w.skip(2*s.Fr, "domain inverse and generator")
	w.skip(8, "public input count")
	w.skip(s.Fr, "coset shift")
	w.points(8, s.G1, "permutation and selector commitments")
	w.pointList(s.G1, "commitment selectors")
	w.skip(kzgTail, "KZG verifying key")
	w.slice(8, "commitment constraint indexes")
	return w.done("PLONK verifying key")
}

// Phase1 checks the layout of a Groth16 MPC phase-1 contribution (gnark's
// mpcsetup.Phase1) over a domain of n: three update proofs, the powers of τ
// (their count fixed by n, which the encoding repeats first and must equal
// n), and the challenge.
func Phase1(data []byte, s Sizes, n uint64) error {
	w := &walker{data: data, s: s}
	for range 3 {
		w.points(1, s.G1, "update proof commitment")
		w.points(1, s.G2, "update proof of knowledge")
	}
	if w.err == nil && len(data)-w.at >= 8 {
		if got := binary.BigEndian.Uint64(data[w.at:]); got != n {
			return fmt.Errorf("not a phase-1 contribution of domain %d: it says %d", n, got)
		}
	}
	w.skip(8, "domain size")
	w.points(1, s.G2, "[β]₂")
	w.points(int(2*n-2), s.G1, "[τⁱ]₁")
	w.points(int(n-1), s.G2, "[τⁱ]₂")
	w.points(int(2*n), s.G1, "[ατⁱ]₁ and [βτⁱ]₁")
	w.short("challenge")
	return w.done("phase-1 contribution")
}

// Phase2 checks the layout of a Groth16 MPC phase-2 contribution (gnark's
// mpcsetup.Phase2).
func Phase2(data []byte, s Sizes) error {
	w := &walker{data: data, s: s}
	var c int
	if len(data) >= 2 {
		c = int(binary.BigEndian.Uint16(data))
	}
	w.skip(2, "commitment count")
	w.points(1, s.G1, "[δ]₁")
	w.pointList(s.G1, "private-wire key")
	w.pointList(s.G1, "vanishing-polynomial key")
	w.points(1, s.G2, "[δ]₂")
	for i := 0; i < c && w.err == nil; i++ {
		w.pointList(s.G1, "commitment key")
	}
	w.points(c, s.G2, "[σ]₂")
	for range c + 1 {
		w.points(1, s.G1, "update proof commitment")
		w.points(1, s.G2, "update proof of knowledge")
	}
	w.short("challenge")
	return w.done("phase-2 contribution")
}

// short skips gnark's short byte string: a 1-byte length, then the bytes.
func (w *walker) short(what string) {
	if w.err != nil {
		return
	}
	if len(w.data)-w.at < 1 {
		w.skip(1, what)
		return
	}
	n := int(w.data[w.at])
	w.at++
	w.skip(n, what)
}
