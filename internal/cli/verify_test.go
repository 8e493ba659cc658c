package cli

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/intercom"
)

// TestVerifyNamesPlantedDifferences: after a clean load verify finds nothing and exits 0; after a
// reply is dropped, a reply's time moved, a ticket's state changed and an article moved to another
// section behind the API's back, it names each (record, field) and exits 1.
func TestVerifyNamesPlantedDifferences(t *testing.T) {
	sb, url := startSandbox(t, sandbox.Options{Seed: 5, Tickets: 30, Articles: 12})
	file := sandboxPipeline(t, url)
	for _, stage := range []string{"extract", "transform", "load"} {
		if code, out, stderr := run(t, context.Background(), stage, "-p", file); code != 0 {
			t.Fatalf("%s: %d\n%s%s", stage, code, out, stderr)
		}
	}
	code, out, stderr := run(t, context.Background(), "verify", "-p", file, "--all")
	if code != 0 {
		t.Fatalf("verify after a clean load: exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "no differences") || !strings.Contains(out, "total tickets") {
		t.Errorf("verify does not say what it checked:\n%s", out)
	}

	if !strings.Contains(out, " article") {
		t.Errorf("verify read no article back:\n%s", out)
	}
	planted := append(plantDifferences(t, sb.Intercom()), plantMisplacedArticle(t, sb.Intercom())...)
	code, out, stderr = run(t, context.Background(), "verify", "-p", file, "--all", "--format", "csv")
	if code != 1 {
		t.Fatalf("verify after tampering: exit %d, want 1\n%s%s", code, out, stderr)
	}
	for _, want := range planted {
		if !strings.Contains(out, want) {
			t.Errorf("verify does not name %q:\n%s", want, out)
		}
	}
}

// plantDifferences changes three tickets in the target and returns what verify must print of
// each: the ticket's id with the field.
func plantDifferences(t *testing.T, ic *intercom.Server) []string {
	t.Helper()
	var withReplies []intercom.Ticket
	for _, tk := range ic.Tickets() {
		if replies(tk) >= 2 {
			withReplies = append(withReplies, tk)
		}
	}
	if len(withReplies) < 2 {
		t.Fatalf("only %d tickets with two replies to tamper with", len(withReplies))
	}
	dropped, moved := withReplies[0], withReplies[1]
	var droppedPart, movedPart string
	ic.TamperTicket(dropped.ID, func(tk *intercom.Ticket) {
		i := lastReply(tk.Parts)
		droppedPart = tk.Parts[i].ID
		tk.Parts = append(tk.Parts[:i], tk.Parts[i+1:]...)
	})
	ic.TamperTicket(moved.ID, func(tk *intercom.Ticket) {
		i := lastReply(tk.Parts)
		movedPart = tk.Parts[i].ID
		tk.Parts[i].CreatedAt += 3600
	})
	// One ticket the plan left submitted (no state op) and one whose state the plan set: verify
	// checks the state of both.
	var restated []intercom.Ticket
	tickets := ic.Tickets()
	for _, submitted := range []bool{true, false} {
		i := slices.IndexFunc(tickets, func(tk intercom.Ticket) bool {
			return (tk.State == "submitted") == submitted && tk.ID != dropped.ID && tk.ID != moved.ID
		})
		if i < 0 {
			t.Fatalf("no other ticket whose state is submitted=%v to tamper with", submitted)
		}
		restated = append(restated, tickets[i])
	}
	states := ic.TicketStates() // read before: a tamper function runs under the server's lock
	for _, tk := range restated {
		ic.TamperTicket(tk.ID, func(tk *intercom.Ticket) {
			for _, s := range states {
				if s.Category != tk.State {
					tk.StateID, tk.State = s.ID, s.Category
					return
				}
			}
		})
	}
	t.Logf("dropped part %s of ticket %s, moved part %s of ticket %s, changed the state of %s and %s",
		droppedPart, dropped.ID, movedPart, moved.ID, restated[0].ID, restated[1].ID)
	return []string{
		dropped.ID + ",", "parts.count", // the reply that went is missing and the count is short
		moved.ID + ",", ".created_at",
		restated[0].ID + ",ticket:", restated[1].ID + ",ticket:", ",state,",
	}
}

func replies(tk intercom.Ticket) int {
	n := 0
	for _, p := range tk.Parts {
		if p.PartType == "comment" || p.PartType == "note" {
			n++
		}
	}
	return n
}

func lastReply(parts []intercom.Part) int {
	for i := len(parts) - 1; i >= 0; i-- {
		if parts[i].PartType == "comment" || parts[i].PartType == "note" {
			return i
		}
	}
	return -1
}

// plantMisplacedArticle moves an article into another collection than the one it was loaded in.
func plantMisplacedArticle(t *testing.T, ic *intercom.Server) []string {
	t.Helper()
	articles, collections := ic.Articles(), ic.Collections()
	if len(articles) == 0 || len(collections) < 2 {
		t.Fatalf("%d articles in %d collections: nothing to misplace", len(articles), len(collections))
	}
	a := articles[0]
	for _, c := range collections {
		if c.ID != a.ParentID {
			ic.TamperArticle(a.ID, func(x *intercom.Article) { x.ParentID = c.ID })
			t.Logf("moved article %s from collection %s to %s", a.ID, a.ParentID, c.ID)
			break
		}
	}
	return []string{"article:", "," + a.ID + ",", ",section," + a.ParentID + ","}
}
