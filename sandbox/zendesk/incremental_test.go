package zendesk

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// cursorWalk follows after_url to end_of_stream and returns the objects and
// the number of pages whose after_url named another host.
func cursorWalk(t *testing.T, e *env, first, key string) (objs []any, foreign int, last map[string]any) {
	t.Helper()
	next := first
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("stream does not end")
		}
		page := e.get(next)
		requireKeys(t, key+" page", page, key, "after_cursor", "after_url", "before_cursor", "before_url", "end_of_stream")
		objs = append(objs, items(page, key)...)
		if page["end_of_stream"] == true {
			return objs, foreign, page
		}
		next = page["after_url"].(string)
		if host(t, next) != host(t, e.base) {
			foreign++
		}
	}
}

var ticketKeys = []string{
	"id", "external_id", "via", "created_at", "updated_at", "generated_timestamp", "type", "subject",
	"raw_subject", "description", "priority", "status", "custom_status_id", "requester_id", "submitter_id",
	"assignee_id", "organization_id", "group_id", "collaborator_ids", "follower_ids", "email_cc_ids",
	"tags", "custom_fields", "ticket_form_id", "brand_id", "satisfaction_rating", "due_at", "is_public",
}

func TestIncrementalTicketsWalksEveryTicket(t *testing.T) {
	acct := account(2500)
	for _, tc := range []struct {
		name           string
		query          string
		excludeDeleted bool
	}{
		{"default page", "start_time=0", false},
		{"small pages", "start_time=0&per_page=137", false},
		{"exclude deleted", "start_time=0&per_page=400&exclude_deleted=true", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, acct, unlimited(Options{}))
			objs, foreign, _ := cursorWalk(t, e, "/api/v2/incremental/tickets/cursor.json?"+tc.query, "tickets")
			want := map[int64]string{}
			for _, tk := range acct.Tickets {
				if !tc.excludeDeleted || tk.Status != gen.StatusDeleted {
					want[tk.ID] = tk.Status
				}
			}
			got, deleted := map[int64]bool{}, 0
			prev := int64(-1)
			for _, o := range objs {
				tid := id(t, o, "id")
				if got[tid] {
					t.Fatalf("ticket %d twice in a cursor export", tid)
				}
				got[tid] = true
				status := o.(map[string]any)["status"]
				if status != want[tid] {
					t.Fatalf("ticket %d: status %v, want %q", tid, status, want[tid])
				}
				if status == gen.StatusDeleted {
					deleted++
				}
				gts := id(t, o, "generated_timestamp")
				if gts < prev {
					t.Fatalf("not ordered by generated_timestamp")
				}
				prev = gts
			}
			if len(got) != len(want) {
				t.Fatalf("got %d tickets, want %d", len(got), len(want))
			}
			if (deleted > 0) == tc.excludeDeleted {
				t.Fatalf("%d deleted tickets inline with exclude_deleted=%v", deleted, tc.excludeDeleted)
			}
			if tc.name == "small pages" && foreign == 0 {
				t.Fatal("no after_url on another host")
			}
			requireKeys(t, "ticket", objs[0], ticketKeys...)
		})
	}
}

func TestIncrementalTicketsShapes(t *testing.T) {
	acct := account(2500)
	e := newEnv(t, acct, unlimited(Options{}))
	objs, _, last := cursorWalk(t, e, "/api/v2/incremental/tickets/cursor.json?start_time=0", "tickets")
	numericVia, stringVia, high := 0, 0, 0
	for _, o := range objs {
		m := o.(map[string]any)
		switch m["via"].(map[string]any)["channel"].(type) {
		case string:
			stringVia++
		default:
			numericVia++
		}
		if id(t, o, "id") > 1<<53 {
			high++
		}
		for _, f := range m["custom_fields"].([]any) {
			requireKeys(t, "custom field", f, "id", "value")
		}
		if _, err := time.Parse(time.RFC3339, m["created_at"].(string)); err != nil || !strings.HasSuffix(m["created_at"].(string), "Z") {
			t.Fatalf("created_at %v", m["created_at"])
		}
	}
	if numericVia == 0 || stringVia == 0 || high == 0 {
		t.Fatalf("via: %d numeric, %d string; %d ids above 2^53", numericVia, stringVia, high)
	}
	if last["after_cursor"] == nil {
		t.Fatal("the last page must keep an after_cursor to resume from")
	}
}

func TestLargeIDsRoundTripExactly(t *testing.T) {
	acct := account(2500)
	e := newEnv(t, acct, unlimited(Options{}))
	byID := map[int64]*gen.Ticket{}
	for i := range acct.Tickets {
		byID[acct.Tickets[i].ID] = &acct.Tickets[i]
	}
	objs, _, _ := cursorWalk(t, e, "/api/v2/incremental/tickets/cursor.json?start_time=0", "tickets")
	checked := 0
	for _, o := range objs {
		tid := id(t, o, "id")
		tk := byID[tid]
		if tk == nil {
			t.Fatalf("id %d is not in the account (float rounding?)", tid)
		}
		if tid > 1<<53 && int64(float64(tid)) == tid {
			t.Fatalf("test premise: %d should not be exact as a float64", tid)
		}
		if id(t, o, "requester_id") != tk.RequesterID {
			t.Fatalf("ticket %d: requester id changed", tid)
		}
		if tid > 1<<53 {
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no ticket id above 2^53")
	}
}

func TestIncrementalUsersWalksEveryUser(t *testing.T) {
	acct := account(2500)
	e := newEnv(t, acct, unlimited(Options{}))
	objs, _, _ := cursorWalk(t, e, "/api/v2/incremental/users/cursor.json?start_time=0&per_page=300", "users")
	roles := map[string]int{}
	for _, o := range objs {
		roles[o.(map[string]any)["role"].(string)]++
	}
	if len(objs) != len(acct.Users) || roles["admin"] != 2 || roles["agent"] == 0 || roles["end-user"] == 0 {
		t.Fatalf("%d users (want %d), roles %v", len(objs), len(acct.Users), roles)
	}
	requireKeys(t, "user", objs[0], "id", "name", "email", "phone", "role", "organization_id", "created_at",
		"updated_at", "time_zone", "locale", "tags", "user_fields", "suspended", "active")
}

// timeWalk follows next_page until end_of_stream and returns the items (with
// the repeats time-based pages produce) and the largest page.
func timeWalk(t *testing.T, e *env, first, key string) (objs []any, largest int) {
	t.Helper()
	next := first
	for pages := 0; ; pages++ {
		if pages > 2000 {
			t.Fatal("stream does not end")
		}
		page := e.get(next)
		requireKeys(t, key+" page", page, key, "count", "end_time", "next_page", "end_of_stream")
		got := items(page, key)
		if n := id(t, page, "count"); n != int64(len(got)) {
			t.Fatalf("count %d for %d items", n, len(got))
		}
		objs, largest = append(objs, got...), max(largest, len(got))
		if page["end_of_stream"] == true {
			return objs, largest
		}
		next = page["next_page"].(string)
		if !strings.Contains(next, "start_time="+string(page["end_time"].(json.Number))) {
			t.Fatalf("next_page %s does not start at end_time %v", next, page["end_time"])
		}
	}
}

func TestIncrementalOrganizationsIsTimeBased(t *testing.T) {
	acct := account(2500)
	e := newEnv(t, acct, unlimited(Options{}))
	for _, per := range []int{1000, 40, 7} { // 7: smaller than the import burst
		objs, largest := timeWalk(t, e, "/api/v2/incremental/organizations.json?start_time=0&per_page="+strconv.Itoa(per), "organizations")
		seen := map[int64]bool{}
		for _, o := range objs {
			seen[id(t, o, "id")] = true
		}
		if len(seen) != len(acct.Organizations) {
			t.Fatalf("per_page %d: %d organizations, want %d", per, len(seen), len(acct.Organizations))
		}
		// A bulk import created many organizations in the same second:
		// small pages must overflow rather than split them.
		if per == 7 && largest <= per {
			t.Fatalf("per_page %d: no page exceeded per_page (largest %d)", per, largest)
		}
	}
}

func TestTicketEventsCarryEveryComment(t *testing.T) {
	acct := account(2500)
	for _, tc := range []struct {
		name      string
		query     string
		per       int
		comments  bool
		overflows bool
	}{
		{"with comments, full pages", "include=comment_events", 1000, true, true},
		{"with comments, small pages", "include=comment_events&per_page=250", 250, true, true},
		{"without comments", "per_page=1000", 1000, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, acct, unlimited(Options{}))
			objs, largest := timeWalk(t, e, "/api/v2/incremental/ticket_events.json?start_time=0&"+tc.query, "ticket_events")
			comments, audits := map[int64]bool{}, map[int64]bool{}
			for _, o := range objs {
				audits[id(t, o, "id")] = true
				for _, ch := range o.(map[string]any)["child_events"].([]any) {
					if ch.(map[string]any)["event_type"] == "Comment" {
						requireKeys(t, "comment event", ch, "id", "type", "author_id", "body", "html_body",
							"public", "attachments", "audit_id", "created_at", "via", "event_type")
						comments[id(t, ch, "id")] = true
					}
				}
			}
			c := acct.Counts()
			if len(audits) != c.CommentsAll+c.Changes {
				t.Fatalf("%d audits, want %d", len(audits), c.CommentsAll+c.Changes)
			}
			if want := map[bool]int{true: c.CommentsAll}[tc.comments]; len(comments) != want {
				t.Fatalf("%d comments, want %d", len(comments), want)
			}
			if tc.overflows && largest <= tc.per {
				t.Fatalf("no page exceeded per_page %d (largest %d)", tc.per, largest)
			}
		})
	}
}

func TestStartTimeValidation(t *testing.T) {
	e := newEnv(t, account(100), unlimited(Options{}))
	now := e.clock.Now().Unix()
	for _, tc := range []struct {
		name   string
		path   string
		status int
		errStr string
	}{
		{"a minute ago", "/api/v2/incremental/tickets/cursor.json?start_time=" + strconv.FormatInt(now-60, 10), 200, ""},
		{"30 s ago", "/api/v2/incremental/tickets/cursor.json?start_time=" + strconv.FormatInt(now-30, 10), 400, "Too recent start_time"},
		{"future", "/api/v2/incremental/organizations.json?start_time=" + strconv.FormatInt(now+600, 10), 400, "Too recent start_time"},
		{"missing", "/api/v2/incremental/ticket_events.json", 400, "start_time is required"},
		{"not a number", "/api/v2/incremental/users/cursor.json?start_time=yesterday", 400, "InvalidValue"},
		{"bad cursor", "/api/v2/incremental/tickets/cursor.json?cursor=bm90LWEtY3Vyc29y", 400, "InvalidPaginationParameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(e.base+tc.path, demoAuth)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.errStr) {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
		})
	}
}

func TestEmptyStartTimeExportHasNoCursor(t *testing.T) {
	e := newEnv(t, account(100), unlimited(Options{}))
	start := e.clock.Now().Add(-time.Hour).Unix()
	page := e.get("/api/v2/incremental/tickets/cursor.json?start_time=" + strconv.FormatInt(start, 10))
	if len(items(page, "tickets")) != 0 || page["after_cursor"] != nil || page["end_of_stream"] != true {
		t.Fatalf("empty export: %v", page)
	}
}

func TestMutationsReappearInExports(t *testing.T) {
	acct := gen.Generate(gen.Options{Seed: 4, Tickets: 300})
	e := newEnv(t, acct, unlimited(Options{}))
	_, _, last := cursorWalk(t, e, "/api/v2/incremental/tickets/cursor.json?start_time=0", "tickets")
	resume := last["after_url"].(string)

	var old int64
	for _, tk := range acct.Tickets {
		if tk.Status == gen.StatusClosed {
			old = tk.ID
			break
		}
	}
	added := e.srv.AddTicket(gen.TicketInput{Subject: "Delta 🚀", Body: "new"})
	if _, err := e.srv.UpdateTicket(old, func(tk *gen.Ticket) { tk.Status = gen.StatusOpen }); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Minute)
	if _, err := e.srv.AddComment(added.ID, gen.CommentInput{AuthorID: added.RequesterID, Body: "more"}); err != nil {
		t.Fatal(err)
	}
	objs, _, _ := cursorWalk(t, e, resume, "tickets")
	if len(objs) != 2 || id(t, objs[0], "id") != old || id(t, objs[1], "id") != added.ID { // ordered by generated_timestamp
		t.Fatalf("delta export returned %d tickets", len(objs))
	}
	e.clock.Advance(2 * time.Minute)
	since := strconv.FormatInt(e.clock.Now().Add(-5*time.Minute).Unix(), 10)
	events, _ := timeWalk(t, e, "/api/v2/incremental/ticket_events.json?include=comment_events&start_time="+since, "ticket_events")
	if len(events) != 3 { // the new ticket's description, the status change, the new comment
		t.Fatalf("delta events: %d", len(events))
	}
}

func TestIncrementalHeadersUseTheIncrementalBudget(t *testing.T) {
	e := newEnv(t, account(100), Options{})
	resp, _ := e.do(e.base+"/api/v2/incremental/organizations.json?start_time=0", demoAuth)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Rate-Limit") != "10" || resp.Header.Get("ratelimit-remaining") != "9" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
}

// pageIDs returns the ids of a page's objects.
func pageIDs(t *testing.T, page map[string]any, key string) []int64 {
	t.Helper()
	var out []int64
	for _, o := range items(page, key) {
		out = append(out, id(t, o, "id"))
	}
	return out
}

func TestBeforeURLsGoBack(t *testing.T) {
	e := newEnv(t, account(2500), unlimited(Options{}))
	for _, tc := range []struct {
		name, first, key string
		next, prev       func(map[string]any) string
	}{
		{"incremental tickets", "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=50", "tickets",
			func(p map[string]any) string { return p["after_url"].(string) },
			func(p map[string]any) string { return p["before_url"].(string) }},
		{"users list", "/api/v2/users.json?page[size]=25", "users",
			func(p map[string]any) string { return p["links"].(map[string]any)["next"].(string) },
			func(p map[string]any) string { return p["links"].(map[string]any)["prev"].(string) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := e.get(tc.first)
			second := e.get(tc.next(first))
			back := e.get(tc.prev(second))
			want, got := pageIDs(t, first, tc.key), pageIDs(t, back, tc.key)
			if len(want) == 0 || !slices.Equal(want, got) {
				t.Fatalf("going back: %v, want %v", got, want)
			}
			if slices.Equal(pageIDs(t, second, tc.key), want) {
				t.Fatal("the second page repeats the first")
			}
		})
	}
}
