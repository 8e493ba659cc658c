package load

import (
	"context"
	"database/sql"
	"fmt"
)

// The report reads the plan and the ledger only: per entity, how many records were planned and
// how many of them are migrated, failed, skipped (by the transform or the load) or still pending.

// totalsQuery counts per entity. Skips the transform decided on count as skipped from the start:
// the load only records them in the ledger.
const totalsQuery = `
WITH states AS (
	SELECT p.entity, coalesce(o.event, 'pending') AS state
	FROM plan_ops p LEFT JOIN load_outcomes o ON o.op_id = p.op_id
	UNION ALL
	SELECT entity, 'skipped' FROM plan_skips
)
SELECT entity,
	count(*) AS total,
	count(*) FILTER (WHERE state = 'loaded') AS migrated,
	count(*) FILTER (WHERE state = 'failed') AS failed,
	count(*) FILTER (WHERE state = 'skipped') AS skipped,
	count(*) FILTER (WHERE state = 'pending') AS pending
FROM states GROUP BY entity ORDER BY entity`

// recordsQuery lists one row per record: its source id, its target id once loaded, and why it
// failed or was skipped.
const recordsQuery = `
SELECT p.entity, p.source_id, o.target_id,
	CASE coalesce(o.event, 'pending') WHEN 'loaded' THEN 'migrated' ELSE coalesce(o.event, 'pending') END AS status,
	CASE WHEN o.event = 'failed' THEN o.code || ': ' || o.message END AS reason,
	CASE WHEN o.event = 'failed' THEN o.retryable END AS retryable,
	p.op_id, p.batch_id
FROM plan_ops p LEFT JOIN load_outcomes o ON o.op_id = p.op_id
UNION ALL
SELECT entity, source_id, NULL, 'skipped', reason, NULL, 'skip:' || entity || ':' || source_id, NULL
FROM plan_skips
`

// Totals is one line of the report.
type Totals struct {
	Entity                                    string
	Total, Migrated, Failed, Skipped, Pending int
}

// QueryTotals returns the per-entity totals as rows, for printers of any format.
func QueryTotals(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	if _, err := planHash(ctx, db); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, totalsQuery)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return rows, nil
}

// RecordFilter narrows the per-record report; empty fields match everything.
type RecordFilter struct {
	Entity string // e.g. tickets
	Status string // migrated, failed, skipped or pending
}

// QueryRecords returns one row per planned or skipped record.
func QueryRecords(ctx context.Context, db *sql.DB, f RecordFilter) (*sql.Rows, error) {
	if _, err := planHash(ctx, db); err != nil {
		return nil, err
	}
	query := `SELECT * FROM (` + recordsQuery + `) WHERE (? = '' OR entity = ?) AND (? = '' OR status = ?) ORDER BY entity, op_id`
	rows, err := db.QueryContext(ctx, query, f.Entity, f.Entity, f.Status, f.Status)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return rows, nil
}

// ReadTotals returns the totals as values.
func ReadTotals(ctx context.Context, db *sql.DB) ([]Totals, error) {
	rows, err := QueryTotals(ctx, db)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Totals
	for rows.Next() {
		var t Totals
		if err := rows.Scan(&t.Entity, &t.Total, &t.Migrated, &t.Failed, &t.Skipped, &t.Pending); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
