package intercom

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/deskport/deskport/load"
)

func TestReconcile(t *testing.T) {
	ticketParts := answer(map[string]any{"type": "ticket", "id": "494", "ticket_parts": map[string]any{"type": "ticket_part.list", "ticket_parts": []any{
		map[string]any{"type": "ticket_part", "id": "tp-1", "part_type": "comment", "body": "<p>Hello</p>", "created_at": 1700000100,
			"author": map[string]any{"type": "user", "id": "6762f0dd1bb69f9f2193bb83"}},
		map[string]any{"type": "ticket_part", "id": "tp-2", "part_type": "note", "body": "<p>Call&nbsp;them <b>now</b></p>", "created_at": 1700000200,
			"author": map[string]any{"type": "admin", "id": "991267459"}, "attachments": []any{map[string]any{"name": "log.txt"}}},
		map[string]any{"type": "ticket_part", "id": "tp-3", "part_type": "note", "body": "<p>Call them now</p>", "created_at": 1700000200,
			"author": map[string]any{"type": "admin", "id": "991267459"}},
	}}})
	tickets := answer(map[string]any{"type": "ticket.list", "total_count": 2, "tickets": []any{
		map[string]any{"type": "ticket", "id": "490", "created_at": 1700000000, "ticket_attributes": map[string]any{"_default_title_": "Other"}},
		map[string]any{"type": "ticket", "id": "494", "created_at": 1700000000, "ticket_attributes": map[string]any{"_default_title_": "Printer on fire"}},
	}})
	conversations := answer(map[string]any{"type": "conversation.list", "total_count": 1, "conversations": []any{
		map[string]any{"type": "conversation", "id": "363", "created_at": 1700000002, "source": map[string]any{"body": "<p>Where is my order?</p>"}},
	}})
	tests := []struct {
		name      string
		op        load.Op
		routes    map[string]http.HandlerFunc
		wantID    string
		wantPaths []string // the requests, "METHOD path?query"
		wantBody  string   // a substring of the last request's body
	}{
		{
			name: "data attribute found by name", op: op("data_attribute:contact:Source_Phone", "data_attribute",
				`{"model":"contact","name":"Source_Phone","data_type":"string"}`),
			wantID: "13001", wantPaths: []string{"GET /data_attributes?model=contact"},
		},
		{
			name: "data attribute not there", op: op("data_attribute:company:Tier", "data_attribute",
				`{"model":"company","name":"Tier","data_type":"string"}`),
			wantPaths: []string{"GET /data_attributes?model=company"},
		},
		{
			name: "contact found by external_id", op: contactOp,
			routes: map[string]http.HandlerFunc{"GET /contacts/find_by_external_id/{external_id}": answer(map[string]any{"id": "c1", "external_id": "zd-1"})},
			wantID: "c1", wantPaths: []string{"GET /contacts/find_by_external_id/zd-1"},
		},
		{
			name: "contact not there", op: contactOp,
			routes:    map[string]http.HandlerFunc{"GET /contacts/find_by_external_id/{external_id}": fail(404, "not_found", "User Not Found")},
			wantPaths: []string{"GET /contacts/find_by_external_id/zd-1"},
		},
		{
			name: "contact external id with a slash", op: op("contact:2", "contact", `{"role":"user","external_id":"a/b c"}`),
			routes:    map[string]http.HandlerFunc{"GET /contacts/find_by_external_id/{external_id}": fail(404, "not_found", "User Not Found")},
			wantPaths: []string{"GET /contacts/find_by_external_id/a%2Fb%20c"},
		},
		{
			name: "company as a list", op: op("company:1", "company", `{"company_id":"zd 1","name":"Acme"}`),
			routes: map[string]http.HandlerFunc{"GET /companies": answer(map[string]any{"type": "list", "data": []any{
				map[string]any{"type": "company", "id": "co-1", "company_id": "zd 1"}}})},
			wantID: "co-1", wantPaths: []string{"GET /companies?company_id=zd+1"},
		},
		{
			name: "company as itself", op: op("company:1", "company", `{"company_id":"zd-1","name":"Acme"}`),
			routes: map[string]http.HandlerFunc{"GET /companies": answer(map[string]any{"type": "company", "id": "co-1", "company_id": "zd-1"})},
			wantID: "co-1", wantPaths: []string{"GET /companies?company_id=zd-1"},
		},
		{
			name: "company not there", op: op("company:1", "company", `{"company_id":"zd-1","name":"Acme"}`),
			routes:    map[string]http.HandlerFunc{"GET /companies": fail(404, "company_not_found", "Company Not Found")},
			wantPaths: []string{"GET /companies?company_id=zd-1"},
		},
		{
			name: "tag by name, any case", op: tagOp,
			routes: map[string]http.HandlerFunc{"GET /tags": answer(map[string]any{"type": "list", "data": []any{
				map[string]any{"id": "1", "name": "billing"}, map[string]any{"id": "81", "name": "vip"}}})},
			wantID: "81", wantPaths: []string{"GET /tags"},
		},
		{
			name: "ticket type by name", op: op("ticket_type:q", "ticket_type", `{"name":"Question","category":"Customer"}`),
			routes: map[string]http.HandlerFunc{"GET /ticket_types": answer(map[string]any{"type": "list", "data": []any{
				map[string]any{"id": "9", "name": "Question", "archived": true}, map[string]any{"id": "70", "name": "question"}}})},
			wantID: "70", wantPaths: []string{"GET /ticket_types"},
		},
		{
			name: "ticket attribute of its type", op: op("ticket_attribute:p", "ticket_attribute", `{"ticket_type_ref":"ticket_type:q","name":"Priority","description":"","data_type":"string"}`),
			routes: map[string]http.HandlerFunc{"GET /ticket_types/{id}": answer(map[string]any{"type": "ticket_type", "id": "70",
				"ticket_type_attributes": map[string]any{"data": []any{map[string]any{"id": "174", "name": "_default_title_"}, map[string]any{"id": "180", "name": "Priority"}}}})},
			wantID: "180", wantPaths: []string{"GET /ticket_types/70"},
		},
		{
			name: "ticket by contact, time and title", op: ticketOp,
			routes: map[string]http.HandlerFunc{"POST /tickets/search": tickets},
			wantID: "494", wantPaths: []string{"POST /tickets/search"},
			wantBody: `{"query":{"operator":"AND","value":[{"field":"contact_ids","operator":"=","value":"6762f0dd1bb69f9f2193bb83"},{"field":"created_at","operator":"=","value":1700000000}]},"pagination":{"per_page":150}}`,
		},
		{
			name: "ticket search without the created_at filter after a 400", op: ticketOp,
			routes: map[string]http.HandlerFunc{"POST /tickets/search": func(w http.ResponseWriter, r *http.Request) {
				if strings.Contains(readBody(r), "created_at") {
					writeError(w, 400, "parameter_invalid", "created_at is not searchable with =")
					return
				}
				tickets(w, r)
			}},
			wantID: "494", wantPaths: []string{"POST /tickets/search", "POST /tickets/search"},
			wantBody: `{"query":{"operator":"AND","value":[{"field":"contact_ids","operator":"=","value":"6762f0dd1bb69f9f2193bb83"}]},"pagination":{"per_page":150}}`,
		},
		{
			name: "ticket search pages", op: ticketOp,
			routes: map[string]http.HandlerFunc{"POST /tickets/search": func(w http.ResponseWriter, r *http.Request) {
				if !strings.Contains(readBody(r), `"starting_after":"page2"`) {
					writeJSON(w, 200, map[string]any{"type": "ticket.list", "tickets": []any{}, "pages": map[string]any{"next": map[string]any{"starting_after": "page2"}}})
					return
				}
				tickets(w, r)
			}},
			wantID: "494", wantPaths: []string{"POST /tickets/search", "POST /tickets/search"},
		},
		{
			name: "ticket with another title not ours", op: op("ticket:13", "ticket", `{"ticket_type_id":"70","contact_ref":"contact:1","created_at":1700000000,"ticket_attributes":{"_default_title_":"Not there"}}`),
			routes:    map[string]http.HandlerFunc{"POST /tickets/search": tickets},
			wantPaths: []string{"POST /tickets/search"},
		},
		{
			name: "conversation by contact, time and body", op: op("conversation:14", "conversation", `{"contact_ref":"contact:1","body":"Where is my order?","created_at":1700000002}`),
			routes: map[string]http.HandlerFunc{"POST /conversations/search": conversations},
			wantID: "363", wantPaths: []string{"POST /conversations/search"},
			wantBody: `"field":"created_at","operator":"=","value":1700000002`,
		},
		{
			name: "ticket part by author, time, body and files", op: op("part:12:1:0", "part", `{"parent":"ticket","parent_ref":"ticket:12","message_type":"note","author_type":"admin","admin_id":"991267459",
				"body":"<p>Call them <b>now</b></p>","created_at":1700000200,"attachments":[{"source_id":"a1","file_name":"log.txt","download":true}]}`),
			routes: map[string]http.HandlerFunc{"GET /tickets/{id}": ticketParts},
			wantID: "tp-2", wantPaths: []string{"GET /tickets/494"},
		},
		{
			name: "ticket part without files", op: op("part:12:1:1", "part", `{"parent":"ticket","parent_ref":"ticket:12","message_type":"note","author_type":"admin","admin_id":"991267459",
				"body":"<p>Call them <b>now</b></p>","created_at":1700000200}`),
			routes: map[string]http.HandlerFunc{"GET /tickets/{id}": ticketParts},
			wantID: "tp-3", wantPaths: []string{"GET /tickets/494"},
		},
		{
			name: "contact's part", op: op("part:12:2:0", "part", `{"parent":"ticket","parent_ref":"ticket:12","message_type":"comment","author_type":"user","contact_ref":"contact:1",
				"body":"Hello","created_at":1700000100}`),
			routes: map[string]http.HandlerFunc{"GET /tickets/{id}": ticketParts},
			wantID: "tp-1", wantPaths: []string{"GET /tickets/494"},
		},
		{
			name: "part not there", op: op("part:12:3:0", "part", `{"parent":"ticket","parent_ref":"ticket:12","message_type":"comment","author_type":"user","contact_ref":"contact:1",
				"body":"Hello","created_at":1700000999}`),
			routes:    map[string]http.HandlerFunc{"GET /tickets/{id}": ticketParts},
			wantPaths: []string{"GET /tickets/494"},
		},
		{
			name: "conversation part", op: op("part:14:1:0", "part", `{"parent":"conversation","parent_ref":"conversation:14","message_type":"comment","author_type":"admin","admin_id":"7",
				"body":"Done","created_at":5}`),
			routes: map[string]http.HandlerFunc{"GET /conversations/{id}": answer(map[string]any{"type": "conversation", "id": "363",
				"conversation_parts": map[string]any{"conversation_parts": []any{
					map[string]any{"id": "cp-1", "part_type": "comment", "body": "Done", "created_at": 5, "author": map[string]any{"type": "admin", "id": "7"}}}}})},
			wantID: "cp-1", wantPaths: []string{"GET /conversations/363"},
		},
		{name: "contact_company is sent again", op: op("contact_company:1", "contact_company", `{"contact_ref":"contact:1","company_ref":"company:1"}`)},
		{name: "tagging is sent again", op: op("tagging:1", "tagging", `{"parent":"ticket","parent_ref":"ticket:12","tag_ref":"tag:vip","admin_id":"1"}`)},
		{name: "ticket_state is sent again", op: stateOp},
		{name: "an unloaded reference cannot have been sent", op: op("ticket:99", "ticket", `{"ticket_type_id":"70","contact_ref":"contact:404"}`)},
		{name: "a payload Execute refuses", op: op("contact:9", "contact", `{"role":"user"}`)},
	}
	refs := load.Refs{"contact:1": "6762f0dd1bb69f9f2193bb83", "ticket:12": "494", "conversation:14": "363", "ticket_type:q": "70"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			for route, h := range tt.routes {
				f.on(route, h)
			}
			id, found, err := f.client().Reconcile(t.Context(), tt.op, refs)
			if err != nil {
				t.Fatal(err)
			}
			if id != tt.wantID || found != (tt.wantID != "") {
				t.Errorf("Reconcile = %q, %v; want %q", id, found, tt.wantID)
			}
			reqs := f.requests()
			checkAgainstSpec(t, reqs)
			var paths []string
			for _, r := range reqs {
				p := r.Method + " " + r.Path
				if r.Query != "" {
					p += "?" + r.Query
				}
				paths = append(paths, p)
			}
			if strings.Join(paths, "\n") != strings.Join(tt.wantPaths, "\n") {
				t.Errorf("requests %q, want %q", paths, tt.wantPaths)
			}
			if tt.wantBody != "" && !strings.Contains(string(reqs[len(reqs)-1].Body), tt.wantBody) {
				t.Errorf("body %s does not contain %s", reqs[len(reqs)-1].Body, tt.wantBody)
			}
		})
	}
}

// readBody reads a request body the fake already buffered, leaving it readable.
func readBody(r *http.Request) string {
	var v json.RawMessage
	_ = json.NewDecoder(r.Body).Decode(&v)
	return string(v)
}
