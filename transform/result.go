package transform

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
)

// Result summarises a plan.
type Result struct {
	PlanHash   string // sha256 of every plan table's rows (plan_meta.plan_hash)
	InputsHash string // sha256 of the canonical tables, the settings and the target directory

	OpsByKind  map[string]int // kind → ops
	OpsByStage map[int]int    // stage → ops
	Skips      map[string]int // reason → records not migrated
	Notes      map[string]int // note → records changed on the way (transform_notes)
	Policies   map[string]int // plan_notes code → records an option or data policy acted on

	Agents       Match  // agents → admins by email; unmatched go to the default admin
	Groups       Match  // groups → teams by name; unmatched go to the default team, or none
	TicketTypeID string // the existing ticket type used; empty when one is planned (or conversation mode)
}

// Match counts how many source records found a target record of their own.
type Match struct {
	Matched, Unmatched int
}

// Ops is the number of ops in the plan.
func (r *Result) Ops() int {
	n := 0
	for _, c := range r.OpsByKind {
		n += c
	}
	return n
}

// Summary is the plan in a few lines for people: ops per kind, the mapping, skips and notes.
func (r *Result) Summary() []string {
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(r.OpsByKind)) {
		lines = append(lines, fmt.Sprintf("%s: %d", k, r.OpsByKind[k]))
	}
	lines = append(lines,
		fmt.Sprintf("agents → admins: %d matched by email, %d to the default admin", r.Agents.Matched, r.Agents.Unmatched),
		fmt.Sprintf("groups → teams: %d matched by name, %d to the default team (or none)", r.Groups.Matched, r.Groups.Unmatched))
	if r.TicketTypeID != "" {
		lines = append(lines, "ticket type: existing, id "+r.TicketTypeID)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Skips)) {
		lines = append(lines, fmt.Sprintf("skipped %d: %s", r.Skips[k], k))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Notes)) {
		lines = append(lines, fmt.Sprintf("note %d: %s", r.Notes[k], k))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Policies)) {
		lines = append(lines, fmt.Sprintf("policy %s: %d (plan_notes)", k, r.Policies[k]))
	}
	return lines
}

func (r *Result) count(ctx context.Context, tx *sql.Tx) error {
	r.OpsByKind, r.OpsByStage = map[string]int{}, map[int]int{}
	r.Skips, r.Notes, r.Policies = map[string]int{}, map[string]int{}, map[string]int{}
	err := scanCounts(ctx, tx, `SELECT kind, stage, count(*) FROM plan_ops GROUP BY ALL`, func(rows *sql.Rows) error {
		var kind string
		var stage, n int
		if err := rows.Scan(&kind, &stage, &n); err != nil {
			return err
		}
		r.OpsByKind[kind] += n
		r.OpsByStage[stage] += n
		return nil
	})
	if err != nil {
		return err
	}
	if err := countInto(ctx, tx, `SELECT reason, count(*) FROM plan_skips GROUP BY ALL`, r.Skips); err != nil {
		return err
	}
	if err := countInto(ctx, tx, `SELECT note, count(*) FROM transform_notes GROUP BY ALL`, r.Notes); err != nil {
		return err
	}
	if err := countInto(ctx, tx, `SELECT code, count(*) FROM plan_notes GROUP BY ALL`, r.Policies); err != nil {
		return err
	}
	return r.countMapping(ctx, tx)
}

func (r *Result) countMapping(ctx context.Context, tx *sql.Tx) error {
	q := `SELECT kind, matched, count(*), coalesce(max(target_id), '') FROM transform_mapping
		WHERE kind IN ('agent', 'group', 'ticket_type') GROUP BY ALL`
	return scanCounts(ctx, tx, q, func(rows *sql.Rows) error {
		var kind, target string
		var matched bool
		var n int
		if err := rows.Scan(&kind, &matched, &n, &target); err != nil {
			return err
		}
		m := map[string]*Match{"agent": &r.Agents, "group": &r.Groups}[kind]
		switch {
		case kind == "ticket_type" && matched:
			r.TicketTypeID = target
		case m != nil && matched:
			m.Matched += n
		case m != nil:
			m.Unmatched += n
		}
		return nil
	})
}

func countInto(ctx context.Context, tx *sql.Tx, q string, into map[string]int) error {
	return scanCounts(ctx, tx, q, func(rows *sql.Rows) error {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		into[k] = n
		return nil
	})
}

func scanCounts(ctx context.Context, tx *sql.Tx, q string, row func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
