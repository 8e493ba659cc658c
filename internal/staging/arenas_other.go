//go:build !linux || !cgo

package staging

// LimitMallocArenas: only glibc's malloc has arenas to cap (see arenas.go).
func LimitMallocArenas(n int) bool { return false }

// FixMallocMmapThreshold: only glibc's malloc has that threshold (see arenas.go).
func FixMallocMmapThreshold(n int) bool { return false }

func mallocArenas() int { return -1 }

func mmappedAfterFree(int) bool { return false }

func mallocChurn() {}
