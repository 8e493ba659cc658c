package zendesk

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/deskport/deskport/sandbox/gen"
)

// send makes a request with the demo credentials and returns its status and body.
func (e *env) send(method, path string) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", demoAuth)
	resp, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// TestDeletes: each delete answers as Zendesk does, the record leaves lists, search and show,
// and deleting it again answers 404.
func TestDeletes(t *testing.T) {
	e := writable(t, Options{})
	_, agent := people(e)
	post := func(path string, body map[string]any, key string) int64 {
		t.Helper()
		st, out := e.post(path, body)
		if st != http.StatusCreated {
			t.Fatalf("POST %s: %d %v", path, st, out)
		}
		return id(t, out[key], "id")
	}
	org := post("/api/v2/organizations.json", map[string]any{"organization": map[string]any{"name": "Gone Ltd", "external_id": "o:1"}}, "organization")
	user := post("/api/v2/users/create_or_update.json", map[string]any{"user": map[string]any{"name": "Gina", "external_id": "u:1", "organization_id": org}}, "user")
	comment := map[string]any{"author_id": user, "html_body": "<p>hi</p>", "created_at": "2024-01-01T10:00:00Z"}
	ticket := post("/api/v2/imports/tickets.json", map[string]any{"ticket": map[string]any{"external_id": "t:1", "subject": "S",
		"requester_id": user, "status": "open", "created_at": "2024-01-01T10:00:00Z", "comments": []any{comment}}}, "ticket")
	archived := post("/api/v2/imports/tickets.json?archive_immediately=true", map[string]any{"ticket": map[string]any{"external_id": "t:2", "subject": "S",
		"requester_id": user, "status": "closed", "created_at": "2024-01-02T10:00:00Z", "comments": []any{comment}}}, "ticket")
	cat := post("/api/v2/help_center/categories.json", map[string]any{"category": map[string]any{"name": "C", "locale": "en-us"}}, "category")
	sec := post(fmt.Sprintf("/api/v2/help_center/categories/%d/sections.json", cat), map[string]any{"section": map[string]any{"name": "S"}}, "section")
	child := post(fmt.Sprintf("/api/v2/help_center/categories/%d/sections.json", cat), map[string]any{"section": map[string]any{"name": "N", "parent_section_id": sec}}, "section")
	art := post(fmt.Sprintf("/api/v2/help_center/sections/%d/articles.json", child), map[string]any{"article": map[string]any{"title": "A", "body": "b", "author_id": agent}}, "article")
	tr := post(fmt.Sprintf("/api/v2/help_center/articles/%d/translations.json", art), map[string]any{"translation": map[string]any{"locale": "de", "title": "A de"}}, "translation")
	source := id(t, items(e.get(fmt.Sprintf("/api/v2/help_center/articles/%d/translations.json", art)), "translations")[0], "id")

	if rel := e.get(fmt.Sprintf("/api/v2/users/%d/related.json", user))["user_related"].(map[string]any); fmt.Sprint(rel["requested_tickets"]) != "2" {
		t.Errorf("user related %v, want 2 requested tickets (the archived one too)", rel)
	}
	if rel := e.get(fmt.Sprintf("/api/v2/organizations/%d/related.json", org))["organization_related"].(map[string]any); fmt.Sprint(rel["users_count"]) != "1" {
		t.Errorf("organization related %v, want 1 user", rel)
	}
	if got := items(e.get(fmt.Sprintf("/api/v2/tickets/show_many.json?ids=%d,%d,1", ticket, archived)), "tickets"); len(got) != 2 {
		t.Errorf("show_many: %d tickets, want both (archived included)", len(got))
	}

	steps := []struct {
		name, method, path string
		status             int
		gone               []string // reads that answer 404 afterwards
	}{
		{"source translation stays", "DELETE", fmt.Sprintf("/api/v2/help_center/translations/%d.json", source), 400, nil},
		{"translation", "DELETE", fmt.Sprintf("/api/v2/help_center/translations/%d.json", tr), 204, nil},
		{"ticket", "DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", ticket), 204,
			[]string{fmt.Sprintf("/api/v2/tickets/%d.json", ticket), fmt.Sprintf("/api/v2/tickets/%d/comments.json", ticket)}},
		{"ticket again", "DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", ticket), 404, nil},
		{"ticket for good", "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", ticket), 200, nil},
		{"ticket for good again", "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", ticket), 404, nil},
		{"live ticket not for good", "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", archived), 404, nil},
		{"archived ticket", "DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", archived), 204, []string{fmt.Sprintf("/api/v2/tickets/%d.json", archived)}},
		{"archived ticket for good", "DELETE", fmt.Sprintf("/api/v2/deleted_tickets/%d.json", archived), 200, nil},
		{"user", "DELETE", fmt.Sprintf("/api/v2/users/%d.json", user), 200, nil},
		{"user again", "DELETE", fmt.Sprintf("/api/v2/users/%d.json", user), 404, nil},
		{"user for good", "DELETE", fmt.Sprintf("/api/v2/deleted_users/%d.json", user), 200, []string{fmt.Sprintf("/api/v2/users/%d.json", user)}},
		{"organization", "DELETE", fmt.Sprintf("/api/v2/organizations/%d.json", org), 204, []string{fmt.Sprintf("/api/v2/organizations/%d.json", org)}},
		{"section with its nested section and article", "DELETE", fmt.Sprintf("/api/v2/help_center/sections/%d.json", sec), 204,
			[]string{fmt.Sprintf("/api/v2/help_center/sections/%d.json", child), fmt.Sprintf("/api/v2/help_center/articles/%d.json", art)}},
		{"category", "DELETE", fmt.Sprintf("/api/v2/help_center/categories/%d.json", cat), 204, []string{fmt.Sprintf("/api/v2/help_center/categories/%d.json", cat)}},
		{"an agent's own user", "DELETE", fmt.Sprintf("/api/v2/users/%d.json", meID(e)), 403, nil},
	}
	for _, s := range steps {
		if st, body := e.send(s.method, s.path); st != s.status {
			t.Fatalf("%s: %s %s answered %d %s, want %d", s.name, s.method, s.path, st, body, s.status)
		}
		for _, p := range s.gone {
			if st, _ := e.send("GET", p); st != http.StatusNotFound {
				t.Errorf("%s: GET %s answers %d after the delete, want 404", s.name, p, st)
			}
		}
	}
	for _, q := range []string{"/api/v2/tickets.json?external_id=t:1", "/api/v2/search.json?query=type:ticket+external_id:t:2",
		"/api/v2/users/search.json?external_id=u:1", "/api/v2/organizations/search.json?external_id=o:1"} {
		m := e.get(q)
		for _, key := range []string{"tickets", "results", "users", "organizations"} {
			if n := len(items(m, key)); n != 0 {
				t.Errorf("%s still finds %d %s", q, n, key)
			}
		}
	}
	w := e.srv.Written()
	if n := len(w.Tickets) + len(w.Users) + len(w.Organizations) + len(w.Categories) + len(w.Sections) + len(w.Articles); n != 0 {
		t.Errorf("Written still lists %d records: %+v", n, w)
	}
	// Created again, nothing counts as a duplicate of what was deleted.
	post("/api/v2/organizations.json", map[string]any{"organization": map[string]any{"name": "Gone Ltd", "external_id": "o:1"}}, "organization")
	again := post("/api/v2/users/create_or_update.json", map[string]any{"user": map[string]any{"name": "Gina", "external_id": "u:1"}}, "user")
	comment["author_id"] = again
	post("/api/v2/imports/tickets.json", map[string]any{"ticket": map[string]any{"external_id": "t:1", "subject": "S",
		"requester_id": again, "status": "open", "created_at": "2024-01-01T10:00:00Z", "comments": []any{comment}}}, "ticket")
	st := e.srv.Stats()
	for kind, n := range st.Duplicates {
		if n != 0 {
			t.Errorf("%d duplicate %s after deleting the first", n, kind)
		}
	}
	if st.Deleted["ticket"] != 2 || st.Deleted["ticket_permanently"] != 2 || st.Deleted["user_permanently"] != 1 || st.Deleted["section"] != 1 {
		t.Errorf("Stats.Deleted %v", st.Deleted)
	}
}

func meID(e *env) int64 {
	a := e.srv.Account()
	a.RLock()
	defer a.RUnlock()
	return e.srv.meID()
}

// TestDeleteDroppedAnswer: a delete whose answer is dropped is applied; sent again it answers 404.
func TestDeleteDroppedAnswer(t *testing.T) {
	e := writable(t, Options{})
	acct := e.srv.Account()
	acct.RLock()
	tk := acct.Tickets[0].ID
	acct.RUnlock()
	e.srv.SetFaults(Faults{DropAfterWriteRate: 1})
	req, _ := http.NewRequest("DELETE", fmt.Sprintf("%s/api/v2/tickets/%d.json", e.base, tk), nil)
	req.Header.Set("Authorization", demoAuth)
	if resp, err := e.http.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the answer was not dropped: %d", resp.StatusCode)
	}
	e.srv.SetFaults(Faults{})
	if st, _ := e.send("DELETE", fmt.Sprintf("/api/v2/tickets/%d.json", tk)); st != http.StatusNotFound {
		t.Errorf("second delete: %d, want 404", st)
	}
	acct.RLock()
	defer acct.RUnlock()
	if got := acct.TicketByID(tk); got == nil || got.Status != gen.StatusDeleted {
		t.Errorf("ticket %d after the dropped delete: %+v", tk, got)
	}
}
