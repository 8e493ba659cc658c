// Package transform turns the staging store's canonical tables into the load plan
// (docs/load-plan.md): the SQL files in sql/ run in name order, in one transaction, over the
// staging tables, the target directory and the settings, and replace every plan table.
//
// The plan is deterministic: the same staging content, settings and target directory give
// byte-identical plan tables and the same plan hash. Nothing in it depends on the clock or on the
// order rows were written in, and settings reach the SQL only as rows of transform_settings.
package transform

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"slices"
)

// Version names the transform's rules; it is recorded in plan_meta. Change it when a change to
// the SQL changes plans.
const Version = "1"

//go:embed sql/*.sql sql/zendesk/*.sql
var sqlFiles embed.FS

// Run plans the migration of the staging store db into the target whose directory it holds.
// On error nothing is changed: the previous plan, if any, stays.
func Run(ctx context.Context, db *sql.DB, s Settings) (*Result, error) {
	s = s.WithDefaults()
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("transform settings: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("transform: %w", err)
	}
	defer tx.Rollback()
	if err := writeSettings(ctx, tx, s); err != nil {
		return nil, err
	}
	if err := writeMapping(ctx, tx, s.Mapping); err != nil {
		return nil, err
	}
	if err := writePhones(ctx, tx, s); err != nil {
		return nil, err
	}
	if err := runFiles(ctx, tx, s.Target); err != nil {
		return nil, err
	}
	res, err := finish(ctx, tx, s)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("transform: committing the plan: %w", err)
	}
	return res, nil
}

// EnsureDirectory creates the target directory tables (empty) where they do not exist yet, for
// the code that fills them before Run.
func EnsureDirectory(ctx context.Context, db *sql.DB) error {
	return execFile(ctx, db, "sql/00_target_directory.sql")
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func writeSettings(ctx context.Context, tx *sql.Tx, s Settings) error {
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE transform_settings (key TEXT PRIMARY KEY, value TEXT)`); err != nil {
		return fmt.Errorf("transform: writing settings: %w", err)
	}
	for _, kv := range append(s.rows(), s.kbRows()...) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO transform_settings VALUES (?, ?)`, kv[0], kv[1]); err != nil {
			return fmt.Errorf("transform: writing setting %s: %w", kv[0], err)
		}
	}
	return nil
}

// SQLFiles lists the embedded SQL files in the order Run executes them.
func SQLFiles() []string {
	names, _ := fs.Glob(sqlFiles, "sql/*.sql") // the pattern is valid
	slices.Sort(names)
	return names
}

// resultsFile runs last for every target: it turns the outcomes every step collected into
// plan_skips, transform_notes, plan_notes and transform_mapping. Its name sorts last in sql/.
const resultsFile = "sql/99_results.sql"

// zendeskShared are the files of the Intercom set that hold no Intercom rule: settings and
// helpers, the tickets that migrate, who is an agent, and agents → agents, groups → groups by
// email and name. The Zendesk set (sql/zendesk) builds on the scratch tables they leave.
var zendeskShared = []string{"sql/01_context.sql", "sql/02_tickets.sql", "sql/03_people.sql", "sql/04_mapping.sql"}

// SQLFilesFor lists the embedded SQL files Run executes for a target, in order.
func SQLFilesFor(target string) []string {
	if target != TargetZendesk {
		return SQLFiles()
	}
	names, _ := fs.Glob(sqlFiles, "sql/zendesk/*.sql") // the pattern is valid
	slices.Sort(names)
	return append(append(slices.Clone(zendeskShared), names...), resultsFile)
}

func runFiles(ctx context.Context, tx *sql.Tx, target string) error {
	for _, name := range SQLFilesFor(target) {
		if err := execFile(ctx, tx, name); err != nil {
			return err
		}
	}
	return nil
}

// execFile runs one file: DuckDB executes its statements one after the other.
func execFile(ctx context.Context, e execer, name string) error {
	text, err := sqlFiles.ReadFile(name)
	if err != nil {
		return fmt.Errorf("transform: %w", err)
	}
	if _, err := e.ExecContext(ctx, string(text)); err != nil {
		return fmt.Errorf("transform: %s: %w", name, err)
	}
	return nil
}

// finish hashes the inputs and the plan, records them in plan_meta and counts what was planned.
func finish(ctx context.Context, tx *sql.Tx, s Settings) (*Result, error) {
	inputs, err := hashTables(ctx, tx, inputTablesFor(s.Target))
	if err != nil {
		return nil, fmt.Errorf("transform: hashing the inputs: %w", err)
	}
	plan, err := hashTables(ctx, tx, planTablesFor(s.Target))
	if err != nil {
		return nil, fmt.Errorf("transform: hashing the plan: %w", err)
	}
	if err := writeMeta(ctx, tx, s, plan, inputs); err != nil {
		return nil, err
	}
	res := &Result{PlanHash: plan, InputsHash: inputs}
	if err := res.count(ctx, tx); err != nil {
		return nil, fmt.Errorf("transform: counting the plan: %w", err)
	}
	return res, nil
}

func writeMeta(ctx context.Context, tx *sql.Tx, s Settings, plan, inputs string) error {
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TABLE plan_meta (key TEXT PRIMARY KEY, value TEXT)`); err != nil {
		return fmt.Errorf("transform: writing plan_meta: %w", err)
	}
	meta := [][2]string{
		{"plan_hash", plan}, {"inputs_hash", inputs},
		{"ticket_mode", s.TicketMode}, {"transform_version", Version},
	}
	if s.Target != TargetIntercom { // Intercom plans keep the meta rows they always had
		meta = append(meta, [2]string{"target", s.Target})
	}
	for _, kv := range meta {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_meta VALUES (?, ?)`, kv[0], kv[1]); err != nil {
			return fmt.Errorf("transform: writing plan_meta: %w", err)
		}
	}
	return nil
}
