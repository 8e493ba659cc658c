package load

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"

	"github.com/duckdb/duckdb-go/v2"
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
// handed out here. A batch's events land together or not at all: every Append's events are in one
// transaction, which may also hold other Appends made at the same time (group commit).
type Ledger struct {
	db    *sql.DB
	runID string
	now   func() time.Time

	mu      sync.Mutex
	queue   []*appendRequest // Appends waiting for the writer
	writing bool             // an Append is writing the queue
	next    int64            // the next event id; only the writer touches it

	commitMu sync.Mutex // held by a commit, and by holdCommits
}

// appendRequest is one Append waiting for its commit.
type appendRequest struct {
	events []Event
	done   chan error
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

// Append writes events in one transaction and returns once they are durable. It does not take the
// caller's cancellation: outcomes of calls already made must reach the ledger even while the run is
// being interrupted.
//
// Every commit costs DuckDB a write-ahead log flush, whatever its size, and the load's batches
// finish at the same moments, so Appends that arrive while another is committing wait and are
// committed together by it: fewer, larger transactions, each Append's events still contiguous and
// all-or-nothing.
func (l *Ledger) Append(ctx context.Context, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	req := &appendRequest{events: events, done: make(chan error, 1)}
	l.mu.Lock()
	l.queue = append(l.queue, req)
	if l.writing {
		l.mu.Unlock()
		return <-req.done
	}
	l.writing = true
	for len(l.queue) > 0 {
		group := l.queue
		l.queue = nil
		l.mu.Unlock()
		err := l.commit(context.WithoutCancel(ctx), group)
		for _, r := range group {
			r.done <- err
		}
		l.mu.Lock()
	}
	l.writing = false
	l.mu.Unlock()
	return <-req.done
}

// commit writes a group of Appends in one transaction.
//
// The rows go through DuckDB's appender: a multi-row INSERT with bound parameters costs DuckDB a
// parse, bind and plan per statement, which made the ledger the load's busiest part; the appender
// copies the rows straight into the table.
func (l *Ledger) commit(ctx context.Context, group []*appendRequest) error {
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	var events []Event
	for _, r := range group {
		events = append(events, r.events...)
	}
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	if err := conn.Raw(func(dc any) error { return l.appendRows(dc.(driver.Conn), events) }); err != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
		return fmt.Errorf("ledger: appending %d events (first %s): %w", len(events), events[0].OpID, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
		return fmt.Errorf("ledger: committing %d events: %w", len(events), err)
	}
	l.next += int64(len(events))
	return nil
}

// holdCommits runs f while no commit is under way; Appends made meanwhile wait for it.
func (l *Ledger) holdCommits(f func()) {
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	f()
}

// appendRows copies events into load_events on conn, whose transaction is open; event ids
// continue from l.next.
func (l *Ledger) appendRows(conn driver.Conn, events []Event) error {
	app, err := duckdb.NewAppenderFromConn(conn, "", "load_events")
	if err != nil {
		return err
	}
	at := l.now().UTC()
	for i, e := range events {
		err := app.AppendRow(l.next+int64(i), l.runID, e.OpID, e.Kind, e.Entity, e.SourceID, e.Batch, e.Event,
			nullable(e.TargetID), nullableInt(e.Status), nullable(e.Code), nullable(e.Message),
			e.Event == EventFailed && e.Retryable, at)
		if err != nil {
			_ = app.Close()
			return err
		}
	}
	return app.Close()
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

// nullable is s, or NULL (nil, for the appender) when s is empty.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// nullableInt is n as an INTEGER, or NULL when n is 0.
func nullableInt(n int) any {
	if n == 0 {
		return nil
	}
	return int32(n)
}
