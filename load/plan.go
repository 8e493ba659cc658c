package load

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Selection chooses the plan rows a run executes. The zero value is a load: every op without an
// outcome yet. Replays choose failed ops, one batch, or one record; an op already loaded is never
// selected, so replaying it does nothing.
type Selection struct {
	Failed   bool
	Batch    string
	Entity   string // with SourceID: one record (entity or kind, e.g. tickets or ticket)
	SourceID string
	// Sample is a demo migration of this many records; Only lists its ops (a JSON array of op
	// ids, see SampleOps). Ops of the sample already loaded are not selected again.
	Sample int
	Only   string
}

// ParseRecord reads ENTITY:SOURCE_ID.
func ParseRecord(s string) (Selection, error) {
	entity, id, ok := strings.Cut(s, ":")
	if !ok || entity == "" || id == "" {
		return Selection{}, fmt.Errorf("--record %q: want ENTITY:SOURCE_ID, e.g. tickets:12345", s)
	}
	return Selection{Entity: entity, SourceID: id}, nil
}

// String names the selection in load_runs and messages.
func (s Selection) String() string {
	switch {
	case s.Failed:
		return "failed"
	case s.Batch != "":
		return "batch:" + s.Batch
	case s.Entity != "":
		return "record:" + s.Entity + ":" + s.SourceID
	case s.Only != "":
		return fmt.Sprintf("sample:%d", s.Sample)
	}
	return "all"
}

// planWhere is the selection's SQL condition over plan_ops p: which records, batches or ops.
func (s Selection) planWhere() (string, []any) {
	switch {
	case s.Batch != "":
		return `p.batch_id = ?`, []any{s.Batch}
	case s.Entity != "":
		return `(p.entity = ? OR p.kind = ?) AND p.source_id = ?`, []any{s.Entity, s.Entity, s.SourceID}
	case s.Only != "":
		return `p.op_id IN (SELECT unnest(from_json(?::JSON, '["VARCHAR"]')))`, []any{s.Only}
	}
	return "true", nil
}

// where is the selection's SQL condition over plan_ops p and its state s (load_state), for
// counting what a run will do; the chunks it reads use planWhere and wants.
func (s Selection) where() (string, []any) {
	cond, args := s.planWhere()
	return cond + " AND " + s.stateWhere(), args
}

// stateWhere is wants in SQL, over s.event. TestSelectionStateInSQLAndGo keeps them in step.
func (s Selection) stateWhere() string {
	switch {
	case s.Failed:
		return `coalesce(s.event, '') IN ('failed', 'attempted')`
	case s.Batch != "", s.Entity != "":
		return `coalesce(s.event, '') <> 'loaded'`
	}
	return `coalesce(s.event, '') IN ('', 'attempted', 'deleted')`
}

// wants says whether the selection runs an op whose last event is last ("" for none).
func (s Selection) wants(last string) bool {
	switch {
	case s.Failed:
		return last == EventFailed || last == EventAttempted
	case s.Batch != "", s.Entity != "":
		return last != EventLoaded
	}
	// A rolled-back op (deleted) is created again, like one never loaded.
	return last == "" || last == EventAttempted || last == EventDeleted
}

// plannedOp is an op with what the ledger knows of it.
type plannedOp struct {
	Op
	// Interrupted: its last event is attempted, or a failure after which the call may have been
	// applied (a lost response, a server error): an earlier run may have created it.
	Interrupted bool
	Resolved    Refs
}

// ErrNoPlan means transform has not run on this staging file.
var ErrNoPlan = errors.New("no load plan in the staging file (run deskport transform first)")

// planHash reads the plan's hash, which every run records.
func planHash(ctx context.Context, db *sql.DB) (string, error) {
	var h string
	err := db.QueryRowContext(ctx, `SELECT value FROM plan_meta WHERE key = 'plan_hash'`).Scan(&h)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) || strings.Contains(err.Error(), "does not exist") {
			return "", ErrNoPlan
		}
		return "", fmt.Errorf("reading plan_meta: %w", err)
	}
	return h, nil
}

// stages lists the plan's stages in order.
func stages(ctx context.Context, db *sql.DB) ([]int, error) {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT stage FROM plan_ops ORDER BY stage`)
	if err != nil {
		return nil, fmt.Errorf("reading plan_ops: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var s int
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// chunkLedgerQuery reads the ledger's events of a chunk's ops and of the ops they refer to, in
// order. Refs always name ops of earlier stages, which are settled by then.
//
// The ledger is searched for the chunk's ops only, and the events are folded in Go (chunkLedger),
// not ranked in SQL: DuckDB sizes a query's hash tables and window partitions from its estimates,
// which follow the ledger's size rather than the chunk's. A single query ranking and joining the
// events took 24-57 MB for a moment at every chunk of a 10,000-ticket load, a peak that grew with
// the run; this one reads a few thousand rows.
const chunkLedgerQuery = `
WITH chunk AS (
	SELECT op_id, refs FROM plan_ops
	WHERE stage = ? AND list_contains(?::VARCHAR[], batch_id)
), wanted AS (
	SELECT op_id FROM chunk UNION SELECT unnest(refs) FROM chunk
)
SELECT op_id, event, coalesce(target_id, ''), coalesce(retryable, false), coalesce(code, '')
FROM load_events
WHERE op_id IN (SELECT op_id FROM wanted)
ORDER BY event_id`

// chunkPlanQuery reads a chunk's plan rows in seq order; %s is the selection's plan condition.
const chunkPlanQuery = `
SELECT p.op_id, p.seq, p.stage, p.kind, p.entity, p.source_id, p.batch_id, coalesce(p.chain, ''),
	to_json(coalesce(p.refs, []))::VARCHAR, p.payload::VARCHAR
FROM plan_ops p
WHERE p.stage = ? AND list_contains(?::VARCHAR[], p.batch_id) AND %s
ORDER BY p.seq`

// chunkBatches is how many batches one chunk query reads: enough to keep the query count low,
// few enough that a query's result (payloads included) stays a few megabytes.
const chunkBatches = 20

// streamStage calls emit with each batch of the stage's selected ops, in order, and afterChunk
// after each chunk's read. The stage is read a chunk of batches at a time and only one batch is
// held at a time: memory does not grow with the plan or the ledger.
func streamStage(ctx context.Context, db *sql.DB, stage int, sel Selection, emit func([]plannedOp) error,
	afterChunk func(context.Context) error) error {
	batches, err := stageBatches(ctx, db, stage)
	if err != nil {
		return err
	}
	for start := 0; start < len(batches); start += chunkBatches {
		chunk := batches[start:min(start+chunkBatches, len(batches))]
		if err := streamChunk(ctx, db, stage, chunk, sel, emit); err != nil {
			return err
		}
		if err := afterChunk(ctx); err != nil {
			return err
		}
	}
	return nil
}

// stageBatches lists a stage's batches in the order of their first op.
func stageBatches(ctx context.Context, db *sql.DB, stage int) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT batch_id FROM plan_ops WHERE stage = ? GROUP BY batch_id ORDER BY min(seq)`, stage)
	if err != nil {
		return nil, fmt.Errorf("reading plan stage %d: %w", stage, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// streamChunk emits the selected ops of some batches of a stage, a batch at a time.
func streamChunk(ctx context.Context, db *sql.DB, stage int, batches []string, sel Selection, emit func([]plannedOp) error) error {
	ledger, err := readChunkLedger(ctx, db, stage, batches)
	if err != nil {
		return fmt.Errorf("reading plan stage %d: %w", stage, err)
	}
	cond, args := sel.planWhere()
	rows, err := db.QueryContext(ctx, fmt.Sprintf(chunkPlanQuery, cond), append([]any{stage, batches}, args...)...)
	if err != nil {
		return fmt.Errorf("reading plan stage %d: %w", stage, err)
	}
	defer rows.Close()
	var batch []plannedOp
	for rows.Next() {
		op, err := scanOp(rows)
		if err != nil {
			return fmt.Errorf("reading plan stage %d: %w", stage, err)
		}
		last := ledger.last[op.ID]
		if !sel.wants(last.event) {
			continue
		}
		op.Interrupted = last.event == EventAttempted || last.mayBeApplied()
		op.Resolved = ledger.resolve(op.Refs)
		if len(batch) > 0 && batch[0].Batch != op.Batch {
			if err := emit(batch); err != nil {
				return err
			}
			batch = nil
		}
		batch = append(batch, op)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading plan stage %d: %w", stage, err)
	}
	if len(batch) > 0 {
		return emit(batch)
	}
	return nil
}

// ledgerEvent is what the loader needs of one ledger event.
type ledgerEvent struct {
	event, targetID, code string
	retryable             bool
}

// mayBeApplied: a failure after which the call may have been applied (a lost response, a server
// error), so an earlier run may have created the record.
func (e ledgerEvent) mayBeApplied() bool {
	return e.event == EventFailed && e.retryable && e.code != CodeDependencyMissing && e.code != CodeDependencyFailed
}

// chunkLedger is the ledger folded for one chunk: the last event of each of its ops, and the last
// outcome (attempts aside) of each op they refer to. Its size follows the chunk, not the ledger.
type chunkLedger struct {
	last    map[string]ledgerEvent
	outcome map[string]ledgerEvent
}

func readChunkLedger(ctx context.Context, db *sql.DB, stage int, batches []string) (*chunkLedger, error) {
	rows, err := db.QueryContext(ctx, chunkLedgerQuery, stage, batches)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	l := &chunkLedger{last: map[string]ledgerEvent{}, outcome: map[string]ledgerEvent{}}
	for rows.Next() {
		var id string
		var e ledgerEvent
		if err := rows.Scan(&id, &e.event, &e.targetID, &e.retryable, &e.code); err != nil {
			return nil, err
		}
		l.add(id, e)
	}
	return l, rows.Err()
}

// add folds in the next event of op; events come in ledger order, so the last one stays.
func (l *chunkLedger) add(op string, e ledgerEvent) {
	l.last[op] = e
	if e.event != EventAttempted {
		l.outcome[op] = e
	}
}

// resolve maps an op's refs to the target ids they were loaded as; a ref not loaded is left out.
func (l *chunkLedger) resolve(refs []string) Refs {
	out := Refs{}
	for _, r := range refs {
		if e, ok := l.outcome[r]; ok && e.event == EventLoaded {
			out[r] = e.targetID
		}
	}
	return out
}

func scanOp(rows *sql.Rows) (plannedOp, error) {
	var op plannedOp
	var refs, payload string
	if err := rows.Scan(&op.ID, &op.Seq, &op.Stage, &op.Kind, &op.Entity, &op.SourceID, &op.Batch,
		&op.Chain, &refs, &payload); err != nil {
		return op, err
	}
	op.Payload = json.RawMessage(payload)
	if err := json.Unmarshal([]byte(refs), &op.Refs); err != nil {
		return op, fmt.Errorf("op %s: refs: %w", op.ID, err)
	}
	return op, nil
}
