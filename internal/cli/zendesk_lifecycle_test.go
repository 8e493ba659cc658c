package cli

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox/gen"
	icsim "github.com/deskport/deskport/sandbox/intercom"
	zdsim "github.com/deskport/deskport/sandbox/zendesk"
)

// zendeskRecords counts what the Zendesk simulator holds of what a migration into it created.
func zendeskRecords(zd *zdsim.Server) map[string]int {
	w := zd.Written()
	return map[string]int{"organizations": len(w.Organizations), "users": len(w.Users), "tickets": len(w.Tickets),
		"categories": len(w.Categories), "sections": len(w.Sections), "articles": len(w.Articles)}
}

// TestZendeskTargetLifecycle: verify and rollback work with a Zendesk target. An Intercom →
// Zendesk migration verifies with no difference; a ticket changed in Zendesk afterwards is named
// and fails verify; the rollback of the migration deletes every organization, user, ticket and
// Guide record it created (the generated account's own records stay) and records them rolled back;
// verify then has nothing left to read; a load afterwards creates everything again, once.
func TestZendeskTargetLifecycle(t *testing.T) {
	ctx := context.Background()
	env := newIntercomToZendesk(t, icsim.SeedSpec{Contacts: 9, Companies: 3, Conversations: 6, PartsPer: 3, Tickets: 3}, zdsim.Options{}, true)
	acct, zd, file := env.acct, env.zd, env.file
	before := acct.Counts()
	step := func(wantCode int, args ...string) string {
		t.Helper()
		code, out, stderr := run(t, ctx, args...)
		if code != wantCode {
			t.Fatalf("%s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, out, stderr)
		}
		return out
	}

	step(0, "migrate", "-p", file)
	migrated := zendeskRecords(zd)
	for kind, n := range migrated {
		if n == 0 {
			t.Fatalf("the migration created no %s: %v", kind, migrated)
		}
	}
	out := step(0, "verify", "-p", file, "--all")
	if !strings.Contains(out, "no differences") || strings.Contains(out, "DIFFERS") {
		t.Errorf("verify after the migration:\n%s", out)
	}
	for _, kind := range []string{"ticket_import", "user", "organization", "kb_article", "kb_translation"} {
		if !strings.Contains(out, " "+kind) {
			t.Errorf("verify read no %s back:\n%s", kind, out)
		}
	}

	db := openStaging(t, file)
	var ticket string
	if err := db.QueryRow(`SELECT target_id FROM id_map WHERE kind = 'ticket_import' ORDER BY op_id LIMIT 1`).Scan(&ticket); err != nil {
		t.Fatal(err)
	}
	loadedOps := count(t, db, `SELECT count(*) FROM id_map`)
	db.Close()
	id, _ := strconv.ParseInt(ticket, 10, 64)
	if _, err := zd.UpdateTicket(id, func(tk *gen.Ticket) { tk.Status = gen.StatusHold }); err != nil {
		t.Fatal(err)
	}
	out = step(1, "verify", "-p", file, "--all", "--format", "csv")
	if !strings.Contains(out, ","+ticket+",") || !strings.Contains(out, ",status,") || !strings.Contains(out, ",hold") {
		t.Errorf("verify does not name the status changed on ticket %s:\n%s", ticket, out)
	}

	runID := lastRun(t, file, "migrate")
	step(0, "rollback", "-p", file, "--run", runID, "--dry-run")
	if dry := zendeskRecords(zd); dry["tickets"] != migrated["tickets"] {
		t.Fatalf("a dry run deleted tickets: %v", dry)
	}
	out = step(0, "rollback", "-p", file, "--run", runID)
	if !strings.Contains(out, "deleted") || strings.Contains(out, "kept ") || strings.Contains(out, "not deleted") {
		t.Errorf("rollback:\n%s", out)
	}
	for kind, n := range zendeskRecords(zd) {
		if n != 0 {
			t.Errorf("after the rollback Zendesk still holds %d %s the migration created", n, kind)
		}
	}
	if after := acct.Counts(); after.EndUsers != before.EndUsers || after.Organizations != before.Organizations || after.TicketsLive != before.TicketsLive {
		t.Errorf("the rollback changed the account's own records: %+v, was %+v", after, before)
	}
	db = openStaging(t, file)
	if n := count(t, db, `SELECT count(*) FROM load_deletions WHERE code = 'deleted'`); n != loadedOps {
		t.Errorf("%d deletions recorded, want the %d records migrated", n, loadedOps)
	}
	if n := count(t, db, `SELECT count(*) FROM id_map`); n != 0 {
		t.Errorf("id_map still maps %d rolled-back records", n)
	}
	db.Close()
	out = step(0, "verify", "-p", file, "--all")
	if !strings.Contains(out, "no differences") || strings.Contains(out, "DIFFERS") {
		t.Errorf("verify after the rollback:\n%s", out)
	}
	out = step(0, "report", "-p", file, "--records", "--status", "rolled_back", "--entity", "tickets")
	if n := strings.Count(out, "rolled_back"); n != migrated["tickets"] {
		t.Errorf("report lists %d tickets rolled back, want %d:\n%s", n, migrated["tickets"], out)
	}

	zd.ResetStats()
	step(0, "load", "-p", file)
	if again := zendeskRecords(zd); len(again) != len(migrated) || again["tickets"] != migrated["tickets"] || again["users"] != migrated["users"] ||
		again["articles"] != migrated["articles"] || again["organizations"] != migrated["organizations"] {
		t.Errorf("the load after the rollback made %v, want %v", again, migrated)
	}
	for kind, n := range zd.Stats().Duplicates {
		if n != 0 {
			t.Errorf("the load after the rollback created %d duplicate %s", n, kind)
		}
	}
	out = step(0, "verify", "-p", file, "--all")
	if !strings.Contains(out, "no differences") || strings.Contains(out, "DIFFERS") {
		t.Errorf("verify after the load again:\n%s", out)
	}
}
