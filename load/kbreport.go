package load

import (
	"context"
	"database/sql"
	"fmt"
)

// kbMovesQuery lists every knowledge base article the hierarchy repair placed elsewhere than its
// source path, with the path it had, the path it gets, why, and what the load made of it.
const kbMovesQuery = `
SELECT m.article_id, m.title, m.old_path, m.new_path, m.reason,
	coalesce(o.target_id, '') AS target_id, ` + outcomeStatus + ` AS status
FROM plan_kb_moves m
LEFT JOIN load_outcomes o ON o.op_id = 'article:' || m.article_id
ORDER BY m.new_path, m.old_path, m.article_id`

// QueryKBMoves returns one row per moved article: article_id, title, old_path, new_path, reason,
// target_id, status.
func QueryKBMoves(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	if err := checkReport(ctx, db, ""); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, kbMovesQuery)
	if err != nil {
		return nil, fmt.Errorf("report: knowledge base moves (run deskport transform first): %w", err)
	}
	return rows, nil
}
