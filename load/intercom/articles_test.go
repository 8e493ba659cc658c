package intercom

import (
	"net/http"
	"testing"

	"github.com/deskport/deskport/load"
)

// TestReconcileKnowledgeBase: a collection or article whose answer was lost is found by listing,
// matched by name (title) and parent, across pages; one under another parent is not it.
func TestReconcileKnowledgeBase(t *testing.T) {
	collections := func(w http.ResponseWriter, r *http.Request) {
		pages := map[string][]any{
			"1": {map[string]any{"id": "9100001", "name": "Account", "parent_id": "9100000"}},
			"2": {map[string]any{"id": "9100002", "name": "Account", "parent_id": "9100005"}},
		}
		writeJSON(w, 200, map[string]any{"type": "list", "data": pages[r.URL.Query().Get("page")], "total_count": 2,
			"pages": map[string]any{"type": "pages", "page": 1, "per_page": 1, "total_pages": 2}})
	}
	articles := answer(map[string]any{"type": "list", "total_count": 2, "pages": map[string]any{"page": 1, "total_pages": 1},
		"data": []any{map[string]any{"id": "8800001", "title": "Sign in", "parent_id": 9100001},
			map[string]any{"id": "8800002", "title": "Sign in", "parent_id": 9100009}}})
	tests := []struct {
		name   string
		op     load.Op
		refs   load.Refs
		wantID string
		calls  int
	}{
		{"collection on the second page", op("collection:s:10", "collection", `{"name":"Account","parent_ref":"collection:c:1"}`),
			load.Refs{"collection:c:1": "9100005"}, "9100002", 2},
		{"collection not there", op("collection:s:11", "collection", `{"name":"Phones","parent_ref":"collection:c:1"}`),
			load.Refs{"collection:c:1": "9100005"}, "", 2},
		{"article under its parent", op("article:100", "article", `{"title":"Sign in","author_id":1,"parent_ref":"collection:s:10"}`),
			load.Refs{"collection:s:10": "9100009"}, "8800002", 1},
		{"article update is sent again", op("article_update:100", "article_update", `{"article_ref":"article:100"}`),
			load.Refs{"article:100": "8800001"}, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.on("GET /help_center/collections", collections)
			f.on("GET /articles", articles)
			id, found, err := f.client().Reconcile(t.Context(), tc.op, tc.refs)
			if err != nil {
				t.Fatal(err)
			}
			if id != tc.wantID || found != (tc.wantID != "") {
				t.Errorf("found %v %q, want %q", found, id, tc.wantID)
			}
			if n := len(f.requests()); n != tc.calls {
				t.Errorf("%d requests, want %d", n, tc.calls)
			}
		})
	}
}
