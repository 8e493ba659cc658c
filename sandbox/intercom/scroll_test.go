package intercom

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// The company scroll returns every listed company once, 50 a page, then an empty page; one
// scroll is open at a time, and an unused one expires after a minute.
func TestCompanyScroll(t *testing.T) {
	e := newEnv(t, nil)
	ct := e.contact("c1")
	for i := range 120 {
		id := e.ok("POST", "/companies", map[string]any{"company_id": "co" + strconv.Itoa(i)}).str("id")
		e.ok("POST", "/contacts/"+ct+"/companies", map[string]any{"id": id})
	}
	e.ok("POST", "/companies", map[string]any{"company_id": "no-contact"}) // not listed by Intercom

	seen := map[string]bool{}
	r := e.ok("GET", "/companies/scroll", nil)
	checkScrollResponse(t, r)
	expectError(t, e.do("GET", "/companies/scroll", nil), 400, "scroll_exists")
	for pages := 1; len(r.list("data")) > 0; pages++ {
		for _, co := range r.list("data") {
			id, _ := co["id"].(string)
			if seen[id] {
				t.Fatalf("company %s twice", id)
			}
			seen[id] = true
		}
		if pages > 3 {
			t.Fatal("scroll does not end")
		}
		r = e.ok("GET", "/companies/scroll?scroll_param="+r.str("scroll_param"), nil)
	}
	checkScrollResponse(t, r) // the empty last page
	if len(seen) != 120 || r.str("scroll_param") != "" {
		t.Fatalf("%d companies, end param %q; want 120 and none", len(seen), r.str("scroll_param"))
	}

	first := e.ok("GET", "/companies/scroll", nil) // the finished scroll is closed: a new one opens
	e.clock.Advance(61 * time.Second)
	expectError(t, e.do("GET", "/companies/scroll?scroll_param="+first.str("scroll_param"), nil), 404, "not_found")
}

// Seed builds a workspace through the API: the long thread keeps all its parts, of which
// Intercom shows the 500 most recent.
func TestSeed(t *testing.T) {
	srv := New(Options{Strict: true, RateLimit: -1})
	got, err := Seed(srv, SeedSpec{Contacts: 3, Companies: 2, Conversations: 2, PartsPer: 4, LongThread: 600, Tickets: 2})
	if err != nil {
		t.Fatal(err)
	}
	var long Conversation
	for _, c := range srv.Conversations() {
		if c.ID == got.LongThread {
			long = c
		}
	}
	checks := []struct {
		what      string
		got, want int
	}{
		{"contacts", len(srv.Contacts()), 3},
		{"leads", len(got.Leads), 1},
		{"companies", len(srv.Companies()), 2},
		{"conversations", len(srv.Conversations()), 3},
		{"long thread parts", len(long.Parts), 600},
		{"tickets", len(srv.Tickets()), 2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}
	if _, err := Seed(New(Options{RateLimit: -1}), SeedSpec{Tickets: 1}); err == nil {
		t.Error("tickets without contacts: no error")
	}
}

// checkScrollResponse validates a scroll page against the 2.15 description (company_scroll).
func checkScrollResponse(t *testing.T, r response) {
	t.Helper()
	req := httptest.NewRequest("GET", "/companies/scroll", nil)
	route, params, err := mustLoadSpec().FindRoute(req)
	if err != nil {
		t.Fatal(err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(r.body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	})
	if err != nil {
		t.Errorf("scroll page does not match the description: %v", err)
	}
}
