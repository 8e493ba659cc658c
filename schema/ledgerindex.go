package schema

// v6Statements rebuilds load_events without its primary key. DuckDB holds a primary key's index
// in memory whole (indexes are not evicted to the file) and checks it on every append, so a
// load's memory grew with its ledger, about 20 MB at 10,000 tickets, and a ledger of millions of
// events would have needed hundreds of megabytes. The key guarded nothing: the ledger numbers
// its events itself, one writer at a time (DuckDB's file lock keeps out a second process). Every
// event is copied within the migration's one transaction; the views over load_events bind by
// name and read the new table.
func v6Statements() []string {
	return []string{
		`CREATE TABLE load_events_v6 (
			event_id  BIGINT NOT NULL,
			run_id    VARCHAR NOT NULL,
			op_id     VARCHAR NOT NULL,
			kind      VARCHAR NOT NULL,
			entity    VARCHAR NOT NULL,
			source_id VARCHAR NOT NULL,
			batch_id  VARCHAR NOT NULL,
			event     VARCHAR NOT NULL,     -- attempted | loaded | failed | skipped | deleted
			target_id VARCHAR,
			status    INTEGER,              -- the target's HTTP status on failed
			code      VARCHAR,
			message   VARCHAR,
			retryable BOOLEAN,
			recorded_at TIMESTAMPTZ NOT NULL
		)`,
		`INSERT INTO load_events_v6 SELECT * FROM load_events ORDER BY event_id`,
		`DROP TABLE load_events`,
		`ALTER TABLE load_events_v6 RENAME TO load_events`,
	}
}
