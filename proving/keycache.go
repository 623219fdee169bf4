package proving

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/consensys/gnark/constraint"

	"github.com/potbench/potbench/hwprofiles"
	"github.com/potbench/potbench/internal/atomicfile"
)

// KeyCache keeps proving and verifying keys on disk, keyed by a hash
// of the compiled constraint system, the gnark versions, curve and backend, so
// a second run skips setup. Each file is stored with its SHA-256; a file that
// does not match is discarded with a warning and the keys are regenerated.
type KeyCache struct {
	Dir  string
	Warn func(format string, args ...any) // receives cache warnings; nil: stderr
}

// DefaultKeyCache returns the cache under $POTBENCH_KEY_CACHE or the user's
// cache directory, or nil when POTBENCH_NO_KEY_CACHE is set.
func DefaultKeyCache() *KeyCache {
	if os.Getenv("POTBENCH_NO_KEY_CACHE") != "" {
		return nil
	}
	dir := os.Getenv("POTBENCH_KEY_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil
		}
		dir = filepath.Join(base, "potbench", "keys")
	}
	return &KeyCache{Dir: dir}
}

func (c *KeyCache) warn(format string, args ...any) {
	if c.Warn != nil {
		c.Warn(format, args...)
		return
	}
	fmt.Fprintf(os.Stderr, "potbench: warning: "+format+"\n", args...)
}

// Key names the keys of a compiled circuit.
func (c *KeyCache) Key(cs constraint.ConstraintSystem, curve, backend string) (string, error) {
	h := sha256.New()
	if _, err := cs.WriteTo(h); err != nil {
		return "", err
	}
	host := hwprofiles.Detect()
	fmt.Fprintf(h, "|gnark=%s|gnark-crypto=%s|%s|%s", host.Gnark, host.GnarkCrypto, curve, backend)
	return fmt.Sprintf("%s-%s-%s", hex.EncodeToString(h.Sum(nil))[:24], strings.ToLower(curve), backend), nil
}

// LoadGroth16 returns cached keys, or ok=false when there are none (or they
// were corrupt, which is reported as a warning).
func (c *KeyCache) Load(name string, pk, vk Key) (ok bool) {
	for _, part := range []struct {
		ext string
		r   interface {
			UnsafeReadFrom(io.Reader) (int64, error)
		}
	}{{".pk", pk}, {".vk", vk}} {
		path := filepath.Join(c.Dir, name+part.ext)
		data, err := readChecked(path)
		if errors.Is(err, os.ErrNotExist) {
			return false
		}
		if err != nil {
			c.warn("discarding cached key %s: %v; regenerating", path, err)
			c.remove(name)
			return false
		}
		if _, err := part.r.UnsafeReadFrom(bytes.NewReader(data)); err != nil {
			c.warn("discarding cached key %s: %v; regenerating", path, err)
			c.remove(name)
			return false
		}
	}
	return true
}

// StoreGroth16 writes the keys; failures are warnings, since the cache only
// saves time.
func (c *KeyCache) Store(name string, pk, vk Key) {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		c.warn("key cache disabled: %v", err)
		return
	}
	for _, part := range []struct {
		ext string
		w   io.WriterTo
	}{{".pk", rawWriter{pk}}, {".vk", rawWriter{vk}}} {
		var buf bytes.Buffer
		if _, err := part.w.WriteTo(&buf); err != nil {
			c.warn("cannot serialise key: %v", err)
			return
		}
		if err := writeChecked(filepath.Join(c.Dir, name+part.ext), buf.Bytes()); err != nil {
			c.warn("cannot store key: %v", err)
			return
		}
	}
}

func (c *KeyCache) remove(name string) {
	for _, ext := range []string{".pk", ".vk", ".pk.sha256", ".vk.sha256"} {
		_ = os.Remove(filepath.Join(c.Dir, name+ext))
	}
}

type rawWriter struct {
	k interface {
		WriteRawTo(io.Writer) (int64, error)
	}
}

func (r rawWriter) WriteTo(w io.Writer) (int64, error) { return r.k.WriteRawTo(w) }

// writeChecked writes data and its SHA-256 beside it, each atomically.
func writeChecked(path string, data []byte) error {
	sum := sha256.Sum256(data)
	if err := atomicfile.Write(path, data); err != nil {
		return err
	}
	return atomicfile.Write(path+".sha256", []byte(hex.EncodeToString(sum[:])+"\n"))
}

func readChecked(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	want, err := os.ReadFile(path + ".sha256")
	if err != nil {
		return nil, fmt.Errorf("checksum file missing: %w", err)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != strings.TrimSpace(string(want)) {
		return nil, fmt.Errorf("checksum mismatch (file is corrupt or was changed)")
	}
	return data, nil
}
