//go:build !linux

package bench

import "runtime"

// Without /proc the peak is approximated by the memory the Go runtime has
// obtained from the system, which only grows.
func resetPeak() { runtime.GC() }

func peakBytes() int64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.Sys)
}
