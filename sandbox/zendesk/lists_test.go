package zendesk

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox/gen"
)

// listWalk follows links.next while meta.has_more and returns the objects.
func listWalk(t *testing.T, e *env, first, key string) []any {
	t.Helper()
	var objs []any
	next := first
	for pages := 0; pages < 1000; pages++ {
		page := e.get(next)
		requireKeys(t, key+" page", page, key, "meta", "links")
		requireKeys(t, "meta", page["meta"], "has_more", "after_cursor", "before_cursor")
		requireKeys(t, "links", page["links"], "next", "prev")
		objs = append(objs, items(page, key)...)
		if page["meta"].(map[string]any)["has_more"] != true {
			return objs
		}
		next = page["links"].(map[string]any)["next"].(string)
	}
	t.Fatal("list does not end")
	return nil
}

// offsetWalk follows next_page of the offset pagination.
func offsetWalk(t *testing.T, e *env, first, key string) []any {
	t.Helper()
	var objs []any
	for next := any(first); next != nil; {
		page := e.get(next.(string))
		requireKeys(t, key+" page", page, key, "next_page", "previous_page", "count")
		objs, next = append(objs, items(page, key)...), page["next_page"]
	}
	return objs
}

// ticketWithComments returns a live ticket with at least n comments.
func ticketWithComments(t *testing.T, a *gen.Account, n int) *gen.Ticket {
	t.Helper()
	for i := range a.Tickets {
		if tk := &a.Tickets[i]; len(tk.Comments) >= n && tk.Status != gen.StatusDeleted {
			return tk
		}
	}
	t.Fatalf("no ticket with %d comments", n)
	return nil
}

func TestTicketCommentsPaginate(t *testing.T) {
	acct := account(2500)
	tk := ticketWithComments(t, acct, 150)
	e := newEnv(t, acct, unlimited(Options{}))
	path := "/api/v2/tickets/" + strconv.FormatInt(tk.ID, 10) + "/comments.json"
	for _, tc := range []struct {
		name   string
		walk   func(*testing.T, *env, string, string) []any
		query  string
		offset bool
	}{
		{"cursor default size", listWalk, "?page[size]=100", false},
		{"cursor small pages", listWalk, "?page[size]=7", false},
		{"offset", offsetWalk, "?per_page=30", true},
		{"no parameters is offset", offsetWalk, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := tc.walk(t, e, path+tc.query, "comments")
			if len(objs) != len(tk.Comments) {
				t.Fatalf("%d comments, want %d", len(objs), len(tk.Comments))
			}
			for i, o := range objs {
				if id(t, o, "id") != tk.Comments[i].ID {
					t.Fatalf("comment %d out of order", i)
				}
			}
			requireKeys(t, "comment", objs[0], "id", "type", "author_id", "body", "html_body", "plain_body",
				"public", "attachments", "audit_id", "via", "created_at", "metadata")
			requireKeys(t, "via", objs[0].(map[string]any)["via"], "channel", "source")
		})
	}
}

func TestTicketCommentsErrors(t *testing.T) {
	acct := account(2500)
	var deleted int64
	for _, tk := range acct.Tickets {
		if tk.Status == gen.StatusDeleted {
			deleted = tk.ID
			break
		}
	}
	live := ticketWithComments(t, acct, 1).ID
	e := newEnv(t, acct, unlimited(Options{}))
	comments := func(id int64, q string) string {
		return e.base + "/api/v2/tickets/" + strconv.FormatInt(id, 10) + "/comments.json" + q
	}
	for _, tc := range []struct {
		name   string
		url    string
		status int
		body   string
	}{
		{"deleted ticket", comments(deleted, ""), 404, `{"error":"RecordNotFound","description":"Not found"}`},
		{"unknown ticket", comments(1, ""), 404, `{"error":"RecordNotFound","description":"Not found"}`},
		{"offset past 10,000", comments(live, "?page=101&per_page=100"), 400, "InvalidPaginationParameter"},
		{"offset at 10,000", comments(live, "?page=100&per_page=100"), 200, `"comments":[]`},
		{"offset past 10,000, small pages", comments(live, "?page=1001&per_page=10"), 400, "InvalidPaginationParameter"},
		{"page size over 100", comments(live, "?page[size]=101"), 400, "page[size]"},
		{"bad list cursor", comments(live, "?page[after]=xyz"), 400, "InvalidPaginationParameter"},
		{"unknown endpoint", e.base + "/api/v2/nothing.json", 404, "InvalidEndpoint"},
		{"show deleted ticket", e.base + "/api/v2/tickets/" + strconv.FormatInt(deleted, 10) + ".json", 404, "RecordNotFound"},
		{"show ticket", e.base + "/api/v2/tickets/" + strconv.FormatInt(live, 10) + ".json", 200, `"ticket":`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(tc.url, demoAuth)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.body) {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
		})
	}
}

func TestListEndpoints(t *testing.T) {
	acct := account(2500)
	e := newEnv(t, acct, unlimited(Options{}))
	c := acct.Counts()
	for _, tc := range []struct {
		path, key string
		want      int
	}{
		{"/api/v2/groups.json", "groups", c.Groups},
		{"/api/v2/ticket_fields.json", "ticket_fields", c.TicketFields + c.SystemTicketFields},
		{"/api/v2/organizations.json", "organizations", c.Organizations},
		{"/api/v2/users.json", "users", c.EndUsers + c.Agents},
		{"/api/v2/users.json?role[]=agent&role[]=admin", "users", c.Agents},
		{"/api/v2/users.json?role=end-user", "users", c.EndUsers},
	} {
		t.Run(tc.path, func(t *testing.T) {
			sep := "?"
			if strings.Contains(tc.path, "?") {
				sep = "&"
			}
			cursor := listWalk(t, e, tc.path+sep+"page[size]=9", tc.key)
			offset := offsetWalk(t, e, tc.path+sep+"per_page=50", tc.key)
			if len(cursor) != tc.want || len(offset) != tc.want {
				t.Fatalf("cursor %d, offset %d, want %d", len(cursor), len(offset), tc.want)
			}
			seen := map[int64]bool{}
			for _, o := range cursor {
				seen[id(t, o, "id")] = true
			}
			if len(seen) != tc.want {
				t.Fatalf("%d distinct ids", len(seen))
			}
		})
	}
}

func TestTicketFieldsShape(t *testing.T) {
	e := newEnv(t, account(100), unlimited(Options{}))
	fields := items(e.get("/api/v2/ticket_fields.json"), "ticket_fields")
	types := map[string]bool{}
	for _, f := range fields {
		m := f.(map[string]any)
		types[m["type"].(string)] = true
		if m["type"] == "tagger" {
			opts := m["custom_field_options"].([]any)
			if len(opts) == 0 {
				t.Fatal("tagger without options")
			}
			requireKeys(t, "option", opts[0], "id", "name", "value")
			id(t, opts[0], "id")
		}
	}
	for _, want := range []string{"subject", "checkbox", "date", "decimal", "tagger", "integer", "multiselect", "regexp", "text", "textarea"} {
		if !types[want] {
			t.Errorf("no %s field", want)
		}
	}
}

// attachmentsOf returns a comment's attachments from the comments endpoint.
func attachmentsOf(t *testing.T, e *env, tk *gen.Ticket, ci int, query string) []any {
	t.Helper()
	page := e.get("/api/v2/tickets/" + strconv.FormatInt(tk.ID, 10) + "/comments.json?page[size]=100" + query)
	return items(page, "comments")[ci].(map[string]any)["attachments"].([]any)
}

// findComment returns a live ticket and the index of a comment satisfying ok.
func findComment(t *testing.T, a *gen.Account, ok func(*gen.Comment) bool) (*gen.Ticket, int) {
	t.Helper()
	for i := range a.Tickets {
		tk := &a.Tickets[i]
		for ci := range tk.Comments {
			if tk.Status != gen.StatusDeleted && ci < 100 && ok(&tk.Comments[ci]) {
				return tk, ci
			}
		}
	}
	t.Fatal("no such comment")
	return nil, 0
}

func TestAttachmentsLiveOnAnotherHost(t *testing.T) {
	acct := account(2500)
	e := newEnv(t, acct, unlimited(Options{}))
	tk, ci := findComment(t, acct, func(c *gen.Comment) bool {
		return len(c.Attachments) > 0 && !c.Attachments[0].Inline
	})
	want := tk.Comments[ci].Attachments[0]
	att := attachmentsOf(t, e, tk, ci, "")[0].(map[string]any)
	requireKeys(t, "attachment", att, "id", "content_url", "mapped_content_url", "content_type", "size",
		"width", "height", "inline", "deleted", "malware_scan_result", "thumbnails")
	contentURL := att["content_url"].(string)
	if host(t, contentURL) == host(t, e.base) || !strings.HasPrefix(contentURL, "http://localhost:") {
		t.Fatalf("content_url %s is on the API host %s", contentURL, host(t, e.base))
	}
	resp, body := e.do(contentURL, "")
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want.Content) || resp.Header.Get("Content-Type") != want.ContentType {
		t.Fatalf("download: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if leaks := e.srv.Stats().CredentialLeaks; leaks != 0 {
		t.Fatalf("credential_leaks = %d after a clean download", leaks)
	}
	e.do(contentURL, demoAuth)
	if leaks := e.srv.Stats().CredentialLeaks; leaks != 1 {
		t.Fatalf("credential_leaks = %d after sending credentials", leaks)
	}
	if resp, _ := e.do(strings.Replace(contentURL, "/token/", "/token/0", 1), ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("forged token: %d", resp.StatusCode)
	}
}

func TestAttachmentHostOverride(t *testing.T) {
	acct := account(2500)
	e := newEnv(t, acct, unlimited(Options{AttachmentHost: "files.example.test:8443"}))
	tk, ci := findComment(t, acct, func(c *gen.Comment) bool { return len(c.Attachments) > 0 })
	att := attachmentsOf(t, e, tk, ci, "&include_inline_images=true")[0].(map[string]any)
	u, _ := url.Parse(att["content_url"].(string))
	if u.Host != "files.example.test:8443" || u.Path == "" || u.Query().Get("name") == "" {
		t.Fatalf("content_url %s", u)
	}
}

func TestInlineImagesAndLegacyNames(t *testing.T) {
	acct := account(2500)
	e := newEnv(t, acct, unlimited(Options{}))
	tk, ci := findComment(t, acct, func(c *gen.Comment) bool {
		return len(c.Attachments) > 0 && c.Attachments[0].Inline
	})
	inline := len(tk.Comments[ci].Attachments)
	for _, a := range tk.Comments[ci].Attachments {
		if !a.Inline {
			inline--
		}
	}
	all := attachmentsOf(t, e, tk, ci, "&include_inline_images=true")
	hidden := attachmentsOf(t, e, tk, ci, "")
	if len(all) != len(tk.Comments[ci].Attachments) || len(all)-len(hidden) != inline {
		t.Fatalf("include_inline_images: %d listed, %d without, %d inline", len(all), len(hidden), inline)
	}
	html := items(e.get("/api/v2/tickets/"+strconv.FormatInt(tk.ID, 10)+"/comments.json?page[size]=100"), "comments")[ci].(map[string]any)["html_body"].(string)
	if !strings.Contains(html, all[0].(map[string]any)["content_url"].(string)) || strings.Contains(html, "deskport-attachment:") {
		t.Fatalf("inline image src not rewritten: %s", html)
	}

	tk, ci = findComment(t, acct, func(c *gen.Comment) bool {
		return len(c.Attachments) > 0 && c.Attachments[0].LegacyName
	})
	att := attachmentsOf(t, e, tk, ci, "&include_inline_images=true")[0].(map[string]any)
	if _, ok := att["file_name"]; ok || att["name"] != tk.Comments[ci].Attachments[0].FileName {
		t.Fatalf("legacy attachment: %v", att)
	}
}
