package staging

import (
	"runtime"
	"sync"
	"testing"
)

// Threads that allocate at once get arenas of their own unless the cap holds them.
func TestLimitMallocArenas(t *testing.T) {
	if mallocArenas() < 0 {
		t.Skip("glibc's malloc only")
	}
	before := mallocArenas()
	if before > 8 {
		t.Skipf("%d arenas already: glibc has fixed its own cap, which M_ARENA_MAX no longer changes", before)
	}
	if !LimitMallocArenas(2) {
		t.Fatal("mallopt refused M_ARENA_MAX")
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 16 {
		wg.Go(func() {
			runtime.LockOSThread() // a thread of its own, held until the goroutine ends
			<-start
			for range 1000 {
				mallocChurn()
			}
		})
	}
	close(start)
	wg.Wait()
	if got := mallocArenas(); got > max(before, 2) {
		t.Errorf("%d arenas after 16 threads allocated at once (%d before), want at most %d", got, before, max(before, 2))
	}
}

// A large block freed must not move the threshold past the next ones: those stay mapped, and
// their pages go back to the system when they are freed. The block is 20 MiB so that no free
// chunk left in the heap by earlier tests can serve it: glibc reuses those before it maps.
func TestFixMallocMmapThreshold(t *testing.T) {
	if mallocArenas() < 0 {
		t.Skip("glibc's malloc only")
	}
	if !FixMallocMmapThreshold(128 << 10) {
		t.Fatal("mallopt refused M_MMAP_THRESHOLD")
	}
	if !mmappedAfterFree(20 << 20) {
		t.Error("a 20 MiB block came from an arena's heap after a 30 MiB one was freed")
	}
}
