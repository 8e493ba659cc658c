package load

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// EventDeleted records that what an op created was removed from the target by a rollback. It is
// an outcome: the op's last outcome is no longer loaded, so id_map forgets it and a later load
// creates it again.
const EventDeleted = "deleted"

// Codes of deleted events.
const (
	CodeDeleted        = "deleted"             // the target deleted it on our request
	CodeWithParent     = "deleted_with_parent" // it went with the record it belonged to
	CodeAlreadyDeleted = "already_deleted"     // the target no longer had it (404)
)

// Undo says how the result of one loaded op goes away.
type Undo struct {
	// Delete: the target deletes it with a call of its own (Undoer.Delete).
	Delete bool
	// WithParent names the op whose deletion takes this one with it (a reply goes with its
	// ticket); the rollback records this op as deleted once that one is.
	WithParent string
	// Reason says why it stays, when it is neither deleted nor goes with a parent the run deletes.
	Reason string
}

// Undoer is a target that can undo loads: a table per kind says how (targets fill it from what
// their API can delete), and Delete makes the call. Targets whose API deletes nothing need not
// implement it.
type Undoer interface {
	// HowToUndo says how op's result goes away; it makes no call.
	HowToUndo(op Op) Undo
	// Delete removes targetID, the result of op. A target that no longer has it answers an
	// *OpError with Status 404; one that finds it is not the run's to delete, a *KeepError.
	Delete(ctx context.Context, op Op, targetID string) error
}

// KeepError is what Delete answers when reading the target shows that the record is not the
// run's to delete (Zendesk's create_or_update matched a user that was there before, and it still
// requests tickets of its own): the rollback keeps it with the reason, as it keeps what the target
// cannot delete, and keeps what it refers to.
type KeepError struct{ Reason string }

func (e *KeepError) Error() string { return e.Reason }

// RollbackOptions configure a rollback. Zero values take the defaults in brackets.
type RollbackOptions struct {
	Target      Target // must implement Undoer
	System      string
	Workspace   string
	RunID       string // the run whose creations go
	Concurrency int    // deletions in flight within one kind [8]
	// DryRun decides and reports what would be deleted and what would stay, without a call or a
	// ledger write.
	DryRun bool
	Now    func() time.Time
}

// Kept is something a rollback left in the target, with why.
type Kept struct {
	OpID, Kind, Entity, SourceID, TargetID, Reason string
}

// RollbackResult sums a rollback.
type RollbackResult struct {
	RunID     string // the rollback's own run
	Deleted   int    // deleted events appended
	ByEntity  map[string]int
	Kept      []Kept // could not be deleted, with the reason
	Failed    []Kept // a delete the target refused (Reason holds its error)
	Candidate int    // ops the rolled-back run had loaded
}

// loadedOp is an op a run loaded, as the rollback reads it from the ledger.
type loadedOp struct {
	Op
	TargetID string
	how      Undo
}

// Rollback deletes what run opts.RunID created, newest first, where the target can delete it,
// and appends a deleted event for each removal. What cannot be deleted is returned in Kept with
// the reason; a deletion the target refuses is returned in Failed and can be tried again by
// rolling back the same run.
func Rollback(ctx context.Context, db *sql.DB, opts RollbackOptions) (*RollbackResult, error) {
	undoer, ok := opts.Target.(Undoer)
	if !ok {
		return nil, fmt.Errorf("rollback: the %s target cannot delete records", opts.System)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	hash, err := planHash(ctx, db)
	if err != nil {
		return nil, err
	}
	ops, err := loadedBy(ctx, db, opts.RunID)
	if err != nil {
		return nil, err
	}
	if opts.DryRun {
		rb := &rollback{undoer: undoer, opts: opts, needed: map[string]string{},
			res: &RollbackResult{ByEntity: map[string]int{}, Candidate: len(ops)}}
		return rb.res, rb.run(ctx, ops)
	}
	if err := opts.Target.Check(ctx, opts.Workspace); err != nil {
		return nil, err
	}
	ledger, err := openLedger(ctx, db, RunInfo{Command: "rollback", Selection: "run:" + opts.RunID,
		Target: opts.System, Workspace: opts.Workspace, PlanHash: hash}, opts.Now)
	if err != nil {
		return nil, err
	}
	rb := &rollback{undoer: undoer, ledger: ledger, opts: opts, needed: map[string]string{},
		res: &RollbackResult{RunID: ledger.RunID(), ByEntity: map[string]int{}, Candidate: len(ops)}}
	err = rb.run(ctx, ops)
	status := "finished"
	if err != nil {
		status = "failed"
	}
	if ferr := ledger.finish(ctx, status, err); err == nil {
		err = ferr
	}
	return rb.res, err
}

// loadedBy lists the ops whose last outcome is the loaded event of run, newest first.
func loadedBy(ctx context.Context, db *sql.DB, run string) ([]loadedOp, error) {
	var known int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM load_runs WHERE run_id = ?`, run).Scan(&known); err != nil {
		return nil, fmt.Errorf("reading load_runs: %w", err)
	}
	if known == 0 {
		return nil, fmt.Errorf("rollback: no run %q in the ledger (deskport sql -p FILE \"SELECT * FROM load_runs\" lists them)", run)
	}
	rows, err := db.QueryContext(ctx, `SELECT o.op_id, o.kind, o.entity, o.source_id, o.batch_id, o.target_id,
			coalesce(p.payload::VARCHAR, ''), coalesce(p.stage, 0), to_json(coalesce(p.refs, []))::VARCHAR
		FROM load_outcomes o LEFT JOIN plan_ops p ON p.op_id = o.op_id
		WHERE o.event = 'loaded' AND o.run_id = ?
		ORDER BY o.event_id DESC`, run)
	if err != nil {
		return nil, fmt.Errorf("reading the ledger of run %s: %w", run, err)
	}
	defer rows.Close()
	var out []loadedOp
	for rows.Next() {
		var op loadedOp
		var payload, refs string
		if err := rows.Scan(&op.ID, &op.Kind, &op.Entity, &op.SourceID, &op.Batch, &op.TargetID, &payload, &op.Stage, &refs); err != nil {
			return nil, fmt.Errorf("reading the ledger of run %s: %w", run, err)
		}
		if err := json.Unmarshal([]byte(refs), &op.Refs); err != nil {
			return nil, fmt.Errorf("op %s: refs: %w", op.ID, err)
		}
		if payload != "" {
			op.Payload = json.RawMessage(payload)
		}
		out = append(out, op)
	}
	return out, rows.Err()
}

type rollback struct {
	undoer Undoer
	ledger *Ledger
	opts   RollbackOptions

	mu  sync.Mutex
	res *RollbackResult
	// needed holds ops a record that stays refers to: deleting them would leave it dangling
	// (a ticket that could not be deleted keeps its contact).
	needed map[string]string
}

// run decides for every op how it goes, then deletes kind after kind in the order the run created
// them, newest first: replies and taggings before their tickets, tickets before their contacts,
// contacts before their companies.
func (rb *rollback) run(ctx context.Context, ops []loadedOp) error {
	inRun := map[string]*loadedOp{}
	for i := range ops {
		ops[i].how = rb.undoer.HowToUndo(ops[i].Op)
		inRun[ops[i].ID] = &ops[i]
	}
	dependents := map[string][]*loadedOp{}
	var deletes []*loadedOp
	for i := range ops {
		op := &ops[i]
		switch parent := inRun[op.how.WithParent]; {
		case op.how.Delete:
			deletes = append(deletes, op)
		case op.how.WithParent != "" && parent != nil && parent.how.Delete:
			dependents[parent.ID] = append(dependents[parent.ID], op)
		default:
			rb.keep(op, keptReason(op))
		}
	}
	for start := 0; start < len(deletes); {
		end := start
		for end < len(deletes) && deletes[end].Kind == deletes[start].Kind {
			end++
		}
		if err := rb.deleteAll(ctx, deletes[start:end], dependents); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// keptReason explains why an op stays.
func keptReason(op *loadedOp) string {
	switch {
	case op.how.Reason != "":
		return op.how.Reason
	case op.how.WithParent != "":
		return fmt.Sprintf("it goes only with %s, which this run did not create", op.how.WithParent)
	}
	return "the target cannot delete it"
}

func (rb *rollback) keep(op *loadedOp, reason string) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	rb.res.Kept = append(rb.res.Kept, Kept{OpID: op.ID, Kind: op.Kind, Entity: op.Entity, SourceID: op.SourceID,
		TargetID: op.TargetID, Reason: reason})
}

// deleteAll deletes ops of one kind, a few at a time, recording each with what went with it.
func (rb *rollback) deleteAll(ctx context.Context, ops []*loadedOp, dependents map[string][]*loadedOp) error {
	sem := make(chan struct{}, rb.opts.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for _, op := range ops {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := rb.deleteOne(ctx, op, dependents[op.ID]); err != nil {
				mu.Lock()
				firstErr = errors.Join(firstErr, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// deleteOne deletes one record and appends its deleted event with those of its dependents in one
// transaction. A refusal by the target is reported, not fatal; a ledger error is.
func (rb *rollback) deleteOne(ctx context.Context, op *loadedOp, deps []*loadedOp) error {
	if by := rb.stillNeeded(op); by != "" {
		rb.keep(op, fmt.Sprintf("%s refers to it and could not be deleted", by))
		for _, d := range deps {
			rb.keep(d, fmt.Sprintf("its parent %s stays", op.ID))
			rb.need(d)
		}
		return nil
	}
	if rb.opts.DryRun {
		rb.count(append([]*loadedOp{op}, deps...))
		return nil
	}
	code := CodeDeleted
	err := rb.undoer.Delete(ctx, op.Op, op.TargetID)
	var oe *OpError
	var ke *KeepError
	switch {
	case errors.As(err, &oe) && oe.Status == 404:
		code = CodeAlreadyDeleted
	case errors.As(err, &ke):
		rb.keep(op, ke.Reason)
		rb.need(op)
		for _, d := range deps {
			rb.keep(d, fmt.Sprintf("its parent %s stays", op.ID))
			rb.need(d)
		}
		return nil
	case err != nil:
		rb.mu.Lock()
		rb.res.Failed = append(rb.res.Failed, Kept{OpID: op.ID, Kind: op.Kind, Entity: op.Entity,
			SourceID: op.SourceID, TargetID: op.TargetID, Reason: err.Error()})
		rb.mu.Unlock()
		rb.need(op)
		for _, d := range deps {
			rb.keep(d, fmt.Sprintf("its parent %s could not be deleted", op.ID))
			rb.need(d)
		}
		return nil
	}
	events := []Event{deletedEvent(op, code)}
	for _, d := range deps {
		events = append(events, deletedEvent(d, CodeWithParent))
	}
	if err := rb.ledger.Append(ctx, events); err != nil {
		return err
	}
	rb.count(append([]*loadedOp{op}, deps...))
	return nil
}

// count adds ops to the deleted totals.
func (rb *rollback) count(ops []*loadedOp) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	for _, op := range ops {
		rb.res.Deleted++
		rb.res.ByEntity[op.Entity]++
	}
}

// stillNeeded names the record that stays and refers to op, or "".
func (rb *rollback) stillNeeded(op *loadedOp) string {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	by := rb.needed[op.ID]
	if by != "" {
		for _, ref := range op.Refs {
			rb.needed[ref] = op.ID
		}
	}
	return by
}

// need marks what op refers to as needed by op, which stays.
func (rb *rollback) need(op *loadedOp) {
	rb.mu.Lock()
	defer rb.mu.Unlock()
	for _, ref := range op.Refs {
		rb.needed[ref] = op.ID
	}
}

func deletedEvent(op *loadedOp, code string) Event {
	e := eventFor(op.Op, EventDeleted)
	e.TargetID, e.Code = op.TargetID, code
	return e
}
