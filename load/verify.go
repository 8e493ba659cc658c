package load

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Loaded is an op of the plan the ledger says is in the target, with the id it got there.
type Loaded struct {
	Op
	TargetID string
}

// VerifyRecord is one migrated record to read back: its own op (a ticket, contact, company, …),
// the loaded ops hanging off it (replies, state, tags, memberships, updates) in plan order, and
// the target ids of everything they refer to.
type VerifyRecord struct {
	Loaded
	Attached []Loaded
	Refs     Refs
}

// Difference is one field of a migrated record that the target does not hold as planned.
type Difference struct {
	Entity   string `json:"entity"`
	SourceID string `json:"source_id"`
	TargetID string `json:"target_id"`
	OpID     string `json:"op_id"`
	Field    string `json:"field"` // e.g. state, parts[3].created_at, tags
	Want     string `json:"want"`
	Got      string `json:"got"`
}

// Count is a total the target keeps for one entity, against what the ledger says was migrated.
type Count struct {
	Entity         string
	Migrated, Have int
}

// Verifier is a target that can read migrated records back. A table per kind in the target's
// package says how each kind is read and compared; kinds it does not know are not verified.
type Verifier interface {
	// Verifies says whether records of this kind are read back.
	Verifies(kind string) bool
	// VerifyRecord reads rec back and lists how it differs from the plan.
	VerifyRecord(ctx context.Context, rec VerifyRecord) ([]Difference, error)
	// Counts returns the target's own totals per entity beside what the loaded ops say the
	// migration put there.
	Counts(ctx context.Context, loaded []Loaded) ([]Count, error)
}

// RecordCheck collects the differences found reading one record back; each target's verifier
// keeps one per record, so every target names them alike.
type RecordCheck struct {
	Rec   VerifyRecord
	Found []Difference
}

// Differ records that field holds got where the plan meant want.
func (c *RecordCheck) Differ(field string, want, got any) {
	c.Found = append(c.Found, Difference{Entity: c.Rec.Entity, SourceID: c.Rec.SourceID, TargetID: c.Rec.TargetID,
		OpID: c.Rec.ID, Field: field, Want: fmt.Sprint(want), Got: fmt.Sprint(got)})
}

// Check records a difference when want and got do not print alike.
func (c *RecordCheck) Check(field string, want, got any) {
	if fmt.Sprint(want) != fmt.Sprint(got) {
		c.Differ(field, want, got)
	}
}

// SameJSON compares two JSON values by meaning (1 and 1.0, key order); absent is null.
func SameJSON(a, b json.RawMessage) bool {
	var x, y any
	if len(a) == 0 {
		a = json.RawMessage("null")
	}
	if len(b) == 0 {
		b = json.RawMessage("null")
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(bytes.TrimSpace(a), bytes.TrimSpace(b))
	}
	return reflect.DeepEqual(x, y)
}

// VerifyOptions configure a verification.
type VerifyOptions struct {
	Target      Target // must implement Verifier
	System      string
	Sample      int // records per kind, chosen like a demo migration's; 0 with All false: 50
	All         bool
	Concurrency int // records read at once [8]
}

// VerifyResult is what a verification found.
type VerifyResult struct {
	Checked     map[string]int // records read back per kind
	Differences []Difference
	Counts      []Count
}

// OK reports whether the target holds everything as planned.
func (r *VerifyResult) OK() bool {
	if len(r.Differences) > 0 {
		return false
	}
	for _, c := range r.Counts {
		if c.Have != c.Migrated {
			return false
		}
	}
	return true
}

// Verify reads migrated records back from the target and compares them with the plan field by
// field, and the target's totals with the ledger's.
func Verify(ctx context.Context, db *sql.DB, opts VerifyOptions) (*VerifyResult, error) {
	v, ok := opts.Target.(Verifier)
	if !ok {
		return nil, fmt.Errorf("verify: the %s target cannot read records back", opts.System)
	}
	if opts.Sample <= 0 && !opts.All {
		opts.Sample = 50
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if _, err := planHash(ctx, db); err != nil {
		return nil, err
	}
	loaded, err := readLoaded(ctx, db)
	if err != nil {
		return nil, err
	}
	records := verifyRecords(loaded, v, opts)
	res := &VerifyResult{Checked: map[string]int{}}
	for _, r := range records {
		res.Checked[r.Kind]++
	}
	if res.Differences, err = verifyAll(ctx, v, records, opts.Concurrency); err != nil {
		return nil, err
	}
	if res.Counts, err = v.Counts(ctx, loaded.ops); err != nil {
		return nil, err
	}
	return res, nil
}

// loadedPlan is every loaded op, with the target ids of the plan's ops.
type loadedPlan struct {
	ops []Loaded
	ids Refs
}

func readLoaded(ctx context.Context, db *sql.DB) (*loadedPlan, error) {
	rows, err := db.QueryContext(ctx, `SELECT p.op_id, p.seq, p.stage, p.kind, p.entity, p.source_id, p.batch_id,
			p.chain, to_json(coalesce(p.refs, []))::VARCHAR, p.payload::VARCHAR, m.target_id
		FROM plan_ops p JOIN id_map m ON m.op_id = p.op_id ORDER BY p.seq`)
	if err != nil {
		return nil, fmt.Errorf("verify: reading the plan and id_map: %w", err)
	}
	defer rows.Close()
	lp := &loadedPlan{ids: Refs{}}
	for rows.Next() {
		var l Loaded
		var refs, payload string
		if err := rows.Scan(&l.ID, &l.Seq, &l.Stage, &l.Kind, &l.Entity, &l.SourceID, &l.Batch, &l.Chain,
			&refs, &payload, &l.TargetID); err != nil {
			return nil, fmt.Errorf("verify: reading the plan: %w", err)
		}
		if err := json.Unmarshal([]byte(refs), &l.Refs); err != nil {
			return nil, fmt.Errorf("verify: op %s: refs: %w", l.ID, err)
		}
		l.Payload = json.RawMessage(payload)
		lp.ops = append(lp.ops, l)
		lp.ids[l.ID] = l.TargetID
	}
	return lp, rows.Err()
}

// verifyRecords groups the loaded ops into records (each with what hangs off it) and keeps all,
// or per kind the sample whose source ids hash lowest.
func verifyRecords(lp *loadedPlan, v Verifier, opts VerifyOptions) []VerifyRecord {
	byID := map[string]int{}
	var recs []VerifyRecord
	for _, l := range lp.ops {
		if v.Verifies(l.Kind) {
			byID[l.ID] = len(recs)
			recs = append(recs, VerifyRecord{Loaded: l, Refs: Refs{}})
		}
	}
	for _, l := range lp.ops {
		if i, ok := byID[parentOf(l.Kind, l.Payload)]; ok {
			recs[i].Attached = append(recs[i].Attached, l)
		}
	}
	for i := range recs {
		for _, op := range append([]Loaded{recs[i].Loaded}, recs[i].Attached...) {
			for _, ref := range op.Refs {
				if id, ok := lp.ids[ref]; ok {
					recs[i].Refs[ref] = id
				}
			}
		}
	}
	if opts.All {
		return recs
	}
	return sampleRecords(recs, opts.Sample)
}

func sampleRecords(recs []VerifyRecord, n int) []VerifyRecord {
	byKind := map[string][]VerifyRecord{}
	for _, r := range recs {
		byKind[r.Kind] = append(byKind[r.Kind], r)
	}
	var out []VerifyRecord
	for _, kind := range slices.Sorted(maps.Keys(byKind)) {
		list := byKind[kind]
		slices.SortFunc(list, func(a, b VerifyRecord) int {
			return strings.Compare(sampleKey(a.SourceID), sampleKey(b.SourceID))
		})
		out = append(out, list[:min(n, len(list))]...)
	}
	return out
}

// verifyAll reads the records a few at a time; the differences come out in a fixed order.
func verifyAll(ctx context.Context, v Verifier, recs []VerifyRecord, concurrency int) ([]Difference, error) {
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var diffs []Difference
	var errs error
	for _, rec := range recs {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			d, err := v.VerifyRecord(ctx, rec)
			mu.Lock()
			defer mu.Unlock()
			diffs = append(diffs, d...)
			if err != nil {
				errs = errors.Join(errs, fmt.Errorf("verify: reading %s back (target id %s): %w", rec.ID, rec.TargetID, err))
			}
		}()
	}
	wg.Wait()
	slices.SortStableFunc(diffs, func(a, b Difference) int {
		return cmp.Or(strings.Compare(a.Entity, b.Entity), strings.Compare(sampleKey(a.SourceID), sampleKey(b.SourceID)))
	})
	return diffs, cmp.Or(errs, ctx.Err())
}
