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

// stageQuery streams one stage's selected ops in seq order, each with its state and the target
// ids of its refs. Refs always name ops of earlier stages, which are settled by then.
const stageQuery = `
WITH refs AS (
	SELECT op_id, unnest(refs) AS ref FROM plan_ops WHERE stage = ?
), resolved AS (
	SELECT r.op_id, to_json(list(struct_pack(ref := r.ref, id := m.target_id)))::VARCHAR AS ids
	FROM refs r JOIN id_map m ON m.op_id = r.ref
	GROUP BY r.op_id
)
SELECT p.op_id, p.seq, p.stage, p.kind, p.entity, p.source_id, p.batch_id, coalesce(p.chain, ''),
	to_json(coalesce(p.refs, []))::VARCHAR, p.payload::VARCHAR, coalesce(s.event, ''),
	coalesce(s.event = 'failed' AND s.retryable AND s.code NOT IN ('dependency_missing', 'dependency_failed'), false),
	coalesce(r.ids, '[]')
FROM plan_ops p
LEFT JOIN load_state s ON s.op_id = p.op_id
LEFT JOIN resolved r ON r.op_id = p.op_id
WHERE p.stage = ? AND %s
ORDER BY p.seq`

// streamStage calls emit with each batch of the stage's selected ops, in order. Only one batch is
// held at a time: memory does not grow with the plan.
func streamStage(ctx context.Context, db *sql.DB, stage int, sel Selection, emit func([]plannedOp) error) error {
	cond, args := sel.where()
	rows, err := db.QueryContext(ctx, fmt.Sprintf(stageQuery, cond), append([]any{stage, stage}, args...)...)
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
