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

// rowGroups is how many row groups table has in the file.
func rowGroups(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('` + table + `')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A checkpoint writes what was appended since the last one and leaves the row groups already in
// the file as they are: DuckDB would otherwise merge the last, partly filled one with the new
// rows and rewrite it, a cost that grows with the table up to a whole row group.
func TestCheckpointLeavesWrittenRowGroups(t *testing.T) {
	s := openTemp(t)
	for _, q := range []string{
		`CREATE TABLE log AS SELECT i, md5(i::VARCHAR) AS s FROM range(5000) t(i)`, `CHECKPOINT`,
		`INSERT INTO log SELECT i, md5(i::VARCHAR) FROM range(5000, 10000) t(i)`, `CHECKPOINT`,
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if n := rowGroups(t, s, "log"); n != 2 {
		t.Errorf("log has %d row groups after two checkpoints of 5,000 rows each, want 2 (merged, rewritten)", n)
	}
}

// CheckpointOften lowers the log size that triggers a checkpoint to ledgerCheckpointThreshold.
func TestCheckpointOften(t *testing.T) {
	s := openTemp(t)
	if err := s.CheckpointOften(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := s.db.QueryRow(`SELECT current_setting('checkpoint_threshold')`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "1.9 MiB"; got != want { // DuckDB shows 2MB (decimal) in binary units
		t.Errorf("checkpoint_threshold is %s, want %s (%s)", got, want, ledgerCheckpointThreshold)
	}
}
