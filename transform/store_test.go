package transform

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskport/deskport/schema"
)

// newStore opens a fresh staging store in a temporary folder, with the target directory tables,
// and gives the raw tables defaults (snapshot 1, page 1, false booleans) so fixtures name only
// the columns they care about.
func newStore(t *testing.T) *sql.DB {
	t.Helper()
	ctx := context.Background()
	db, err := schema.Open(ctx, filepath.Join(t.TempDir(), "staging.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := EnsureDirectory(ctx, db); err != nil {
		t.Fatal(err)
	}
	for _, tbl := range schema.AllTables() {
		for _, stmt := range fixtureDefaults(tbl) {
			if _, err := db.ExecContext(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	return db
}

func fixtureDefaults(tbl schema.Table) []string {
	raw := tbl.RawTable()
	stmts := []string{
		fmt.Sprintf(`ALTER TABLE %s ALTER COLUMN snapshot_id SET DEFAULT 1`, raw),
		fmt.Sprintf(`ALTER TABLE %s ALTER COLUMN page_id SET DEFAULT 1`, raw),
	}
	for _, c := range tbl.Columns {
		if c.SQLType() == "BOOLEAN" {
			stmts = append(stmts, fmt.Sprintf(`ALTER TABLE %s ALTER COLUMN "%s" SET DEFAULT false`, raw, c.Name))
		}
	}
	return stmts
}

// dump renders tables as text, one row per line, in the order the query gives.
func dump(t *testing.T, db *sql.DB, query string) string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('\t')
			}
			if v.Valid {
				b.WriteString(v.String)
			} else {
				b.WriteString("NULL")
			}
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
