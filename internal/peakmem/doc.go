// Package peakmem measures the peak resident memory of a stretch of work:
// Reset starts a window, Peak reads the high-water mark since (Linux VmHWM;
// elsewhere the memory the Go runtime obtained from the system).
package peakmem
