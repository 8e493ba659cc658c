//go:build !linux || !cgo

package staging

// LimitMallocArenas: only glibc's malloc has arenas to cap (see arenas.go).
func LimitMallocArenas(n int) bool { return false }

func mallocArenas() int { return -1 }

func mallocChurn() {}
