package schema

// v5Statements adds extract_truncations: records the source returned only in part. Intercom
// shows the 500 most recent parts of a conversation; the extract stages those and says here how
// many the source reported, so no report claims a thread is complete when it is not. The latest
// row of an (entity, source_id) is the one that holds (a later snapshot may fetch it whole).
func v5Statements() []string {
	return []string{
		`CREATE TABLE extract_truncations (
			snapshot_id BIGINT NOT NULL,
			page_id     BIGINT NOT NULL,
			entity      VARCHAR NOT NULL, -- the record's entity, e.g. tickets
			source_id   VARCHAR NOT NULL,
			part        VARCHAR NOT NULL, -- what is incomplete, e.g. comments
			total_count BIGINT NOT NULL,  -- how many the source says there are
			fetched     BIGINT NOT NULL   -- how many it returned and were staged
		)`,
	}
}
