package staging

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// cacheFloor is the memory limit TrimMemory asks DuckDB for, which makes it evict every block no
// query has pinned. DuckDB keeps the old limit when it cannot get that low, after evicting all it
// could, which is the point.
const cacheFloor = "1MB"

// trimCheckpointWAL is the write-ahead log size from which TrimMemory checkpoints first. It is
// below DuckDB's own trigger (checkpoint_threshold, 16 MiB by default) so that a long-running
// stage that trims between steps checkpoints there rather than in the middle of a commit.
const trimCheckpointWAL = 12 << 20

// TrimMemory drops what DuckDB keeps cached from earlier reads and writes and returns freed pages
// to the system, so that a long-running stage's memory follows its working set, not the file.
//
// DuckDB holds every block it has read or written in its buffer pool until memory_limit forces
// it out. A load reads the ledger for every chunk of the plan, so at 1,000 tickets the whole
// staging file fits in the pool and at 10,000 the pool fills to its cap: a peak that grows with
// the account until the cap, whatever the cap. Evicting between chunks costs a re-read from the
// file (from the operating system's cache, usually), a small price next to the chunk's API calls.
//
// Rows committed since the last checkpoint are not in the file yet, only in the write-ahead log
// and in memory: eviction can only spill them to temporary files, and the next read of their
// table loads them back. So once the log has grown past trimCheckpointWAL, TrimMemory checkpoints
// first (see Checkpoint), which makes them ordinary blocks of the file that eviction drops.
//
// For a moment the limit is the floor: any other statement of the store's allocating then would
// fail for want of memory, so the caller makes sure none runs (the load holds its ledger's
// writes, its only other statements, while it trims).
func (s *Store) TrimMemory(ctx context.Context) error {
	size, err := s.walSize()
	if err != nil {
		return err
	}
	if size >= trimCheckpointWAL {
		// A checkpoint refused (a transaction of the caller's still open) leaves the rows to
		// DuckDB's own checkpoint, as before; the eviction below still runs.
		_ = s.Checkpoint(ctx)
	}
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

// Checkpoint writes what the write-ahead log holds into the file, with DuckDB's allocator handing
// freed pages back to the system at once while it runs. No other transaction may be open.
//
// A checkpoint reads back every row committed since the last one, compresses it into new blocks
// (merging small row groups of a table into one of up to 122,880 rows, which it rewrites whole)
// and frees the old ones: it allocates and frees tens of megabytes in about a second. With the
// allocator's usual one-second decay the freed pages stayed resident meanwhile, on top of the
// live ones: at 10,000 tickets a load's checkpoint held 77-87 MB in jemalloc for 30-38 MB allocated,
// the load's peak. Purging at once costs system time, which is why it is confined to the
// checkpoint (see returnFreedMemoryAtOnce).
func (s *Store) Checkpoint(ctx context.Context) error {
	restore, _ := returnFreedMemoryAtOnce()
	_, err := s.db.ExecContext(ctx, "CHECKPOINT")
	restore()
	releaseFreedMemory()
	if err != nil {
		return fmt.Errorf("checkpointing the staging store: %w", err)
	}
	return nil
}

// walSize is the size of the store's write-ahead log: 0 when there is none.
func (s *Store) walSize() (int64, error) {
	st, err := os.Stat(s.Path + ".wal")
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("staging store: %w", err)
	}
	return st.Size(), nil
}
