package pipelines

import (
	"os"
	"runtime/debug"
)

// stageMallocArenas caps glibc malloc's arenas during an extract or a load
// (staging.LimitMallocArenas). Their calls into DuckDB come one or two at a time (a page's write,
// a chunk read, a ledger commit) and DuckDB runs a thread per core: two arenas serve them without
// measurable waiting. At 10,000 tickets that held the load's peak 12-19 MB lower than the default
// of up to eight per core; an extract of 20,000 held 9-13 MB of arenas for 5-6 MB in use.
const stageMallocArenas = 2

// loadMmapThreshold is the block size from which glibc's malloc maps each block of its own during
// a load (staging.FixMallocMmapThreshold): 128 KiB, where glibc's moving threshold starts. It held
// a load of 10,000 tickets (with DuckDB's freed pages returned at once) 5-8 MB lower. An extract
// of 20,000 tickets peaked 3-6 MB lower with it too, but with a 24 MiB Go limit the extra CPU
// made it miss a rate-limit window in most bench runs (wall / bound 1.27 against 1.17), so the
// extract leaves it. glibc has no way back to a moving threshold, so it lasts for the process.
const loadMmapThreshold = 128 << 10

// extractGoMemoryLimit is the soft limit on the Go runtime's memory during an extract.
//
// What is live in an extract's Go heap is mostly pages in flight (a response, its records, their
// Arrow batch), more of them the more streams run at once, and the collector lets the heap grow
// to twice that before it collects: on a big account, where users, organizations, the events
// stream and the per-ticket workers all run together, the heap peaked at 30-40 MB against 15-20
// on a small one. Under the limit the collector runs sooner instead. An extract waits on the
// source's rate limits, so the extra collections cost CPU, not wall time, as long as they stay
// few: at 32 MiB four bench runs peaked at 131-134 MB for 20,000 tickets (138-145 without),
// ratio 1.13-1.15 to 2,000, all at wall / bound 1.17. A 24 MiB limit held the peak to 123-128 MB
// but, on two cores shared with the source, pushed two of four runs to 1.25-1.28.
const extractGoMemoryLimit = 32 << 20

// limitGoMemory sets the Go runtime's soft memory limit for the length of a stage and returns
// what restores the previous one. A GOMEMLIMIT in the environment is the user's choice and wins.
func limitGoMemory(limit int64) (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	previous := debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(previous) }
}
