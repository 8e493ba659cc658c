package load

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// SampleSeedKinds are the kinds a demo migration samples N records of: a ticket or conversation
// (or, where the plan has them, an article) with everything it needs and everything hanging off it.
var SampleSeedKinds = []string{"ticket", "conversation", "article"}

// attachedKinds hang off another op, named by a field of their payload: they join a sample, and
// belong to a record in verify, with it (a ticket's replies, state, tags and updates; a
// contact's company memberships, tags and updates; a ticket type's attributes; an article's
// link update).
var attachedKinds = map[string]string{
	"part": "parent_ref", "ticket_state": "parent_ref", "tagging": "parent_ref", "ticket_update": "parent_ref",
	"conversation_update": "parent_ref",
	"contact_company":     "contact_ref", "contact_update": "contact_ref",
	"ticket_attribute": "ticket_type_ref", "article_update": "article_ref",
}

// parentOf is the op an attached op hangs off ("" when it is not attached or names none).
func parentOf(kind string, payload json.RawMessage) string {
	field, ok := attachedKinds[kind]
	if !ok {
		return ""
	}
	var fields map[string]json.RawMessage
	var parent string
	if json.Unmarshal(payload, &fields) == nil {
		_ = json.Unmarshal(fields[field], &parent)
	}
	return parent
}

// parentSQL reads the parent of an attached op in SQL, from the same table.
func parentSQL() string {
	var b strings.Builder
	b.WriteString("CASE kind")
	for _, kind := range slices.Sorted(maps.Keys(attachedKinds)) {
		fmt.Fprintf(&b, " WHEN '%s' THEN payload->>'%s'", kind, attachedKinds[kind])
	}
	b.WriteString(" END")
	return b.String()
}

// setupKinds shape the workspace rather than hold records (the ticket type and its attributes,
// custom data attributes the contacts' values need): a sample takes them all, as the full
// migration would, since records may need them without naming them in their refs.
var setupKinds = map[string]bool{"ticket_type": true, "ticket_attribute": true, "data_attribute": true}

// sampleOp is what choosing a sample needs of an op.
type sampleOp struct {
	id, kind, sourceID, parent string
	refs                       []string
}

// SampleOps chooses a demo migration: per seed kind, the n records whose source ids hash lowest
// (so the same demo comes out every time and it is spread over the account, not its oldest
// corner), closed over what they refer to and what hangs off them. It returns the op ids as a
// JSON array for Selection.Only, and how many ops that is.
func SampleOps(ctx context.Context, db *sql.DB, n int) (string, int, error) {
	if n <= 0 {
		return "", 0, fmt.Errorf("sample: want a positive number of records, got %d", n)
	}
	ops, err := readSampleOps(ctx, db)
	if err != nil {
		return "", 0, err
	}
	seeds := sampleSeeds(ops, n)
	for _, op := range ops {
		if setupKinds[op.kind] {
			seeds = append(seeds, op.id)
		}
	}
	chosen := closeSample(ops, seeds)
	ids := make([]string, 0, len(chosen))
	for _, op := range ops {
		if chosen[op.id] {
			ids = append(ids, op.id)
		}
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return "", 0, err
	}
	return string(b), len(ids), nil
}

func readSampleOps(ctx context.Context, db *sql.DB) ([]sampleOp, error) {
	if _, err := planHash(ctx, db); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT op_id, kind, source_id, to_json(refs)::VARCHAR, coalesce(`+parentSQL()+`, '')
		FROM plan_ops ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("sample: reading plan_ops: %w", err)
	}
	defer rows.Close()
	var out []sampleOp
	for rows.Next() {
		var op sampleOp
		var refs string
		if err := rows.Scan(&op.id, &op.kind, &op.sourceID, &refs, &op.parent); err != nil {
			return nil, fmt.Errorf("sample: reading plan_ops: %w", err)
		}
		if err := json.Unmarshal([]byte(refs), &op.refs); err != nil {
			return nil, fmt.Errorf("sample: op %s: refs: %w", op.id, err)
		}
		out = append(out, op)
	}
	return out, rows.Err()
}

// sampleSeeds picks, per seed kind, the n ops whose source id hashes lowest.
func sampleSeeds(ops []sampleOp, n int) []string {
	byKind := map[string][]sampleOp{}
	for _, op := range ops {
		if slices.Contains(SampleSeedKinds, op.kind) {
			byKind[op.kind] = append(byKind[op.kind], op)
		}
	}
	var seeds []string
	for _, kind := range SampleSeedKinds {
		list := byKind[kind]
		slices.SortFunc(list, func(a, b sampleOp) int {
			return strings.Compare(sampleKey(a.sourceID), sampleKey(b.sourceID))
		})
		for _, op := range list[:min(n, len(list))] {
			seeds = append(seeds, op.id)
		}
	}
	return seeds
}

// sampleKey orders records by a hash of their source id, then the id itself.
func sampleKey(sourceID string) string {
	sum := sha256.Sum256([]byte(sourceID))
	return fmt.Sprintf("%x\x00%s", sum[:8], sourceID)
}

// closeSample adds to the seeds what they refer to and what hangs off them, until nothing more
// joins.
func closeSample(ops []sampleOp, seeds []string) map[string]bool {
	byID := make(map[string]*sampleOp, len(ops))
	for i := range ops {
		byID[ops[i].id] = &ops[i]
	}
	chosen := map[string]bool{}
	queue := append([]string(nil), seeds...)
	add := func(id string) {
		if _, ok := byID[id]; ok && !chosen[id] {
			chosen[id] = true
			queue = append(queue, id)
		}
	}
	for changed := true; changed; {
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			chosen[id] = true
			for _, ref := range byID[id].refs {
				add(ref)
			}
		}
		changed = false
		for i := range ops {
			op := &ops[i]
			if !chosen[op.id] && op.parent != "" && chosen[op.parent] {
				add(op.id)
				changed = true
			}
		}
	}
	return chosen
}
