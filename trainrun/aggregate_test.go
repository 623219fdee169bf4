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

	"github.com/potbench/potbench/ceremony"
)

// aggregatedTiny is a one-step aggregated run of a small CSV on BLS12-377
// (its directory left to the caller).
func aggregatedTiny(t *testing.T) Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "small.csv")
	var b strings.Builder
	b.WriteString("x1,x2,y\n")
	for i := range 10 {
		fmt.Fprintf(&b, "%d,%d,%d\n", i%4, i%3, i%5)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := tiny("")
	cfg.Dataset, cfg.DatasetSkip, cfg.Batch, cfg.Curve, cfg.Aggregate = path, 1, 8, ecc.BLS12_377, true
	return cfg
}

// TestAggregatedRun: a one-step run on a small CSV, proven on BLS12-377 and
// again as one BW6-761 proof of the whole run; verify -aggregate accepts it
// alone, and a tampered aggregate, statement or key is refused.
func TestAggregatedRun(t *testing.T) {
	cfg := aggregatedTiny(t)
	cfg.Dir = made(t, "aggregated", cfg)
	m, err := ReadManifest(cfg.Dir)
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

// TestAggregateFromCeremony: an aggregated run proven under a ceremony's
// step and score keys passes DeriveAggregate (the keys derived, the
// aggregation circuit compiled again around them); an aggregate built
// around other inner keys, with the ceremony's key files put beside it, is
// refused by the circuit's identity.
func TestAggregateFromCeremony(t *testing.T) {
	cfg := aggregatedTiny(t)
	cfg.Dir = t.TempDir()
	circuits, err := RunCircuits(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cer := t.TempDir()
	if _, err := ceremony.Init(cer, ecc.BLS12_377, circuits, 0, nil); err != nil {
		t.Fatal(err)
	}
	for _, beacon := range []string{"one", "two"} {
		if _, err := ceremony.Contribute(cer, "buyer"); err != nil {
			t.Fatal(err)
		}
		if _, err := ceremony.Seal(cer, []byte(beacon), circuits); err != nil {
			t.Fatal(err)
		}
	}
	fromCeremony := cfg
	fromCeremony.KeysFrom = cer
	if _, err := Train(context.Background(), fromCeremony); err != nil {
		t.Fatal(err)
	}
	v, err := VerifyAggregate(cfg.Dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := DeriveAggregate(v, cfg.Dir, cer); err != nil || v.AggregateID == "" {
		t.Fatalf("DeriveAggregate of an honest run: %v", err)
	}
	if st := v.Statement(true); !strings.Contains(st, "AGGREGATE KEY TRUSTED, NOT DERIVED") || !strings.Contains(st, "compiled again from these terms") {
		t.Errorf("statement:\n%s", st)
	}

	// the same run aggregated around the prover's own step and score keys
	mixed := copyRun(t, made(t, "aggregated", aggregatedTiny(t)))
	for _, name := range []string{"step.vk", "score.vk"} {
		data, _ := os.ReadFile(filepath.Join(cfg.Dir, "vk", name))
		os.WriteFile(filepath.Join(mixed, "vk", name), data, 0o644)
	}
	editManifest(t, mixed, func(m *Manifest) {
		for i := range m.Circuits {
			data, _ := os.ReadFile(filepath.Join(mixed, m.Circuits[i].VK))
			m.Circuits[i].VKSHA256 = sha256Hex(data)
		}
	})
	v, err = VerifyAggregate(mixed, nil)
	if err != nil {
		t.Fatalf("the mixed run's aggregate is valid under its own key: %v", err)
	}
	if err := DeriveAggregate(v, mixed, cer); err == nil || !strings.Contains(err.Error(), "is not the one these terms and the ceremony's step and score keys give") {
		t.Errorf("an aggregate built around other inner keys: %v", err)
	}
}
