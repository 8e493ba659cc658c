package schema

// v4Statements extends the ledger for the migration lifecycle. Rollback appends `deleted` events
// (an outcome: the op's last outcome is no longer loaded, so id_map forgets it and the next load
// creates it again); nothing about existing events changes, so files written before need no
// rewrite. load_rate keeps the target's rate-limit headers per second of a run, for the report's
// chart of budget use.
func v4Statements() []string {
	return []string{
		`CREATE TABLE load_rate (
			run_id        VARCHAR NOT NULL,
			second        TIMESTAMPTZ NOT NULL, -- the second the answers arrived in
			calls         INTEGER NOT NULL,     -- answers received in that second
			min_remaining INTEGER,              -- the lowest X-RateLimit-Remaining seen; NULL without headers
			rate_limit    INTEGER               -- X-RateLimit-Limit: the window's budget
		)`,
		// Deletions by rollbacks: what went, in which rollback run, and how (deleted,
		// deleted_with_parent, already_deleted).
		`CREATE VIEW load_deletions AS
			SELECT op_id, kind, entity, source_id, target_id, run_id, code, recorded_at AS deleted_at
			FROM load_events WHERE event = 'deleted'`,
	}
}
