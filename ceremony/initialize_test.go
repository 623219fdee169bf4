package ceremony

import (
	"bytes"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	mpcbn254 "github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/rangecheck"
)

// mixed has every kind of term Initialize meets: public inputs, a BSB22
// commitment and a range check's, coefficients 1, -1, 2, small, small
// negative and full width, and wires that appear in no A or B.
type mixed struct {
	X    [4]frontend.Variable
	P, Q frontend.Variable `gnark:",public"`
}

func (c *mixed) Define(api frontend.API) error {
	rc := rangecheck.New(api)
	for _, x := range c.X {
		rc.Check(x, 12)
	}
	wide, _ := new(big.Int).SetString("1234567890123456789012345678901234567890123456789", 10)
	lin := api.Add(api.Mul(c.X[0], 2), api.Neg(c.X[1]), api.Mul(c.X[2], wide), api.Mul(c.X[3], -(1<<40)), api.Mul(c.X[0], 12345))
	api.AssertIsEqual(api.Mul(lin, c.P), c.Q)
	cm, err := api.(frontend.Committer).Commit(c.X[0], c.X[3], c.P)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(cm, c.Q)
	return nil
}

// TestInitializeBN254 compares initializeBN254 with gnark's
// Phase2.Initialize, encoding for encoding and evaluation for evaluation.
func TestInitializeBN254(t *testing.T) {
	for _, c := range []frontend.Circuit{&mixed{}, &square{k: 9}} {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			t.Fatal(err)
		}
		r := cs.(*csbn254.R1CS)
		n := uint64(Domain(r.GetNbConstraints()))
		p1 := mpcbn254.NewPhase1(n)
		p1.Contribute()
		commons := p1.Seal([]byte("beacon"))

		var want mpcbn254.Phase2
		wantEvals := want.Initialize(r, &commons)
		got, gotEvals := initializeBN254(r, &commons, nil)
		// and from the bases as a transcript holds them
		_, data, err := lagrangeBN254Compute(&commons)
		if err != nil {
			t.Fatal(err)
		}
		read, err := lagrangeBN254Read(&commons, data)
		if err != nil {
			t.Fatal(err)
		}
		fromFile, _ := initializeBN254With(r, &commons, read)
		var fb bytes.Buffer
		if _, err := fromFile.WriteTo(&fb); err != nil {
			t.Fatal(err)
		}

		var wb, gb bytes.Buffer
		if _, err := want.WriteTo(&wb); err != nil {
			t.Fatal(err)
		}
		if _, err := got.WriteTo(&gb); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(wb.Bytes(), gb.Bytes()) {
			t.Errorf("%T: phase-2 starting point differs from gnark's", c)
		}
		if !bytes.Equal(wb.Bytes(), fb.Bytes()) {
			t.Errorf("%T: phase-2 starting point from the encoded bases differs from gnark's", c)
		}
		if !reflect.DeepEqual(wantEvals, gotEvals) {
			t.Errorf("%T: evaluations differ from gnark's", c)
		}
		if len(gotEvals.G1.CKK) == 0 || len(gotEvals.G1.VKK) < 3 {
			t.Errorf("%T: %d commitments, %d public and commitment points: the test circuit lost its commitment", c, len(gotEvals.G1.CKK), len(gotEvals.G1.VKK))
		}
	}
}

// TestLagrangeBasesChecked: bases read from a transcript pass their check
// only when they are the sealed phase 1's, point for point.
func TestLagrangeBasesChecked(t *testing.T) {
	const m = 64
	sealedCommons := func(beacon string) *mpcbn254.SrsCommons {
		p := mpcbn254.NewPhase1(m)
		p.Contribute()
		c := p.Seal([]byte(beacon))
		return &c
	}
	c, other := sealedCommons("one"), sealedCommons("two")
	_, data, err := lagrangeBN254Compute(c)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) != lagrangeBytes(m) {
		t.Fatalf("%d bytes encoded, lagrangeBytes says %d", len(data), lagrangeBytes(m))
	}
	if _, err := lagrangeBN254Read(c, data); err != nil {
		t.Fatalf("the true bases: %v", err)
	}
	l, err := decodeLagrangeBN254(data, m)
	if err != nil {
		t.Fatal(err)
	}
	const g1, g2 = 64, 128         // uncompressed point sizes
	at := func(basis, i int) int { // offset of point i of basis 0..3
		if basis < 3 {
			return 4*(basis+1) + (basis*m+i)*g1
		}
		return 4*4 + 3*m*g1 + i*g2
	}
	edited := func(edit func(b []byte)) []byte {
		b := append([]byte{}, data...)
		edit(b)
		return b
	}
	swap := func(basis, i, j, size int) func(b []byte) {
		return func(b []byte) {
			x, y := at(basis, i), at(basis, j)
			tmp := append([]byte{}, b[x:x+size]...)
			copy(b[x:x+size], b[y:y+size])
			copy(b[y:y+size], tmp)
		}
	}
	_, otherData, err := lagrangeBN254Compute(other)
	if err != nil {
		t.Fatal(err)
	}
	small := mpcbn254.NewPhase1(m / 2)
	small.Contribute()
	sc := small.Seal([]byte("one"))
	_, smallData, _ := lagrangeBN254Compute(&sc)
	for _, bad := range []struct {
		name string
		data []byte
		want string
	}{
		{"two points of [L(τ)]₁ swapped", edited(swap(0, 3, 4, g1)), errWrongBases.Error()},
		{"two points of [αL(τ)]₁ swapped", edited(swap(1, 0, m-1, g1)), errWrongBases.Error()},
		{"[βL(τ)]₁ replaced by [L(τ)]₁", edited(func(b []byte) { copy(b[at(2, 0):at(2, m)], data[at(0, 0):at(0, m)]) }), errWrongBases.Error()},
		{"two points of [L(τ)]₂ swapped", edited(swap(3, 1, 2, g2)), errWrongBases.Error()},
		{"the bases of another phase 1", otherData, errWrongBases.Error()},
		{"the bases of a smaller domain", smallData, "take"},
		{"a truncated file", data[:len(data)-1], "take"},
		{"a point off the curve", edited(func(b []byte) { b[at(0, 5)+g1-1] ^= 1 }), "Lagrange bases"},
		{"a G2 point off the curve", edited(func(b []byte) { b[at(3, 7)+g2-1] ^= 1 }), "Lagrange bases"},
	} {
		if _, err := lagrangeBN254Read(c, bad.data); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: %v, want %q", bad.name, err, bad.want)
		}
	}
	if err := l.check(other); err == nil {
		t.Error("bases checked against another phase 1")
	}
}
