package zendesk

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/sandbox/gen"
	sim "github.com/deskport/deskport/sandbox/zendesk"
)

func init() {
	jobPoll, jobPollMax = 5*time.Millisecond, 20*time.Millisecond
}

// simKinds names the simulator's kind of what each op kind creates.
var simKinds = map[string]string{"organization": "organization", "user": "user", "ticket_import": "ticket",
	"kb_category": "category", "kb_section": "section", "kb_article": "article", "kb_translation": "translation"}

// loadPlan runs a plain load of the plan in db and fails the test unless every op is loaded.
func loadPlan(t *testing.T, e *env, db *sql.DB) *load.Result {
	t.Helper()
	files := &memFiles{files: map[string]string{}}
	for i := range 40 {
		files.files[fmt.Sprintf("f%d", i)] = fmt.Sprintf("f%03d", i)
	}
	res, err := load.Run(t.Context(), db, load.Options{Target: e.client, System: "zendesk", Workspace: "sandbox", Files: files,
		MaxAttempts: 4, Backoff: time.Millisecond, Partitions: 2, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 0 {
		logFailures(t, db)
		t.Fatalf("load: %+v", res)
	}
	return res
}

// written counts what the simulator holds of what the write endpoints created, per kind.
func written(s *sim.Server) map[string]int {
	w := s.Written()
	n := map[string]int{"organization": len(w.Organizations), "user": len(w.Users), "ticket": len(w.Tickets),
		"category": len(w.Categories), "section": len(w.Sections), "article": len(w.Articles)}
	for _, a := range w.Articles {
		n["translation"] += len(a.Translations) - 1 // the source locale's comes with the article
	}
	return n
}

// TestRollbackThenLoadAgain: a rollback of a loaded plan deletes every record it created, with a
// deleted event each, whatever faults the deletes meet; a load after it creates everything again,
// once.
func TestRollbackThenLoadAgain(t *testing.T) {
	tests := []struct {
		name   string
		faults sim.Faults
	}{
		{"clean", sim.Faults{}},
		{"answers dropped after the delete, server errors", sim.Faults{DropAfterWriteRate: 0.2, ErrorRate: 0.05}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, sim.Options{})
			ops := faultPlan(4)
			db := planDB(t, e, ops)
			first := loadPlan(t, e, db)
			want := map[string]int{}
			for _, o := range ops {
				want[simKinds[o.kind]]++
			}
			if got := written(e.sim); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("after the load the simulator holds %v, want %v", got, want)
			}

			e.sim.SetFaults(tc.faults)
			res, err := load.Rollback(t.Context(), db, load.RollbackOptions{Target: e.client, System: "zendesk",
				Workspace: "sandbox", RunID: first.RunID})
			e.sim.SetFaults(sim.Faults{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Deleted != len(ops) || len(res.Kept) != 0 || len(res.Failed) != 0 {
				t.Fatalf("rollback: %d deleted of %d, kept %v, failed %v", res.Deleted, len(ops), res.Kept, res.Failed)
			}
			for kind, n := range written(e.sim) {
				if n != 0 {
					t.Errorf("after the rollback the simulator still holds %d %s", n, kind)
				}
			}
			var deleted, inMap int
			if err := db.QueryRow(`SELECT count(*) FROM load_outcomes WHERE event = 'deleted' AND run_id = ?`, res.RunID).Scan(&deleted); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(`SELECT count(*) FROM id_map`).Scan(&inMap); err != nil {
				t.Fatal(err)
			}
			if deleted != len(ops) || inMap != 0 {
				t.Errorf("ledger: %d deleted events, %d ops still in id_map; want %d and 0", deleted, inMap, len(ops))
			}
			if tc.faults.DropAfterWriteRate > 0 && e.sim.Stats().DroppedResponses == 0 {
				t.Error("no delete's answer was dropped")
			}

			e.sim.ResetStats()
			again := loadPlan(t, e, db)
			if again.Loaded != len(ops) {
				t.Errorf("the second load loaded %d of %d", again.Loaded, len(ops))
			}
			st := e.sim.Stats()
			for kind, n := range want {
				if st.Created[kind] != int64(n) {
					t.Errorf("the second load created %d %s, want %d", st.Created[kind], kind, n)
				}
			}
			for kind, n := range st.Duplicates {
				if n != 0 {
					t.Errorf("the second load created %d duplicate %s", n, kind)
				}
			}
			if got := written(e.sim); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("after the second load the simulator holds %v, want %v", got, want)
			}
		})
	}
}

// TestRollbackKeepsUsersOfTheirOwn: a user create_or_update matched to an end user who was in
// Zendesk before, with tickets of its own, stays with the reason, and so does the organization it
// refers to; the rest of the run goes.
func TestRollbackKeepsUsersOfTheirOwn(t *testing.T) {
	e := newEnv(t, sim.Options{})
	acct := e.sim.Account()
	acct.RLock()
	var owner gen.User
	for _, tk := range acct.Tickets {
		for _, u := range acct.Users {
			if u.ID == tk.RequesterID && u.Role == gen.RoleEndUser && u.Email != "" && owner.ID == 0 {
				owner = u
			}
		}
	}
	acct.RUnlock()
	if owner.ID == 0 {
		t.Fatal("the generated account has no end user requesting a ticket")
	}
	ops := []planOp{
		{step: step{"organization:1", "organization", nil, `{"organization": {"name": "Kept Co", "external_id": "ic-company:1"}}`}, stage: 1},
		{step: step{"organization:2", "organization", nil, `{"organization": {"name": "Gone Co", "external_id": "ic-company:2"}}`}, stage: 1},
		{step: step{"user:1", "user", []string{"organization:1"}, fmt.Sprintf(`{"user": {"name": "Known", "email": %q, "role": "end-user",
			"external_id": "ic-contact:1", "organization_ref": "organization:1"}}`, owner.Email)}, stage: 2},
		{step: step{"user:2", "user", []string{"organization:2"}, `{"user": {"name": "New", "email": "new@example.com", "role": "end-user",
			"external_id": "ic-contact:2", "organization_ref": "organization:2"}}`}, stage: 2},
	}
	db := planDB(t, e, ops)
	first := loadPlan(t, e, db)
	if id := targetID(t, db, "user:1"); id != strconv.FormatInt(owner.ID, 10) {
		t.Fatalf("user:1 loaded as %s, want the existing user %d", id, owner.ID)
	}
	res, err := load.Rollback(t.Context(), db, load.RollbackOptions{Target: e.client, System: "zendesk", Workspace: "sandbox", RunID: first.RunID})
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]string{}
	for _, k := range res.Kept {
		kept[k.OpID] = k.Reason
	}
	if !strings.Contains(kept["user:1"], "still requests") || !strings.Contains(kept["organization:1"], "user:1") || len(kept) != 2 {
		t.Errorf("kept %v; want user:1 (its own tickets) and organization:1 (user:1 refers to it)", kept)
	}
	if res.Deleted != 2 || len(res.Failed) != 0 {
		t.Errorf("deleted %d (want user:2 and organization:2), failed %v", res.Deleted, res.Failed)
	}
	acct.RLock()
	defer acct.RUnlock()
	if !slices.ContainsFunc(acct.Users, func(u gen.User) bool { return u.ID == owner.ID }) {
		t.Error("the user who was in Zendesk before the migration was deleted")
	}
}

// targetID is the target id the ledger holds for op.
func targetID(t *testing.T, db *sql.DB, op string) string {
	t.Helper()
	var id string
	if err := db.QueryRow(`SELECT target_id FROM id_map WHERE op_id = ?`, op).Scan(&id); err != nil {
		t.Fatalf("%s is not in id_map: %v", op, err)
	}
	return id
}

// TestVerify: after a clean load verify reads every record back without a difference, and every
// total matches; each difference planted in the simulator afterwards is named on its record.
func TestVerify(t *testing.T) {
	e := newEnv(t, sim.Options{})
	db := planDB(t, e, faultPlan(6))
	loadPlan(t, e, db)
	res, err := load.Verify(t.Context(), db, load.VerifyOptions{Target: e.client, System: "zendesk", All: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || len(res.Differences) != 0 {
		t.Fatalf("a clean load differs: %+v, counts %+v", res.Differences, res.Counts)
	}
	for kind, n := range map[string]int{"organization": 6, "user": 6, "ticket_import": 18, "kb_category": 1, "kb_section": 2,
		"kb_article": 6, "kb_translation": 6} {
		if res.Checked[kind] != n {
			t.Errorf("read back %d %s, want %d", res.Checked[kind], kind, n)
		}
	}

	id := func(op string) int64 {
		n, err := strconv.ParseInt(targetID(t, db, op), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	acct := e.sim.Account()
	planted := []struct {
		name, op, field string
		plant           func() error
	}{
		{"a comment's time", "ticket_import:1", "comments[1].created_at", func() error {
			_, err := e.sim.UpdateTicket(id("ticket_import:1"), func(tk *gen.Ticket) { tk.Comments[1].CreatedAt = tk.Comments[1].CreatedAt.Add(time.Hour) })
			return err
		}},
		{"a ticket's status", "ticket_import:2", "status", func() error {
			_, err := e.sim.UpdateTicket(id("ticket_import:2"), func(tk *gen.Ticket) { tk.Status = gen.StatusSolved })
			return err
		}},
		{"a deleted comment", "ticket_import:4", "comments[1]", func() error {
			_, err := e.sim.UpdateTicket(id("ticket_import:4"), func(tk *gen.Ticket) { tk.Comments = tk.Comments[:1] })
			return err
		}},
		{"a comment's body", "ticket_import:5", "comments[0].body", func() error {
			_, err := e.sim.UpdateTicket(id("ticket_import:5"), func(tk *gen.Ticket) { tk.Comments[0].HTMLBody = "<p>Changed</p>" })
			return err
		}},
		{"a comment's author", "ticket_import:7", "comments[0].author", func() error {
			_, err := e.sim.UpdateTicket(id("ticket_import:7"), func(tk *gen.Ticket) { tk.Comments[0].AuthorID = e.people["admin"] })
			return err
		}},
		{"a private comment", "ticket_import:8", "comments[1].public", func() error {
			_, err := e.sim.UpdateTicket(id("ticket_import:8"), func(tk *gen.Ticket) { tk.Comments[1].Public = false })
			return err
		}},
		{"a changed subject", "ticket_import:10", "subject", func() error {
			return acct.Write(func(*gen.NewIDs) error {
				acct.TicketByID(id("ticket_import:10")).Subject = "Another question"
				return nil
			})
		}},
		{"a moved article", "kb_article:0", "section", func() error {
			_, err := e.sim.UpdateArticle(id("kb_article:0"), func(a *gen.KBArticle) { a.SectionID = id("kb_section:2") })
			return err
		}},
		{"a deleted translation", "kb_translation:1:de", "translations.de", func() error {
			return acct.Write(func(*gen.NewIDs) error {
				for i := range acct.Guide.Articles {
					if a := &acct.Guide.Articles[i]; a.ID == id("kb_article:1") {
						a.Translations = a.Translations[:1]
					}
				}
				return nil
			})
		}},
		{"a renamed user", "user:1", "name", func() error {
			_, err := acct.UpdateUser(id("user:1"), time.Now(), func(u *gen.User) { u.Name = "Someone else" })
			return err
		}},
		{"a user who left the organization", "user:2", "organization", func() error {
			_, err := acct.UpdateUser(id("user:2"), time.Now(), func(u *gen.User) { u.OrganizationID = 0 })
			return err
		}},
		{"a changed user field", "user:3", "user_fields.subscription_plan", func() error {
			_, err := acct.UpdateUser(id("user:3"), time.Now(), func(u *gen.User) { u.Fields["subscription_plan"] = "free" })
			return err
		}},
		{"a cleared organization field", "organization:4", "organization_fields.account_tier", func() error {
			return acct.Write(func(*gen.NewIDs) error {
				for i := range acct.Organizations {
					if acct.Organizations[i].ID == id("organization:4") {
						delete(acct.Organizations[i].Fields, "account_tier")
					}
				}
				return nil
			})
		}},
		{"a deleted ticket", "ticket_import:11", "record", func() error {
			_, err := e.sim.UpdateTicket(id("ticket_import:11"), func(tk *gen.Ticket) { tk.Status = gen.StatusDeleted })
			return err
		}},
	}
	for _, p := range planted {
		if err := p.plant(); err != nil {
			t.Fatalf("planting %s: %v", p.name, err)
		}
	}
	res, err = load.Verify(t.Context(), db, load.VerifyOptions{Target: e.client, System: "zendesk", All: true})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	for _, d := range res.Differences {
		found[d.OpID] = append(found[d.OpID], d.Field)
	}
	for _, p := range planted {
		t.Run(p.name, func(t *testing.T) {
			if !slices.Contains(found[p.op], p.field) {
				t.Errorf("%s: differences %v, want %s", p.op, found[p.op], p.field)
			}
		})
	}
	for op := range found {
		if !slices.ContainsFunc(planted, func(p struct {
			name, op, field string
			plant           func() error
		}) bool {
			return p.op == op
		}) {
			t.Errorf("%s differs, though nothing was planted there: %v", op, found[op])
		}
	}
	lost := map[string]int{"tickets": 1, "translations": 1} // the deleted ticket and translation
	for _, c := range res.Counts {
		if c.Have != c.Migrated-lost[c.Entity] {
			t.Errorf("%s: %d of %d migrated in the account, want %d fewer", c.Entity, c.Have, c.Migrated, lost[c.Entity])
		}
	}
	if res.OK() {
		t.Error("verify is OK with differences planted")
	}
}
