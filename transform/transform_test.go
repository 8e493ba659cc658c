package transform

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func basicStore(t *testing.T) *sql.DB {
	t.Helper()
	db := newStore(t)
	loadFixture(t, db, filepath.Join("testdata", "cases", "basic_ticket_mode", "input.sql"))
	return db
}

func TestSettingsDefaults(t *testing.T) {
	got := DefaultSettings()
	want := Settings{TicketMode: "ticket", TicketType: "Support ticket", TicketTypeCategory: "Customer",
		SkipNotifications: true, BatchSize: 100, BlockedAttachmentTypes: []string{"exe", "scr", "shb", "sys", "wsf"},
		AllowedAttachmentTypes: []string{"dng", "gif", "heic", "jpeg", "jpg", "mov", "mp3", "mp4", "oga", "ogg", "pdf", "png", "txt"},
		MaxAttachmentBytes:     100 << 20, Tag: "migrated", DateRangeBy: "created", OriginallyBy: true, ValidatePhones: true,
		Unassigned: "leave", Target: TargetIntercom}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultSettings() = %+v, want %+v", got, want)
	}
	s := Settings{TicketMode: "conversation", BatchSize: 5, BlockedAttachmentTypes: []string{" .EXE", "bat", "exe", ""}}.WithDefaults()
	if s.TicketMode != "conversation" || s.BatchSize != 5 || !reflect.DeepEqual(s.BlockedAttachmentTypes, []string{"bat", "exe"}) {
		t.Errorf("WithDefaults kept the wrong values: %+v", s)
	}
	if none := (Settings{BlockedAttachmentTypes: []string{}}).WithDefaults(); len(none.BlockedAttachmentTypes) != 0 {
		t.Errorf("an empty blocked list became %v", none.BlockedAttachmentTypes)
	}
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name string
		s    Settings
		want []string // parts of the error; none: valid
	}{
		{"defaults", DefaultSettings(), nil},
		{"conversation", Settings{TicketMode: "conversation"}.WithDefaults(), nil},
		{"everything wrong", Settings{TicketMode: "tickets", TicketType: " ", TicketTypeCategory: "Bugs", BatchSize: -1},
			[]string{`ticket mode "tickets"`, `category "Bugs"`, "ticket type: must not be blank", "batch size -1"}},
		{"policies wrong", Settings{DateRangeBy: "closed", PhoneRegion: "XX", Unassigned: "team:",
			DateFrom: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), DateTo: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}.WithDefaults(),
			[]string{`date range by "closed"`, "from 2025-01-01 00:00:00 is not before", `phone region "XX"`, `unassigned "team:"`}},
		{"admin without email", Settings{Unassigned: "admin:bob"}.WithDefaults(), []string{`unassigned "admin:bob"`}},
		{"good policies", Settings{Unassigned: "team:Support", PhoneRegion: "gb"}.WithDefaults(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate() = nil")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestSettingsAreData: values that look like SQL are names, emails and team names, nothing more.
func TestSettingsAreData(t *testing.T) {
	ctx := context.Background()
	db := basicStore(t)
	evil := "x'); DROP TABLE raw_tickets; --"
	s := DefaultSettings()
	s.TicketType = evil
	if _, err := Run(ctx, db, s); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := db.QueryRow(`SELECT payload->>'name' FROM plan_ops WHERE kind = 'ticket_type'`).Scan(&name); err != nil || name != evil {
		t.Errorf("ticket type op name = %q (%v), want %q", name, err, evil)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM tickets`).Scan(&n); err != nil || n != 6 {
		t.Errorf("tickets after the run: %d (%v)", n, err)
	}

	for _, field := range []string{"DefaultAdmin", "DefaultTeam"} {
		s := DefaultSettings()
		reflect.ValueOf(&s).Elem().FieldByName(field).SetString("' OR '1'='1")
		_, err := Run(ctx, db, s)
		if err == nil || !strings.Contains(err.Error(), "' OR '1'='1 is not") {
			t.Errorf("%s: err = %v, want it named as not found", field, err)
		}
	}
}

// TestFailedRunKeepsPreviousPlan: a run that fails changes nothing.
func TestFailedRunKeepsPreviousPlan(t *testing.T) {
	ctx := context.Background()
	db := basicStore(t)
	first, err := Run(ctx, db, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	s.DefaultAdmin = "nobody@acme.example"
	if _, err := Run(ctx, db, s); err == nil || !strings.Contains(err.Error(), "default admin nobody@acme.example is not an admin") {
		t.Fatalf("err = %v", err)
	}
	var hash, admin string
	if err := db.QueryRow(`SELECT value FROM plan_meta WHERE key = 'plan_hash'`).Scan(&hash); err != nil || hash != first.PlanHash {
		t.Errorf("plan_hash after a failed run = %q (%v), want %s", hash, err, first.PlanHash)
	}
	if err := db.QueryRow(`SELECT value FROM transform_settings WHERE key = 'default_admin'`).Scan(&admin); err != nil || admin != "" {
		t.Errorf("settings after a failed run: default_admin = %q (%v)", admin, err)
	}
}

func TestNoDefaultAdmin(t *testing.T) {
	db := basicStore(t)
	if _, err := db.Exec(`DELETE FROM target_workspace`); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), db, DefaultSettings())
	if err == nil || !strings.Contains(err.Error(), "no default admin") {
		t.Fatalf("err = %v", err)
	}
}

// TestRunLeavesNoScratch: the temporary tables are gone after a run, from the connection that ran it.
func TestRunLeavesNoScratch(t *testing.T) {
	db := basicStore(t)
	db.SetMaxOpenConns(1)
	if _, err := Run(context.Background(), db, DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	var names string
	if err := db.QueryRow(`SELECT coalesce(string_agg(table_name, ', '), '') FROM duckdb_tables() WHERE temporary`).Scan(&names); err != nil {
		t.Fatal(err)
	}
	if names != "" {
		t.Errorf("temporary tables left: %s", names)
	}
}

// TestRefsNameOps: every ref and every *_ref in a payload names an op planned earlier, and refs
// lists exactly the payload's *_ref values.
func TestRefsNameOps(t *testing.T) {
	db := storeWith(t, genAccount(3))
	if _, err := Run(context.Background(), db, DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	var bad string
	err := db.QueryRow(`
		WITH refs AS (
			SELECT o.op_id, o.seq, o.stage, u.ref FROM plan_ops o, unnest(o.refs) u(ref)
		), payload_refs AS (
			SELECT op_id, list_sort(list(v ->> '$')) AS refs FROM (
				SELECT op_id, unnest(map_values(CAST(payload AS MAP(VARCHAR, JSON)))) AS v,
					unnest(map_keys(CAST(payload AS MAP(VARCHAR, JSON)))) AS k FROM plan_ops)
			WHERE k LIKE '%\_ref' ESCAPE '\' GROUP BY op_id
		)
		SELECT coalesce(string_agg(problem, '; '), '') FROM (
			SELECT r.op_id || ' refers to missing ' || r.ref AS problem
			FROM refs r LEFT JOIN plan_ops d ON d.op_id = r.ref
			WHERE d.op_id IS NULL OR d.stage >= r.stage
			UNION ALL
			SELECT o.op_id || ' refs differ from its payload'
			FROM plan_ops o LEFT JOIN payload_refs p USING (op_id)
			WHERE list_sort(o.refs) <> coalesce(p.refs, []))`).Scan(&bad)
	if err != nil {
		t.Fatal(err)
	}
	if bad != "" {
		t.Error(bad)
	}
}

// TestPlanShape checks the ordering and batching rules on a generated account: seq is dense and
// follows the stages, unchained batches hold at most BatchSize ops of one stage and kind, no chain
// spans two batches, and a chain's parts follow the comments' times.
func TestPlanShape(t *testing.T) {
	db := storeWith(t, genAccount(5))
	s := DefaultSettings()
	s.BatchSize = 4
	if _, err := Run(context.Background(), db, s); err != nil {
		t.Fatal(err)
	}
	checks := map[string]string{
		"seq not dense from 1": `SELECT count(*) <> max(seq) OR min(seq) <> 1 FROM plan_ops`,
		"seq against stages":   `SELECT count(*) > 0 FROM plan_ops a JOIN plan_ops b ON a.seq < b.seq AND a.stage > b.stage`,
		"batch too big": `SELECT count(*) > 0 FROM (SELECT batch_id FROM plan_ops WHERE chain = ''
			GROUP BY batch_id HAVING count(*) > 4)`,
		"batch mixes kinds": `SELECT count(*) > 0 FROM (SELECT batch_id FROM plan_ops GROUP BY batch_id
			HAVING count(DISTINCT kind) > 1 OR min(split_part(batch_id, '-', 2)) <> min(kind))`,
		"chain spans batches": `SELECT count(*) > 0 FROM (SELECT chain FROM plan_ops WHERE chain <> ''
			GROUP BY chain HAVING count(DISTINCT batch_id) > 1)`,
		"parts out of time order": `SELECT count(*) > 0 FROM (
			SELECT CAST(payload->>'created_at' AS BIGINT) - lag(CAST(payload->>'created_at' AS BIGINT))
				OVER (PARTITION BY chain ORDER BY seq) AS step FROM plan_ops WHERE kind = 'part') WHERE step < 0`,
		"part with too many attachments": `SELECT count(*) > 0 FROM plan_ops
			WHERE kind = 'part' AND json_array_length(payload->'attachments') > 10`,
	}
	for name, q := range checks {
		var bad bool
		if err := db.QueryRow(q).Scan(&bad); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bad {
			t.Error(name)
		}
	}
}
