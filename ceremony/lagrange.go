package ceremony

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/fft"
	mpcbn254 "github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
)

// Lagrange bases in the transcript (BN254).
//
// Every circuit's phase 2 starts from the Lagrange bases of its domain: the
// points [L_i(τ)], [α·L_i(τ)], [β·L_i(τ)] in G1 and [L_i(τ)] in G2, where L_i
// is the i-th Lagrange polynomial of the domain of size m. Computing them from
// the powers of τ takes four inverse FFTs over the group, a scalar
// multiplication per butterfly: most of a phase-2 seal's and a buyer's time.
// The phase-1 seal computes them once per domain and writes them to
// phase1/lagrange-M.bin; every later party checks them instead of computing
// them.
//
// The check: for ρ drawn uniformly from the scalar field by the checker,
// Σ_i ρ_i·L_i = Σ_j a_j·P_j for each basis L and the powers P it comes from,
// where a = FFT⁻¹(ρ) (L_i(X) = (1/m)·Σ_j ω^(-ij)·X^j, so Σ_i ρ_i·L_i(X) =
// Σ_j a_j·X^j). Two multi-scalar multiplications of size m per basis. Every
// point is decoded with its subgroup check, so the differences between the
// file's points and the true bases lie in a group of prime order r: unless
// they are all zero, a uniform ρ satisfies the equation with probability
// 1/r. A file of other bases (another domain, a point swapped, an error
// anywhere) is refused with probability 1 - 4/r at most.

// lagrangeBN254 is a domain's four Lagrange bases.
type lagrangeBN254 struct {
	tau1, alphaTau1, betaTau1 []curve.G1Affine
	tau2                      []curve.G2Affine
}

// lagrangeBytes is the size of the encoded bases of a domain of m: four
// slices, each a 4-byte length and its points uncompressed.
func lagrangeBytes(m int) int64 {
	return 4*4 + int64(m)*(3*curve.SizeOfG1AffineUncompressed+curve.SizeOfG2AffineUncompressed)
}

func (l *lagrangeBN254) encode() ([]byte, error) {
	var b bytes.Buffer
	enc := curve.NewEncoder(&b, curve.RawEncoding())
	for _, v := range []any{l.tau1, l.alphaTau1, l.betaTau1, l.tau2} {
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// decodeLagrangeBN254 reads the bases of a domain of m, every point checked
// to be on the curve and in the subgroup of order r.
func decodeLagrangeBN254(data []byte, m int) (l *lagrangeBN254, err error) {
	if int64(len(data)) != lagrangeBytes(m) {
		return nil, fmt.Errorf("Lagrange bases of a domain of %d take %d bytes, the file has %d", m, lagrangeBytes(m), len(data))
	}
	defer func() {
		if p := recover(); p != nil {
			l, err = nil, fmt.Errorf("Lagrange bases: %v", p)
		}
	}()
	l = new(lagrangeBN254)
	dec := curve.NewDecoder(bytes.NewReader(data))
	for _, v := range []any{&l.tau1, &l.alphaTau1, &l.betaTau1, &l.tau2} {
		if err := dec.Decode(v); err != nil {
			return nil, fmt.Errorf("Lagrange bases: %w", err)
		}
	}
	if len(l.tau1) != m || len(l.alphaTau1) != m || len(l.betaTau1) != m || len(l.tau2) != m {
		return nil, fmt.Errorf("Lagrange bases: not %d points in each", m)
	}
	return l, nil
}

var errWrongBases = errors.New("not the Lagrange bases of the sealed phase 1")

// check verifies the bases against the commons of their domain by one
// random linear combination per basis (the block comment above).
func (l *lagrangeBN254) check(c *mpcbn254.SrsCommons) error {
	m := len(c.G1.AlphaTau)
	if len(l.tau1) != m || len(l.tau2) != m || len(c.G1.Tau) < m || len(c.G2.Tau) < m {
		return fmt.Errorf("Lagrange bases of %d points for a domain of %d", len(l.tau1), m)
	}
	rho := make(fr.Vector, m)
	for i := range rho {
		if _, err := rho[i].SetRandom(); err != nil {
			return err
		}
	}
	a := make(fr.Vector, m)
	copy(a, rho)
	d := fft.NewDomain(uint64(m))
	d.FFTInverse(a, fft.DIF)
	fft.BitReverse(a)

	cfg := ecc.MultiExpConfig{NbTasks: runtime.GOMAXPROCS(0)}
	g1 := func(points []curve.G1Affine, s fr.Vector) (curve.G1Jac, error) {
		var r curve.G1Jac
		_, err := r.MultiExp(points, s, cfg)
		return r, err
	}
	for _, b := range []struct{ basis, powers []curve.G1Affine }{
		{l.tau1, c.G1.Tau[:m]}, {l.alphaTau1, c.G1.AlphaTau[:m]}, {l.betaTau1, c.G1.BetaTau[:m]},
	} {
		left, err := g1(b.basis, rho)
		if err != nil {
			return err
		}
		right, err := g1(b.powers, a)
		if err != nil {
			return err
		}
		if !left.Equal(&right) {
			return errWrongBases
		}
	}
	var left, right curve.G2Jac
	if _, err := left.MultiExp(l.tau2, rho, cfg); err != nil {
		return err
	}
	if _, err := right.MultiExp(c.G2.Tau[:m], a, cfg); err != nil {
		return err
	}
	if !left.Equal(&right) {
		return errWrongBases
	}
	return nil
}

// lagrangeBN254Compute computes and encodes the bases of the commons'
// domain (curveMPC.lagrange).
func lagrangeBN254Compute(c *mpcbn254.SrsCommons) (any, []byte, error) {
	l := lagrangeBasesOf(c)
	data, err := l.encode()
	return l, data, err
}

// lagrangeBN254Read decodes the bases of the commons' domain and checks
// them (curveMPC.readLagrange).
func lagrangeBN254Read(c *mpcbn254.SrsCommons, data []byte) (any, error) {
	l, err := decodeLagrangeBN254(data, len(c.G1.AlphaTau))
	if err != nil {
		return nil, err
	}
	if err := l.check(c); err != nil {
		return nil, err
	}
	return l, nil
}

// initializeBN254With is initializeBN254 with bases from lagrangeBN254Read
// or lagrangeBN254Compute, or none (curveMPC.fast).
func initializeBN254With(r *csbn254.R1CS, c *mpcbn254.SrsCommons, b any) (*mpcbn254.Phase2, mpcbn254.Phase2Evaluations) {
	l, _ := b.(*lagrangeBN254)
	return initializeBN254(r, c, l)
}
