package cli

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/gen"
	"github.com/deskport/deskport/sandbox/intercom"
)

// migrate runs extract, transform and load as separate commands, as a data engineer would.
func migrate(t *testing.T, file string) {
	t.Helper()
	for _, stage := range []string{"extract", "transform", "load"} {
		if code, out, stderr := run(t, context.Background(), stage, "-p", file); code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", stage, code, out, stderr)
		}
	}
}

// TestMigrateZendeskToIntercom is the end-to-end acceptance: every ticket, comment, contact,
// company and tag of a generated account arrives in the Intercom simulator once, with its
// created_at, author, kind and order, and the simulator saw no duplicate and no request the
// official description rejects.
func TestMigrateZendeskToIntercom(t *testing.T) {
	sb, url := startSandbox(t, sandbox.Options{Seed: 11, Tickets: 1000})
	file := sandboxPipeline(t, url)
	migrate(t, file)

	st := sb.Intercom().Stats()
	if st.StrictErrors != 0 {
		t.Errorf("%d requests failed strict validation against the 2.15 description", st.StrictErrors)
	}
	for kind, n := range st.Duplicates {
		if n != 0 {
			t.Errorf("%d duplicate %s", n, kind)
		}
	}
	db := openStaging(t, file)
	if n := count(t, db, `SELECT count(*) FROM load_outcomes WHERE event = 'failed'`); n != 0 {
		t.Errorf("%d ops failed: %v", n, failures(t, db))
	}
	m := newMigrated(t, sb, db)
	acct := sb.Account()
	acct.RLock()
	defer acct.RUnlock()
	checked := 0
	for i := range acct.Tickets {
		tk := &acct.Tickets[i]
		if tk.Status == gen.StatusDeleted {
			if _, ok := m.ids["ticket:"+id(tk.ID)]; ok {
				t.Errorf("deleted ticket %d was migrated", tk.ID)
			}
			continue
		}
		m.checkTicket(t, tk)
		checked++
	}
	if checked < 900 {
		t.Fatalf("only %d tickets checked", checked)
	}
	m.checkPeople(t, acct)
}

// migrated is what the target holds, indexed by the ledger's old id → new id map.
type migrated struct {
	ids        map[string]string // op id → target id
	tickets    map[string]intercom.Ticket
	contacts   map[string]intercom.Contact // by target id
	users      map[int64]gen.User
	adminOf    map[string]string // email → admin id
	meAdmin    string
	tagsByID   map[string]string
	companies  []intercom.Company
	simTags    []intercom.Tag
	simContact []intercom.Contact
}

func newMigrated(t *testing.T, sb *sandbox.Server, db *sql.DB) *migrated {
	m := &migrated{ids: map[string]string{}, tickets: map[string]intercom.Ticket{}, contacts: map[string]intercom.Contact{},
		users: map[int64]gen.User{}, adminOf: map[string]string{}, tagsByID: map[string]string{}}
	rows, err := db.Query(`SELECT op_id, target_id FROM id_map`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var op, target string
		if err := rows.Scan(&op, &target); err != nil {
			t.Fatal(err)
		}
		m.ids[op] = target
	}
	if err := db.QueryRow(`SELECT me_admin_id FROM target_workspace`).Scan(&m.meAdmin); err != nil {
		t.Fatal(err)
	}
	ic := sb.Intercom()
	for _, tk := range ic.Tickets() {
		m.tickets[tk.ID] = tk
	}
	m.simContact = ic.Contacts()
	for _, c := range m.simContact {
		m.contacts[c.ID] = c
	}
	for _, a := range ic.Admins() {
		m.adminOf[strings.ToLower(a.Email)] = a.ID
	}
	m.simTags = ic.Tags()
	for _, tg := range m.simTags {
		m.tagsByID[tg.ID] = strings.ToLower(tg.Name)
	}
	m.companies = ic.Companies()
	acct := sb.Account()
	acct.RLock()
	for _, u := range acct.Users {
		m.users[u.ID] = u
	}
	acct.RUnlock()
	return m
}

func (m *migrated) checkTicket(t *testing.T, tk *gen.Ticket) {
	t.Helper()
	got, ok := m.tickets[m.ids["ticket:"+id(tk.ID)]]
	if !ok {
		t.Errorf("ticket %d is not in the target", tk.ID)
		return
	}
	if got.CreatedAt != tk.CreatedAt.Unix() {
		t.Errorf("ticket %d: created_at %d, want %d", tk.ID, got.CreatedAt, tk.CreatedAt.Unix())
	}
	if len(got.ContactIDs) != 1 || m.contacts[got.ContactIDs[0]].ExternalID != id(tk.RequesterID) {
		t.Errorf("ticket %d: contacts %v, want the requester %d", tk.ID, got.ContactIDs, tk.RequesterID)
	}
	if want := strings.TrimSpace(tk.Subject); want != "" && got.Title() != want {
		t.Errorf("ticket %d: title %q, want %q", tk.ID, got.Title(), want)
	}
	var tags []string
	for _, tid := range got.TagIDs {
		tags = append(tags, m.tagsByID[tid])
	}
	// options.tag (default "migrated") marks every migrated ticket.
	if fmt.Sprint(sortedLower(tags)) != fmt.Sprint(sortedLower(append(slices.Clone(tk.Tags), "migrated"))) {
		t.Errorf("ticket %d: tags %v, want %v", tk.ID, tags, tk.Tags)
	}
	m.checkThread(t, tk, got)
}

// checkThread walks the source comments in order over the target's replies and notes: each
// comment is the next part with its time and author (follow-up parts carrying more than ten
// attachments come right after, with the same time and author).
func (m *migrated) checkThread(t *testing.T, tk *gen.Ticket, got intercom.Ticket) {
	t.Helper()
	var parts []intercom.Part
	for _, p := range got.Parts {
		if p.PartType == "comment" || p.PartType == "note" {
			parts = append(parts, p)
		}
	}
	next := 0
	for _, c := range tk.Comments {
		for next < len(parts) && next > 0 && strings.Contains(parts[next].Body, "continued") {
			next++
		}
		if next >= len(parts) {
			t.Errorf("ticket %d: comment %d is missing (%d parts for %d comments)", tk.ID, c.ID, len(parts), len(tk.Comments))
			return
		}
		p := parts[next]
		next++
		if p.CreatedAt != c.CreatedAt.Unix() {
			t.Errorf("ticket %d comment %d: created_at %d, want %d (out of order?)", tk.ID, c.ID, p.CreatedAt, c.CreatedAt.Unix())
		}
		author := m.users[c.AuthorID]
		wantKind, wantType, wantAuthor := "comment", "user", ""
		if author.Role == gen.RoleAgent || author.Role == gen.RoleAdmin {
			wantType, wantAuthor = "admin", m.adminOf[strings.ToLower(author.Email)]
			if wantAuthor == "" {
				wantAuthor = m.meAdmin
			}
			if !c.Public {
				wantKind = "note"
			}
		}
		if p.PartType != wantKind || p.AuthorType != wantType {
			t.Errorf("ticket %d comment %d: %s by %s, want %s by %s", tk.ID, c.ID, p.PartType, p.AuthorType, wantKind, wantType)
		}
		if wantType == "admin" && p.AuthorID != wantAuthor {
			t.Errorf("ticket %d comment %d: by admin %s, want %s", tk.ID, c.ID, p.AuthorID, wantAuthor)
		}
		if wantType == "user" && m.contacts[p.AuthorID].ExternalID != id(c.AuthorID) {
			t.Errorf("ticket %d comment %d: by contact %s, want the contact of user %d", tk.ID, c.ID, p.AuthorID, c.AuthorID)
		}
	}
}

// checkPeople: each end user once as a contact with signed_up_at kept, each organization once as
// a company with remote_created_at kept, each tag once.
func (m *migrated) checkPeople(t *testing.T, acct *gen.Account) {
	t.Helper()
	byExternal := map[string]int{}
	for _, c := range m.simContact {
		byExternal[c.ExternalID]++
	}
	for _, u := range acct.Users {
		if u.Role != gen.RoleEndUser {
			continue
		}
		ext := id(u.ID)
		if byExternal[ext] != 1 {
			t.Errorf("user %d: %d contacts", u.ID, byExternal[ext])
		}
	}
	for _, c := range m.simContact {
		u := m.users[mustInt(t, c.ExternalID)]
		if c.SignedUpAt != u.CreatedAt.Unix() {
			t.Errorf("contact %s: signed_up_at %d, want %d", c.ExternalID, c.SignedUpAt, u.CreatedAt.Unix())
		}
	}
	companies := map[string]intercom.Company{}
	for _, c := range m.companies {
		if _, dup := companies[c.CompanyID]; dup {
			t.Errorf("company %s twice", c.CompanyID)
		}
		companies[c.CompanyID] = c
	}
	for _, o := range acct.Organizations {
		c, ok := companies[id(o.ID)]
		if !ok || c.RemoteCreatedAt != o.CreatedAt.Unix() {
			t.Errorf("organization %d: company %+v", o.ID, c)
		}
	}
	seen := map[string]bool{}
	for _, tg := range m.simTags {
		name := strings.ToLower(tg.Name)
		if seen[name] {
			t.Errorf("tag %q twice", name)
		}
		seen[name] = true
	}
}

func sortedLower(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("external id %q: %v", s, err)
	}
	return n
}

// failures lists a few failed ops with their reasons, for test messages.
func failures(t *testing.T, db *sql.DB) []string {
	rows, err := db.Query(`SELECT op_id || ': ' || code || ' ' || coalesce(message, '') FROM load_outcomes
		WHERE event = 'failed' AND code <> 'dependency_failed' ORDER BY op_id LIMIT 5`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}
