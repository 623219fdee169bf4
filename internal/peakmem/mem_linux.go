//go:build linux

package peakmem

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// Reset starts a new peak-memory window: the heap freed by earlier work
// is returned to the kernel (a collection alone leaves it resident, so a small
// workload measured after a large one would inherit its footprint), then the
// resident-set high water mark (VmHWM) is reset by writing 5 to
// /proc/self/clear_refs.
func Reset() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// Peak is the resident-set high water mark since the last Reset.
func Peak() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return heapSys()
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return heapSys()
}

func heapSys() int64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.Sys)
}
