//go:build linux

package peakmem

import (
	"runtime"
	"testing"
)

// TestPeakWindowForgetsFreedMemory: memory a finished workload freed must not
// count in the next workload's peak. Before the window returned freed heap to
// the kernel, a small workload measured after a large one read the large
// one's footprint.
func TestPeakWindowForgetsFreedMemory(t *testing.T) {
	Reset()
	alone := Peak()
	big := make([]byte, 512<<20)
	for i := 0; i < len(big); i += 4096 {
		big[i] = 1
	}
	runtime.KeepAlive(big)
	big = nil
	Reset()
	after := Peak()
	if after > alone+128<<20 {
		t.Errorf("peak after freeing 512 MiB: %d MiB, alone: %d MiB", after>>20, alone>>20)
	}
}
