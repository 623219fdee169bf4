package trainrun

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/potbench/potbench/circuits/commit"
	"github.com/potbench/potbench/circuits/linreg"
	"github.com/potbench/potbench/internal/safedecode"
)

// The readers on the buyer's path, fuzzed: whatever the bytes, they return
// a value or an error, never panic, and allocate within the file's size.
// Seeds are real files (testdata/fuzz/*/seed-*), written by
// go test ./trainrun -run TestWriteFuzzSeeds -fuzz.seeds.

// keyKinds are the (backend, curve) pairs whose keys and proofs a buyer
// reads: step and score proofs on BN254 (Groth16 and PLONK) and BLS12-377,
// the aggregate on BW6-761.
var keyKinds = []struct {
	backend string
	curve   ecc.ID
}{{"groth16", ecc.BN254}, {"plonk", ecc.BN254}, {"groth16", ecc.BLS12_377}, {"groth16", ecc.BW6_761}}

func FuzzManifest(f *testing.F) {
	f.Add([]byte(`{"format":"potbench-run/2"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest("manifest.json", data)
		if err != nil {
			return
		}
		terms := TermsOf(m)
		if terms.Check() == nil {
			terms.Batches()
			terms.InitialCommitment()
		}
	})
}

func FuzzTerms(f *testing.F) {
	f.Add([]byte(`{"model":"linreg"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		terms, err := ParseTerms("terms.json", data)
		if err != nil {
			return
		}
		if _, err := terms.InitialCommitment(); err != nil && terms.Initial.Kind != "commitment" {
			t.Errorf("checked terms without an initial model: %v", err)
		}
	})
}

func FuzzModel(f *testing.F) {
	f.Add([]byte(`{"model":"linreg","values":[1,2],"float":[0.1,0.2],"commitment":"0x1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fm FinalModel
		if safedecode.JSON("model.json", data, &fm) != nil || len(fm.Values) < 2 || len(fm.Values) > 64 {
			return
		}
		// the values as a linear model's: packed and hashed, or refused
		dom := linreg.DefaultParams(1, len(fm.Values)-1, 0).ModelDomain()
		commit.NativePackAndHash(ecc.BN254, dom, fm.Values)
	})
}

func FuzzVerifyingKey(f *testing.F) {
	f.Add([]byte{0}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		k := keyKinds[int(kind)%len(keyKinds)]
		limit, err := maxKeyBytes(k.backend, k.curve, 64)
		if err != nil || int64(len(data)) > limit {
			return
		}
		vk, err := DecodeVerifyingKey("vk", data, k.backend, k.curve)
		if err == nil {
			var buf bytes.Buffer
			if _, err := vk.WriteTo(&buf); err != nil {
				t.Fatalf("a decoded key does not encode: %v", err)
			}
		}
	})
}

func FuzzProof(f *testing.F) {
	f.Add([]byte{0}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, kind uint8) {
		k := keyKinds[int(kind)%len(keyKinds)]
		limit, err := maxProofBytes(k.backend, k.curve)
		if err != nil || int64(len(data)) > limit {
			return
		}
		DecodeProof("proof", data, k.backend, k.curve)
	})
}

var writeSeeds = flag.Bool("fuzz.seeds", false, "write the fuzz targets' seed corpora from real runs into testdata/fuzz")

// TestWriteFuzzSeeds writes the seed corpora: the files of real runs (a
// BN254 Groth16 and a PLONK run, a BLS12-377 run) and a BW6-761 key and
// proof, as Go's fuzzing engine stores inputs.
func TestWriteFuzzSeeds(t *testing.T) {
	if !*writeSeeds {
		t.Skip("pass -fuzz.seeds to write the seed corpora")
	}
	seed := func(target, name string, args ...any) {
		var b strings.Builder
		b.WriteString("go test fuzz v1\n")
		for _, a := range args {
			switch v := a.(type) {
			case []byte:
				fmt.Fprintf(&b, "[]byte(%q)\n", v)
			case uint8:
				fmt.Fprintf(&b, "byte(%q)\n", v)
			}
		}
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range keyKinds[:3] {
		cfg := tiny(t.TempDir())
		cfg.Backend, cfg.Curve = k.backend, k.curve
		m, err := Train(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%s-%s", k.backend, k.curve)
		for _, f := range []string{"manifest.json", "model.json", "vk/step.vk", "vk/score.vk", m.Proofs[0].File, m.Score.File} {
			data, err := os.ReadFile(filepath.Join(cfg.Dir, f))
			if err != nil {
				t.Fatal(err)
			}
			base := name + "-" + strings.NewReplacer("/", "-", ".", "-").Replace(f)
			switch {
			case f == "manifest.json":
				seed("FuzzManifest", base, data)
				seed("FuzzTerms", base, []byte(TermsOf(m).JSON()))
			case f == "model.json":
				seed("FuzzModel", base, data)
			case strings.HasSuffix(f, ".vk"):
				seed("FuzzVerifyingKey", base, data, uint8(i))
			default:
				seed("FuzzProof", base, data, uint8(i))
			}
		}
	}
	// BW6-761: the aggregate's curve, a small circuit's key and proof
	cs, err := frontend.Compile(ecc.BW6_761.ScalarField(), r1cs.NewBuilder, &seedCircuit{})
	if err != nil {
		t.Fatal(err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := frontend.NewWitness(&seedCircuit{X: 3, Y: 9}, ecc.BW6_761.ScalarField())
	proof, err := groth16.Prove(cs, pk, w)
	if err != nil {
		t.Fatal(err)
	}
	var vkb, pb bytes.Buffer
	vk.WriteTo(&vkb)
	proof.WriteTo(&pb)
	seed("FuzzVerifyingKey", "groth16-bw6_761", vkb.Bytes(), uint8(3))
	seed("FuzzProof", "groth16-bw6_761", pb.Bytes(), uint8(3))
}

// seedCircuit: y = x², with a commitment, as potbench's circuits have one.
type seedCircuit struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
}

func (c *seedCircuit) Define(api frontend.API) error {
	cm, err := api.(frontend.Committer).Commit(c.X)
	if err != nil {
		return err
	}
	api.AssertIsDifferent(cm, new(big.Int).SetInt64(0))
	api.AssertIsEqual(api.Mul(c.X, c.X), c.Y)
	return nil
}

// TestSeedsDecode: the real keys and proofs of the seed corpora pass the
// layout walk and decode (the walk refuses nothing honest).
func TestSeedsDecode(t *testing.T) {
	for _, target := range []string{"FuzzVerifyingKey", "FuzzProof"} {
		files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", target, "seed-*"))
		if len(files) == 0 {
			t.Fatalf("no seeds for %s", target)
		}
		for _, path := range files {
			lines := strings.Split(strings.TrimSpace(readFileT(t, path)), "\n")
			data, err1 := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
			kind, err2 := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[2], "byte("), ")"))
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v %v", path, err1, err2)
			}
			k := keyKinds[int(kind[0])%len(keyKinds)]
			if target == "FuzzVerifyingKey" {
				_, err := DecodeVerifyingKey(path, []byte(data), k.backend, k.curve)
				if err != nil {
					t.Errorf("%s: %v", path, err)
				}
				continue
			}
			if _, err := DecodeProof(path, []byte(data), k.backend, k.curve); err != nil {
				t.Errorf("%s: %v", path, err)
			}
		}
	}
}

func readFileT(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
