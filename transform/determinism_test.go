package transform

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// genAccount writes a random but seeded account as one INSERT per row, so tests can insert the
// same content in different orders.
func genAccount(seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	var stmts []string
	add := func(table, cols string, vals ...any) {
		lits := make([]string, len(vals))
		for i, v := range vals {
			lits[i] = sqlLiteral(v)
		}
		stmts = append(stmts, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, cols, strings.Join(lits, ", ")))
	}
	// Ids on both sides of 2^53 and of every length, so numeric order is exercised.
	id := func(base, i int) string { return fmt.Sprint(uint64(base)*uint64(1+i%3)*1_000_000_007 + uint64(i)) }
	at := func(day int) string {
		return fmt.Sprintf("2024-01-%02d %02d:%02d:00", 1+day%28, r.IntN(24), r.IntN(60))
	}
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }

	orgs := []string{id(3, 0), id(3, 1)}
	for i, o := range orgs {
		add("raw_companies", "source_id, created_at, name", o, at(i), fmt.Sprintf("Org %d", i))
	}
	var users, agents []string
	for i := range 30 {
		users = append(users, id(9_007_199, i))
		org := any(nil)
		if i%3 == 0 {
			org = pick(orgs)
		}
		add("raw_contacts", "source_id, created_at, name, email, role, organization_id, suspended",
			users[i], at(i), fmt.Sprintf("User %d", i), fmt.Sprintf("User%d@Example.com", i), "end-user", org, i%7 == 0)
	}
	for i := range 5 {
		agents = append(agents, id(5, i))
		add("raw_agents", "source_id, created_at, name, email, role, active",
			agents[i], at(i), fmt.Sprintf("Agent %d", i), fmt.Sprintf("agent%d@support.example", i), "agent", true)
	}
	groups := []string{"7", "8", "9"}
	for i, g := range groups {
		add("raw_groups", "source_id, created_at, name", g, at(i), fmt.Sprintf("Group %d", i))
	}
	add("raw_ticket_fields", "source_id, created_at, title, type, active, options", "501", at(0), "Plan", "dropdown", true,
		`[{"name":"Free","value":"free"},{"name":"Pro","value":"pro"}]`)
	add("raw_ticket_fields", "source_id, created_at, title, type, active", "502", at(0), "Seats", "integer", true)
	statuses := []string{"new", "open", "pending", "hold", "solved", "closed"}
	tags := []string{"billing", "Billing", "bug", "vip", "login"}
	var tickets []string
	for i := range 40 {
		tickets = append(tickets, id(11, i))
		requester := pick(users)
		if i%13 == 0 {
			requester = pick(agents)
		}
		assignee := any(nil)
		if i%4 != 0 {
			assignee = pick(agents)
		}
		fields := fmt.Sprintf(`{"501":"%s","502":"%d"}`, pick([]string{"free", "pro"}), r.IntN(50))
		add("raw_tickets", "source_id, created_at, subject, description, status, requester_id, assignee_id, group_id, tags, custom_fields, deleted",
			tickets[i], at(i), fmt.Sprintf("Subject %d", i), "Body", pick(statuses), requester, assignee, pick(groups),
			[]string{pick(tags), pick(tags)}, fields, i%17 == 5)
	}
	for i := range 150 {
		c := id(13, i)
		add("raw_comments", "source_id, created_at, ticket_id, author_id, public, body_html",
			c, at(r.IntN(28)), pick(tickets), pick(append(agents, users...)), r.IntN(3) > 0, fmt.Sprintf("<p>comment %d</p>", i))
		for j := range r.IntN(14) {
			name := fmt.Sprintf("file-%d-%d.%s", i, j, pick([]string{"png", "pdf", "exe", "txt"}))
			add("raw_attachments", "source_id, comment_id, file_name, content_type, size, content_url, inline",
				id(17, i*20+j), c, name, "application/octet-stream", int64(r.IntN(9999)), "https://x.example/"+name, j == 3)
		}
	}
	add("target_workspace", "id, name, region, me_admin_id, me_email", "ws", "Acme", "US", "9001", "owner@acme.example")
	add("target_admins", "id, name, email", "9001", "Owner", "owner@acme.example")
	add("target_admins", "id, name, email", "9002", "A1", "agent1@support.example")
	add("target_teams", "id, name", "801", "group 1")
	for i, c := range []string{"submitted", "in_progress", "waiting_on_customer", "resolved"} {
		add("target_ticket_states", "id, category, internal_label", fmt.Sprint(i+1), c, c)
	}
	return stmts
}

func sqlLiteral(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case bool, int, int64:
		return fmt.Sprint(v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = sqlLiteral(s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	default:
		return "'" + strings.ReplaceAll(fmt.Sprint(v), "'", "''") + "'"
	}
}

func storeWith(t *testing.T, stmts []string) *sql.DB {
	t.Helper()
	db := newStore(t)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return db
}

// planDump is every plan table's rows, in key order and in storage order.
func planDump(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, tbl := range append(planTables, hashedTable{"plan_meta", "key"}) {
		q := `SELECT CAST(to_json(t) AS TEXT) AS r FROM ` + tbl.name + ` t`
		fmt.Fprintf(&b, "== %s ordered\n%s== %s stored\n%s", tbl.name, dump(t, db, q+` ORDER BY `+tbl.orderBy), tbl.name, dump(t, db, q))
	}
	return b.String()
}

// TestDeterministic: the same content inserted in another order, and the same store planned
// twice, give the same plan byte for byte and the same hashes.
func TestDeterministic(t *testing.T) {
	ctx := context.Background()
	stmts := genAccount(42)
	shuffled := append([]string(nil), stmts...)
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })

	a, b := storeWith(t, stmts), storeWith(t, shuffled)
	s := DefaultSettings()
	s.BatchSize = 7
	first, err := Run(ctx, a, s)
	if err != nil {
		t.Fatal(err)
	}
	dumpA := planDump(t, a)
	again, err := Run(ctx, a, s)
	if err != nil {
		t.Fatal(err)
	}
	other, err := Run(ctx, b, s)
	if err != nil {
		t.Fatal(err)
	}
	if first.Ops() < 200 {
		t.Fatalf("the generated account plans only %d ops", first.Ops())
	}
	for name, r := range map[string]*Result{"second run": again, "other insert order": other} {
		if r.PlanHash != first.PlanHash || r.InputsHash != first.InputsHash {
			t.Errorf("%s: hashes %s/%s, first run %s/%s", name, r.PlanHash, r.InputsHash, first.PlanHash, first.InputsHash)
		}
	}
	if got := planDump(t, a); got != dumpA {
		t.Errorf("the second run on the same store wrote different plan tables:\n%s", firstDiff(got, dumpA))
	}
	if got := planDump(t, b); got != dumpA {
		t.Errorf("the store filled in another order got different plan tables:\n%s", firstDiff(got, dumpA))
	}
}

// TestHashesFollowInputs: a changed setting or directory changes the inputs hash; a change that
// changes the plan changes the plan hash.
func TestHashesFollowInputs(t *testing.T) {
	ctx := context.Background()
	db := storeWith(t, genAccount(1))
	base, err := Run(ctx, db, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	s.AttachmentsPublic = true
	public, err := Run(ctx, db, s)
	if err != nil {
		t.Fatal(err)
	}
	if public.InputsHash == base.InputsHash || public.PlanHash == base.PlanHash {
		t.Errorf("AttachmentsPublic changed neither hash: %+v %+v", base, public)
	}
	if _, err := db.Exec(`INSERT INTO target_teams VALUES ('802', 'Group 2')`); err != nil {
		t.Fatal(err)
	}
	team, err := Run(ctx, db, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if team.InputsHash == base.InputsHash || team.PlanHash == base.PlanHash {
		t.Error("a new team matching a group changed neither hash")
	}
	var stored string
	if err := db.QueryRow(`SELECT value FROM plan_meta WHERE key = 'plan_hash'`).Scan(&stored); err != nil || stored != team.PlanHash {
		t.Errorf("plan_meta.plan_hash = %q (%v), want %s", stored, err, team.PlanHash)
	}
}

// firstDiff shows the first differing line of two dumps.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(g), len(w))
}
