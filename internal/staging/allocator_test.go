//go:build linux && cgo

package staging

import "testing"

// The purge reaches DuckDB's bundled jemalloc: if a DuckDB upgrade stops bundling it, an
// extract's peak memory grows with the account again, and this says why.
func TestFreedMemoryPurgeReachesDuckDBsAllocator(t *testing.T) {
	restore, ok := returnFreedMemoryAtOnce()
	defer restore()
	if !ok {
		t.Fatal("duckdb_je_mallctl is not linked in: DuckDB's allocator keeps freed pages for a second again")
	}
}

// A store that returns freed memory at once does so until it is closed, and no longer after.
func TestStoreReturnsFreedMemoryAtOnceUntilClosed(t *testing.T) {
	before, ok := jemallocDecay()
	if !ok {
		t.Skip("DuckDB's bundled jemalloc only")
	}
	s := openTemp(t)
	s.ReturnFreedMemoryAtOnce()
	if ms, _ := jemallocDecay(); ms != 0 {
		t.Errorf("freed pages kept %d ms while the store is open, want 0", ms)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if ms, _ := jemallocDecay(); ms != before {
		t.Errorf("freed pages kept %d ms after Close, want the %d ms from before", ms, before)
	}
}
