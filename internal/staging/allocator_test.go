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
