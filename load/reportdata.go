package load

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Report is everything the HTML report shows, read from the plan and the ledger: of one run, or of
// the whole ledger when Run is nil.
type Report struct {
	Run        *RunInfoRow    `json:"run,omitempty"`
	Runs       []RunRow       `json:"runs"`
	Totals     []RunTotals    `json:"totals"`
	Failures   []FailureGroup `json:"failures"`
	Records    []RecordRow    `json:"records"`
	Throughput []Throughput   `json:"throughput"`
	Rate       []RateUse      `json:"rate"`
}

// RunInfoRow is a run of load_runs with its end.
type RunInfoRow struct {
	RunID, Command, Selection, Target, Workspace string
	StartedAt                                    time.Time
	FinishedAt                                   *time.Time `json:",omitempty"`
	Status                                       string
}

// RunRow is a run of the ledger with the outcomes it recorded.
type RunRow struct {
	RunInfoRow
	Loaded, Failed, Skipped, Deleted int
}

// FailureGroup is one reason records failed, with how many and an example.
type FailureGroup struct {
	Entity, Code string
	Records      int
	Example      string
}

// RecordRow is one line of the per-record report (QueryRecords).
type RecordRow struct {
	Entity, SourceID, TargetID, Status, Reason string
	Retryable                                  *bool `json:",omitempty"`
	OpID, BatchID                              string
}

// Throughput is how many outcomes the ledger recorded in one second.
type Throughput struct {
	At             time.Time
	Loaded, Failed int
}

// RateUse is what the target's rate-limit headers said in one second: answers, the lowest
// remaining budget and the window's limit (both nil when it sent none).
type RateUse struct {
	At           time.Time
	Calls        int
	MinRemaining *int `json:",omitempty"`
	Limit        *int `json:",omitempty"`
}

// ReadReport reads the report of run ("" for the whole ledger).
func ReadReport(ctx context.Context, db *sql.DB, run string) (*Report, error) {
	r := &Report{}
	var err error
	if r.Totals, err = ReadRunTotals(ctx, db, run); err != nil {
		return nil, err
	}
	if run != "" {
		if r.Run, err = readRunInfo(ctx, db, run); err != nil {
			return nil, err
		}
	}
	steps := []func(context.Context, *sql.DB, string, *Report) error{readRuns, readRecords, readFailures, readThroughput, readRate}
	for _, step := range steps {
		if err := step(ctx, db, run, r); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	return r, nil
}

func readRunInfo(ctx context.Context, db *sql.DB, run string) (*RunInfoRow, error) {
	var ri RunInfoRow
	var finished sql.NullTime
	var status sql.NullString
	err := db.QueryRowContext(ctx, `SELECT r.run_id, r.command, r.selection, r.target, r.workspace, r.started_at,
			e.finished_at, e.status
		FROM load_runs r LEFT JOIN load_run_ends e ON e.run_id = r.run_id WHERE r.run_id = ?`, run).Scan(
		&ri.RunID, &ri.Command, &ri.Selection, &ri.Target, &ri.Workspace, &ri.StartedAt, &finished, &status)
	if err != nil {
		return nil, fmt.Errorf("report: reading run %s: %w", run, err)
	}
	ri.StartedAt = ri.StartedAt.UTC()
	if finished.Valid {
		t := finished.Time.UTC()
		ri.FinishedAt = &t
	}
	ri.Status = status.String
	if !status.Valid {
		ri.Status = "running or crashed"
	}
	return &ri, nil
}

// readRuns lists every run of the ledger, oldest first, with its outcomes: the history a
// report of one run sits in.
func readRuns(ctx context.Context, db *sql.DB, _ string, r *Report) error {
	rows, err := db.QueryContext(ctx, `SELECT r.run_id, r.command, r.selection, r.target, r.workspace, r.started_at,
			e.finished_at, coalesce(e.status, 'running or crashed'),
			count(*) FILTER (WHERE v.event = 'loaded'), count(*) FILTER (WHERE v.event = 'failed'),
			count(*) FILTER (WHERE v.event = 'skipped'), count(*) FILTER (WHERE v.event = 'deleted')
		FROM load_runs r LEFT JOIN load_run_ends e ON e.run_id = r.run_id
		LEFT JOIN load_events v ON v.run_id = r.run_id
		GROUP BY ALL ORDER BY r.started_at, r.run_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var row RunRow
		var finished sql.NullTime
		if err := rows.Scan(&row.RunID, &row.Command, &row.Selection, &row.Target, &row.Workspace, &row.StartedAt,
			&finished, &row.Status, &row.Loaded, &row.Failed, &row.Skipped, &row.Deleted); err != nil {
			return err
		}
		row.StartedAt = row.StartedAt.UTC()
		if finished.Valid {
			t := finished.Time.UTC()
			row.FinishedAt = &t
		}
		r.Runs = append(r.Runs, row)
	}
	return rows.Err()
}

func readRecords(ctx context.Context, db *sql.DB, run string, r *Report) error {
	rows, err := QueryRecords(ctx, db, RecordFilter{Run: run})
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rec RecordRow
		var target, reason, batch sql.NullString
		var retryable sql.NullBool
		if err := rows.Scan(&rec.Entity, &rec.SourceID, &target, &rec.Status, &reason, &retryable, &rec.OpID, &batch); err != nil {
			return err
		}
		rec.TargetID, rec.Reason, rec.BatchID = target.String, reason.String, batch.String
		if retryable.Valid {
			rec.Retryable = &retryable.Bool
		}
		r.Records = append(r.Records, rec)
	}
	return rows.Err()
}

// readFailures groups the failed records by entity and error code, largest group first.
func readFailures(ctx context.Context, db *sql.DB, run string, r *Report) error {
	rows, err := db.QueryContext(ctx, `SELECT entity, coalesce(code, 'unknown'), count(*) AS n, min(reason)
		FROM (`+recordsQuery+`) WHERE status = 'failed' GROUP BY ALL ORDER BY n DESC, entity, 2`, run, run, run)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g FailureGroup
		if err := rows.Scan(&g.Entity, &g.Code, &g.Records, &g.Example); err != nil {
			return err
		}
		r.Failures = append(r.Failures, g)
	}
	return rows.Err()
}

// readThroughput counts the outcomes recorded per second.
func readThroughput(ctx context.Context, db *sql.DB, run string, r *Report) error {
	rows, err := db.QueryContext(ctx, `SELECT date_trunc('second', recorded_at) AS s,
			count(*) FILTER (WHERE event = 'loaded'), count(*) FILTER (WHERE event = 'failed')
		FROM load_events WHERE (? = '' OR run_id = ?) AND event IN ('loaded', 'failed')
		GROUP BY s ORDER BY s`, run, run)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p Throughput
		if err := rows.Scan(&p.At, &p.Loaded, &p.Failed); err != nil {
			return err
		}
		p.At = p.At.UTC()
		r.Throughput = append(r.Throughput, p)
	}
	return rows.Err()
}

// readRate reads the rate-limit use per second.
func readRate(ctx context.Context, db *sql.DB, run string, r *Report) error {
	rows, err := db.QueryContext(ctx, `SELECT second, sum(calls)::BIGINT, min(min_remaining), max(rate_limit)
		FROM load_rate WHERE ? = '' OR run_id = ? GROUP BY second ORDER BY second`, run, run)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p RateUse
		var remaining, limit sql.NullInt64
		if err := rows.Scan(&p.At, &p.Calls, &remaining, &limit); err != nil {
			return err
		}
		p.At = p.At.UTC()
		if remaining.Valid && limit.Valid {
			rem, lim := int(remaining.Int64), int(limit.Int64)
			p.MinRemaining, p.Limit = &rem, &lim
		}
		r.Rate = append(r.Rate, p)
	}
	return rows.Err()
}
