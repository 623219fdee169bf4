package trainrun

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/potbench/potbench/internal/peakmem"
)

// hostileCases are run directories a seller could hand a buyer, each made
// from an honest run by changing one file (and the manifest's hashes, which
// the seller writes too); Verify must refuse each with an error naming the
// file, without allocating what the file asks for. HostileTable in the
// README lists them.
func hostileCases(t *testing.T) []struct {
	name, want string
	make       func(dir string)
} {
	rehash := func(dir, rel string, set func(m *Manifest, sum string)) {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		editManifest(t, dir, func(m *Manifest) { set(m, sha256Hex(data)) })
	}
	vkSum := func(m *Manifest, sum string) { m.Circuits[0].VKSHA256 = sum }
	return []struct {
		name, want string
		make       func(dir string)
	}{
		{"a verifying key whose public-key length says 0x7ffffff0", "vk/step.vk: not a Groth16 verifying key: public-input key at byte 288: the length prefix says 2147483632 points", func(d string) {
			p := filepath.Join(d, "vk", "step.vk")
			data, _ := os.ReadFile(p)
			binary.BigEndian.PutUint32(data[0x120:], 0x7ffffff0)
			os.WriteFile(p, data, 0o644)
			rehash(d, "vk/step.vk", vkSum)
		}},
		{"a verifying key whose commitment wiring says 2^32-1 lists", "vk/step.vk: not a Groth16 verifying key: commitment wiring", func(d string) {
			p := filepath.Join(d, "vk", "step.vk")
			data, _ := os.ReadFile(p)
			k := int(binary.BigEndian.Uint32(data[0x120:]))
			binary.BigEndian.PutUint32(data[0x124+32*k:], 0xffffffff)
			os.WriteFile(p, data, 0o644)
			rehash(d, "vk/step.vk", vkSum)
		}},
		{"a truncated verifying key", "vk/step.vk: not a Groth16 verifying key", func(d string) {
			p := filepath.Join(d, "vk", "step.vk")
			data, _ := os.ReadFile(p)
			os.WriteFile(p, data[:len(data)/2], 0o644)
			rehash(d, "vk/step.vk", vkSum)
		}},
		{"an oversized proof (1 MiB appended)", "proofs/0000-step.proof: 1048", func(d string) {
			p := filepath.Join(d, "proofs", "0000-step.proof")
			data, _ := os.ReadFile(p)
			os.WriteFile(p, append(data, make([]byte, 1<<20)...), 0o644)
			rehash(d, "proofs/0000-step.proof", func(m *Manifest, sum string) { m.Proofs[0].SHA256 = sum })
		}},
		{"a proof whose commitment count says 2^31", "proofs/0001-step.proof: not a Groth16 proof: commitments at byte 128: the length prefix says 2147483648 points", func(d string) {
			p := filepath.Join(d, "proofs", "0001-step.proof")
			data, _ := os.ReadFile(p)
			binary.BigEndian.PutUint32(data[128:], 1<<31)
			os.WriteFile(p, data, 0o644)
			rehash(d, "proofs/0001-step.proof", func(m *Manifest, sum string) { m.Proofs[1].SHA256 = sum })
		}},
		{"a manifest of 1 GiB", "manifest.json: 1073741824 bytes; a manifest is at most", func(d string) {
			if err := os.Truncate(filepath.Join(d, "manifest.json"), 1<<30); err != nil {
				t.Fatal(err)
			}
		}},
		{"a manifest nested 100,000 deep", "manifest.json: invalid character '[' exceeded max depth", func(d string) {
			os.WriteFile(filepath.Join(d, "manifest.json"), []byte(`{"format":`+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+"}"), 0o644)
		}},
		{"a manifest naming a key outside the run", `verifying key "../../etc/passwd": not a path inside the run directory`, func(d string) {
			editManifest(t, d, func(m *Manifest) { m.Circuits[0].VK = "../../etc/passwd" })
		}},
		{"a model file of 64 MiB", "model.json: 67108864 bytes; a final model file is at most", func(d string) {
			if err := os.Truncate(filepath.Join(d, "model.json"), 64<<20); err != nil {
				t.Fatal(err)
			}
		}},
		{"a key that is a directory", "vk/score.vk: not a regular file", func(d string) {
			os.Remove(filepath.Join(d, "vk", "score.vk"))
			os.Mkdir(filepath.Join(d, "vk", "score.vk"), 0o755)
		}},
	}
}

// TestHostileRunDirectories: every hostile file is refused with its name,
// and the verifier's memory stays bounded (the process reads its own peak).
func TestHostileRunDirectories(t *testing.T) {
	good := made(t, "tiny", tiny(""))
	for _, c := range hostileCases(t) {
		dir := copyRun(t, good)
		c.make(dir)
		peakmem.Reset()
		_, err := Verify(dir, nil)
		peak := peakmem.Peak()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Verify = %v, want an error naming %q", c.name, err, c.want)
		}
		if peak > 1<<30 {
			t.Errorf("%s: peak resident memory %d MiB while refusing it", c.name, peak>>20)
		}
		t.Logf("%-58s refused, peak %4d MiB: %v", c.name, peak>>20, firstLine(err))
	}
}

func firstLine(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := fmt.Sprint(err)
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
