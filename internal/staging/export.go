package staging

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/deskport/deskport/schema"
)

// Export formats: what other engines read without deskport.
const (
	FormatParquet = "parquet"
	FormatCSV     = "csv"
)

// ExportFormats lists the formats Export writes.
var ExportFormats = []string{FormatParquet, FormatCSV}

// Exported is one table written by Export.
type Exported struct {
	Table string
	Rows  int64
	Path  string
}

// ExportTables are the tables Export writes, in this order: every canonical table (the latest
// version of each record) and extract_truncations, which says which threads are incomplete.
func ExportTables() []string {
	var out []string
	for _, t := range schema.AllTables() {
		out = append(out, string(t.Entity))
	}
	return append(out, "extract_truncations")
}

// Export writes each table of ExportTables that db holds to dir/<table>.<format> with DuckDB's
// COPY, one file per table. A table is written to a temporary name and renamed, so a file
// with a table's name is always whole. db may be read-only: COPY only reads it.
func Export(ctx context.Context, db *sql.DB, format, dir string) ([]Exported, error) {
	opts, ok := map[string]string{FormatParquet: "FORMAT parquet", FormatCSV: "FORMAT csv, HEADER true"}[format]
	if !ok {
		return nil, fmt.Errorf("--format %q: want one of %s", format, strings.Join(ExportFormats, ", "))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export directory: %w", err)
	}
	present, err := tablesIn(ctx, db)
	if err != nil {
		return nil, err
	}
	var out []Exported
	for _, table := range ExportTables() {
		if !present[table] {
			continue // a staging file from before the table existed
		}
		path := filepath.Join(dir, table+"."+format)
		n, err := copyTable(ctx, db, table, path, opts)
		if err != nil {
			return out, err
		}
		out = append(out, Exported{Table: table, Rows: n, Path: path})
	}
	return out, nil
}

func tablesIn(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables`)
	if err != nil {
		return nil, fmt.Errorf("listing staging tables: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("listing staging tables: %w", err)
		}
		out[name] = true
	}
	return out, rows.Err()
}

// copyTable writes one table. COPY takes no parameter for its file, so the path is a quoted
// literal; table names come from ExportTables, never from the user.
func copyTable(ctx context.Context, db *sql.DB, table, path, opts string) (int64, error) {
	tmp := path + ".tmp"
	q := fmt.Sprintf(`COPY (SELECT * FROM %q ORDER BY source_id) TO %s (%s)`, table, sqlString(tmp), opts)
	if table == "extract_truncations" {
		q = fmt.Sprintf(`COPY (SELECT * FROM %q ORDER BY snapshot_id, page_id, source_id) TO %s (%s)`, table, sqlString(tmp), opts)
	}
	res, err := db.ExecContext(ctx, q)
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("exporting %s to %s: %w", table, path, err)
	}
	n, err := res.RowsAffected()
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return 0, errors.Join(fmt.Errorf("exporting %s to %s: %w", table, path, err), os.Remove(tmp))
	}
	return n, nil
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
