package cli

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/gen"
	"github.com/deskport/deskport/sandbox/intercom"
)

// TestMigrationLifecycle is the acceptance of the lifecycle on the sandbox (100 tickets, a
// knowledge base of 20 articles): a demo migration, its
// verification, its rollback (the target is empty again), the full migration, changes at the
// source (a new ticket, a new reply on a migrated ticket, an edited ticket and article), a delta migration,
// and a final verification with zero differences — nothing created twice on the way.
func TestMigrationLifecycle(t *testing.T) {
	sb, url := startSandbox(t, sandbox.Options{Seed: 21, Tickets: 100, Articles: 20})
	file := sandboxPipeline(t, url)
	ctx := context.Background()
	ic := sb.Intercom()
	step := func(args ...string) string {
		t.Helper()
		code, out, stderr := run(t, ctx, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(args, " "), code, out, stderr)
		}
		return out
	}

	step("migrate", "-p", file, "--sample", "5")
	sample := lastRun(t, file, "sample")
	if n := len(ic.Tickets()) + len(ic.Conversations()); n != 5 {
		t.Errorf("the sample of 5 created %d tickets", n)
	}
	if n := len(ic.Articles()); n != 5 {
		t.Errorf("the sample of 5 created %d articles", n)
	}
	if n := len(ic.Contacts()); n == 0 || n > 5*6 {
		t.Errorf("the sample of 5 tickets created %d contacts: not their requesters and commenters alone", n)
	}
	step("verify", "-p", file, "--all")
	step("rollback", "-p", file, "--run", sample)
	checkEmpty(t, ic)

	step("migrate", "-p", file)
	full := targetRecords(ic)
	z := sb.Zendesk()
	z.AddTicket(gen.TicketInput{Subject: "Delta ticket ✓", Body: "created after the full migration", Tags: []string{"delta"}})
	acct := sb.Account()
	acct.RLock()
	live, edited := acct.Tickets[10], acct.Tickets[20]
	article := acct.Guide.Articles[3]
	acct.RUnlock()
	if _, err := z.AddComment(live.ID, gen.CommentInput{AuthorID: live.RequesterID, Body: "a reply after the migration"}); err != nil {
		t.Fatal(err)
	}
	if _, err := z.UpdateTicket(edited.ID, func(tk *gen.Ticket) {
		tk.Subject, tk.Status = "Edited after the migration", gen.StatusSolved
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := z.UpdateArticle(article.ID, func(a *gen.KBArticle) {
		a.Title, a.Body = "Edited article ✓", "<p>Rewritten after the migration.</p>"
	}); err != nil {
		t.Fatal(err)
	}

	step("migrate", "-p", file, "--delta")
	after := targetRecords(ic)
	if after["tickets"] != full["tickets"]+1 {
		t.Errorf("the delta made %d tickets of %d; want the one new ticket only", after["tickets"], full["tickets"])
	}
	checkDelta(t, ic, file, live.ID, edited.ID)
	checkArticleEdit(t, ic, file, article.ID)
	if n := ic.Stats().StrictErrors; n != 0 {
		t.Errorf("%d requests of the lifecycle failed strict validation against the 2.15 description", n)
	}
	for kind, n := range ic.Stats().Duplicates {
		if n != 0 {
			t.Errorf("%d duplicate %s over the lifecycle", n, kind)
		}
	}
	out := step("verify", "-p", file, "--all")
	if !strings.Contains(out, "no differences") {
		t.Errorf("the final verification:\n%s", out)
	}
}

// checkArticleEdit: the article edited at the source has its new title and body in the target,
// and no second article was created for it.
func checkArticleEdit(t *testing.T, ic *intercom.Server, file string, article int64) {
	t.Helper()
	db := openStaging(t, file)
	var target string
	err := db.QueryRow(`SELECT target_id FROM id_map WHERE op_id = ?`, "article:"+id(article)).Scan(&target)
	db.Close()
	if err != nil {
		t.Fatalf("article %d is not in id_map: %v", article, err)
	}
	titled := 0
	for _, a := range ic.Articles() {
		if a.Title == "Edited article ✓" {
			titled++
			if a.ID != target || !strings.Contains(a.Body, "Rewritten after the migration.") {
				t.Errorf("the edited article arrived as %s with body %q; want %s rewritten", a.ID, a.Body, target)
			}
		}
	}
	if titled != 1 {
		t.Errorf("%d articles carry the edited title; want the migrated one, updated", titled)
	}
}

// checkDelta: the new reply is on the migrated ticket, and the edited ticket has its new title
// and a resolved state.
func checkDelta(t *testing.T, ic *intercom.Server, file string, live, edited int64) {
	t.Helper()
	db := openStaging(t, file)
	ids := map[string]string{}
	for _, src := range []int64{live, edited} {
		var target string
		if err := db.QueryRow(`SELECT target_id FROM id_map WHERE op_id = ?`, "ticket:"+id(src)).Scan(&target); err != nil {
			t.Fatalf("ticket %d is not in id_map: %v", src, err)
		}
		ids[id(src)] = target
	}
	db.Close()
	for _, tk := range ic.Tickets() {
		switch tk.ID {
		case ids[id(live)]:
			found := false
			for _, p := range tk.Parts {
				found = found || strings.Contains(p.Body, "a reply after the migration")
			}
			if !found {
				t.Errorf("ticket %d: the reply added at the source is not in the target", live)
			}
		case ids[id(edited)]:
			if tk.Title() != "Edited after the migration" || tk.State != "resolved" {
				t.Errorf("ticket %d: title %q, state %s after the delta; want the edit", edited, tk.Title(), tk.State)
			}
		}
	}
}

// TestDeltaInConversationMode: with tickets migrated as conversations, a delta brings a new reply
// and an edited conversation's title and state, and verify finds the target as planned.
func TestDeltaInConversationMode(t *testing.T) {
	sb, url := startSandbox(t, sandbox.Options{Seed: 9, Tickets: 30})
	file := sandboxPipeline(t, url)
	setTargetOption(t, file, "ticket_mode: conversation")
	ctx := context.Background()
	for _, args := range [][]string{{"migrate", "-p", file}} {
		if code, out, stderr := run(t, ctx, args...); code != 0 {
			t.Fatalf("%v: %d\n%s%s", args, code, out, stderr)
		}
	}
	ic := sb.Intercom()
	if len(ic.Conversations()) == 0 || len(ic.Tickets()) != 0 {
		t.Fatalf("not migrated as conversations: %d conversations, %d tickets", len(ic.Conversations()), len(ic.Tickets()))
	}
	acct := sb.Account()
	acct.RLock()
	edited := acct.Tickets[3]
	acct.RUnlock()
	if _, err := sb.Zendesk().UpdateTicket(edited.ID, func(tk *gen.Ticket) {
		tk.Subject, tk.Status = "Renamed after the migration", gen.StatusSolved
	}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"migrate", "-p", file, "--delta"}, {"verify", "-p", file, "--all"}} {
		if code, out, stderr := run(t, ctx, args...); code != 0 {
			t.Fatalf("%v: %d\n%s%s", args, code, out, stderr)
		}
	}
	db := openStaging(t, file)
	var target string
	if err := db.QueryRow(`SELECT target_id FROM id_map WHERE op_id = ?`, "conversation:"+id(edited.ID)).Scan(&target); err != nil {
		t.Fatal(err)
	}
	for _, c := range ic.Conversations() {
		if c.ID == target && (c.Title != "Renamed after the migration" || c.State != "closed") {
			t.Errorf("conversation %s after the delta: title %q, state %s", c.ID, c.Title, c.State)
		}
	}
	if n := ic.Stats().StrictErrors; n != 0 {
		t.Errorf("%d requests failed strict validation", n)
	}
}

// setTargetOption writes one option into the target's options of a pipeline file from init.
func setTargetOption(t *testing.T, file, option string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "  options: {}\n", "  options: {"+option+"}\n", 1)
	if text == string(b) {
		t.Fatal("the pipeline file has no empty target options to set")
	}
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
