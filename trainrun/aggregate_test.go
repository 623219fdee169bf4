package trainrun

import (
	"context"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
)

// TestAggregatedRun: a one-step run on a small CSV, proven on BLS12-377 and
// again as one BW6-761 proof of the whole run; verify -aggregate accepts it
// alone, and a tampered aggregate, statement or key is refused.
func TestAggregatedRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.csv")
	var b strings.Builder
	b.WriteString("x1,x2,y\n")
	for i := range 10 {
		fmt.Fprintf(&b, "%d,%d,%d\n", i%4, i%3, i%5)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := tiny(t.TempDir())
	cfg.Dataset, cfg.DatasetSkip, cfg.Batch, cfg.Curve, cfg.Aggregate = path, 1, 8, ecc.BLS12_377, true
	m, err := Train(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := m.Aggregate
	if a == nil || a.Steps != 1 || a.Proofs != 2 || a.Constraints <= 0 || a.ProveNs <= 0 || a.ProofBytes <= 0 {
		t.Fatalf("aggregate %+v", a)
	}
	t.Logf("aggregate of %d proofs: %d constraints, setup %.1fs, prove %.1fs", a.Proofs, a.Constraints, float64(a.SetupNs)/1e9, float64(a.ProveNs)/1e9)
	if v, err := VerifyAggregate(cfg.Dir, nil); err != nil || v.Steps != 1 {
		t.Fatalf("verify -aggregate: %v", err)
	}
	if v, err := Verify(cfg.Dir, nil); err != nil || v.Proofs != 2 {
		t.Fatalf("verify: %v (%+v)", err, v)
	}
	// the buyer needs neither the step proofs nor their keys
	alone := copyRun(t, cfg.Dir)
	os.RemoveAll(filepath.Join(alone, "proofs"))
	os.RemoveAll(filepath.Join(alone, "keys"))
	if _, err := VerifyAggregate(alone, nil); err != nil {
		t.Fatalf("verify -aggregate without the step proofs: %v", err)
	}

	for _, c := range []struct {
		name, want string
		tamper     func(dir string)
	}{
		{"a flipped bit in the aggregate", "aggregate.proof", func(dir string) {
			p := filepath.Join(dir, "aggregate.proof")
			data, _ := os.ReadFile(p)
			data[100] ^= 1
			os.WriteFile(p, data, 0o644)
		}},
		{"a higher score claimed", "does not verify against the run's statement", func(dir string) {
			editManifest(t, dir, func(m *Manifest) { m.Score.LossSum = hexOf(big.NewInt(1)) })
		}},
		{"another initial model", "does not verify against the run's statement", func(dir string) {
			editManifest(t, dir, func(m *Manifest) {
				m.InitialModel.Kind, m.InitialModel.Commitment = "commitment", m.FinalModel.Commitment
			})
		}},
		{"another dataset", "does not verify against the run's statement", func(dir string) {
			editManifest(t, dir, func(m *Manifest) { m.Dataset.Root = m.Dataset.HeldoutRoot })
		}},
		{"another verifying key", "vk/aggregate.vk: not a Groth16 verifying key", func(dir string) {
			data, _ := os.ReadFile(filepath.Join(dir, "vk", "step.vk"))
			os.WriteFile(filepath.Join(dir, "vk", "aggregate.vk"), data, 0o644)
		}},
		{"more epochs claimed", "the terms' run has 2 steps", func(dir string) {
			editManifest(t, dir, func(m *Manifest) { m.Epochs = 2 })
		}},
		{"a learning rate of 0 in fixed point", "learning rate: fixed point 0", func(dir string) {
			editManifest(t, dir, func(m *Manifest) { m.LRFixed = 0 })
		}},
		{"an initial model the verifier does not compute", "does not verify against the run's statement", func(dir string) {
			editManifest(t, dir, func(m *Manifest) { m.InitialModel.Kind, m.InitialModel.Commitment = "commitment", "0x1" })
		}},
	} {
		dir := copyRun(t, cfg.Dir)
		c.tamper(dir)
		if _, err := VerifyAggregate(dir, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}

	// aggregation is refused before any work where it cannot apply
	for _, bad := range []func(*Config){
		func(c *Config) { c.Curve = ecc.BN254 },
		func(c *Config) { c.Chain = 2 },
		func(c *Config) { c.Backend = "plonk" },
	} {
		c := cfg
		c.Dir = t.TempDir()
		bad(&c)
		if _, err := Train(context.Background(), c); err == nil || !strings.Contains(err.Error(), "-aggregate") {
			t.Errorf("%+v: %v", c, err)
		}
	}
}
