package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/gen"
	"github.com/deskport/deskport/sandbox/zendesk"
)

// A delta extract (--since last) stages what changed at the source after the full snapshot: new
// tickets, new comments and edited tickets, as new versions in a second snapshot.
func TestExtractSinceLastStagesChanges(t *testing.T) {
	sb, url := startSandbox(t, sandbox.Options{Seed: 8, Tickets: 300})
	file := sandboxPipeline(t, url)
	ctx := context.Background()
	if code, _, stderr := run(t, ctx, "extract", "-p", file); code != 0 {
		t.Fatal(stderr)
	}
	z := sb.Zendesk()
	added := z.AddTicket(gen.TicketInput{Subject: "Delta ticket ✓", Body: "created after the full snapshot"})
	live := sb.Account().Tickets[10]
	if _, err := z.AddComment(live.ID, gen.CommentInput{AuthorID: live.RequesterID, Body: "a new reply"}); err != nil {
		t.Fatal(err)
	}
	edited := sb.Account().Tickets[20]
	if _, err := z.UpdateTicket(edited.ID, func(tk *gen.Ticket) { tk.Subject = "Edited subject" }); err != nil {
		t.Fatal(err)
	}

	code, out, stderr := run(t, ctx, "extract", "-p", file, "--since", "last")
	if code != 0 {
		t.Fatal(stderr)
	}
	if !strings.Contains(out, "snapshot 2 (delta since") {
		t.Errorf("not reported as a delta:\n%s", out)
	}
	db := openStaging(t, file)
	checks := []struct {
		what, query string
		args        []any
		want        int
	}{
		{"new ticket", `SELECT count(*) FROM tickets WHERE source_id = ? AND subject = 'Delta ticket ✓'`, []any{id(added.ID)}, 1},
		{"new comment", `SELECT count(*) FROM comments WHERE ticket_id = ? AND body_text = 'a new reply'`, []any{id(live.ID)}, 1},
		{"edited ticket", `SELECT count(*) FROM tickets WHERE source_id = ? AND subject = 'Edited subject'`, []any{id(edited.ID)}, 1},
		{"old version kept", `SELECT count(*) FROM raw_tickets WHERE source_id = ? AND snapshot_id = 1 AND subject <> 'Edited subject'`, []any{id(edited.ID)}, 1},
	}
	for _, c := range checks {
		if got := count(t, db, c.query, c.args...); got != c.want {
			t.Errorf("%s: %d rows, want %d", c.what, got, c.want)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM raw_tickets WHERE snapshot_id = 2`); n > 10 {
		t.Errorf("the delta restaged %d tickets; only the changed ones belong in it", n)
	}
}

func TestSQLStatusAndInit(t *testing.T) {
	_, url := startSandbox(t, sandbox.Options{Seed: 4, Tickets: 50})
	file := sandboxPipeline(t, url)
	ctx := context.Background()
	if code, out, stderr := run(t, ctx, "status", "-p", file); code != 0 || !strings.Contains(out, "none yet") {
		t.Fatalf("status before any extract (exit %d): %s%s", code, out, stderr)
	}
	if code, _, stderr := run(t, ctx, "extract", "-p", file); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := run(t, ctx, "sql", "-p", file, "--format", "json", "SELECT count(*) AS n FROM tickets")
	if code != 0 {
		t.Fatal(stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("sql --format json printed %q: %v", out, err)
	}
	code, _, stderr = run(t, ctx, "sql", "-p", file, "DELETE FROM raw_tickets")
	if code == 0 || !strings.Contains(strings.ToLower(stderr), "read-only") {
		t.Errorf("sql could change the staging store (exit %d): %s", code, stderr)
	}
	code, out, _ = run(t, ctx, "status", "-p", file)
	for _, want := range []string{"#1", "finished", "tickets", "comments", "contacts"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if code, _, stderr := run(t, ctx, "init", "--from", "zendesk", "--to", "nowhere"); code == 0 {
		t.Errorf("init accepted an unknown target: %s", stderr)
	}
}

// The demo runs the whole available pipeline against its own sandbox and says where the staging
// file is.
func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, stderr := run(t, context.Background(), "demo", "--dir", dir, "--tickets", "120")
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	// The demo migrates end to end: invalid phones (the workspace validates them) are taken off
	// their contacts by the phone policy, which the plan counts, and some records are skipped
	// (deleted tickets), each saying why.
	for _, want := range []string{"snapshot 1 (full)", "plan ", "load load-", "migrated", "tickets by status",
		"the longest threads", "why records failed or were skipped", "policy phone_invalid: ", "deleted at the source",
		filepath.Join(dir, "demo.duckdb")} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "demo.duckdb")); err != nil {
		t.Error(err)
	}
	// Its knowledge base migrates whole: every article, with its translations.
	if !regexp.MustCompile(`(?m)^kb_articles\s+40\s+40\s+0\s+0\b`).MatchString(out) || !strings.Contains(out, "knowledge base articles by state and language") {
		t.Errorf("demo output lacks its 40 articles migrated:\n%s", out)
	}
	db := openStaging(t, filepath.Join(dir, "demo.yaml"))
	if n := count(t, db, `SELECT count(*) FROM plan_ops WHERE kind = 'article' AND json_extract_string(payload, '$.translated_content') IS NOT NULL`); n == 0 {
		t.Error("no demo article carries its translations")
	}
}

// While the incremental budget lasts, the events stream alone reads every comment: auto mode adds
// per-ticket calls only once that budget is spent, and then they make the extract finish sooner.
func TestAutoCommentsSpendPerTicketCallsOnlyWhenTheyHelp(t *testing.T) {
	for _, c := range []struct {
		tickets, incremental int
		perTicket            bool
	}{
		{tickets: 300, incremental: 10, perTicket: false},
		{tickets: 300, incremental: 2, perTicket: true},
	} {
		sb, url := startSandbox(t, sandbox.Options{Seed: 9, Tickets: c.tickets,
			Zendesk: zendesk.Options{RateLimit: 700, IncrementalRateLimit: c.incremental, RateWindow: time.Second}})
		file := sandboxPipeline(t, url)
		if code, _, stderr := run(t, context.Background(), "extract", "-p", file); code != 0 {
			t.Fatal(stderr)
		}
		calls := sb.Stats().RequestsByRoute["GET /zendesk/api/v2/tickets/{id}/comments.json"]
		if (calls > 0) != c.perTicket {
			t.Errorf("incremental limit %d: %d per-ticket calls, want some: %v", c.incremental, calls, c.perTicket)
		}
		want := sb.Account().Counts().Comments
		if got := count(t, openStaging(t, file), `SELECT count(*) FROM comments`); got != want {
			t.Errorf("incremental limit %d: %d comments staged, want %d", c.incremental, got, want)
		}
	}
}
