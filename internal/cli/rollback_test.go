package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox/intercom"
)

// lastRun is the newest run of a command in the ledger.
func lastRun(t *testing.T, file, command string) string {
	t.Helper()
	db := openStaging(t, file)
	defer db.Close()
	var id string
	if err := db.QueryRow(`SELECT run_id FROM load_runs WHERE command = ? ORDER BY started_at DESC LIMIT 1`, command).Scan(&id); err != nil {
		t.Fatalf("no %s run in the ledger: %v", command, err)
	}
	return id
}

// targetRecords counts what the Intercom simulator holds of what a migration creates.
func targetRecords(ic *intercom.Server) map[string]int {
	return map[string]int{"contacts": len(ic.Contacts()), "companies": len(ic.Companies()),
		"tickets": len(ic.Tickets()), "conversations": len(ic.Conversations()), "tags": len(ic.Tags()),
		"articles": len(ic.Articles()), "collections": len(ic.Collections())}
}

func checkEmpty(t *testing.T, ic *intercom.Server) {
	t.Helper()
	for kind, n := range targetRecords(ic) {
		if n != 0 {
			t.Errorf("after the rollback the target still holds %d %s", n, kind)
		}
	}
}

// TestRollbackEmptiesTheTargetAndALoadRecreates: rolling back a load deletes every contact,
// company, ticket and tag it created and records it; the ledger no longer counts them loaded, so
// the next load creates them again, once.
func TestRollbackEmptiesTheTargetAndALoadRecreates(t *testing.T) {
	sb, file := prepared(t, 40, intercom.DefaultOptions())
	if code, out, stderr := run(t, context.Background(), "load", "-p", file); code != 0 {
		t.Fatalf("load: %d\n%s%s", code, out, stderr)
	}
	loaded := targetRecords(sb.Intercom())
	if loaded["tickets"] == 0 || loaded["contacts"] == 0 || loaded["tags"] == 0 {
		t.Fatalf("the load created too little to test a rollback: %v", loaded)
	}
	runID := lastRun(t, file, "load")
	code, out, stderr := run(t, context.Background(), "rollback", "-p", file, "--run", runID, "--dry-run")
	if code != 0 || !strings.Contains(out, "dry run, nothing changed") {
		t.Fatalf("rollback --dry-run: %d\n%s%s", code, out, stderr)
	}
	if after := targetRecords(sb.Intercom()); fmt.Sprint(after) != fmt.Sprint(loaded) {
		t.Fatalf("a dry run changed the target: %v, was %v", after, loaded)
	}
	code, out, stderr = run(t, context.Background(), "rollback", "-p", file, "--run", runID)
	if code != 0 {
		t.Fatalf("rollback: %d\n%s%s", code, out, stderr)
	}
	checkEmpty(t, sb.Intercom())
	if !strings.Contains(out, "kept ticket_type:") || !strings.Contains(out, "cannot delete ticket types") {
		t.Errorf("the rollback does not say why the ticket type stays:\n%s", out)
	}
	db := openStaging(t, file)
	if n := count(t, db, `SELECT count(*) FROM id_map WHERE kind IN ('contact', 'company', 'ticket', 'conversation', 'tag', 'part')`); n != 0 {
		t.Errorf("id_map still maps %d rolled-back records", n)
	}
	if n := count(t, db, `SELECT count(*) FROM load_deletions WHERE kind = 'part' AND code = 'deleted_with_parent'`); n == 0 {
		t.Error("no reply was recorded as deleted with its ticket")
	}
	db.Close()
	if code, out, stderr := run(t, context.Background(), "rollback", "-p", file, "--run", "load-nonsuch"); code == 0 || !strings.Contains(stderr, "no run") {
		t.Errorf("rollback of an unknown run: %d\n%s%s", code, out, stderr)
	}

	if code, out, stderr := run(t, context.Background(), "load", "-p", file); code != 0 {
		t.Fatalf("load after the rollback: %d\n%s%s", code, out, stderr)
	}
	if again := targetRecords(sb.Intercom()); again["tickets"] != loaded["tickets"] || again["contacts"] != loaded["contacts"] {
		t.Errorf("the load after the rollback created %v; the first made %v", again, loaded)
	}
	for kind, n := range sb.Intercom().Stats().Duplicates {
		if n != 0 {
			t.Errorf("%d duplicate %s after the rollback and the second load", n, kind)
		}
	}
}
