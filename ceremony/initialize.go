package ceremony

import (
	"math"
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/kzg"
	cmpc "github.com/consensys/gnark-crypto/ecc/bn254/mpcsetup"
	"github.com/consensys/gnark-crypto/parallel"
	mpcbn254 "github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/consensys/gnark/constraint"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
)

// initializeBN254 is gnark's mpcsetup Phase2.Initialize on BN254: the same
// starting point of a circuit's phase 2 and the same evaluations, point for
// point (a group element has one affine form; TestInitializeBN254 compares
// the encodings), computed faster:
//
//   - the Lagrange bases at τ, ατ, βτ (G1) by gnark-crypto's
//     kzg.ToLagrangeG1 and at τ (G2) by the same inverse FFT, both in
//     Jacobian coordinates, instead of an affine FFT that inverts at every
//     step;
//   - each constraint's terms accumulated in Jacobian coordinates, the
//     wires shared among all usable cores: coefficients of 64 bits or fewer
//     (or whose negation is: the powers of two and small constants circuits
//     are full of) multiplied by double-and-add, full-width ones gathered
//     per wire and summed by one multi-scalar multiplication;
//   - βA + αB + C summed per wire as it is built.
//
// Every party runs it: the coordinator opening phase 2, the seal of phase
// 2, and a buyer deriving the keys again.
//
// l holds the Lagrange bases of c's domain, checked against c (lagrange.go);
// nil: computed here.
func initializeBN254(r *csbn254.R1CS, c *mpcbn254.SrsCommons, l *lagrangeBN254) (*mpcbn254.Phase2, mpcbn254.Phase2Evaluations) {
	n := len(c.G1.AlphaTau)
	if n < r.GetNbConstraints() {
		panic("Number of constraints is larger than expected") // as gnark's
	}
	if l == nil {
		l = lagrangeBasesOf(c)
	}
	if len(l.tau1) != n {
		panic("Lagrange bases of another domain")
	}
	tau1, alphaTau1, betaTau1, tau2 := l.tau1, l.alphaTau1, l.betaTau1, l.tau2
	var wg sync.WaitGroup

	nbInternal, nbSecret, nbPublic := r.GetNbVariables()
	nWires := nbInternal + nbSecret + nbPublic
	scalars := make([]scalar, len(r.Coefficients))
	for i := range r.Coefficients {
		scalars[i] = scalarOf(&r.Coefficients[i])
	}
	a1 := make([]curve.G1Jac, nWires)
	b1 := make([]curve.G1Jac, nWires)
	b2 := make([]curve.G2Jac, nWires)
	k := make([]curve.G1Jac, nWires) // βA + αB + C
	// full-width terms, by side (A, B, C) and wire, summed per wire by a
	// multi-scalar multiplication once all are known
	var wide [3][][]wideTerm
	for i := range wide {
		wide[i] = make([][]wideTerm, nWires)
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := r.GetR1CIterator()
			for i, con := 0, it.Next(); con != nil; i, con = i+1, it.Next() {
				for side, terms := range [3][]constraint.Term{con.L, con.R, con.O} {
					for _, t := range terms {
						wire := int(t.WireID())
						if wire%workers != w {
							continue
						}
						s := scalars[t.CoeffID()]
						if s.full != nil {
							wide[side][wire] = append(wide[side][wire], wideTerm{int32(i), uint32(t.CoeffID())})
							continue
						}
						switch side {
						case 0:
							addScaled(&a1[wire], &tau1[i], s)
							addScaled(&k[wire], &betaTau1[i], s)
						case 1:
							addScaled(&b1[wire], &tau1[i], s)
							addScaled(&b2[wire], &tau2[i], s)
							addScaled(&k[wire], &alphaTau1[i], s)
						case 2:
							addScaled(&k[wire], &tau1[i], s)
						}
					}
				}
			}
			var g1 msm[curve.G1Affine]
			var g2 msm[curve.G2Affine]
			for wire := w; wire < nWires; wire += workers {
				l, rr, o := wide[0][wire], wide[1][wire], wide[2][wire]
				g1.add(r, l, tau1)
				sumInto(&g1, &a1[wire])
				g1.add(r, rr, tau1)
				sumInto(&g1, &b1[wire])
				g2.add(r, rr, tau2)
				sumInto(&g2, &b2[wire])
				g1.add(r, l, betaTau1)
				g1.add(r, rr, alphaTau1)
				g1.add(r, o, tau1)
				sumInto(&g1, &k[wire])
			}
		}()
	}
	wg.Wait()

	var evals mpcbn254.Phase2Evaluations
	p := new(mpcbn254.Phase2)
	commitments := r.CommitmentInfo.(constraint.Groth16Commitments)
	evals.PublicAndCommitmentCommitted = commitments.GetPublicAndCommitmentCommitted(commitments.CommitmentIndexes(), nbPublic)
	evals.G1.A = curve.BatchJacobianToAffineG1(a1)
	evals.G1.B = curve.BatchJacobianToAffineG1(b1)
	evals.G2.B = make([]curve.G2Affine, nWires)
	parallel.Execute(nWires, func(start, end int) {
		for i := start; i < end; i++ {
			evals.G2.B[i].FromJacobian(&b2[i])
		}
	})
	kk := curve.BatchJacobianToAffineG1(k)

	_, _, g1, g2 := curve.Generators()
	p.Parameters.G1.Delta = g1
	p.Parameters.G2.Delta = g2

	// Z[i] = τⁱ(τⁿ - 1) for i ≤ n-2, bit-reversed over n slots as gnark lays it out
	z := make([]curve.G1Jac, n)
	parallel.Execute(n-1, func(start, end int) {
		var neg curve.G1Affine
		for i := start; i < end; i++ {
			neg.Neg(&c.G1.Tau[i])
			z[i].FromAffine(&c.G1.Tau[i+n])
			z[i].AddMixed(&neg)
		}
	})
	p.Parameters.G1.Z = curve.BatchJacobianToAffineG1(z)
	bitReverse(p.Parameters.G1.Z)
	p.Parameters.G1.Z = p.Parameters.G1.Z[:n-1]

	evals.G1.CKK = make([][]curve.G1Affine, len(commitments))
	p.Sigmas = make([]cmpc.UpdateProof, len(commitments))
	p.Parameters.G1.SigmaCKK = make([][]curve.G1Affine, len(commitments))
	p.Parameters.G2.Sigma = make([]curve.G2Affine, len(commitments))
	for j := range commitments {
		evals.G1.CKK[j] = make([]curve.G1Affine, 0, len(commitments[j].PrivateCommitted))
		p.Parameters.G2.Sigma[j] = g2
	}
	private := commitments.GetPrivateCommitted()
	nbCommitted := 0
	for _, s := range private {
		nbCommitted += len(s)
	}
	p.Parameters.G1.PKK = make([]curve.G1Affine, 0, nbInternal+nbSecret-nbCommitted-len(commitments))
	evals.G1.VKK = make([]curve.G1Affine, 0, nbPublic+len(commitments))
	committed := newMergeIterator(private)
	seen := 0
	for j := range nWires {
		ci := committed.indexIfNext(j)
		isCommitment := seen < len(commitments) && commitments[seen].CommitmentIndex == j
		switch {
		case ci != -1:
			evals.G1.CKK[ci] = append(evals.G1.CKK[ci], kk[j])
		case j < nbPublic || isCommitment:
			evals.G1.VKK = append(evals.G1.VKK, kk[j])
		default:
			p.Parameters.G1.PKK = append(p.Parameters.G1.PKK, kk[j])
		}
		if isCommitment {
			seen++
		}
	}
	for j := range commitments {
		p.Parameters.G1.SigmaCKK[j] = slices.Clone(evals.G1.CKK[j])
	}
	return p, evals
}

// wideTerm is a term with a full-width coefficient: its constraint and
// coefficient.
type wideTerm struct {
	row   int32
	coeff uint32
}

// msm gathers points and scalars for one multi-scalar multiplication.
type msm[A any] struct {
	points  []A
	scalars []fr.Element
}

func (m *msm[A]) add(r *csbn254.R1CS, terms []wideTerm, basis []A) {
	for _, t := range terms {
		m.points = append(m.points, basis[t.row])
		m.scalars = append(m.scalars, r.Coefficients[t.coeff])
	}
}

// one task each: the wires are already shared among the cores
var oneTask = ecc.MultiExpConfig{NbTasks: 1}

// sumInto adds the gathered products to acc and empties m.
func sumInto[J, A any, PJ multiExp[J, A]](m *msm[A], acc *J) {
	if len(m.points) > 0 {
		var s J
		if _, err := PJ(&s).MultiExp(m.points, m.scalars, oneTask); err != nil {
			panic(err)
		}
		PJ(acc).AddAssign(&s)
	}
	m.points, m.scalars = m.points[:0], m.scalars[:0]
}

// multiExp is what sumInto needs of a curve's points (G1 and G2).
type multiExp[J, A any] interface {
	*J
	MultiExp([]A, []fr.Element, ecc.MultiExpConfig) (*J, error)
	AddAssign(*J) *J
}

// scalar is a coefficient of the constraint system in the form that
// multiplies a point fastest: a small magnitude and a sign, or the full
// field element.
type scalar struct {
	small uint64
	neg   bool
	full  *big.Int // nil when small is the magnitude
}

func scalarOf(e *fr.Element) scalar {
	var b, m big.Int
	e.BigInt(&b)
	if b.BitLen() <= 64 {
		return scalar{small: b.Uint64()}
	}
	m.Sub(fr.Modulus(), &b)
	if m.BitLen() <= 64 {
		return scalar{small: m.Uint64(), neg: true}
	}
	return scalar{full: &b}
}

// jacobian is what addScaled needs of a curve's points (G1 and G2).
type jacobian[J, A any] interface {
	*J
	FromAffine(*A) *J
	AddAssign(*J) *J
	DoubleAssign() *J
	Neg(*J) *J
	Set(*J) *J
	ScalarMultiplication(*J, *big.Int) *J
}

// addScaled adds s·p to acc.
func addScaled[J, A any, PJ jacobian[J, A]](acc *J, p *A, s scalar) {
	var t J
	PJ(&t).FromAffine(p)
	switch {
	case s.full != nil:
		PJ(&t).ScalarMultiplication(&t, s.full)
	case s.small == 0:
		return
	case s.small > 1:
		var base J
		PJ(&base).Set(&t)
		for i := bits.Len64(s.small) - 2; i >= 0; i-- {
			PJ(&t).DoubleAssign()
			if s.small>>uint(i)&1 == 1 {
				PJ(&t).AddAssign(&base)
			}
		}
	}
	if s.neg {
		PJ(&t).Neg(&t)
	}
	PJ(acc).AddAssign(&t)
}

// lagrangeBasesOf computes the Lagrange bases of the commons' domain by inverse
// FFTs over the group, the four at once.
func lagrangeBasesOf(c *mpcbn254.SrsCommons) *lagrangeBN254 {
	n := len(c.G1.AlphaTau)
	l := new(lagrangeBN254)
	var wg sync.WaitGroup
	for _, f := range []func(){
		func() { l.tau1 = lagrangeG1(c.G1.Tau[:n]) },
		func() { l.alphaTau1 = lagrangeG1(c.G1.AlphaTau[:n]) },
		func() { l.betaTau1 = lagrangeG1(c.G1.BetaTau[:n]) },
		func() { l.tau2 = lagrangeG2(c.G2.Tau[:n]) },
	} {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	wg.Wait()
	return l
}

func lagrangeG1(powers []curve.G1Affine) []curve.G1Affine {
	out, err := kzg.ToLagrangeG1(powers)
	if err != nil {
		panic(err) // a domain of the ceremony is a power of two
	}
	return out
}

// lagrangeG2 is kzg.ToLagrangeG1 in G2: [L_i(τ)]₂ = FFT⁻¹([τʲ]₂), bit
// reversed, times 1/n.
func lagrangeG2(powers []curve.G2Affine) []curve.G2Affine {
	n := len(powers)
	a := make([]curve.G2Jac, n)
	for i := range a {
		a[i].FromAffine(&powers[i])
	}
	w, err := fr.Generator(uint64(n))
	if err != nil {
		panic(err)
	}
	w.Inverse(&w)
	twiddles := make([]big.Int, max(1, n/2))
	var x fr.Element
	x.SetOne()
	for j := range twiddles {
		x.BigInt(&twiddles[j])
		x.Mul(&x, &w)
	}
	difFFTG2(a, twiddles, 1)
	bitReverse(a)
	var inv fr.Element
	var invN big.Int
	inv.SetUint64(uint64(n)).Inverse(&inv).BigInt(&invN)
	out := make([]curve.G2Affine, n)
	parallel.Execute(n, func(start, end int) {
		for i := start; i < end; i++ {
			a[i].ScalarMultiplication(&a[i], &invN)
			out[i].FromJacobian(&a[i])
		}
	})
	return out
}

// difFFTG2 is a decimation-in-frequency FFT over G2 with twiddles ω^(j·stride).
func difFFTG2(a []curve.G2Jac, twiddles []big.Int, stride int) {
	n := len(a)
	if n == 1 {
		return
	}
	m := n / 2
	butterflies := func(start, end int) {
		for i := start; i < end; i++ {
			t := a[i]
			a[i].AddAssign(&a[i+m])
			a[i+m].Neg(&a[i+m]).AddAssign(&t)
			if i > 0 {
				a[i+m].ScalarMultiplication(&a[i+m], &twiddles[i*stride])
			}
		}
	}
	if m >= 64 {
		parallel.Execute(m, butterflies)
	} else {
		butterflies(0, m)
	}
	difFFTG2(a[:m], twiddles, 2*stride)
	difFFTG2(a[m:], twiddles, 2*stride)
}

func bitReverse[T any](a []T) {
	n := uint64(len(a))
	shift := uint64(64 - bits.TrailingZeros64(n))
	for i := range n {
		if j := bits.Reverse64(i) >> shift; j > i {
			a[i], a[j] = a[j], a[i]
		}
	}
}

// mergeIterator walks sorted slices in merged order (gnark's
// groth16/internal.MergeIterator, which is internal to it).
type mergeIterator struct {
	slices [][]int
	least  int
}

func newMergeIterator(s [][]int) *mergeIterator {
	m := &mergeIterator{slices: slices.Clone(s)}
	m.findLeast()
	return m
}

func (m *mergeIterator) findLeast() {
	v := math.MaxInt
	m.least = -1
	for j, s := range m.slices {
		if len(s) > 0 && s[0] < v {
			v, m.least = s[0], j
		}
	}
}

// indexIfNext returns the slice whose next value is v and moves past it,
// or -1.
func (m *mergeIterator) indexIfNext(v int) int {
	if m.least == -1 || m.slices[m.least][0] != v {
		return -1
	}
	i := m.least
	m.slices[i] = m.slices[i][1:]
	m.findLeast()
	return i
}
