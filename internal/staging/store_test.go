package staging

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "staging.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ticketPage(t *testing.T, stream, cursor string, tickets ...schema.Ticket) extract.Page {
	t.Helper()
	rec, err := schema.Batch(schema.Tickets, tickets)
	if err != nil {
		t.Fatal(err)
	}
	return extract.Page{Stream: stream, Batches: []extract.Batch{{Entity: schema.Tickets, Records: rec}}, Cursor: []byte(cursor)}
}

// openTicketSnapshot opens a fresh store and starts a snapshot of tickets in it.
func openTicketSnapshot(t *testing.T) (*Store, *Snapshot) {
	t.Helper()
	s := openTemp(t)
	sn, err := s.StartSnapshot(context.Background(), SnapshotSpec{Source: "zendesk", BaseURL: "http://x", Entities: []schema.Entity{schema.Tickets}})
	if err != nil {
		t.Fatal(err)
	}
	return s, sn
}

var t0 = time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)

func TestWritePageAndCanonicalView(t *testing.T) {
	ctx := context.Background()
	s, sn := openTicketSnapshot(t)
	due := t0.Add(48 * time.Hour)
	page1 := ticketPage(t, "tickets", `{"v":1,"c":"a"}`,
		schema.Ticket{SourceID: "33144692244499", CreatedAt: t0, UpdatedAt: t0, Subject: "Ünïcode ✓", Status: "open",
			Tags: []string{"vip", "billing"}, CustomFields: `{"360001":"x","360002":3.5,"360003":true,"360004":["a","b"],"360005":null}`, DueAt: &due,
			Raw: []byte(`{"id":33144692244499}`)},
		schema.Ticket{SourceID: "2", CreatedAt: t0, UpdatedAt: t0, Status: "open"},
	)
	page2 := ticketPage(t, "tickets", `{"v":1,"c":"b"}`,
		schema.Ticket{SourceID: "2", CreatedAt: t0, UpdatedAt: t0.Add(time.Hour), Status: "solved"},
		schema.Ticket{SourceID: "3", CreatedAt: t0, UpdatedAt: t0, Status: "deleted", Deleted: true},
	)
	page2.Skips = []extract.Skip{{Entity: schema.Tickets, SourceID: "3", Reason: "deleted at source"}}
	for _, p := range []extract.Page{page1, page2} {
		if err := sn.WritePage(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	cur, err := sn.Cursor(ctx, "tickets")
	if err != nil || string(cur) != `{"v":1,"c":"b"}` {
		t.Fatalf("cursor = %q, %v", cur, err)
	}

	var raw, canonical int
	s.DB().QueryRow(`SELECT count(*) FROM raw_tickets`).Scan(&raw)
	s.DB().QueryRow(`SELECT count(*) FROM tickets`).Scan(&canonical)
	if raw != 4 || canonical != 2 {
		t.Fatalf("raw=%d canonical=%d, want 4 and 2", raw, canonical)
	}
	var status string
	s.DB().QueryRow(`SELECT status FROM tickets WHERE source_id = '2'`).Scan(&status)
	if status != "solved" {
		t.Errorf("latest version of ticket 2 has status %q, want solved", status)
	}
	var subject, created, tags, cf string
	err = s.DB().QueryRow(`SELECT subject, strftime(created_at, '%Y-%m-%dT%H:%M:%SZ'), tags::VARCHAR,
		custom_fields->>'$.360002' FROM tickets WHERE source_id = '33144692244499'`).Scan(&subject, &created, &tags, &cf)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Ünïcode ✓" || created != "2021-03-04T05:06:07Z" || tags != "[vip, billing]" || cf != "3.5" {
		t.Errorf("ticket row = %q %q %q %q", subject, created, tags, cf)
	}
	comments, _ := schema.Batch(schema.Comments, []schema.Comment{
		{SourceID: "c1", TicketID: "2", CreatedAt: t0}, {SourceID: "c2", TicketID: "3", CreatedAt: t0}})
	if err := sn.WritePage(ctx, extract.Page{Stream: "events", Batches: []extract.Batch{{Entity: schema.Comments, Records: comments}}}); err != nil {
		t.Fatal(err)
	}
	var visible string
	s.DB().QueryRow(`SELECT string_agg(source_id, ',') FROM comments`).Scan(&visible)
	if visible != "c1" {
		t.Errorf("comments view shows %q; the comment of the deleted ticket must go with it", visible)
	}
	var skips int
	s.DB().QueryRow(`SELECT count(*) FROM extract_skips WHERE reason = 'deleted at source'`).Scan(&skips)
	if skips != 1 {
		t.Errorf("skips = %d, want 1", skips)
	}
}

// A page whose write fails leaves nothing behind: neither its rows nor its cursor.
func TestWritePageIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	sn, _ := s.StartSnapshot(ctx, SnapshotSpec{Source: "zendesk", BaseURL: "http://x"})
	good := ticketPage(t, "tickets", `c1`, schema.Ticket{SourceID: "1", CreatedAt: t0, UpdatedAt: t0})
	if err := sn.WritePage(ctx, good); err != nil {
		t.Fatal(err)
	}
	bad := ticketPage(t, "tickets", `c2`, schema.Ticket{SourceID: "2", CreatedAt: t0, UpdatedAt: t0})
	wrong, _ := schema.Batch(schema.Groups, []schema.Group{{SourceID: "g"}})
	bad.Batches = append(bad.Batches, extract.Batch{Entity: schema.Tickets, Records: wrong})
	if err := sn.WritePage(ctx, bad); err == nil {
		t.Fatal("a page with a batch of the wrong schema was accepted")
	}
	var n int
	s.DB().QueryRow(`SELECT count(*) FROM raw_tickets`).Scan(&n)
	cur, _ := sn.Cursor(ctx, "tickets")
	if n != 1 || string(cur) != "c1" {
		t.Fatalf("after a failed page: %d rows, cursor %q; want 1 row, cursor c1", n, cur)
	}
}

func TestInterruptedSnapshotResumes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.duckdb")
	spec := SnapshotSpec{Source: "zendesk", BaseURL: "http://x", Entities: []schema.Entity{schema.Tickets, schema.Comments}}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	sn, _ := s.StartSnapshot(ctx, spec)
	sn.WritePage(ctx, ticketPage(t, "tickets", "half", schema.Ticket{SourceID: "1", CreatedAt: t0, UpdatedAt: t0}))
	sn.Finish(ctx, errors.New("interrupted"))
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	again, err := s.StartSnapshot(ctx, SnapshotSpec{Source: "zendesk", BaseURL: "http://x", Entities: []schema.Entity{schema.Comments, schema.Tickets}})
	if err != nil {
		t.Fatal(err)
	}
	if !again.Resumed || again.ID != sn.ID {
		t.Fatalf("resumed=%v id=%d, want the interrupted snapshot %d", again.Resumed, again.ID, sn.ID)
	}
	if cur, _ := again.Cursor(ctx, "tickets"); string(cur) != "half" {
		t.Fatalf("cursor %q, want half", cur)
	}
	again.Finish(ctx, nil)
	if _, ok, _ := s.LastFinished(ctx, "zendesk", "http://x"); !ok {
		t.Fatal("no finished snapshot after Finish")
	}
	next, _ := s.StartSnapshot(ctx, spec)
	if next.Resumed || next.ID == sn.ID {
		t.Fatalf("a finished snapshot was resumed")
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.DB().Exec(`INSERT INTO schema_version (version) VALUES (?)`, schema.Version+1)
	s.Close()
	if _, err := Open(ctx, path); !errors.Is(err, schema.ErrNewerStore) {
		t.Fatalf("opening a newer file: %v, want ErrNewerStore", err)
	}
}

// A snapshot writer runs with the settings that keep an extract's peak memory flat (see
// configureWriter); a store that only reads or loads keeps the default cap.
func TestSnapshotWriterSettings(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	setting := func(name string) string {
		t.Helper()
		var v string
		if err := s.conn.QueryRowContext(ctx, "SELECT current_setting('"+name+"')::VARCHAR").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if got := setting("memory_limit"); got != "122.0 MiB" {
		t.Errorf("memory_limit of a store = %q, want 122.0 MiB (128MB)", got)
	}
	if _, err := s.StartSnapshot(ctx, SnapshotSpec{Source: "zendesk", BaseURL: "http://x", Entities: []schema.Entity{schema.Tickets}}); err != nil {
		t.Fatal(err)
	}
	if got := setting("memory_limit"); got != "30.5 MiB" {
		t.Errorf("memory_limit while writing a snapshot = %q, want 30.5 MiB (32MB)", got)
	}
	if got := setting("disabled_compression_methods"); got == "" {
		t.Error("disabled_compression_methods is empty while writing a snapshot")
	}
}
