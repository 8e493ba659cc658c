package intercom

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// TestResponsesMatchTheDescription replays a migration-shaped scenario and
// validates every 2xx response against the 2.15 description.
func TestResponsesMatchTheDescription(t *testing.T) {
	e := newEnv(t, nil)
	var problems []string
	check := func(method, path string, body any) {
		t.Helper()
		var raw []byte
		if body != nil {
			raw, _ = jsonMarshal(body)
		}
		req := httptest.NewRequest(method, "/"+strings.TrimPrefix(path, "/"), bytes.NewReader(raw))
		req.Header.Set("Authorization", "Bearer "+DefaultToken)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
		}
		req2 := httptest.NewRequest(method, "/"+strings.TrimPrefix(path, "/"), bytes.NewReader(raw))
		if body != nil {
			req2.Header.Set("Content-Type", "application/json")
		}
		route, params, err := mustLoadSpec().FindRoute(req2)
		if err != nil {
			t.Fatal(err)
		}
		in := &openapi3filter.RequestValidationInput{Request: req2, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
			Options: &openapi3filter.Options{IncludeResponseStatus: true},
		})
		if err != nil {
			problems = append(problems, method+" "+path+": "+validationMessage(err))
		}
	}
	check("GET", "/me", nil)
	check("GET", "/admins", nil)
	check("GET", "/admins/101", nil)
	check("GET", "/teams", nil)
	check("GET", "/teams/201", nil)
	check("GET", "/ticket_states", nil)
	check("POST", "/data_attributes", map[string]any{"name": "tier", "model": "contact", "data_type": "string"})
	check("GET", "/data_attributes", nil)
	ct := e.contact("c1")
	check("POST", "/contacts", map[string]any{"role": "user", "external_id": "c2", "custom_attributes": map[string]any{"tier": "a"}})
	check("GET", "/contacts", nil)
	check("GET", "/contacts/"+ct, nil)
	check("PUT", "/contacts/"+ct, map[string]any{"name": "x"})
	check("POST", "/contacts/search", map[string]any{"query": filter("role", "=", "user")})
	co := e.ok("POST", "/companies", map[string]any{"company_id": "org", "plan": "pro"}).str("id")
	check("POST", "/companies", map[string]any{"company_id": "org2", "name": "n"})
	check("POST", "/contacts/"+ct+"/companies", map[string]any{"id": co})
	check("GET", "/contacts/"+ct+"/companies", nil)
	check("GET", "/companies", nil)
	check("GET", "/companies/"+co, nil)
	check("POST", "/companies/list", nil)
	tag := e.ok("POST", "/tags", map[string]any{"name": "t"}).str("id")
	check("POST", "/tags", map[string]any{"name": "t2"})
	check("GET", "/tags", nil)
	check("POST", "/contacts/"+ct+"/tags", map[string]any{"id": tag})
	check("GET", "/contacts/"+ct+"/tags", nil)
	check("POST", "/conversations", map[string]any{"from": map[string]any{"type": "user", "id": ct}, "body": "hi", "created_at": 1500000000})
	conv := e.conversation(ct, "hello", 1500000000)
	check("POST", "/conversations/"+conv+"/reply", adminReply("101", "r", 1500000001))
	check("POST", "/conversations/"+conv+"/parts", map[string]any{"message_type": "close", "type": "admin", "admin_id": "101"})
	check("POST", "/conversations/"+conv+"/tags", map[string]any{"id": tag, "admin_id": "101"})
	check("GET", "/conversations", nil)
	check("GET", "/conversations/"+conv, nil)
	check("POST", "/conversations/search", map[string]any{"query": filter("contact_ids", "=", ct)})
	check("POST", "/ticket_types", map[string]any{"name": "Bug", "category": "Customer"})
	tt := e.ticketType("Task", "Back-office")
	check("POST", "/ticket_types/"+tt+"/attributes", map[string]any{"name": "P", "description": "d", "data_type": "string"})
	check("GET", "/ticket_types", nil)
	check("GET", "/ticket_types/"+tt, nil)
	check("POST", "/tickets", map[string]any{"ticket_type_id": tt, "contacts": []any{map[string]any{"id": ct}},
		"ticket_attributes": map[string]any{titleAttribute: "t"}})
	tk := e.ticket(tt, ct, "title", 1500000000)
	check("POST", "/tickets/"+tk+"/reply", adminReply("101", "r", 1500000001))
	check("PUT", "/tickets/"+tk, map[string]any{"ticket_state_id": "8484"})
	check("POST", "/tickets/"+tk+"/tags", map[string]any{"id": tag, "admin_id": "101"})
	check("GET", "/tickets/"+tk, nil)
	check("POST", "/tickets/search", map[string]any{"query": filter("contact_ids", "=", ct)})
	check("DELETE", "/tickets/"+tk, nil)
	check("DELETE", "/conversations/"+conv, nil)
	check("DELETE", "/contacts/"+ct, nil)
	// The Help Center.
	check("GET", "/help_center/help_centers", nil)
	check("GET", "/help_center/help_centers/1000001", nil)
	check("POST", "/help_center/collections", map[string]any{"name": "Top",
		"translated_content": map[string]any{"type": "group_translated_content", "de": map[string]any{"type": "group_content", "name": "Oben"}}})
	col := e.ok("POST", "/help_center/collections", map[string]any{"name": "Start"}).str("id")
	check("PUT", "/help_center/collections/"+col, map[string]any{"description": "d"})
	check("GET", "/help_center/collections", nil)
	check("GET", "/help_center/collections/"+col, nil)
	article := map[string]any{"title": "A", "author_id": 101, "body": "<p>b</p>", "state": "published", "parent_id": intID(t, col), "parent_type": "collection",
		"translated_content": map[string]any{"type": "article_translated_content", "fr": map[string]any{"type": "article_content", "title": "Un", "author_id": 101, "state": "draft"}}}
	check("POST", "/articles", article)
	art := e.ok("POST", "/articles", article).str("id")
	check("PUT", "/articles/"+art, map[string]any{"body": "<p>c</p>"})
	check("GET", "/articles", nil)
	check("GET", "/articles/"+art, nil)
	check("DELETE", "/articles/"+art, nil)
	check("DELETE", "/help_center/collections/"+col, nil)
	for _, p := range problems {
		t.Error(p)
	}
}
