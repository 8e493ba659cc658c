//go:build linux && cgo

package staging

/*
#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

// DuckDB's Linux builds allocate through a jemalloc bundled under the duckdb_je_ prefix. The
// reference is weak so that a DuckDB built without it still links; the function is then NULL.
extern int duckdb_je_mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
	__attribute__((weak));

// deskport_je_decay reads the default dirty decay of new arenas into *ms; 0 on success.
static int deskport_je_decay(ssize_t *ms) {
	if (duckdb_je_mallctl == NULL) {
		return -1;
	}
	size_t sz = sizeof *ms;
	return duckdb_je_mallctl("arenas.dirty_decay_ms", ms, &sz, NULL, 0);
}

// deskport_je_set_decay sets the dirty and muzzy decay of every arena, and of arenas made later,
// to ms; 0 on success.
static int deskport_je_set_decay(ssize_t ms) {
	if (duckdb_je_mallctl == NULL) {
		return -1;
	}
	int err = duckdb_je_mallctl("arenas.dirty_decay_ms", NULL, NULL, &ms, sizeof ms);
	err |= duckdb_je_mallctl("arenas.muzzy_decay_ms", NULL, NULL, &ms, sizeof ms);
	unsigned n = 0;
	size_t sz = sizeof n;
	if (err != 0 || duckdb_je_mallctl("arenas.narenas", &n, &sz, NULL, 0) != 0) {
		return 1;
	}
	char name[64];
	for (unsigned i = 0; i < n; i++) {
		// An arena slot not in use yet answers EFAULT; it will take the defaults set above.
		snprintf(name, sizeof name, "arena.%u.dirty_decay_ms", i);
		duckdb_je_mallctl(name, NULL, NULL, &ms, sizeof ms);
		snprintf(name, sizeof name, "arena.%u.muzzy_decay_ms", i);
		duckdb_je_mallctl(name, NULL, NULL, &ms, sizeof ms);
	}
	return 0;
}

// deskport_release_freed hands back to the system the pages both of the process's C allocators
// hold free: DuckDB's jemalloc (every arena: 4096 is MALLCTL_ARENAS_ALL) and glibc's malloc, which
// DuckDB's C++ objects and the driver's strings use.
static void deskport_release_freed(void) {
	if (duckdb_je_mallctl != NULL) {
		duckdb_je_mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
	}
	malloc_trim(0);
}

// deskport_c_heap_in_use is what glibc's malloc has handed out and not had back, in bytes.
static size_t deskport_c_heap_in_use(void) {
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd;
}
*/
import "C"

// returnFreedMemoryAtOnce makes DuckDB's allocator give pages back to the system as soon as
// DuckDB frees them, until restore is called. ok is false, and restore does nothing, without the
// bundled jemalloc (another platform, a DuckDB built without it).
//
// DuckDB configures its jemalloc to keep freed pages for a second (dirty_decay_ms 1000) and, with
// no background thread, to purge them only as later allocations tick the decay clock. A
// checkpoint frees the transient blocks of everything appended since the last one and allocates
// the compressed blocks that replace them, so for a moment the process held both its live memory
// and up to ~100 MB of freed-but-kept pages, more the bigger the account: at 20,000 tickets
// jemalloc's resident bytes reached 180 MB against 55 MB allocated.
//
// Purging at once costs an madvise per freed run of pages: a few seconds of system time over an
// extract of 20,000 tickets, which waits on the source's rate limits anyway. An unthrottled load
// is bound by CPU: with this and a fixed mmap threshold its peak was 22 MB lower (158 → 136 MB at
// 10,000 tickets; 126 → 112 at 1,000), and its speed within the machine's noise (one pair of runs
// 25% slower, later runs as fast as before), so the load takes it (Store.ReturnFreedMemoryAtOnce).
// A real load is bound by Intercom's 166 requests a second, not by CPU.
//
// The setting is process-wide: the caller restores it when it is done.
func returnFreedMemoryAtOnce() (restore func(), ok bool) {
	var old C.ssize_t
	if C.deskport_je_decay(&old) != 0 || C.deskport_je_set_decay(0) != 0 {
		return func() {}, false
	}
	return func() { C.deskport_je_set_decay(old) }, true
}

// jemallocDecay is how long DuckDB's allocator keeps freed pages for new arenas, in ms.
func jemallocDecay() (ms int64, ok bool) {
	var v C.ssize_t
	if C.deskport_je_decay(&v) != 0 {
		return 0, false
	}
	return int64(v), true
}

// releaseFreedMemory returns the free pages DuckDB's allocators hold to the system now, rather
// than when their decay clocks next tick.
func releaseFreedMemory() { C.deskport_release_freed() }

// cHeapInUse is how many bytes glibc's malloc has allocated and not had back: DuckDB's C++
// objects and the driver's C strings live there, outside DuckDB's own accounting. Tests use it
// to catch C memory that grows with the work done. ok is false where it cannot be read.
func cHeapInUse() (bytes int64, ok bool) { return int64(C.deskport_c_heap_in_use()), true }
