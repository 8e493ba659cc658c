package load

import (
	"context"
	"database/sql"
	"fmt"
)

// The report reads the plan and the ledger only: per entity, how many records were planned and
// how many of them are migrated, failed, skipped (by the transform or the load) or still pending.

// outcomeStatus names an outcome event as the report shows it.
const outcomeStatus = `CASE coalesce(o.event, 'pending') WHEN 'loaded' THEN 'migrated' WHEN 'deleted' THEN 'rolled_back'
		ELSE coalesce(o.event, 'pending') END`

// outcomeReason is why an op failed, was skipped or rolled back.
const outcomeReason = `CASE WHEN o.event = 'failed' THEN o.code || ': ' || o.message
		WHEN o.event = 'skipped' THEN o.message WHEN o.event = 'deleted' THEN o.code END`

// recordsQuery lists one row per record: its source id, its target id once loaded, and why it
// failed or was skipped, with the error code apart for grouping. Without a run it is every plan
// row and skip against its last outcome; with a run (both ? bound to its id) it is every op that
// run recorded an outcome for, with the last outcome it recorded.
const recordsQuery = `
WITH base AS (
	SELECT p.entity, p.source_id, o.target_id, ` + outcomeStatus + ` AS status, ` + outcomeReason + ` AS reason,
		CASE WHEN o.event = 'failed' THEN o.retryable END AS retryable, p.op_id, p.batch_id,
		CASE WHEN o.event = 'failed' THEN o.code END AS code
	FROM plan_ops p LEFT JOIN load_outcomes o ON o.op_id = p.op_id
	WHERE ? = ''
	UNION ALL
	SELECT entity, source_id, NULL, 'skipped', reason, NULL, 'skip:' || entity || ':' || source_id, NULL, NULL
	FROM plan_skips WHERE ? = ''
), run_outcomes AS (
	SELECT * FROM load_events WHERE run_id = ? AND event <> 'attempted'
	QUALIFY row_number() OVER (PARTITION BY op_id ORDER BY event_id DESC) = 1
), run_base AS (
	SELECT o.entity, o.source_id, CASE WHEN o.event IN ('loaded', 'deleted') THEN o.target_id END,
		` + outcomeStatus + `, ` + outcomeReason + `, CASE WHEN o.event = 'failed' THEN o.retryable END,
		o.op_id, o.batch_id, CASE WHEN o.event = 'failed' THEN o.code END
	FROM run_outcomes o
)
SELECT * FROM base UNION ALL SELECT * FROM run_base
`

// totalsQuery counts the records per entity and status.
const totalsQuery = `
SELECT entity,
	count(*) AS total,
	count(*) FILTER (WHERE status = 'migrated') AS migrated,
	count(*) FILTER (WHERE status = 'failed') AS failed,
	count(*) FILTER (WHERE status = 'skipped') AS skipped,
	count(*) FILTER (WHERE status = 'pending') AS pending,
	count(*) FILTER (WHERE status = 'rolled_back') AS rolled_back
FROM (` + recordsQuery + `) GROUP BY entity ORDER BY entity`

// Totals is one line of the report.
type Totals struct {
	Entity                                    string
	Total, Migrated, Failed, Skipped, Pending int
}

// RunTotals is a line of the report with the records rolled back.
type RunTotals struct {
	Totals
	RolledBack int
}

// QueryTotals returns the per-entity totals as rows, for printers of any format.
func QueryTotals(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	return QueryRunTotals(ctx, db, "")
}

// QueryRunTotals is QueryTotals of one run's outcomes when run is not empty.
func QueryRunTotals(ctx context.Context, db *sql.DB, run string) (*sql.Rows, error) {
	if err := checkReport(ctx, db, run); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, totalsQuery, run, run, run)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return rows, nil
}

// RecordFilter narrows the per-record report; empty fields match everything.
type RecordFilter struct {
	Entity string // e.g. tickets
	Status string // migrated, failed, skipped, pending or rolled_back
	Run    string // only the outcomes this run recorded
}

// QueryRecords returns one row per planned or skipped record.
func QueryRecords(ctx context.Context, db *sql.DB, f RecordFilter) (*sql.Rows, error) {
	if err := checkReport(ctx, db, f.Run); err != nil {
		return nil, err
	}
	query := `SELECT * EXCLUDE (code) FROM (` + recordsQuery + `) WHERE (? = '' OR entity = ?) AND (? = '' OR status = ?) ORDER BY entity, op_id`
	rows, err := db.QueryContext(ctx, query, f.Run, f.Run, f.Run, f.Entity, f.Entity, f.Status, f.Status)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return rows, nil
}

// ReadTotals returns the totals as values.
func ReadTotals(ctx context.Context, db *sql.DB) ([]Totals, error) {
	all, err := ReadRunTotals(ctx, db, "")
	out := make([]Totals, len(all))
	for i, t := range all {
		out[i] = t.Totals
	}
	return out, err
}

// ReadRunTotals returns one run's totals (all of the ledger's when run is empty) as values.
func ReadRunTotals(ctx context.Context, db *sql.DB, run string) ([]RunTotals, error) {
	rows, err := QueryRunTotals(ctx, db, run)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RunTotals
	for rows.Next() {
		var t RunTotals
		if err := rows.Scan(&t.Entity, &t.Total, &t.Migrated, &t.Failed, &t.Skipped, &t.Pending, &t.RolledBack); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// checkReport confirms there is a plan, and that run, when given, is in the ledger.
func checkReport(ctx context.Context, db *sql.DB, run string) error {
	if _, err := planHash(ctx, db); err != nil {
		return err
	}
	if run == "" {
		return nil
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM load_runs WHERE run_id = ?`, run).Scan(&n); err != nil {
		return fmt.Errorf("report: reading load_runs: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("report: no run %q in the ledger (deskport sql -p FILE \"SELECT * FROM load_runs\" lists them)", run)
	}
	return nil
}
