package staging

import (
	"context"
	"fmt"
	"strings"
)

// cacheFloor is the memory limit TrimMemory asks DuckDB for, which makes it evict every block no
// query has pinned. DuckDB keeps the old limit when it cannot get that low, after evicting all it
// could, which is the point.
const cacheFloor = "1MB"

// TrimMemory drops what DuckDB keeps cached from earlier reads and writes and returns freed pages
// to the system, so that a long-running stage's memory follows its working set, not the file.
//
// DuckDB holds every block it has read or written in its buffer pool until memory_limit forces
// it out. A load reads the ledger for every chunk of the plan, so at 1,000 tickets the whole
// staging file fits in the pool and at 10,000 the pool fills to its cap: a peak that grows with
// the account until the cap, whatever the cap. Evicting between chunks costs a re-read from the
// file (from the operating system's cache, usually), a small price next to the chunk's API calls.
//
// For a moment the limit is the floor: any other statement of the store's allocating then would
// fail for want of memory, so the caller makes sure none runs (the load holds its ledger's
// writes, its only other statements, while it trims).
func (s *Store) TrimMemory(ctx context.Context) error {
	var limit string
	if err := s.db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&limit); err != nil {
		return fmt.Errorf("reading DuckDB's memory limit: %w", err)
	}
	// An error here says DuckDB could not evict down to the floor: pinned blocks stay, as meant.
	_, _ = s.db.ExecContext(ctx, "SET memory_limit = '"+cacheFloor+"'")
	restore := "SET memory_limit = '" + strings.ReplaceAll(limit, "'", "''") + "'"
	if _, err := s.db.ExecContext(context.WithoutCancel(ctx), restore); err != nil {
		return fmt.Errorf("restoring DuckDB's memory limit to %s: %w", limit, err)
	}
	releaseFreedMemory()
	return nil
}
