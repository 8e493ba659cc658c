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

// where is the selection's SQL condition over plan_ops p and its state s.
func (s Selection) where() (string, []any) {
	switch {
	case s.Failed:
		return `s.event IN ('failed', 'attempted')`, nil
	case s.Batch != "":
		return `p.batch_id = ? AND coalesce(s.event, '') NOT IN ('loaded')`, []any{s.Batch}
	case s.Entity != "":
		return `(p.entity = ? OR p.kind = ?) AND p.source_id = ? AND coalesce(s.event, '') NOT IN ('loaded')`,
			[]any{s.Entity, s.Entity, s.SourceID}
	case s.Only != "":
		return `p.op_id IN (SELECT unnest(from_json(?::JSON, '["VARCHAR"]'))) AND coalesce(s.event, '') IN ('', 'attempted', 'deleted')`,
			[]any{s.Only}
	}
	// A rolled-back op (deleted) is created again, like one never loaded.
	return `coalesce(s.event, '') IN ('', 'attempted', 'deleted')`, nil
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

// chunkQuery reads some batches of one stage, in seq order, each op with its state and the target
// ids of its refs. Refs always name ops of earlier stages, which are settled by then.
//
// state and ref_ids are the load_state and id_map views (schema/ledger.go) restricted to the
// chunk's ops. They are spelled out because DuckDB ranks a view's events over the whole ledger
// before filtering them: the filter must come first for a query's work and memory to follow the
// chunk rather than the ledger.
const chunkQuery = `
WITH chunk AS (
	SELECT * FROM plan_ops
	WHERE stage = ? AND batch_id IN (SELECT unnest(from_json(?::JSON, '["VARCHAR"]')))
), refs AS (
	SELECT op_id, unnest(refs) AS ref FROM chunk
), state AS (
	SELECT * FROM load_events WHERE op_id IN (SELECT op_id FROM chunk)
	QUALIFY row_number() OVER (PARTITION BY op_id ORDER BY event_id DESC) = 1
), ref_ids AS (
	SELECT op_id, event, target_id FROM load_events
	WHERE event <> 'attempted' AND op_id IN (SELECT ref FROM refs)
	QUALIFY row_number() OVER (PARTITION BY op_id ORDER BY event_id DESC) = 1
), resolved AS (
	SELECT r.op_id, to_json(list(struct_pack(ref := r.ref, id := m.target_id)))::VARCHAR AS ids
	FROM refs r JOIN ref_ids m ON m.op_id = r.ref AND m.event = 'loaded'
	GROUP BY r.op_id
)
SELECT p.op_id, p.seq, p.stage, p.kind, p.entity, p.source_id, p.batch_id, coalesce(p.chain, ''),
	to_json(coalesce(p.refs, []))::VARCHAR, p.payload::VARCHAR, coalesce(s.event, ''),
	coalesce(s.event = 'failed' AND s.retryable AND s.code NOT IN ('dependency_missing', 'dependency_failed'), false),
	coalesce(r.ids, '[]')
FROM chunk p
LEFT JOIN state s ON s.op_id = p.op_id
LEFT JOIN resolved r ON r.op_id = p.op_id
WHERE %s
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
	cond, args := sel.where()
	list, err := json.Marshal(batches)
	if err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(chunkQuery, cond), append([]any{stage, string(list)}, args...)...)
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

func scanOp(rows *sql.Rows) (plannedOp, error) {
	var op plannedOp
	var refs, payload, state, resolved string
	var mayBeApplied bool
	if err := rows.Scan(&op.ID, &op.Seq, &op.Stage, &op.Kind, &op.Entity, &op.SourceID, &op.Batch,
		&op.Chain, &refs, &payload, &state, &mayBeApplied, &resolved); err != nil {
		return op, err
	}
	op.Payload = json.RawMessage(payload)
	op.Interrupted = state == EventAttempted || mayBeApplied
	if err := json.Unmarshal([]byte(refs), &op.Refs); err != nil {
		return op, fmt.Errorf("op %s: refs: %w", op.ID, err)
	}
	var ids []struct{ Ref, ID string }
	if err := json.Unmarshal([]byte(resolved), &ids); err != nil {
		return op, fmt.Errorf("op %s: resolved refs: %w", op.ID, err)
	}
	op.Resolved = Refs{}
	for _, r := range ids {
		op.Resolved[r.Ref] = r.ID
	}
	return op, nil
}
