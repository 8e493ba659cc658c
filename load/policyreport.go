package load

import (
	"context"
	"database/sql"
	"fmt"
)

// policiesQuery counts the transform's policy outcomes (plan_notes) per entity and code, with
// what the load did with those records (a phone moved to source_phone still leaves its contact
// to load; a skipped attachment is skipped), and one example note.
const policiesQuery = `
SELECT n.entity, n.code, count(*) AS records,
    count(*) FILTER (WHERE o.event = 'loaded') AS migrated,
    count(*) FILTER (WHERE o.event = 'failed') AS failed,
    count(*) FILTER (WHERE o.event = 'skipped') AS skipped,
    min(n.note) AS example
FROM plan_notes n
LEFT JOIN (
    SELECT entity, source_id, arg_max(event, event_id) AS event FROM load_events
    WHERE event IN ('loaded', 'failed', 'skipped') GROUP BY ALL
) o ON o.entity = n.entity AND o.source_id = n.source_id
GROUP BY ALL ORDER BY n.entity, records DESC, n.code`

// QueryPolicies returns one row per entity and policy code: how many records an option or data
// policy acted on, how many of them the load migrated, failed or skipped, and an example note.
func QueryPolicies(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	if err := checkReport(ctx, db, ""); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, policiesQuery)
	if err != nil {
		return nil, fmt.Errorf("report: policy outcomes (run deskport transform first): %w", err)
	}
	return rows, nil
}
