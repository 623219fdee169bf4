package trainrun

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"math/big"

	frbls12377 "github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	frbls12381 "github.com/consensys/gnark-crypto/ecc/bls12-381/fr"
	frbn254 "github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/witness"
)

// bytesBuffer collects what a WriterTo writes.
type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// hashWriter hashes what is written to it.
type hashWriter struct{ h hash.Hash }

func newHashWriter() *hashWriter                  { return &hashWriter{sha256.New()} }
func (w *hashWriter) Write(p []byte) (int, error) { return w.h.Write(p) }
func (w *hashWriter) sum() string                 { return hex.EncodeToString(w.h.Sum(nil)) }

// publicValues reads a public witness's field elements.
func publicValues(w witness.Witness) ([]*big.Int, error) {
	var out []*big.Int
	switch v := w.Vector().(type) {
	case frbn254.Vector:
		for i := range v {
			out = append(out, v[i].BigInt(new(big.Int)))
		}
	case frbls12381.Vector:
		for i := range v {
			out = append(out, v[i].BigInt(new(big.Int)))
		}
	case frbls12377.Vector:
		for i := range v {
			out = append(out, v[i].BigInt(new(big.Int)))
		}
	default:
		return nil, fmt.Errorf("unsupported witness vector %T", v)
	}
	return out, nil
}

// publicWitness builds a public witness from field elements.
func publicWitness(field *big.Int, values []*big.Int) (witness.Witness, error) {
	w, err := witness.New(field)
	if err != nil {
		return nil, err
	}
	ch := make(chan any, len(values))
	for _, v := range values {
		ch <- v
	}
	close(ch)
	if err := w.Fill(len(values), 0, ch); err != nil {
		return nil, err
	}
	return w, nil
}
