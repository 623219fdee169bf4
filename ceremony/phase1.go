package ceremony

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"sync/atomic"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	cmpc "github.com/consensys/gnark-crypto/ecc/bn254/mpcsetup"
	"github.com/consensys/gnark-crypto/parallel"
	mpcbn254 "github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	gio "github.com/consensys/gnark/io"

	"github.com/potbench/potbench/internal/safedecode"
)

// Phase 1 on BN254, spread over the cores.
//
// gnark's mpcsetup Phase1 decodes a contribution point by point and
// multiplies every power of τ by its update (Contribute, Seal) in one loop:
// at a domain of 2^17 a decode took 9.9 s and a seal's update 38 s on one
// core, most of a contribution, of a seal and of a buyer's check. phase1BN254
// is the same contribution in parts gnark exports (the update proofs, the
// SrsCommons, the challenge): it reads and writes gnark's encoding byte for
// byte, decodes the points in parallel (each with its subgroup check), and
// verifies, contributes and seals as gnark's Phase1 does, with gnark-crypto's
// UpdateValues, UpdateProof.Verify, SameRatioMany and BeaconContributions,
// the update's scalar multiplications shared among the cores.
// TestPhase1BN254 checks it against gnark's Phase1 both ways.
type phase1BN254 struct {
	proofs    [3]cmpc.UpdateProof // τ, α, β
	commons   mpcbn254.SrsCommons
	challenge []byte // hash of the contribution before
}

// newPhase1BN254 is mpcbn254.NewPhase1(n): every power the generator.
func newPhase1BN254(n uint64) *phase1BN254 {
	p := new(phase1BN254)
	c := &p.commons
	_, _, g1, g2 := curve.Generators()
	c.G1.Tau = make([]curve.G1Affine, 2*n-1)
	c.G1.AlphaTau = make([]curve.G1Affine, n)
	c.G1.BetaTau = make([]curve.G1Affine, n)
	c.G2.Tau = make([]curve.G2Affine, n)
	for _, s := range [][]curve.G1Affine{c.G1.Tau, c.G1.AlphaTau, c.G1.BetaTau} {
		for i := range s {
			s[i] = g1
		}
	}
	for i := range c.G2.Tau {
		c.G2.Tau[i] = g2
	}
	c.G2.Beta = g2
	return p
}

// readPhase1BN254 decodes a contribution over a domain of n: its layout
// walked first (safedecode.Phase1: compressed points, the counts n fixes),
// then the points decoded in parallel, each checked to be on the curve and
// in the subgroup of order r.
func readPhase1BN254(data []byte, n uint64) (*phase1BN254, error) {
	sizes, _ := safedecode.SizesOf(ecc.BN254)
	if err := safedecode.Phase1(data, sizes, n); err != nil {
		return nil, err
	}
	p := new(phase1BN254)
	r := bytes.NewReader(data)
	for i := range p.proofs {
		if _, err := p.proofs[i].ReadFrom(r); err != nil {
			return nil, fmt.Errorf("update proof %d: %w", i+1, err)
		}
	}
	at := len(data) - r.Len() + 8 // the domain size, checked by the walk
	const s1, s2 = curve.SizeOfG1AffineCompressed, curve.SizeOfG2AffineCompressed
	c := &p.commons
	c.G1.Tau = make([]curve.G1Affine, 2*n-1)
	c.G1.AlphaTau = make([]curve.G1Affine, n)
	c.G1.BetaTau = make([]curve.G1Affine, n)
	c.G2.Tau = make([]curve.G2Affine, n)
	_, _, c.G1.Tau[0], c.G2.Tau[0] = curve.Generators()
	var bad atomic.Value
	g1 := func(dst []curve.G1Affine, from int, what string) int {
		return decodePoints(data, dst, from, s1, what, &bad)
	}
	g2 := func(dst []curve.G2Affine, from int, what string) int {
		return decodePoints(data, dst, from, s2, what, &bad)
	}
	// the order of SrsCommons' encoding: [β]₂, [τⁱ]₁ (i ≥ 1), [τⁱ]₂ (i ≥ 1), [βτⁱ]₁, [ατⁱ]₁
	if _, err := c.G2.Beta.SetBytes(data[at : at+s2]); err != nil {
		return nil, fmt.Errorf("[β]₂: %w", err)
	}
	at += s2
	at = g1(c.G1.Tau[1:], at, "[τⁱ]₁")
	at = g2(c.G2.Tau[1:], at, "[τⁱ]₂")
	at = g1(c.G1.BetaTau, at, "[βτⁱ]₁")
	at = g1(c.G1.AlphaTau, at, "[ατⁱ]₁")
	if err, _ := bad.Load().(error); err != nil {
		return nil, err
	}
	challenge, _, err := gio.ReadBytesShort(bytes.NewReader(data[at:]))
	if err != nil {
		return nil, fmt.Errorf("challenge: %w", err)
	}
	p.challenge = challenge
	return p, nil
}

// decodePoints decodes dst's compressed points of size bytes each from
// data at from, in parallel, each with its subgroup check; the first error
// goes to bad. It returns the offset after them.
func decodePoints[T any, PT interface {
	*T
	SetBytes([]byte) (int, error)
}](data []byte, dst []T, from, size int, what string, bad *atomic.Value) int {
	parallel.Execute(len(dst), func(start, end int) {
		for i := start; i < end; i++ {
			if _, err := PT(&dst[i]).SetBytes(data[from+i*size : from+(i+1)*size]); err != nil {
				bad.CompareAndSwap(nil, fmt.Errorf("%s %d: %w", what, i, err))
				return
			}
		}
	})
	return from + len(dst)*size
}

// encode is gnark's encoding of the contribution (Phase1.WriteTo).
func (p *phase1BN254) encode() ([]byte, error) {
	var b bytes.Buffer
	for i := range p.proofs {
		if _, err := p.proofs[i].WriteTo(&b); err != nil {
			return nil, err
		}
	}
	if _, err := p.commons.WriteTo(&b); err != nil {
		return nil, err
	}
	if _, err := gio.WriteBytesShort(p.challenge, &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// hash is the SHA-256 of the encoding: the next contribution's challenge.
func (p *phase1BN254) hash() ([]byte, error) {
	data, err := p.encode()
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(data)
	return h[:], nil
}

// verify is gnark's Phase1.Verify: next updates p, by its proofs of
// knowledge of τ, α and β bound to p's hash, and its powers are
// consistent (SameRatioMany).
func (p *phase1BN254) verify(next *phase1BN254) error {
	challenge, err := p.hash()
	if err != nil {
		return err
	}
	if len(next.challenge) != 0 && !bytes.Equal(next.challenge, challenge) {
		return errors.New("the challenge does not match the previous contribution's hash")
	}
	next.challenge = challenge
	prev, cur := &p.commons, &next.commons
	if len(cur.G2.Tau) != len(prev.G2.Tau) {
		return errors.New("domain size mismatch")
	}
	if err := next.proofs[0].Verify(challenge, mpcbn254.DST_TAU, cmpc.ValueUpdate{Previous: &prev.G1.Tau[1], Next: &cur.G1.Tau[1]}); err != nil {
		return fmt.Errorf("failed to verify contribution to τ: %w", err)
	}
	if err := next.proofs[1].Verify(challenge, mpcbn254.DST_ALPHA, cmpc.ValueUpdate{Previous: prev.G1.AlphaTau[0], Next: cur.G1.AlphaTau[0]}); err != nil {
		return fmt.Errorf("failed to verify contribution to α: %w", err)
	}
	if err := next.proofs[2].Verify(challenge, mpcbn254.DST_BETA,
		cmpc.ValueUpdate{Previous: &prev.G1.BetaTau[0], Next: &cur.G1.BetaTau[0]},
		cmpc.ValueUpdate{Previous: &prev.G2.Beta, Next: &cur.G2.Beta}); err != nil {
		return fmt.Errorf("failed to verify contribution to β: %w", err)
	}
	return cmpc.SameRatioMany(cur.G1.Tau, cur.G2.Tau, cur.G1.AlphaTau, cur.G1.BetaTau)
}

// contribute is gnark's Phase1.Contribute: fresh τ, α, β, their proofs
// bound to p's hash, and the powers updated.
func (p *phase1BN254) contribute() error {
	challenge, err := p.hash()
	if err != nil {
		return err
	}
	p.challenge = challenge
	var tau, alpha, beta fr.Element
	p.proofs[0] = cmpc.UpdateValues(&tau, challenge, mpcbn254.DST_TAU)
	p.proofs[1] = cmpc.UpdateValues(&alpha, challenge, mpcbn254.DST_ALPHA)
	p.proofs[2] = cmpc.UpdateValues(&beta, challenge, mpcbn254.DST_BETA)
	updateBN254(&p.commons, &tau, &alpha, &beta)
	return nil
}

// seal is gnark's Phase1.Seal: the beacon's contribution, recomputed by
// anyone from p's hash and the beacon.
func (p *phase1BN254) seal(beacon []byte) (*mpcbn254.SrsCommons, error) {
	h, err := p.hash()
	if err != nil {
		return nil, err
	}
	u := cmpc.BeaconContributions(h, []byte("Groth16 MPC Setup - Phase 1"), beacon, 3)
	updateBN254(&p.commons, &u[0], &u[1], &u[2])
	return &p.commons, nil
}

// updateBN254 is SrsCommons.update: [τⁱ] times τ'ⁱ, [ατⁱ] times α'τ'ⁱ,
// [βτⁱ] times β'τ'ⁱ, [β]₂ times β', every point on its own core's share.
func updateBN254(c *mpcbn254.SrsCommons, tau, alpha, beta *fr.Element) {
	n := len(c.G2.Tau)
	powers := make([]fr.Element, len(c.G1.Tau)) // τ'ⁱ
	powers[0].SetOne()
	for i := 1; i < len(powers); i++ {
		powers[i].Mul(&powers[i-1], tau)
	}
	var b big.Int
	c.G2.Beta.ScalarMultiplication(&c.G2.Beta, beta.BigInt(&b))
	// each slice split evenly among the cores: their costs differ (G2 is
	// about three times G1), so one loop over all would leave cores idle
	scaled := func(f *fr.Element) func(i int, k *big.Int) *big.Int {
		return func(i int, k *big.Int) *big.Int {
			if f == nil {
				return powers[i].BigInt(k)
			}
			var s fr.Element
			return s.Mul(&powers[i], f).BigInt(k)
		}
	}
	for _, g := range []struct {
		points []curve.G1Affine
		from   int
		by     func(int, *big.Int) *big.Int
	}{{c.G1.Tau, 1, scaled(nil)}, {c.G1.AlphaTau, 0, scaled(alpha)}, {c.G1.BetaTau, 0, scaled(beta)}} {
		parallel.Execute(len(g.points)-g.from, func(start, end int) {
			var k big.Int
			for i := start + g.from; i < end+g.from; i++ {
				g.points[i].ScalarMultiplication(&g.points[i], g.by(i, &k))
			}
		})
	}
	parallel.Execute(n-1, func(start, end int) {
		var k big.Int
		for i := start + 1; i < end+1; i++ {
			c.G2.Tau[i].ScalarMultiplication(&c.G2.Tau[i], powers[i].BigInt(&k))
		}
	})
}

// The mpc methods of phase 1 on BN254.

func contribute1BN254(prev []byte, n uint64) ([]byte, error) {
	p := newPhase1BN254(n)
	if prev != nil {
		var err error
		if p, err = readPhase1BN254(prev, n); err != nil {
			return nil, err
		}
	}
	if err := p.contribute(); err != nil {
		return nil, err
	}
	return p.encode()
}

func verify1BN254(n uint64, beacon []byte, contributions [][]byte) (commons, error) {
	prev := newPhase1BN254(n)
	for i, data := range contributions {
		p, err := readPhase1BN254(data, n)
		if err != nil {
			return nil, fmt.Errorf("phase-1 contribution %d: %w", i+1, err)
		}
		if err := prev.verify(p); err != nil {
			return nil, fmt.Errorf("phase-1 contribution %d: %w", i+1, err)
		}
		prev = p
	}
	return prev.seal(beacon)
}

func decode1BN254(data []byte, n uint64) error {
	_, err := readPhase1BN254(data, n)
	return err
}
