//go:build !linux || !cgo

package staging

// returnFreedMemoryAtOnce: only DuckDB's Linux builds bundle jemalloc (see allocator.go).
func returnFreedMemoryAtOnce() (restore func(), ok bool) { return func() {}, false }

func jemallocDecay() (ms int64, ok bool) { return 0, false }

// releaseFreedMemory: the allocators elsewhere are left to return memory on their own.
func releaseFreedMemory() {}

// cHeapInUse: glibc's counters are read on Linux only.
func cHeapInUse() (bytes int64, ok bool) { return 0, false }
