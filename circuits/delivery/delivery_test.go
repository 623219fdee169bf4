package delivery

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/test"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/fixedpoint"
	"github.com/potbench/potbench/circuits/internal/circuittest"
)

// a linear model of 10 features in 32-bit fixed point: 11 values, 2 elements
var testDomain = commit.Model("linear", fixedpoint.Format{Bits: 32, Frac: 16}, 11, 10, 1)

func sealed(t *testing.T, seed uint64) ([]int64, *big.Int, *Sealed) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	values := circuittest.Ints(rng, testDomain.Values, -1<<31, 1<<31-1)
	values[0], values[1] = -1<<31, 1<<31-1 // the format's extremes
	key, err := NewKey(ecc.BN254)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Seal(ecc.BN254, testDomain, values, key)
	if err != nil {
		t.Fatal(err)
	}
	return values, key, s
}

// TestSealOpen: the buyer who holds the ciphertext and the key recovers
// exactly the committed values, and nothing with another key or commitment.
func TestSealOpen(t *testing.T) {
	values, key, s := sealed(t, 1)
	want, err := commit.NativePackAndHash(ecc.BN254, testDomain, values)
	if err != nil {
		t.Fatal(err)
	}
	if s.Model.Cmp(want) != 0 {
		t.Fatal("the sealed model's commitment is not the model's")
	}
	got, err := Open(ecc.BN254, testDomain, s.Cipher, key, s.Model)
	if err != nil || !slices.Equal(got, values) {
		t.Fatalf("opened %v, %v; sealed %v", got, err, values)
	}
	if _, err := Open(ecc.BN254, testDomain, s.Cipher, new(big.Int).Add(key, big.NewInt(1)), s.Model); err == nil {
		t.Error("another key opened the ciphertext")
	}
	if _, err := Open(ecc.BN254, testDomain, s.Cipher, key, new(big.Int).Add(s.Model, big.NewInt(1))); err == nil {
		t.Error("the ciphertext opened to a model of another commitment")
	}
	if _, err := Open(ecc.BN254, testDomain, s.Cipher[:1], key, s.Model); err == nil {
		t.Error("a short ciphertext opened")
	}
	if _, err := Seal(ecc.BN254, testDomain, values, ecc.BN254.ScalarField()); err == nil {
		t.Error("a key outside the field sealed a model")
	}
	_, key2, s2 := sealed(t, 1) // the same model under a fresh key
	if key2.Cmp(key) == 0 || s2.Cipher[0].Cmp(s.Cipher[0]) == 0 || s2.Digest == s.Digest {
		t.Error("two keys give the same ciphertext or digest")
	}
}

func assignment(t *testing.T, values []int64, key, deal *big.Int, s *Sealed) *Circuit {
	t.Helper()
	c, err := Assignment(ecc.BN254, testDomain, values, key, deal, s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCircuit: the circuit accepts the native mirror's ciphertext and
// digest, and refuses a ciphertext, digest, commitment or key that is not
// the model's: a ciphertext enters as the challenge and evaluation a
// verifier derives from it (Challenge, Evaluation).
func TestCircuit(t *testing.T) {
	values, key, s := sealed(t, 2)
	deal := big.NewInt(12345)
	valid := assignment(t, values, key, deal, s)
	tamper := func(edit func(c *Circuit)) *Circuit {
		c := assignment(t, values, key, deal, s)
		edit(c)
		return c
	}
	// the inputs a verifier derives from another ciphertext
	sent := func(cipher []*big.Int) func(c *Circuit) {
		return func(c *Circuit) {
			rho := Challenge(s.Model, s.Digest, deal, cipher)
			ev, err := Evaluation(ecc.BN254, cipher, rho)
			if err != nil {
				t.Fatal(err)
			}
			c.Challenge, c.Evaluation = rho, ev
		}
	}
	edited := func(j int, v *big.Int) []*big.Int {
		out := slices.Clone(s.Cipher)
		out[j] = v
		return out
	}
	_, otherKey, other := sealed(t, 3)
	assert := test.NewAssert(t)
	assert.CheckCircuit(New(testDomain),
		test.WithValidAssignment(valid),
		test.WithInvalidAssignment(tamper(sent(edited(1, new(big.Int).Add(s.Cipher[1], big.NewInt(1)))))),
		test.WithInvalidAssignment(tamper(sent(edited(0, other.Cipher[0])))),
		test.WithInvalidAssignment(tamper(sent(other.Cipher))),
		test.WithInvalidAssignment(tamper(sent(s.Cipher[:1]))),
		test.WithInvalidAssignment(tamper(sent(append(slices.Clone(s.Cipher), big.NewInt(0))))),
		test.WithInvalidAssignment(tamper(func(c *Circuit) { c.Evaluation = new(big.Int).Add(c.Evaluation.(*big.Int), big.NewInt(1)) })),
		test.WithInvalidAssignment(tamper(func(c *Circuit) { c.Challenge = new(big.Int).Add(c.Challenge.(*big.Int), big.NewInt(1)) })),
		test.WithInvalidAssignment(tamper(func(c *Circuit) { c.DigestLo = split(other.Digest)[1] })),
		test.WithInvalidAssignment(tamper(func(c *Circuit) { c.Model = other.Model })),
		test.WithInvalidAssignment(tamper(func(c *Circuit) { c.Key = otherKey })),
		test.WithInvalidAssignment(tamper(func(c *Circuit) { c.Values[3] = values[3] + 1 })),
		test.WithCurves(ecc.BN254), test.WithBackends(backend.GROTH16), test.NoProverChecks())
}

// TestEvaluation: the evaluation is ρ^n + Σ cipher_j·ρ^j, refuses elements
// outside the field, and the challenge changes with every word it hashes.
func TestEvaluation(t *testing.T) {
	_, _, s := sealed(t, 5)
	r := ecc.BN254.ScalarField()
	rho := Challenge(s.Model, s.Digest, big.NewInt(1), s.Cipher)
	got, err := Evaluation(ecc.BN254, s.Cipher, rho)
	if err != nil {
		t.Fatal(err)
	}
	want := new(big.Int).Exp(rho, big.NewInt(int64(len(s.Cipher))), r)
	for j, c := range s.Cipher {
		term := new(big.Int).Exp(rho, big.NewInt(int64(j)), r)
		want.Add(want, term.Mul(term, c)).Mod(want, r)
	}
	if got.Cmp(want) != 0 {
		t.Errorf("Horner gives %v, the sum of powers %v", got, want)
	}
	if rho.BitLen() > 253 {
		t.Errorf("a challenge of %d bits", rho.BitLen())
	}
	for _, bad := range []*big.Int{r, new(big.Int).Add(r, s.Cipher[0]), big.NewInt(-1)} {
		if _, err := Evaluation(ecc.BN254, []*big.Int{s.Cipher[0], bad}, rho); err == nil {
			t.Errorf("an element %v evaluated", bad)
		}
	}
	other := slices.Clone(s.Cipher)
	other[len(other)-1] = new(big.Int).Add(other[len(other)-1], big.NewInt(1))
	var d2 [32]byte
	d2[31] = 1
	for name, c := range map[string]*big.Int{
		"another ciphertext": Challenge(s.Model, s.Digest, big.NewInt(1), other),
		"a shorter one":      Challenge(s.Model, s.Digest, big.NewInt(1), s.Cipher[:1]),
		"another deal":       Challenge(s.Model, s.Digest, big.NewInt(2), s.Cipher),
		"another digest":     Challenge(s.Model, d2, big.NewInt(1), s.Cipher),
		"another model":      Challenge(new(big.Int).Add(s.Model, big.NewInt(1)), s.Digest, big.NewInt(1), s.Cipher),
	} {
		if c.Cmp(rho) == 0 {
			t.Errorf("%s gives the same challenge", name)
		}
	}
}
