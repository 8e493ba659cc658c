package staging

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/deskport/deskport/schema"
)

// SnapshotInfo is one extract run as `deskport status` shows it.
type SnapshotInfo struct {
	ID         int64
	Source     string
	Entities   []string
	Since      *time.Time
	StartedAt  time.Time
	FinishedAt *time.Time
	Status     string
	Rows       int64 // raw rows written
	Skips      int64
}

// Snapshots lists every snapshot, oldest first.
func (s *Store) Snapshots(ctx context.Context) ([]SnapshotInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.snapshot_id, s.source, s.entities, s.since, s.started_at,
			s.finished_at, s.status,
			(SELECT coalesce(sum(rows), 0) FROM pages p WHERE p.snapshot_id = s.snapshot_id),
			(SELECT count(*) FROM extract_skips k WHERE k.snapshot_id = s.snapshot_id)
		FROM snapshots s ORDER BY s.snapshot_id`)
	if err != nil {
		return nil, fmt.Errorf("listing snapshots: %w", err)
	}
	defer rows.Close()
	var out []SnapshotInfo
	for rows.Next() {
		var si SnapshotInfo
		var entities []any
		var since, finished sql.NullTime
		if err := rows.Scan(&si.ID, &si.Source, &entities, &since, &si.StartedAt, &finished, &si.Status, &si.Rows, &si.Skips); err != nil {
			return nil, fmt.Errorf("listing snapshots: %w", err)
		}
		for _, e := range entities {
			si.Entities = append(si.Entities, fmt.Sprint(e))
		}
		si.Since, si.FinishedAt = timePtr(since), timePtr(finished)
		out = append(out, si)
	}
	return out, rows.Err()
}

// EntityCount is how many records of an entity are staged.
type EntityCount struct {
	Entity    schema.Entity
	Records   int64 // latest versions (the canonical view)
	Versions  int64 // rows in the raw table, every version of every snapshot
	Skipped   int64 // distinct records the extract passed over, with a reason
	UpdatedAt *time.Time
}

// Counts returns the per-entity counts of the canonical tables.
func (s *Store) Counts(ctx context.Context) ([]EntityCount, error) {
	var out []EntityCount
	for _, t := range schema.AllTables() {
		c := EntityCount{Entity: t.Entity}
		var latest sql.NullTime
		q := fmt.Sprintf(`SELECT (SELECT count(*) FROM %q), count(*), max(updated_at),
			(SELECT count(DISTINCT source_id) FROM extract_skips WHERE entity = ?) FROM %s`, string(t.Entity), t.RawTable())
		if err := s.db.QueryRowContext(ctx, q, string(t.Entity)).Scan(&c.Records, &c.Versions, &latest, &c.Skipped); err != nil {
			return nil, fmt.Errorf("counting %s: %w", t.Entity, err)
		}
		c.UpdatedAt = timePtr(latest)
		out = append(out, c)
	}
	return out, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}
