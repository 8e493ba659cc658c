package pipelines

// stageMallocArenas caps glibc malloc's arenas during an extract or a load
// (staging.LimitMallocArenas). Their calls into DuckDB come one or two at a time (a page's write,
// a chunk read, a ledger commit) and DuckDB runs a thread per core: two arenas serve them without
// measurable waiting. At 10,000 tickets that held the load's peak 12-19 MB lower than the default
// of up to eight per core; an extract of 20,000 held 9-13 MB of arenas for 5-6 MB in use.
const stageMallocArenas = 2

// loadMmapThreshold is the block size from which glibc's malloc maps each block of its own during
// a load (staging.FixMallocMmapThreshold): 128 KiB, where glibc's moving threshold starts. It held
// a load of 10,000 tickets (with DuckDB's freed pages returned at once) 5-8 MB lower. An extract
// of 20,000 tickets peaked 3-6 MB lower with it too, but with a soft limit on Go's memory the extra
// CPU made it miss a rate-limit window in most bench runs (wall / bound 1.27 against 1.17), so the
// extract leaves it. glibc has no way back to a moving threshold, so it lasts for the process.
const loadMmapThreshold = 128 << 10
