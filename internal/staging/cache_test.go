package staging

import (
	"context"
	"testing"
)

// duckDBMemory is what DuckDB's buffer pool holds, in bytes.
func duckDBMemory(t *testing.T, s *Store) int64 {
	t.Helper()
	var n int64
	if err := s.db.QueryRow(`SELECT sum(memory_usage_bytes)::BIGINT FROM duckdb_memory()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func memoryLimit(t *testing.T, s *Store) string {
	t.Helper()
	var limit string
	if err := s.db.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&limit); err != nil {
		t.Fatal(err)
	}
	return limit
}

// TrimMemory empties the buffer pool of blocks earlier statements left cached and keeps the
// store's memory limit as it was.
func TestTrimMemoryEvictsCachedBlocks(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.db.Exec(`CREATE TABLE filler AS
		SELECT i, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) || md5((i + 2)::VARCHAR) AS s FROM range(400000) t(i)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	var total int64
	if err := s.db.QueryRow(`SELECT sum(length(s)) FROM filler`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	limit := memoryLimit(t, s)
	before := duckDBMemory(t, s)
	if before < 16<<20 {
		t.Fatalf("the buffer pool holds %d bytes after reading the table: the test needs it to cache more", before)
	}
	if err := s.TrimMemory(ctx); err != nil {
		t.Fatal(err)
	}
	if after := duckDBMemory(t, s); after > 2<<20 {
		t.Errorf("the buffer pool holds %d bytes after TrimMemory (%d before)", after, before)
	}
	if got := memoryLimit(t, s); got != limit {
		t.Errorf("memory_limit is %s after TrimMemory, want %s as before", got, limit)
	}
	if err := s.db.QueryRow(`SELECT sum(length(s)) FROM filler`).Scan(&total); err != nil {
		t.Errorf("reading after TrimMemory: %v", err)
	}
}

// Rows committed since the last checkpoint live in memory until one: once the write-ahead log is
// long, TrimMemory checkpoints them into the file, so that they are evicted rather than spilled
// to temporary files and read back by the next scan.
func TestTrimMemoryCheckpointsALongLog(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.db.Exec(`CREATE TABLE events (i BIGINT, s VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	for step := 0; ; step++ {
		size, err := s.walSize()
		if err != nil {
			t.Fatal(err)
		}
		if size >= trimCheckpointWAL {
			break
		}
		if step > 0 && size == 0 {
			t.Fatal("DuckDB checkpointed on its own before the log reached TrimMemory's threshold")
		}
		// Random text compresses poorly: the log grows about as fast as the table.
		if _, err := s.db.Exec(`INSERT INTO events SELECT i, md5(random()::VARCHAR) || md5(random()::VARCHAR)
			FROM range(?, ? + 10000) t(i)`, step*10000, step*10000); err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	if err := s.db.QueryRow(`SELECT count(DISTINCT s) FROM events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := s.TrimMemory(ctx); err != nil {
		t.Fatal(err)
	}
	if size, err := s.walSize(); err != nil || size >= trimCheckpointWAL/4 {
		t.Errorf("the write-ahead log holds %d bytes after TrimMemory (%v), want it checkpointed", size, err)
	}
	var held, spilled int64
	if err := s.db.QueryRow(`SELECT sum(memory_usage_bytes)::BIGINT, sum(temporary_storage_bytes)::BIGINT
		FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'`).Scan(&held, &spilled); err != nil {
		t.Fatal(err)
	}
	if held+spilled > 1<<20 {
		t.Errorf("after TrimMemory %d bytes of uncheckpointed rows are in memory and %d in temporary files, want none", held, spilled)
	}
	var again int64
	if err := s.db.QueryRow(`SELECT count(DISTINCT s) FROM events`).Scan(&again); err != nil || again != n {
		t.Errorf("reading after TrimMemory: %d rows (%v), want %d", again, err, n)
	}
}
