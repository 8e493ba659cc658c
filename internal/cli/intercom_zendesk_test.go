package cli

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
	icsim "github.com/deskport/deskport/sandbox/intercom"
	zdsim "github.com/deskport/deskport/sandbox/zendesk"
)

// intercomToZendeskPipeline writes a pipeline from the Intercom simulator at ic to the Zendesk
// simulator at zd, with the sandbox credentials, migrating translations.
func intercomToZendeskPipeline(t *testing.T, ic, zd string) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "intercom-to-zendesk.yaml")
	text := fmt.Sprintf(`version: 1
source:
  system: intercom
  base_url: %s
  credentials: sandbox
target:
  system: zendesk
  base_url: %s
  credentials: sandbox
options:
  kb: {hierarchy: keep, translations: true}
`, ic, zd)
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// icToZendesk is an Intercom simulator seeded by spec, a Zendesk simulator of a small generated
// account, and a pipeline file from one to the other.
type icToZendesk struct {
	ic     *icsim.Server
	seeded icsim.Seeded
	zd     *zdsim.Server
	acct   *gen.Account // the Zendesk account
	file   string
}

// newIntercomToZendesk serves both simulators for the test; zdOpts' zero rate limits mean none,
// and helpCenter adds seedHelpCenter's collection and articles.
func newIntercomToZendesk(t *testing.T, spec icsim.SeedSpec, zdOpts zdsim.Options, helpCenter bool) icToZendesk {
	t.Helper()
	e := icToZendesk{ic: icsim.New(icsim.Options{Strict: true, RateLimit: -1}), acct: gen.Generate(gen.Options{Seed: 5, Tickets: 1})}
	var err error
	if e.seeded, err = icsim.Seed(e.ic, spec); err != nil {
		t.Fatal(err)
	}
	icSrv := httptest.NewServer(e.ic)
	t.Cleanup(icSrv.Close)
	if helpCenter {
		seedHelpCenter(t, icSrv.URL, e.ic.Admins()[0].ID)
	}
	zdOpts.RateLimit = cmp.Or(zdOpts.RateLimit, -1)
	zdOpts.IncrementalRateLimit = cmp.Or(zdOpts.IncrementalRateLimit, -1)
	e.zd = zdsim.New(e.acct, zdOpts)
	zdSrv := httptest.NewServer(e.zd)
	t.Cleanup(zdSrv.Close)
	e.file = intercomToZendeskPipeline(t, icSrv.URL, zdSrv.URL)
	return e
}

// seedHelpCenter creates, through the Intercom simulator's API, a collection with a section and
// articles in both, so one article has no section; one article has a French translation.
func seedHelpCenter(t *testing.T, url, admin string) {
	t.Helper()
	post := func(path string, body map[string]any) string {
		data, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", url+path, bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer "+icsim.DefaultToken)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Intercom-Version", "2.15")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			ID json.RawMessage `json:"id"`
		}
		raw, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode >= 300 {
			t.Fatalf("POST %s: %d %v %s", path, resp.StatusCode, err, raw)
		}
		return strings.Trim(string(out.ID), `"`)
	}
	top := post("/help_center/collections", map[string]any{"name": "Getting started", "description": "First things"})
	sec := post("/help_center/collections", map[string]any{"name": "Account", "parent_id": top})
	adminID := json.Number(admin)
	post("/articles", map[string]any{"title": "Reset your password", "body": "<p>Click reset.</p>", "author_id": adminID,
		"state": "published", "parent_id": json.Number(sec), "parent_type": "collection",
		"translated_content": map[string]any{"type": "article_translated_content",
			"fr": map[string]any{"type": "article_content", "title": "Réinitialiser", "body": "<p>Cliquez.</p>",
				"author_id": adminID, "state": "published"}}})
	post("/articles", map[string]any{"title": "Welcome", "body": "<p>Hello.</p>", "author_id": adminID,
		"state": "published", "parent_id": json.Number(top), "parent_type": "collection"})
}

// TestMigrateIntercomToZendesk is the acceptance of Intercom → Zendesk: a seeded Intercom
// workspace (20 contacts, 5 companies, 30 conversations one of them 600 parts long, 10 tickets, a
// Help Center with a sectionless article and a translation) is extracted, planned and loaded into
// the Zendesk simulator: every record arrives once, tickets and comments keep their created_at,
// the truncated conversation is reported by extract and noted on its ticket, and the simulator
// counts no duplicate.
func TestMigrateIntercomToZendesk(t *testing.T) {
	ctx := context.Background()
	env := newIntercomToZendesk(t, icsim.SeedSpec{Contacts: 20, Companies: 5, Conversations: 29, PartsPer: 4, LongThread: 600, Tickets: 10},
		zdsim.Options{}, true)
	seeded, zd, file := env.seeded, env.zd, env.file

	code, out, stderr := run(t, ctx, "extract", "-p", file)
	if code != 0 {
		t.Fatalf("extract: %d %s", code, stderr)
	}
	if want := "tickets " + seeded.LongThread + ": 500 of 600 comments staged"; !strings.Contains(out, want) {
		t.Errorf("extract output lacks %q:\n%s", want, out)
	}
	for _, stage := range []string{"transform", "load"} {
		if code, out, stderr = run(t, ctx, stage, "-p", file); code != 0 {
			t.Fatalf("%s: %d %s\n%s", stage, code, stderr, out)
		}
	}
	db := openStaging(t, file)
	if n := count(t, db, `SELECT count(*) FROM load_outcomes WHERE event = 'failed'`); n != 0 {
		t.Fatalf("%d ops failed: %v", n, failures(t, db))
	}
	if n := count(t, db, `SELECT count(*) FROM plan_notes WHERE code = 'thread_truncated' AND source_id = ?`, seeded.LongThread); n != 1 {
		t.Errorf("no thread_truncated note on ticket %s", seeded.LongThread)
	}
	w := zd.Written()
	want := map[string][2]int{
		"organizations": {len(w.Organizations), count(t, db, `SELECT count(*) FROM companies`)},
		"users":         {len(w.Users), count(t, db, `SELECT count(*) FROM plan_users`)},
		"tickets":       {len(w.Tickets), count(t, db, `SELECT count(*) FROM tickets`)},
		"articles":      {len(w.Articles), count(t, db, `SELECT count(*) FROM kb_articles`)},
	}
	for kind, n := range want {
		if n[0] != n[1] || n[1] == 0 {
			t.Errorf("%s: %d in Zendesk, %d at the source", kind, n[0], n[1])
		}
	}
	if got := len(w.Tickets); got != 40 {
		t.Errorf("%d tickets imported, want 30 conversations and 10 tickets", got)
	}
	if dups := zd.Stats().Duplicates; len(dups) != 0 {
		for k, n := range dups {
			if n != 0 {
				t.Errorf("duplicates in Zendesk: %s %d", k, n)
			}
		}
	}
	checkImportedTimes(t, db, w)
	checkImportedGuide(t, w)
	checkOnce(t, w)
	checkProfileFields(t, db, w)
	if n := zd.Stats().VerificationEmails; n != 0 {
		t.Errorf("Zendesk would have sent %d verification emails to migrated users", n)
	}
	// Intercom's migration admin has no Zendesk agent of its email: its replies are the default
	// agent's, saying whose they were.
	if n := count(t, db, `SELECT count(*) FROM plan_notes WHERE code = 'agent_unmatched'`); n == 0 {
		t.Error("no agent_unmatched note for the migration admin")
	}
	originally := 0
	for _, tk := range w.Tickets {
		for _, c := range tk.Comments {
			if strings.Contains(c.HTMLBody, "Originally by "+icsim.DefaultAdminName) {
				originally++
			}
		}
		if tk.ExternalID == seeded.LongThread && len(tk.Comments) < 500 {
			t.Errorf("the long thread carries %d comments, want the 500 Intercom returned", len(tk.Comments))
		}
	}
	if originally == 0 {
		t.Error("no comment says it was originally by the unmatched admin")
	}
}

// checkProfileFields: contacts' and companies' custom attributes arrived in the user and
// organization fields of their keys (a dropdown by its option value), and an attribute the
// account has no field for is noted on each contact that has one, never sent.
func checkProfileFields(t *testing.T, db *sql.DB, w zdsim.Written) {
	t.Helper()
	want := map[string]string{}
	rows, err := db.Query(`SELECT 'u' || source_id, lower(custom_fields->>'subscription_plan') || '/' || coalesce(custom_fields->>'seats', '')
		FROM contacts UNION ALL SELECT 'o' || source_id, lower(custom_fields->>'account_tier') FROM companies`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		want[k] = v
	}
	checked := 0
	for _, u := range w.Users {
		if v, ok := want["u"+u.ExternalID]; ok {
			checked++
			seats := ""
			if n, ok := u.Fields["seats"]; ok {
				seats = fmt.Sprint(n)
			}
			if got := fmt.Sprint(u.Fields["subscription_plan"]) + "/" + seats; got != v {
				t.Errorf("user %s: fields %v, want plan/seats %s", u.ExternalID, u.Fields, v)
			}
			if _, sent := u.Fields["referral_code"]; sent {
				t.Errorf("user %s holds a field the account does not define: %v", u.ExternalID, u.Fields)
			}
		}
	}
	for _, o := range w.Organizations {
		if got := fmt.Sprint(o.Fields["account_tier"]); got != want["o"+o.ExternalID] {
			t.Errorf("organization %s: account_tier %s, want %s", o.ExternalID, got, want["o"+o.ExternalID])
		}
	}
	if checked == 0 {
		t.Error("no migrated user to check fields on")
	}
	noted := count(t, db, `SELECT count(*) FROM plan_notes WHERE code = 'field_no_target' AND note LIKE 'field referral_code:%'`)
	if have := count(t, db, `SELECT count(*) FROM contacts WHERE custom_fields->>'referral_code' IS NOT NULL`); noted != have || have == 0 {
		t.Errorf("%d field_no_target notes for %d contacts with a referral code", noted, have)
	}
}

// checkOnce: no user, organization or ticket arrived twice (by external id).
func checkOnce(t *testing.T, w zdsim.Written) {
	t.Helper()
	seen := map[string]bool{}
	for _, u := range w.Users {
		if seen["u"+u.ExternalID] {
			t.Errorf("user %s twice", u.ExternalID)
		}
		seen["u"+u.ExternalID] = true
	}
	for _, o := range w.Organizations {
		if seen["o"+o.ExternalID] {
			t.Errorf("organization %s twice", o.ExternalID)
		}
		seen["o"+o.ExternalID] = true
	}
}

// checkImportedTimes compares each imported ticket with its staged source: the ticket's
// created_at, and its comments' created_at, one for each planned comment, in thread order.
func checkImportedTimes(t *testing.T, db *sql.DB, w zdsim.Written) {
	t.Helper()
	created := map[string]time.Time{}
	comments := map[string][]time.Time{}
	rows, err := db.Query(`SELECT t.source_id, t.created_at, c.source_created_at FROM tickets t
		LEFT JOIN plan_comments c ON c.ticket_id = t.source_id
		ORDER BY t.source_id, c.source_created_at, c.source_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var at time.Time
		var comment sql.NullTime
		if err := rows.Scan(&id, &at, &comment); err != nil {
			t.Fatal(err)
		}
		created[id] = at
		if comment.Valid {
			comments[id] = append(comments[id], comment.Time)
		}
	}
	seen := map[string]bool{}
	for _, tk := range w.Tickets {
		id := tk.ExternalID
		if seen[id] {
			t.Errorf("ticket %s imported twice", id)
		}
		seen[id] = true
		if at, ok := created[id]; !ok || !tk.CreatedAt.Equal(at) {
			t.Errorf("ticket %s: created_at %v, source %v (staged: %v)", id, tk.CreatedAt, at, ok)
		}
		want := comments[id]
		if len(tk.Comments) != len(want) {
			t.Errorf("ticket %s: %d comments, %d planned", id, len(tk.Comments), len(want))
			continue
		}
		for i, c := range tk.Comments {
			if !c.CreatedAt.Equal(want[i]) {
				t.Errorf("ticket %s comment %d: created_at %v, source %v", id, i, c.CreatedAt, want[i])
				break
			}
		}
	}
}

// checkImportedGuide: the sectionless article sits in a section made in its category, the other
// in its own section under it, and the French translation arrived.
func checkImportedGuide(t *testing.T, w zdsim.Written) {
	t.Helper()
	if len(w.Categories) != 1 || len(w.Sections) != 2 {
		t.Errorf("%d categories and %d sections, want 1 and 2 (Account, and one for the sectionless article)",
			len(w.Categories), len(w.Sections))
	}
	locales := 0
	for _, a := range w.Articles {
		for _, tr := range a.Translations {
			if tr.Locale == "fr" {
				locales++
			}
		}
	}
	if locales != 1 {
		t.Errorf("%d French translations, want 1: %+v", locales, w.Articles)
	}
}

// TestZendeskLoadSurvivesSIGKILL: the load into Zendesk is killed at random points, some just
// after a write whose answer was dropped, twenty times; after resuming (and a replay of what
// failed) every op is loaded, and Zendesk holds every user, organization and ticket once.
func TestZendeskLoadSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	ctx := context.Background()
	env := newIntercomToZendesk(t, icsim.SeedSpec{Contacts: 250, Companies: 200, Conversations: 300, PartsPer: 2, Tickets: 60},
		zdsim.Options{Faults: zdsim.Faults{Latency: time.Millisecond, DropAfterWriteRate: 0.03}}, false)
	zd, file := env.zd, env.file
	for _, stage := range []string{"extract", "transform"} {
		if code, out, stderr := run(t, ctx, stage, "-p", file); code != 0 {
			t.Fatalf("%s: %d %s\n%s", stage, code, stderr, out)
		}
	}
	// Users and tickets go 100 a call, so creates come in jumps: the kills follow write requests
	// instead, which also lands some between a bulk call and the read of its job.
	writes := func() int64 {
		var n int64
		for route, c := range zd.Stats().RequestsByRoute {
			if strings.HasPrefix(route, "POST ") {
				n += c
			}
		}
		return n
	}
	rng := rand.New(rand.NewPCG(5, 6))
	kills := killLoads(t, file, writes, func() int64 { return int64(1 + rng.IntN(3)) })
	zd.SetFaults(zdsim.Faults{})
	for _, args := range [][]string{{"load", "-p", file}, {"replay", "-p", file, "--failed"}} {
		if out, err := child(args...).CombinedOutput(); err != nil {
			t.Fatalf("%s after %d kills: %v\n%s", args[0], kills, err, out)
		}
	}
	db := openStaging(t, file)
	if n := count(t, db, `SELECT count(*) FROM plan_ops p LEFT JOIN load_outcomes o USING (op_id)
		WHERE o.event IS DISTINCT FROM 'loaded'`); n != 0 {
		t.Errorf("%d plan ops not loaded after %d kills: %v", n, kills, failures(t, db))
	}
	t.Logf("%d kills; %d ops found in Zendesk instead of being sent again", kills,
		count(t, db, `SELECT count(*) FROM load_events WHERE code = 'reconciled'`))
	w := zd.Written()
	if got, want := len(w.Tickets), count(t, db, `SELECT count(*) FROM tickets`); got != want {
		t.Errorf("%d tickets in Zendesk, %d at the source", got, want)
	}
	checkOnce(t, w)
	for k, n := range zd.Stats().Duplicates {
		if n != 0 {
			t.Errorf("%d duplicate %s in Zendesk", n, k)
		}
	}
}

// TestPreflightZendeskTarget: preflight of an Intercom → Zendesk plan uses Zendesk's rate limit
// (per minute, from X-Rate-Limit), counts the calls the Zendesk load makes (a bulk call and a
// job read per 100 users or tickets, uploads before imports) and lists Zendesk's settings to check.
func TestPreflightZendeskTarget(t *testing.T) {
	ctx := context.Background()
	file := newIntercomToZendesk(t, icsim.SeedSpec{Contacts: 150, Companies: 4, Conversations: 12, PartsPer: 2, Tickets: 3},
		zdsim.Options{RateLimit: 400}, false).file
	for _, stage := range []string{"extract", "transform"} {
		if code, out, stderr := run(t, ctx, stage, "-p", file); code != 0 {
			t.Fatalf("%s: %d %s\n%s", stage, code, stderr, out)
		}
	}
	db := openStaging(t, file)
	users := count(t, db, `SELECT count(*) FROM plan_ops WHERE kind = 'user'`)
	closed := count(t, db, `SELECT count(*) FROM plan_ops WHERE kind = 'ticket_import' AND (payload->>'$.archive_immediately') = 'true'`)
	open := count(t, db, `SELECT count(*) FROM plan_ops WHERE kind = 'ticket_import' AND (payload->>'$.archive_immediately') = 'false'`)
	others := count(t, db, `SELECT count(*) FROM plan_ops WHERE kind NOT IN ('user', 'ticket_import')`)
	db.Close()
	code, out, stderr := run(t, ctx, "preflight", "-p", file)
	if code != 0 {
		t.Fatalf("preflight: %d %s\n%s", code, stderr, out)
	}
	bulk := func(n int) int { return 2 * ((n + 99) / 100) }    // a call and its job's read per 100
	writes := bulk(users) + bulk(closed) + bulk(open) + others // the seed's conversations carry no files
	ops := users + closed + open + others
	for _, want := range []string{
		fmt.Sprintf("%d API calls: %d for the %d of %d plan operations", writes+6, writes, ops, ops),
		"at 400 requests per 1m0s (the target's X-Rate-Limit)",
		"[ ] Automations", "[ ] User, organization and ticket fields",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("preflight output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Phone number validation") {
		t.Errorf("Intercom's settings listed for a Zendesk target:\n%s", out)
	}
	if users <= 100 || closed == 0 || open == 0 {
		t.Fatalf("%d users, %d closed and %d open tickets: the test wants more than one bulk call of users and both kinds of ticket", users, closed, open)
	}
}
