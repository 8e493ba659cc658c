package load

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The events of the ledger (docs/load-plan.md).
const (
	EventAttempted = "attempted"
	EventLoaded    = "loaded"
	EventFailed    = "failed"
	EventSkipped   = "skipped"
)

// Event is one row of load_events.
type Event struct {
	OpID, Kind, Entity, SourceID, Batch string
	Event                               string
	TargetID                            string
	Status                              int
	Code, Message                       string
	Retryable                           bool
}

// eventFor starts an event about op.
func eventFor(op Op, event string) Event {
	return Event{OpID: op.ID, Kind: op.Kind, Entity: op.Entity, SourceID: op.SourceID, Batch: op.Batch, Event: event}
}

// Ledger appends events to the staging store. One process owns a staging file, so event ids are
// handed out here; every Append is one transaction, so a batch's events land together or not at
// all.
type Ledger struct {
	db    *sql.DB
	runID string
	now   func() time.Time

	mu   sync.Mutex
	next int64
}

// RunInfo describes a run in load_runs.
type RunInfo struct {
	Command, Selection, Target, Workspace, PlanHash string
}

// openLedger starts a run: it records it in load_runs and finds the next event id.
func openLedger(ctx context.Context, db *sql.DB, info RunInfo, now func() time.Time) (*Ledger, error) {
	l := &Ledger{db: db, now: now}
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(event_id), 0) + 1 FROM load_events`).Scan(&l.next); err != nil {
		return nil, fmt.Errorf("reading the ledger: %w", err)
	}
	started := now().UTC()
	l.runID = fmt.Sprintf("%s-%s", info.Command, started.Format("20060102T150405.000000000Z"))
	_, err := db.ExecContext(ctx, `INSERT INTO load_runs VALUES (?, ?, ?, ?, ?, ?, ?)`,
		l.runID, info.Command, info.Selection, info.Target, info.Workspace, info.PlanHash, started)
	if err != nil {
		return nil, fmt.Errorf("recording run %s in the ledger: %w", l.runID, err)
	}
	return l, nil
}

// RunID names the run the ledger appends for.
func (l *Ledger) RunID() string { return l.runID }

// Append writes events in one transaction. It does not take the caller's cancellation: outcomes of
// calls already made must reach the ledger even while the run is being interrupted.
func (l *Ledger) Append(ctx context.Context, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	defer tx.Rollback()
	at := l.now().UTC()
	for start := 0; start < len(events); start += appendChunk {
		chunk := events[start:min(start+appendChunk, len(events))]
		query, args := l.insert(chunk, at, l.next+int64(start))
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("ledger: appending %d events (first %s): %w", len(chunk), chunk[0].OpID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: committing %d events: %w", len(events), err)
	}
	l.next += int64(len(events))
	return nil
}

// appendChunk bounds the rows of one INSERT statement.
const appendChunk = 200

// insert builds one multi-row INSERT whose event ids start at base.
func (l *Ledger) insert(events []Event, at time.Time, base int64) (string, []any) {
	var b strings.Builder
	b.WriteString(`INSERT INTO load_events VALUES `)
	args := make([]any, 0, len(events)*14)
	for i := range events {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		e := events[i]
		args = append(args, base+int64(i), l.runID, e.OpID, e.Kind, e.Entity, e.SourceID, e.Batch, e.Event,
			nullString(e.TargetID), nullInt(e.Status), nullString(e.Code), nullString(e.Message),
			e.Event == EventFailed && e.Retryable, at)
	}
	return b.String(), args
}

// finish records the run's end.
func (l *Ledger) finish(ctx context.Context, status string, runErr error) error {
	var msg sql.NullString
	if runErr != nil {
		msg = sql.NullString{String: runErr.Error(), Valid: true}
	}
	_, err := l.db.ExecContext(context.WithoutCancel(ctx), `INSERT INTO load_run_ends VALUES (?, ?, ?, ?)`,
		l.runID, l.now().UTC(), status, msg)
	return err
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullInt(n int) sql.NullInt64 { return sql.NullInt64{Int64: int64(n), Valid: n != 0} }
