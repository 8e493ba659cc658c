//go:build linux && cgo

package staging

/*
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// deskport_malloc_arenas counts glibc malloc's arenas, from the heaps malloc_info lists.
static int deskport_malloc_arenas(void) {
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL) {
		return -1;
	}
	malloc_info(0, f);
	fclose(f);
	int n = 0;
	for (char *p = buf; (p = strstr(p, "<heap nr=")) != NULL; p++) {
		n++;
	}
	free(buf);
	return n;
}

// deskport_malloc_churn allocates and frees a few blocks from the calling thread, which gives
// the thread an arena.
static void deskport_malloc_churn(void) {
	void *p[16];
	for (int i = 0; i < 16; i++) {
		p[i] = malloc(1024);
	}
	for (int i = 0; i < 16; i++) {
		free(p[i]);
	}
}

// deskport_mmapped_after_free raises glibc's dynamic mmap threshold the way a freed large block
// does (when it is not fixed), then says whether a block of size bytes is served by mmap.
static int deskport_mmapped_after_free(size_t size) {
	// volatile: the compiler may otherwise drop a block that is freed unused. The freed block is
	// half as big again: a moving threshold follows it up to 32 MB only.
	void *volatile big = malloc(size + size / 2);
	free(big);
	void *volatile p = malloc(size);
	// glibc marks a mapped chunk with bit 1 of the size word just before the block. (The
	// process-wide count of mapped bytes would do, but other threads map and unmap meanwhile.)
	int mapped = p != NULL && (((size_t *)p)[-1] & 2) != 0;
	free(p);
	return mapped;
}
*/
import "C"

// LimitMallocArenas caps how many arenas glibc's malloc keeps for the process (M_ARENA_MAX); it
// reports false where that is not possible.
//
// DuckDB's C++ objects, its query vectors and the driver's strings are allocated with glibc's
// malloc, from whichever OS thread runs the statement. glibc gives each new thread that allocates
// an arena of its own, up to eight per core, and each arena keeps its own free and fragmented
// pages: malloc_trim gives back whole free pages only. Go runs cgo calls on any of its threads,
// so over a long load more and more arenas hold memory: at 10,000 tickets glibc's resident
// memory reached 18-20 MB for 7-8 MB in use, against 6 MB at 1,000. Two arenas hold the same work
// in less (see pipelines.RunLoad).
//
// glibc fixes its cap when the process makes its ninth arena: a call after that changes nothing,
// so a command calls this before it starts DuckDB's work.
func LimitMallocArenas(n int) bool {
	return C.mallopt(C.M_ARENA_MAX, C.int(n)) == 1
}

// FixMallocMmapThreshold has glibc's malloc serve every block of at least n bytes with a mapping
// of its own, which goes back to the system when the block is freed (M_MMAP_THRESHOLD); it
// reports false where that is not possible.
//
// By default the threshold moves: each freed mapped block raises it to that block's size, up to
// 32 MB, so after the first few of DuckDB's large vectors are freed the later ones come from the
// arenas' heaps, where a block still in use above them keeps the freed ones resident: at a load's
// peak glibc held 17-20 MB for 5-9 in use, and in an extract of 20,000 tickets 10 MB for 5. Fixed
// at 128 KiB (the default's starting point), a large block that no free chunk of the heap fits is
// mapped and unmapped on its own instead of growing the heap (see pipelines.loadMmapThreshold). Fixing it also stops glibc adjusting its trim threshold.
func FixMallocMmapThreshold(n int) bool {
	return C.mallopt(C.M_MMAP_THRESHOLD, C.int(n)) == 1
}

// mmappedAfterFree says whether glibc maps a block of size bytes of its own, after a freed
// bigger block would have raised a moving threshold past it.
func mmappedAfterFree(size int) bool { return C.deskport_mmapped_after_free(C.size_t(size)) == 1 }

// mallocArenas is how many arenas glibc's malloc has, -1 if unknown.
func mallocArenas() int { return int(C.deskport_malloc_arenas()) }

// mallocChurn allocates and frees from the calling thread.
func mallocChurn() { C.deskport_malloc_churn() }
