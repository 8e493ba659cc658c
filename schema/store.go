package schema

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	// The DuckDB driver registers itself as "duckdb".
	_ "github.com/duckdb/duckdb-go/v2"
)

// Version is the staging store's schema version this build writes. A file with a newer version
// was written by a newer deskport and is refused rather than misread.
const Version = 6

// migrations[i] brings a store from version i to i+1. Append only: a released migration is
// never edited, so every staging file ever written can still be opened.
var migrations = []func() []string{
	v1Statements,
	v2Statements,
	v3Statements,
	v4Statements,
	v5Statements,
	v6Statements,
}

// v1Statements creates the bookkeeping tables, one raw table per canonical entity and the
// canonical views over them.
func v1Statements() []string {
	stmts := []string{
		`CREATE TABLE snapshots (
			snapshot_id BIGINT PRIMARY KEY,
			source      VARCHAR NOT NULL,   -- system name, e.g. zendesk
			base_url    VARCHAR NOT NULL,
			entities    VARCHAR[] NOT NULL,
			since       TIMESTAMP,          -- NULL for a full snapshot
			started_at  TIMESTAMP NOT NULL,
			finished_at TIMESTAMP,          -- NULL while running or after an interrupt
			status      VARCHAR NOT NULL    -- running | finished | failed
		)`,
		// One row per durable write: which stream wrote how many rows into which snapshot.
		`CREATE TABLE pages (
			page_id     BIGINT PRIMARY KEY,
			snapshot_id BIGINT NOT NULL,
			stream      VARCHAR NOT NULL,
			rows        BIGINT NOT NULL,
			written_at  TIMESTAMP NOT NULL
		)`,
		// Append-only cursor history; the latest row per (snapshot, stream) is where it resumes.
		`CREATE TABLE cursors (
			snapshot_id BIGINT NOT NULL,
			stream      VARCHAR NOT NULL,
			page_id     BIGINT NOT NULL,
			cursor      VARCHAR NOT NULL
		)`,
		// Records the extract passed over on purpose (deleted at the source, 404), with why.
		`CREATE TABLE extract_skips (
			snapshot_id BIGINT NOT NULL,
			page_id     BIGINT NOT NULL,
			entity      VARCHAR NOT NULL,
			source_id   VARCHAR NOT NULL,
			reason      VARCHAR NOT NULL
		)`,
	}
	for _, t := range Tables {
		stmts = append(stmts, t.rawTableDDL())
	}
	stmts = append(stmts, deletedTicketsDDL)
	for _, t := range Tables {
		stmts = append(stmts, t.viewDDL())
	}
	return stmts
}

// RawTable is the append-only table holding every version of the entity's records.
func (t Table) RawTable() string { return "raw_" + string(t.Entity) }

func (t Table) rawTableDDL() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (\n\tsnapshot_id BIGINT NOT NULL,\n\tpage_id BIGINT NOT NULL", t.RawTable())
	for _, c := range t.Columns {
		fmt.Fprintf(&b, ",\n\t%s %s", quoteIdent(c.Name), c.SQLType())
	}
	b.WriteString("\n)")
	return b.String()
}

// viewDDL is the canonical view: the latest version of each record. The latest is the one the
// source last updated; among equal updated_at values the later write wins. A ticket whose latest
// version says it was deleted at the source is not in the view (raw_tickets still has it).
func (t Table) viewDDL() string {
	latest := fmt.Sprintf(`SELECT * EXCLUDE (page_id) FROM %s
	QUALIFY row_number() OVER (PARTITION BY source_id
		ORDER BY updated_at DESC NULLS LAST, snapshot_id DESC, page_id DESC) = 1`, t.RawTable())
	switch {
	case t.hasColumn("deleted"):
		latest = fmt.Sprintf("SELECT * FROM (%s) WHERE NOT deleted", latest)
	case t.hasColumn("ticket_id"):
		// Comments and attachments of a ticket deleted at the source go with it. Whether an
		// extract saw them at all depends on the path that read them; the view must not.
		latest = fmt.Sprintf(`SELECT * FROM (%s) r WHERE NOT EXISTS (
			SELECT 1 FROM deleted_tickets d WHERE d.source_id = r.ticket_id)`, latest)
	}
	return fmt.Sprintf("CREATE VIEW %s AS %s", quoteIdent(string(t.Entity)), latest)
}

// deletedTicketsDDL lists the tickets whose latest version says they were deleted at the source.
const deletedTicketsDDL = `CREATE VIEW deleted_tickets AS
	SELECT source_id FROM raw_tickets
	QUALIFY row_number() OVER (PARTITION BY source_id
		ORDER BY updated_at DESC NULLS LAST, snapshot_id DESC, page_id DESC) = 1 AND deleted`

func (t Table) hasColumn(name string) bool {
	for _, c := range t.Columns {
		if c.Name == name {
			return true
		}
	}
	return false
}

// Open opens (creating if needed) the staging file at path and brings its schema to Version.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	db, err := sql.Open("duckdb", path)
	if err != nil {
		return nil, fmt.Errorf("opening staging store %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening staging store %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("staging store %s: %w", path, err)
	}
	return db, nil
}

// ErrNewerStore means the file was written by a newer deskport.
var ErrNewerStore = errors.New("staging file has a newer schema version than this deskport supports")

// StoredVersion returns the schema version of an open store (0 for an empty file).
func StoredVersion(ctx context.Context, db *sql.DB) (int, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`); err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	return int(v.Int64), nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	current, err := StoredVersion(ctx, db)
	if err != nil {
		return err
	}
	if current > Version {
		return fmt.Errorf("%w (file: %d, deskport: %d)", ErrNewerStore, current, Version)
	}
	for v := current; v < Version; v++ {
		if err := applyMigration(ctx, db, v+1, migrations[v]()); err != nil {
			return err
		}
	}
	return nil
}

// applyMigration runs one version's statements and records it, all in one transaction, so a
// crash mid-migration leaves the file at the previous version.
func applyMigration(ctx context.Context, db *sql.DB, version int, stmts []string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("migrating to schema version %d: %w\n%s", version, err, s)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, version); err != nil {
		return fmt.Errorf("migrating to schema version %d: %w", version, err)
	}
	return tx.Commit()
}

// OpenReadOnly opens an existing staging file for queries only, so a query can never change
// what was staged.
func OpenReadOnly(ctx context.Context, path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no staging file at %s (run deskport extract first): %w", path, err)
	}
	db, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY")
	if err != nil {
		return nil, fmt.Errorf("opening staging store %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening staging store %s: %w", path, err)
	}
	return db, nil
}
