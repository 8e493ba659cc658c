package staging

import (
	"context"
	"fmt"

	"github.com/deskport/deskport/schema"
)

// Truncation is a staged record the source returned only in part, as its latest snapshot saw it.
type Truncation struct {
	SnapshotID int64
	Entity     schema.Entity
	SourceID   string
	Part       string
	Total      int64
	Fetched    int64
}

// Truncations lists the records whose latest extract was incomplete (a record fetched whole by a
// later snapshot is no longer listed), by entity and source id. snapshotID > 0 keeps those
// recorded by that snapshot only.
func (s *Store) Truncations(ctx context.Context, snapshotID int64) ([]Truncation, error) {
	rows, err := s.db.QueryContext(ctx, `WITH latest AS (
			SELECT entity, source_id, max(snapshot_id) AS snapshot_id FROM (
				SELECT entity, source_id, snapshot_id FROM extract_truncations
				UNION ALL SELECT 'tickets', source_id, snapshot_id FROM raw_tickets)
			GROUP BY ALL)
		SELECT t.snapshot_id, t.entity, t.source_id, t.part, t.total_count, t.fetched
		FROM extract_truncations t JOIN latest l USING (entity, source_id, snapshot_id)
		WHERE ? = 0 OR t.snapshot_id = ?
		QUALIFY row_number() OVER (PARTITION BY t.entity, t.source_id, t.part ORDER BY t.page_id DESC) = 1
		ORDER BY t.entity, t.source_id, t.part`, snapshotID, snapshotID)
	if err != nil {
		return nil, fmt.Errorf("listing truncated records: %w", err)
	}
	defer rows.Close()
	var out []Truncation
	for rows.Next() {
		var t Truncation
		var e string
		if err := rows.Scan(&t.SnapshotID, &e, &t.SourceID, &t.Part, &t.Total, &t.Fetched); err != nil {
			return nil, fmt.Errorf("listing truncated records: %w", err)
		}
		t.Entity = schema.Entity(e)
		out = append(out, t)
	}
	return out, rows.Err()
}
