package zendesk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// post sends a write with the demo credentials; body is JSON-encoded unless it is []byte.
func (e *env) post(path string, body any) (int, map[string]any) {
	e.t.Helper()
	var b []byte
	switch v := body.(type) {
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			e.t.Fatal(err)
		}
	}
	req, err := http.NewRequest(http.MethodPost, e.base+path, bytes.NewReader(b))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", demoAuth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, decode(e.t, out)
}

// writable is a fresh small account: writes change it, so it is never shared.
func writable(t *testing.T, opts Options) *env {
	return newEnv(t, gen.Generate(gen.Options{Seed: 7, Tickets: 3, Articles: 0}), unlimited(opts))
}

// people returns an end user and an agent of the account.
func people(e *env) (endUser, agent int64) {
	a := e.srv.Account()
	a.RLock()
	defer a.RUnlock()
	for _, u := range a.Users {
		switch {
		case u.Role == gen.RoleEndUser && endUser == 0:
			endUser = u.ID
		case u.Role == gen.RoleAgent && agent == 0:
			agent = u.ID
		}
	}
	return endUser, agent
}

func TestOrganizationWrites(t *testing.T) {
	e := writable(t, Options{})
	org := map[string]any{"organization": map[string]any{"name": "Acme", "external_id": "company:1", "tags": []string{"vip"}}}
	if st, body := e.post("/api/v2/organizations.json", org); st != http.StatusCreated {
		t.Fatalf("create: %d %v", st, body)
	}
	tests := []struct {
		name, field string
		body        map[string]any
	}{
		{"same external_id", "external_id", map[string]any{"name": "Other", "external_id": "company:1"}},
		{"same name", "name", map[string]any{"name": "ACME", "external_id": "company:2"}},
		{"no name", "name", map[string]any{"external_id": "company:3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, body := e.post("/api/v2/organizations.json", map[string]any{"organization": tc.body})
			if st != http.StatusUnprocessableEntity || body["error"] != "RecordInvalid" || body["description"] != "Record validation errors" {
				t.Fatalf("got %d %v, want 422 RecordInvalid", st, body)
			}
			if _, ok := body["details"].(map[string]any)[tc.field]; !ok {
				t.Errorf("details %v do not name %s", body["details"], tc.field)
			}
		})
	}
	found := items(e.get("/api/v2/organizations/search.json?external_id=company:1"), "organizations")
	if len(found) != 1 || found[0].(map[string]any)["name"] != "Acme" || found[0].(map[string]any)["external_id"] != "company:1" {
		t.Fatalf("search: %v", found)
	}
	if w := e.srv.Written(); len(w.Organizations) != 1 || w.Organizations[0].Tags[0] != "vip" {
		t.Errorf("Written: %+v", w.Organizations)
	}
	if st := e.srv.Stats(); st.Created["organization"] != 1 {
		t.Errorf("created %v", st.Created)
	}
}

func TestCreateOrUpdateUser(t *testing.T) {
	e := writable(t, Options{})
	steps := []struct {
		name   string
		user   map[string]any
		status int
	}{
		{"created", map[string]any{"name": "Ann", "email": "ann@example.com", "external_id": "contact:1", "role": "end-user"}, http.StatusCreated},
		{"matched by external_id", map[string]any{"name": "Ann B", "external_id": "contact:1"}, http.StatusOK},
		{"matched by email", map[string]any{"name": "Ann C", "email": "ANN@example.com", "external_id": "contact:x"}, http.StatusOK},
		{"bad organization", map[string]any{"name": "Bob", "external_id": "contact:2", "organization_id": 99}, http.StatusUnprocessableEntity},
	}
	var first int64
	for _, s := range steps {
		st, body := e.post("/api/v2/users/create_or_update.json", map[string]any{"user": s.user})
		if st != s.status {
			t.Fatalf("%s: %d %v, want %d", s.name, st, body, s.status)
		}
		if st >= 300 {
			continue
		}
		got := id(t, body["user"], "id")
		if first == 0 {
			first = got
		} else if got != first {
			t.Errorf("%s: user %d, want the same user %d", s.name, got, first)
		}
	}
	found := items(e.get("/api/v2/users/search.json?external_id=contact:x"), "users")
	if len(found) != 1 || found[0].(map[string]any)["name"] != "Ann C" {
		t.Fatalf("search: %v", found)
	}
	if n := e.srv.Stats().Created["user"]; n != 1 {
		t.Errorf("created %d users, want 1", n)
	}
}

// importBody is a closed ticket of two comments, the second a private note with a file.
func importBody(requester, agent int64, token string) map[string]any {
	return map[string]any{"ticket": map[string]any{
		"external_id": "conversation:9", "subject": "Printer on fire", "requester_id": requester,
		"assignee_id": agent, "status": "closed", "tags": []string{"fire"},
		"created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-05T00:00:00Z", "solved_at": "2024-01-04T00:00:00Z",
		"comments": []any{
			map[string]any{"author_id": requester, "html_body": "<p>It <b>burns</b></p>", "public": true, "created_at": "2024-01-02T03:04:05Z"},
			map[string]any{"author_id": agent, "html_body": "<p>note</p>", "public": false, "created_at": "2024-01-03T00:00:00Z", "uploads": []string{token}},
		},
	}}
}

func TestTicketImport(t *testing.T) {
	e := writable(t, Options{})
	requester, agent := people(e)
	before := len(e.srv.Account().Tickets)
	st, up := e.post("/api/v2/uploads.json?filename=log.txt", []byte("smoke"))
	if st != http.StatusCreated {
		t.Fatalf("upload: %d %v", st, up)
	}
	token := up["upload"].(map[string]any)["token"].(string)
	st, body := e.post("/api/v2/imports/tickets.json?archive_immediately=true", importBody(requester, agent, token))
	if st != http.StatusCreated {
		t.Fatalf("import: %d %v", st, body)
	}
	tid := id(t, body["ticket"], "id")
	w := e.srv.Written()
	if len(w.Tickets) != 1 {
		t.Fatalf("written %d tickets", len(w.Tickets))
	}
	got := w.Tickets[0]
	want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if !got.CreatedAt.Equal(want) || got.UpdatedAt.Format(time.RFC3339) != "2024-01-05T00:00:00Z" ||
		got.SolvedAt.Format(time.RFC3339) != "2024-01-04T00:00:00Z" || !got.Archived {
		t.Errorf("times/archive: created %v updated %v solved %v archived %v", got.CreatedAt, got.UpdatedAt, got.SolvedAt, got.Archived)
	}
	if len(got.Comments) != 2 || got.Comments[1].AuthorID != agent || got.Comments[1].Public ||
		got.Comments[0].HTMLBody != "<p>It <b>burns</b></p>" || got.Comments[0].PlainBody != "It burns" ||
		len(got.Comments[1].Attachments) != 1 || string(got.Comments[1].Attachments[0].Content) != "smoke" {
		t.Errorf("comments: %+v", got.Comments)
	}
	if len(got.Changes) != 0 || len(e.srv.Account().Tickets) != before+1 {
		t.Errorf("the import changed more than its ticket: %d changes, %d tickets", len(got.Changes), len(e.srv.Account().Tickets)-before)
	}
	// Read back: the comments endpoint; archived, so only search finds it by external_id.
	comments := items(e.get("/api/v2/tickets/"+itoa(tid)+"/comments.json"), "comments")
	if len(comments) != 2 || comments[1].(map[string]any)["created_at"] != "2024-01-03T00:00:00Z" {
		t.Errorf("comments read back: %v", comments)
	}
	if n := len(items(e.get("/api/v2/tickets.json?external_id=conversation:9"), "tickets")); n != 0 {
		t.Errorf("an archived ticket is listed (%d)", n)
	}
	if n := len(items(e.get("/api/v2/search.json?query=type:ticket+external_id:conversation:9"), "results")); n != 1 {
		t.Errorf("search found %d", n)
	}
	// The token was used; unknown people are refused, and the account is unchanged.
	refusals := []struct {
		name string
		edit func(tk map[string]any)
	}{
		{"used token", func(map[string]any) {}},
		{"unknown requester", func(tk map[string]any) { tk["requester_id"] = 1; tk["comments"] = tk["comments"].([]any)[:1] }},
		{"unknown author", func(tk map[string]any) {
			tk["comments"] = []any{map[string]any{"author_id": 2, "value": "x"}}
		}},
		{"assignee not an agent", func(tk map[string]any) { tk["assignee_id"] = requester; tk["comments"] = tk["comments"].([]any)[:1] }},
		{"unknown group", func(tk map[string]any) { tk["group_id"] = 3; tk["comments"] = tk["comments"].([]any)[:1] }},
	}
	for _, r := range refusals {
		b := importBody(requester, agent, token)
		r.edit(b["ticket"].(map[string]any))
		if st, body := e.post("/api/v2/imports/tickets.json", b); st != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %v, want 422", r.name, st, body)
		}
	}
	if n := len(e.srv.Account().Tickets); n != before+1 {
		t.Errorf("refused imports created tickets: %d", n-before-1)
	}
}

func TestGuideWrites(t *testing.T) {
	e := writable(t, Options{})
	_, cat := e.post("/api/v2/help_center/categories.json", map[string]any{"category": map[string]any{"name": "Billing", "locale": "en-us"}})
	catID := itoa(id(t, cat["category"], "id"))
	_, parent := e.post("/api/v2/help_center/categories/"+catID+"/sections.json", map[string]any{"section": map[string]any{"name": "Invoices"}})
	parentID := id(t, parent["section"], "id")
	st, child := e.post("/api/v2/help_center/categories/"+catID+"/sections.json", map[string]any{"section": map[string]any{"name": "Refunds", "parent_section_id": parentID}})
	if st != http.StatusCreated || id(t, child["section"], "parent_section_id") != parentID {
		t.Fatalf("nested section: %d %v", st, child)
	}
	_, art := e.post("/api/v2/help_center/sections/"+itoa(id(t, child["section"], "id"))+"/articles.json",
		map[string]any{"article": map[string]any{"title": "Get a refund", "body": "<p>Ask.</p>", "locale": "en-us"}})
	artID := itoa(id(t, art["article"], "id"))
	steps := []struct {
		locale string
		status int
	}{{"de", http.StatusCreated}, {"de", http.StatusBadRequest}, {"en-us", http.StatusBadRequest}}
	for _, s := range steps {
		st, body := e.post("/api/v2/help_center/articles/"+artID+"/translations.json",
			map[string]any{"translation": map[string]any{"locale": s.locale, "title": "Erstattung", "body": "<p>Fragen.</p>"}})
		if st != s.status {
			t.Errorf("translation %s: %d %v, want %d", s.locale, st, body, s.status)
		}
	}
	if st, _ := e.post("/api/v2/help_center/sections/1/articles.json", map[string]any{"article": map[string]any{"title": "x"}}); st != http.StatusNotFound {
		t.Errorf("article in a missing section: %d", st)
	}
	tr := items(e.get("/api/v2/help_center/articles/"+artID+"/translations.json"), "translations")
	if len(tr) != 2 {
		t.Errorf("translations read back: %v", tr)
	}
	secs := items(e.get("/api/v2/help_center/categories/"+catID+"/sections.json"), "sections")
	if len(secs) != 2 {
		t.Errorf("sections read back: %v", secs)
	}
	if got := e.srv.Stats().Created; got["category"] != 1 || got["section"] != 2 || got["article"] != 1 || got["translation"] != 1 {
		t.Errorf("created %v", got)
	}
}

// A dropped answer leaves the write applied; the rate limit counts writes like reads.
func TestWriteFaultsAndLimits(t *testing.T) {
	e := writable(t, Options{})
	e.srv.SetFaults(Faults{DropAfterWriteRate: 1})
	body, _ := json.Marshal(map[string]any{"organization": map[string]any{"name": "Dropped", "external_id": "c:1"}})
	req, _ := http.NewRequest(http.MethodPost, e.base+"/api/v2/organizations.json", bytes.NewReader(body))
	req.Header.Set("Authorization", demoAuth)
	if resp, err := e.http.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got %d, want a dropped connection", resp.StatusCode)
	}
	if n := len(items(e.get("/api/v2/organizations/search.json?external_id=c:1"), "organizations")); n != 1 {
		t.Errorf("the dropped write was not applied: %d found", n)
	}
	if st := e.srv.Stats(); st.DroppedResponses != 1 || st.FaultsInjected["drop_after_write"] != 1 {
		t.Errorf("stats %+v", st)
	}

	lim := newEnv(t, gen.Generate(gen.Options{Seed: 7, Tickets: 1}), Options{RateLimit: 2})
	var last int
	var resp *http.Response
	for i := range 3 {
		req, _ := http.NewRequest(http.MethodPost, lim.base+"/api/v2/organizations.json",
			strings.NewReader(`{"organization":{"name":"O`+itoa(int64(i))+`"}}`))
		req.Header.Set("Authorization", demoAuth)
		r, err := lim.http.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		last, resp = r.StatusCode, r
	}
	if last != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || resp.Header.Get("X-Rate-Limit") != "2" {
		t.Errorf("third write: %d %v", last, resp.Header)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCreateOrUpdateManyUsers(t *testing.T) {
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := writable(t, Options{JobDuration: 2 * time.Second, Now: func() time.Time { return clock }})
	users := []map[string]any{
		{"name": "Ann", "email": "ann@example.com", "external_id": "contact:1"},
		{"name": "Bob", "email": "not an address", "external_id": "contact:2"},
		{"name": "Ann Again", "external_id": "contact:1"},
	}
	st, body := e.post("/api/v2/users/create_or_update_many.json", map[string]any{"users": users})
	if st != http.StatusOK {
		t.Fatalf("submit: %d %v", st, body)
	}
	js := body["job_status"].(map[string]any)
	if js["status"] != "queued" || js["results"] != nil || fmt.Sprint(js["total"]) != "3" {
		t.Fatalf("submitted job %v: want queued, 3 records, no results yet", js)
	}
	path := "/api/v2/job_statuses/" + js["id"].(string) + ".json"
	if !strings.HasSuffix(js["url"].(string), path) {
		t.Errorf("job url %v", js["url"])
	}
	if got := e.get(path)["job_status"].(map[string]any); got["status"] != "working" || got["results"] != nil {
		t.Errorf("before JobDuration: %v", got)
	}
	clock = clock.Add(2 * time.Second)
	done := e.get(path)["job_status"].(map[string]any)
	if done["status"] != "completed" || fmt.Sprint(done["progress"]) != "3" {
		t.Fatalf("after JobDuration: %v", done)
	}
	results := done["results"].([]any)
	want := []struct {
		status string
		failed bool
	}{{"Created", false}, {"Failed", true}, {"Updated", false}}
	if len(results) != len(want) {
		t.Fatalf("results %v", results)
	}
	for i, w := range want {
		res := results[i].(map[string]any)
		if res["status"] != w.status || fmt.Sprint(res["index"]) != strconv.Itoa(i) {
			t.Errorf("result %d: %v, want %s", i, res, w.status)
		}
		if w.failed && !strings.Contains(res["details"].(string), "not properly formatted") {
			t.Errorf("result %d gives no reason: %v", i, res)
		}
	}
	if results[0].(map[string]any)["id"] != results[2].(map[string]any)["id"] {
		t.Errorf("the same external_id got two users: %v", results)
	}
	if st := e.srv.Stats(); st.Created["user"] != 1 || st.VerificationEmails != 1 {
		t.Errorf("created %v with %d verification emails, want one user, not created verified, so emailed", st.Created, st.VerificationEmails)
	}
	if st, _ := e.post("/api/v2/users/create_or_update_many.json", map[string]any{"users": []map[string]any{
		{"name": "Cy", "email": "cy@example.com", "external_id": "contact:3", "verified": true}}}); st != http.StatusOK {
		t.Fatalf("verified user: %d", st)
	}
	if st := e.srv.Stats(); st.Created["user"] != 2 || st.VerificationEmails != 1 {
		t.Errorf("a user created verified: %v users, %d verification emails", st.Created, st.VerificationEmails)
	}
	many := make([]map[string]any, maxBulkUsers+1)
	for i := range many {
		many[i] = map[string]any{"name": "U", "external_id": "contact:x" + strconv.Itoa(i)}
	}
	if st, body := e.post("/api/v2/users/create_or_update_many.json", map[string]any{"users": many}); st != http.StatusBadRequest {
		t.Errorf("%d users: %d %v, want 400", len(many), st, body)
	}
	if resp, _ := e.do(e.base+"/api/v2/job_statuses/nope.json", demoAuth); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown job: %d", resp.StatusCode)
	}
}

func TestUserAndOrganizationFields(t *testing.T) {
	e := writable(t, Options{})
	defs := items(e.get("/api/v2/user_fields.json"), "user_fields")
	keys := map[string]map[string]any{}
	for _, d := range defs {
		keys[d.(map[string]any)["key"].(string)] = d.(map[string]any)
	}
	if keys["subscription_plan"]["type"] != "dropdown" || len(keys["subscription_plan"]["custom_field_options"].([]any)) != 3 || keys["seats"]["type"] != "integer" {
		t.Fatalf("user fields %v", defs)
	}
	if orgDefs := items(e.get("/api/v2/organization_fields.json"), "organization_fields"); len(orgDefs) != 2 {
		t.Fatalf("organization fields %v", orgDefs)
	}
	tests := []struct {
		name   string
		fields map[string]any
		status int
		want   map[string]any // user_fields read back, when accepted
	}{
		{"typed values", map[string]any{"subscription_plan": "pro", "seats": 12, "vip": true, "renewal_date": "2025-02-01"}, http.StatusCreated,
			map[string]any{"subscription_plan": "pro", "seats": "12", "vip": true, "renewal_date": "2025-02-01"}},
		{"unknown key dropped", map[string]any{"subscription_plan": "free", "referral": "x"}, http.StatusCreated,
			map[string]any{"subscription_plan": "free", "seats": nil, "vip": nil, "renewal_date": nil}},
		{"not an option", map[string]any{"subscription_plan": "Pro"}, http.StatusUnprocessableEntity, nil},
		{"not a number", map[string]any{"seats": "many"}, http.StatusUnprocessableEntity, nil},
		{"not a date", map[string]any{"renewal_date": "1st of May"}, http.StatusUnprocessableEntity, nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ext := "contact:f" + strconv.Itoa(i)
			st, body := e.post("/api/v2/users/create_or_update.json", map[string]any{"user": map[string]any{
				"name": "F", "external_id": ext, "user_fields": tc.fields}})
			if st != tc.status {
				t.Fatalf("%d %v, want %d", st, body, tc.status)
			}
			if tc.want == nil {
				return
			}
			got := body["user"].(map[string]any)["user_fields"].(map[string]any)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("user_fields %v, want %v", got, tc.want)
			}
		})
	}
	st, body := e.post("/api/v2/organizations.json", map[string]any{"organization": map[string]any{
		"name": "Fields Inc", "organization_fields": map[string]any{"industry": "retail", "account_tier": "gold"}}})
	if st != http.StatusCreated {
		t.Fatalf("organization: %d %v", st, body)
	}
	if got := fmt.Sprint(body["organization"].(map[string]any)["organization_fields"]); got != "map[account_tier:gold industry:retail]" {
		t.Errorf("organization_fields %s", got)
	}
}

func TestImportManyTickets(t *testing.T) {
	e := writable(t, Options{})
	requester, agent := people(e)
	good := importBody(requester, agent, "")["ticket"].(map[string]any)
	good["comments"] = good["comments"].([]any)[:1]
	open := maps.Clone(good)
	open["external_id"], open["status"] = "conversation:10", "open"
	bad := maps.Clone(good)
	bad["external_id"], bad["comments"] = "conversation:11", []any{}
	st, body := e.post("/api/v2/imports/tickets/create_many.json?archive_immediately=true", map[string]any{"tickets": []any{good, bad, open}})
	if st != http.StatusOK {
		t.Fatalf("submit: %d %v", st, body)
	}
	js := body["job_status"].(map[string]any)
	results := e.get("/api/v2/job_statuses/" + js["id"].(string) + ".json")["job_status"].(map[string]any)["results"].([]any)
	var statuses []string
	for _, r := range results {
		statuses = append(statuses, r.(map[string]any)["status"].(string))
	}
	if fmt.Sprint(statuses) != "[Created Failed Created]" || !strings.Contains(results[1].(map[string]any)["details"].(string), "cannot be blank") {
		t.Fatalf("results %v", results)
	}
	w := e.srv.Written()
	if len(w.Tickets) != 2 || !w.Tickets[0].Archived || w.Tickets[1].Archived {
		t.Errorf("imported %d tickets, archived %v: want the closed one archived, the open one not", len(w.Tickets), []bool{w.Tickets[0].Archived, w.Tickets[len(w.Tickets)-1].Archived})
	}
	if e.srv.Stats().Created["ticket"] != 2 {
		t.Errorf("created %v", e.srv.Stats().Created)
	}
}
