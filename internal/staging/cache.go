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

// ledgerCheckpointThreshold is the write-ahead log size at which DuckDB checkpoints while a load
// appends to its ledger. A checkpoint brings the events appended since the last one back into
// memory to compress and write them, so its peak follows that tail: at DuckDB's default of 16MB a
// load of 10,000 tickets rose 20 MB above its steady state at the checkpoint, which a load of
// 1,000 tickets never reaches. At 2MB the tail is a few thousand events whatever the account:
// with row-group merges off (noRowGroupMerges) the peaks of 1,000 / 10,000 tickets went from
// 107-108 / 135-139 MB to 105-109 / 122-127 MB, at the same speed (1MB and 4MB measured alike;
// with merges on, a small threshold was worse, each checkpoint rewriting a whole row group).
const ledgerCheckpointThreshold = "2MB"

// CheckpointOften has DuckDB checkpoint at a small, fixed log size (ledgerCheckpointThreshold),
// for a stage that appends a long stream of small transactions: the load and its replays.
func (s *Store) CheckpointOften(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "SET checkpoint_threshold = '"+ledgerCheckpointThreshold+"'"); err != nil {
		return fmt.Errorf("setting DuckDB's checkpoint threshold: %w", err)
	}
	return nil
}
