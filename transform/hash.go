package transform

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash"
)

// hashedTable is a table whose rows a hash covers, in the order given by orderBy (a total order
// over the rows, so the hash never depends on how they were written).
type hashedTable struct {
	name    string
	orderBy string
}

// byRow orders by the row's own JSON text: a total order for tables without a unique key.
const byRow = "r"

// inputTables are what the plan is computed from: the canonical views, the settings and the
// target directory.
var inputTables = []hashedTable{
	{"tickets", "source_id, r"}, {"deleted_tickets", byRow}, {"comments", "source_id, r"},
	{"contacts", "source_id, r"}, {"companies", "source_id, r"}, {"agents", "source_id, r"},
	{"groups", "source_id, r"}, {"attachments", "source_id, r"}, {"ticket_fields", "source_id, r"},
	{"transform_settings", byRow}, {"transform_phones", byRow},
	{"transform_map_agents", byRow}, {"transform_map_groups", byRow}, {"transform_map_statuses", byRow},
	{"transform_map_properties", byRow}, {"transform_map_values", byRow}, {"transform_map_fields", byRow},
	{"transform_map_ticket_types", byRow},
	{"target_workspace", byRow}, {"target_admins", byRow}, {"target_teams", byRow},
	{"target_ticket_types", byRow}, {"target_ticket_type_attributes", byRow}, {"target_ticket_states", byRow},
	{"target_data_attributes", byRow},
}

// planTables are every table the transform writes, except plan_meta (which holds the hashes).
var planTables = []hashedTable{
	{"plan_ops", "seq"}, {"plan_skips", byRow},
	{"plan_ticket_types", "op_id"}, {"plan_ticket_attributes", "op_id"}, {"plan_companies", "op_id"},
	{"plan_contacts", "op_id"}, {"plan_contact_companies", "op_id"}, {"plan_tags", "op_id"},
	{"plan_tickets", "op_id"}, {"plan_parts", "op_id"}, {"plan_attachments", "op_id, source_id"},
	{"plan_ticket_states", "op_id"}, {"plan_taggings", "op_id"},
	{"plan_data_attributes", "op_id"},
	{"transform_mapping", byRow}, {"transform_notes", byRow}, {"plan_notes", byRow},
}

// hashTables returns the hex sha256 of the tables' names and rows, each row as DuckDB's JSON
// rendering of it. DuckDB hashes chunks of rows (in order, in parallel); Go chains the chunk
// hashes, so the rows never cross the driver one by one.
func hashTables(ctx context.Context, tx *sql.Tx, tables []hashedTable) (string, error) {
	h := sha256.New()
	for _, t := range tables {
		if err := hashTable(ctx, tx, h, t); err != nil {
			return "", fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashChunk is how many rows one chunk hash covers.
const hashChunk = 10000

func hashTable(ctx context.Context, tx *sql.Tx, h hash.Hash, t hashedTable) error {
	// Table names and orders are constants of this file, never configuration.
	q := fmt.Sprintf(`WITH rows AS (
			SELECT CAST(to_json(t) AS TEXT) AS r, t.* FROM %s t
		), numbered AS (
			SELECT r, row_number() OVER (ORDER BY %s) - 1 AS n FROM rows t
		)
		SELECT sha256(string_agg(r, chr(10) ORDER BY n)) FROM numbered
		GROUP BY n // %d ORDER BY n // %d`, t.name, t.orderBy, hashChunk, hashChunk)
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	fmt.Fprintf(h, "table %s\n", t.name)
	for rows.Next() {
		var chunk string
		if err := rows.Scan(&chunk); err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\n", chunk)
	}
	return rows.Err()
}
