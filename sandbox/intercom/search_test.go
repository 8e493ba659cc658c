package intercom

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func filter(field, op string, value any) map[string]any {
	return map[string]any{"field": field, "operator": op, "value": value}
}

func group(op string, filters ...any) map[string]any {
	return map[string]any{"operator": op, "value": filters}
}

func TestContactSearch(t *testing.T) {
	e := newEnv(t, nil)
	for i := range 6 {
		role := "user"
		if i%2 == 1 {
			role = "lead"
		}
		e.ok("POST", "/contacts", map[string]any{"role": role, "external_id": fmt.Sprint("zd-", i), "email": fmt.Sprint("p", i, "@x.test"),
			"signed_up_at": 1577836800 + int64(i)*43200}) // every 12 hours from 2020-01-01
	}
	ids := func(r response) string {
		var out []string
		for _, c := range r.list("data") {
			out = append(out, c["external_id"].(string))
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		name  string
		query map[string]any
		want  string
	}{
		{"equals", filter("external_id", "=", "zd-3"), "zd-3"},
		{"in", filter("external_id", "IN", []any{"zd-1", "zd-4"}), "zd-1,zd-4"},
		{"not in", filter("external_id", "NIN", []any{"zd-1", "zd-4"}), "zd-0,zd-2,zd-3,zd-5"},
		{"starts with", filter("email", "^", "P1"), "zd-1"},
		{"contains", filter("email", "~", "@x."), "zd-0,zd-1,zd-2,zd-3,zd-4,zd-5"},
		{"and", group("AND", filter("role", "=", "lead"), filter("external_id", "!=", "zd-1")), "zd-3,zd-5"},
		{"nested", group("OR", group("AND", filter("role", "=", "user"), filter("external_id", "$", "2")),
			filter("external_id", "=", "zd-5")), "zd-2,zd-5"},
		{"date equals a day", filter("signed_up_at", "=", 1577836800+3600), "zd-0,zd-1"},
		{"date after a day starts the next day", filter("signed_up_at", ">", 1577836800), "zd-2,zd-3,zd-4,zd-5"},
		{"date before a day", filter("signed_up_at", "<", "1577923200"), "zd-0,zd-1"},
		{"mixed group", group("AND", filter("role", "=", "user"), group("OR", filter("external_id", "=", "zd-0"), filter("external_id", "=", "zd-4"))), "zd-0,zd-4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.ok("POST", "/contacts/search", map[string]any{"query": tc.query})
			if got := ids(r); got != tc.want || r.str("type") != "list" {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
	fifteen := make([]any, 16)
	for i := range fifteen {
		fifteen[i] = filter("external_id", "=", fmt.Sprint(i))
	}
	for _, tc := range []struct {
		name  string
		query map[string]any
	}{
		{"three levels", group("AND", group("OR", group("AND", filter("role", "=", "user"))))},
		{"sixteen filters", group("OR", fifteen...)},
		{"unsupported date operator", filter("signed_up_at", ">=", 1577836800)},
		{"string operator on a string field", filter("email", ">", "a")},
		{"date given as a word", filter("created_at", "=", "yesterday")},
		{"unknown field", filter("shoe_size", "=", "9")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectError(t, e.do("POST", "/contacts/search", map[string]any{"query": tc.query}), 400, "parameter_invalid")
		})
	}
}

func TestSearchPaginatesWithTheBody(t *testing.T) {
	e := newEnv(t, nil)
	for i := range 5 {
		e.contact(fmt.Sprint(i))
	}
	body := func(cursor string) map[string]any {
		p := map[string]any{"per_page": 2}
		if cursor != "" {
			p["starting_after"] = cursor
		}
		return map[string]any{"query": filter("role", "=", "user"), "pagination": p}
	}
	r1 := e.ok("POST", "/contacts/search", body(""))
	cursor := jsonPath(r1.json, "pages", "next", "starting_after").(string)
	r2 := e.ok("POST", "/contacts/search", body(cursor))
	if r2.list("data")[0]["external_id"] != "2" || num(jsonPath(r2.json, "pages", "page")) != 2 || num(r2.json["total_count"]) != 5 {
		t.Fatalf("page 2 %s", r2.body)
	}
	// A cursor in the query string is not read: page 1 again.
	again := e.ok("POST", "/contacts/search?starting_after="+cursor, body(""))
	if again.list("data")[0]["external_id"] != "0" {
		t.Fatalf("query cursor honoured: %s", again.body)
	}
	// The default page size of contact search is 50.
	if r := e.ok("POST", "/contacts/search", map[string]any{"query": filter("role", "=", "user")}); num(jsonPath(r.json, "pages", "per_page")) != 50 {
		t.Fatalf("default per_page %s", r.body)
	}
}

func TestSearchIndexDelay(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.SearchDelay = time.Minute })
	e.contact("new")
	query := map[string]any{"query": filter("external_id", "=", "new")}
	if r := e.ok("POST", "/contacts/search", query); num(r.json["total_count"]) != 0 {
		t.Fatal("a brand new contact is searchable")
	}
	e.clock.Advance(time.Minute)
	if r := e.ok("POST", "/contacts/search", query); num(r.json["total_count"]) != 1 {
		t.Fatal("the contact never became searchable")
	}
}

func TestConversationAndTicketSearch(t *testing.T) {
	e := newEnv(t, nil)
	ct := e.contact("c1")
	e.conversation(ct, "<p>I need support</p>", 1500000000)
	e.conversation(ct, "other", 1600000000)
	r := e.ok("POST", "/conversations/search", map[string]any{"query": filter("source.body", "=", "support")})
	if r.str("type") != "conversation.list" || len(r.list("conversations")) != 1 {
		t.Fatalf("body word search %s", r.body)
	}
	r = e.ok("POST", "/conversations/search", map[string]any{"query": group("AND", filter("created_at", ">", 1550000000), filter("contact_ids", "=", ct))})
	if len(r.list("conversations")) != 1 || num(jsonPath(r.json, "pages", "per_page")) != 20 {
		t.Fatalf("created_at search %s", r.body)
	}
	tt := e.ticketType("Bug", "Back-office")
	e.ticket(tt, ct, "Printer", 1500000000)
	e.ticket(e.ticketType("Question", "Customer"), ct, "Login", 1500000000)
	r = e.ok("POST", "/tickets/search", map[string]any{"query": group("AND", filter("category", "=", "task"), filter("title", "~", "print"))})
	if r.str("type") != "ticket.list" || len(r.list("tickets")) != 1 || r.list("tickets")[0]["ticket_attributes"].(map[string]any)[titleAttribute] != "Printer" {
		t.Fatalf("ticket search %s", r.body)
	}
}
