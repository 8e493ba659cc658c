package intercom

import (
	"fmt"
	"strconv"
	"testing"
)

// TestHelpCenterCollections: collections nest three levels deep at most, under an existing
// parent, with translated_content only in supported locales.
func TestHelpCenterCollections(t *testing.T) {
	e := newEnv(t, nil)
	top := e.ok("POST", "/help_center/collections", map[string]any{"name": "Start",
		"translated_content": map[string]any{"type": "group_translated_content", "de": map[string]any{"type": "group_content", "name": "Anfang"}}}).str("id")
	mid := e.ok("POST", "/help_center/collections", map[string]any{"name": "Mid", "parent_id": top}).str("id")
	low := e.ok("POST", "/help_center/collections", map[string]any{"name": "Low", "parent_id": mid}).str("id")
	cases := []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"fourth level", map[string]any{"name": "Too deep", "parent_id": low}, 400, "parameter_invalid"},
		{"missing parent", map[string]any{"name": "x", "parent_id": "1"}, 404, "not_found"},
		{"no name", map[string]any{"description": "d"}, 400, "parameter_invalid"},
		{"unsupported locale", map[string]any{"name": "x", "translated_content": map[string]any{"is": map[string]any{"name": "y"}}}, 400, "parameter_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { expectError(t, e.do("POST", "/help_center/collections", c.body), c.status, c.code) })
	}
	got := e.ok("GET", "/help_center/collections/"+mid, nil)
	if got.str("parent_id") != top || jsonPath(got.json, "translated_content") != nil {
		t.Errorf("collection %s", got.body)
	}
	if r := e.ok("GET", "/help_center/collections?per_page=2&page=2", nil); len(r.list("data")) != 1 || num(r.json["total_count"]) != 3 {
		t.Errorf("page 2 %s", r.body)
	}
	if r := e.ok("GET", "/help_center/help_centers", nil); len(r.list("data")) != 1 {
		t.Errorf("help centers %s", r.body)
	}
	e.ok("DELETE", "/help_center/collections/"+low, nil)
	if n := len(e.srv.Collections()); n != 2 {
		t.Errorf("%d collections after a delete, want 2", n)
	}
}

// TestHelpCenterArticles: an article needs a teammate as author and an existing parent; an
// update keeps what it does not name and adds translations; the same title twice under one
// parent counts as a duplicate.
func TestHelpCenterArticles(t *testing.T) {
	e := newEnv(t, nil)
	col := e.ok("POST", "/help_center/collections", map[string]any{"name": "Start"}).str("id")
	body := func(extra map[string]any) map[string]any {
		b := map[string]any{"title": "Sign in", "body": "<p>x</p>", "author_id": 101, "state": "published",
			"parent_id": intID(t, col), "parent_type": "collection"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	expectError(t, e.do("POST", "/articles", body(map[string]any{"author_id": 999})), 400, "parameter_invalid")
	expectError(t, e.do("POST", "/articles", body(map[string]any{"parent_id": 1})), 404, "not_found")
	expectError(t, e.do("POST", "/articles", body(map[string]any{"title": ""})), 400, "parameter_missing")
	id := e.ok("POST", "/articles", body(nil)).str("id")
	up := e.ok("PUT", "/articles/"+id, map[string]any{"body": "<p>y</p>", "translated_content": map[string]any{
		"type": "article_translated_content", "de": map[string]any{"type": "article_content", "title": "Anmelden", "body": "<p>de</p>", "author_id": 102, "state": "draft"}}})
	if up.str("title") != "Sign in" || up.str("body") != "<p>y</p>" || jsonPath(up.json, "translated_content", "de", "title") != "Anmelden" {
		t.Errorf("update %s", up.body)
	}
	if got := e.ok("GET", "/articles/"+id, nil); got.str("url") == "" || num(got.json["parent_id"]) != intID(t, col) {
		t.Errorf("article %s", got.body)
	}
	e.ok("POST", "/articles", body(nil))
	if st := e.srv.Stats(); st.Created["article"] != 2 || st.Duplicates["article"] != 1 {
		t.Errorf("stats %+v", st)
	}
	if r := e.ok("GET", "/articles", nil); num(r.json["total_count"]) != 2 || r.str("type") != "list" {
		t.Errorf("list %s", r.body)
	}
	if r := e.ok("DELETE", "/articles/"+id, nil); r.json["deleted"] != true {
		t.Errorf("delete %s", r.body)
	}
	expectError(t, e.do("GET", fmt.Sprintf("/articles/%s", id), nil), 404, "not_found")
}

// intID is a string id as the integer the 2.15 description types parent_id as.
func intID(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		t.Fatalf("id %q is not numeric", id)
	}
	return n
}
