package schema

// v2Statements adds the load ledger: an append-only event table, the runs that wrote it, and the
// projections report, replay and the loader read (docs/load-plan.md). Nothing here is ever updated
// or deleted: the current state of an op is the last outcome event it has.
func v2Statements() []string {
	return []string{
		`CREATE TABLE load_runs (
			run_id      VARCHAR PRIMARY KEY,
			command     VARCHAR NOT NULL,   -- load | replay
			selection   VARCHAR NOT NULL,   -- what it ran: all, failed, batch:ID, record:ENTITY:ID
			target      VARCHAR NOT NULL,   -- system name, e.g. intercom
			workspace   VARCHAR NOT NULL,
			plan_hash   VARCHAR NOT NULL,
			started_at  TIMESTAMPTZ NOT NULL
		)`,
		// A run's end is its own row, so load_runs stays append-only too.
		`CREATE TABLE load_run_ends (
			run_id      VARCHAR NOT NULL,
			finished_at TIMESTAMPTZ NOT NULL,
			status      VARCHAR NOT NULL,   -- finished | interrupted | failed
			error       VARCHAR
		)`,
		`CREATE TABLE load_events (
			event_id  BIGINT PRIMARY KEY,
			run_id    VARCHAR NOT NULL,
			op_id     VARCHAR NOT NULL,
			kind      VARCHAR NOT NULL,
			entity    VARCHAR NOT NULL,
			source_id VARCHAR NOT NULL,
			batch_id  VARCHAR NOT NULL,
			event     VARCHAR NOT NULL,     -- attempted | loaded | failed | skipped
			target_id VARCHAR,
			status    INTEGER,              -- the target's HTTP status on failed
			code      VARCHAR,
			message   VARCHAR,
			retryable BOOLEAN,
			recorded_at TIMESTAMPTZ NOT NULL
		)`,
		// The last event of each op, attempted included: an op whose last event is attempted was
		// interrupted between its call and its outcome and must be reconciled before it is resent.
		`CREATE VIEW load_state AS
			SELECT * FROM load_events
			QUALIFY row_number() OVER (PARTITION BY op_id ORDER BY event_id DESC) = 1`,
		// The last outcome of each op.
		`CREATE VIEW load_outcomes AS
			SELECT * FROM load_events WHERE event <> 'attempted'
			QUALIFY row_number() OVER (PARTITION BY op_id ORDER BY event_id DESC) = 1`,
		// Old id → new id: the projection every later stage and report reads.
		`CREATE VIEW id_map AS
			SELECT op_id, kind, entity, source_id, target_id, run_id, recorded_at AS loaded_at
			FROM load_outcomes WHERE event = 'loaded'`,
	}
}
