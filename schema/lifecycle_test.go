package schema

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestLedgerOfAnEarlierVersionIsMigrated: a staging file written at schema 3, with a load in its
// ledger, opens at the current version with its events kept, and rollback's tables work on it.
func TestLedgerOfAnEarlierVersionIsMigrated(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := StoredVersion(ctx, db); err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= 3; v++ {
		if err := applyMigration(ctx, db, v, migrations[v-1]()); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(t, db, `INSERT INTO load_events VALUES (1, 'load-1', 'contact:1', 'contact', 'contacts', '1', 'b', 'loaded',
		'c-1', NULL, NULL, NULL, false, now())`)
	db.Close()

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := StoredVersion(ctx, db); v != Version {
		t.Fatalf("schema version %d after opening, want %d", v, Version)
	}
	if n := count(t, db, `SELECT count(*) FROM id_map WHERE op_id = 'contact:1'`); n != 1 {
		t.Fatalf("the earlier load is not in id_map after the migration")
	}
	mustExec(t, db, `INSERT INTO load_events VALUES (2, 'rollback-1', 'contact:1', 'contact', 'contacts', '1', 'b', 'deleted',
		'c-1', NULL, 'deleted', NULL, false, now())`)
	mustExec(t, db, `INSERT INTO load_rate VALUES ('load-1', now(), 3, 97, 100)`)
	if n := count(t, db, `SELECT count(*) FROM id_map`); n != 0 {
		t.Errorf("a deleted op is still in id_map")
	}
	if n := count(t, db, `SELECT count(*) FROM load_deletions WHERE op_id = 'contact:1' AND code = 'deleted'`); n != 1 {
		t.Errorf("load_deletions does not list the deletion")
	}
	// Since version 6 the ledger has no index: DuckDB would hold it in memory whole.
	if n := count(t, db, `SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'load_events' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')`); n != 0 {
		t.Errorf("load_events still has %d key constraints", n)
	}
	if n := count(t, db, `SELECT count(*) FROM load_events WHERE event_id = 1 AND target_id = 'c-1' AND recorded_at IS NOT NULL`); n != 1 {
		t.Errorf("the earlier event did not survive the ledger's rebuild")
	}
}

func mustExec(t *testing.T, db *sql.DB, q string) {
	t.Helper()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func count(t *testing.T, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
