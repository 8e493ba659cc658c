package staging

import (
	"context"
	"strconv"
	"testing"

	"github.com/deskport/deskport/schema"
)

// A payload is stored as the source sent it: the appender hands DuckDB the text and the INSERT
// casts it to JSON, so neither spacing nor HTML in it is re-encoded.
func TestStagedPayloadKeepsTheSourceText(t *testing.T) {
	ctx := context.Background()
	s, sn := openTicketSnapshot(t)
	raw := `{"id": 7,  "description": "<p>a &amp; b</p>", "tags": ["x"]}`
	page := ticketPage(t, "tickets", `{}`, schema.Ticket{SourceID: "7", CreatedAt: t0, UpdatedAt: t0,
		CustomFields: `{"360002":3.5}`, Raw: []byte(raw)})
	if err := sn.WritePage(ctx, page); err != nil {
		t.Fatal(err)
	}
	var payload, kind, field string
	err := s.DB().QueryRow(`SELECT payload::VARCHAR, json_type(custom_fields), custom_fields->>'$.360002' FROM raw_tickets`).
		Scan(&payload, &kind, &field)
	if err != nil {
		t.Fatal(err)
	}
	if payload != raw || kind != "OBJECT" || field != "3.5" {
		t.Errorf("staged payload %q, custom fields a JSON %s with 360002 = %q; want %q, OBJECT and 3.5", payload, kind, field, raw)
	}
}

// Staging a page leaves no C memory behind. An extract stages thousands of pages, so anything
// kept per page grows with the account: exposing each batch to DuckDB as an Arrow scan kept about
// 16 KB a page.
func TestStagingPagesKeepsNoCMemoryPerPage(t *testing.T) {
	if _, ok := cHeapInUse(); !ok {
		t.Skip("glibc's malloc counters are read on Linux only")
	}
	ctx := context.Background()
	_, sn := openTicketSnapshot(t)
	id := 0
	writePages := func(n int) {
		for range n {
			id++
			page := ticketPage(t, "tickets", `{"c":`+strconv.Itoa(id)+`}`,
				schema.Ticket{SourceID: strconv.Itoa(id), CreatedAt: t0, UpdatedAt: t0, Status: "open", Tags: []string{"a"}},
				schema.Ticket{SourceID: "b" + strconv.Itoa(id), CreatedAt: t0, UpdatedAt: t0, Status: "open"})
			if err := sn.WritePage(ctx, page); err != nil {
				t.Fatal(err)
			}
		}
	}
	writePages(30) // caches and first allocations
	before, _ := cHeapInUse()
	const pages = 300
	writePages(pages)
	after, _ := cHeapInUse()
	if perPage := (after - before) / pages; perPage > 4<<10 {
		t.Errorf("the C heap grew %d bytes a page over %d pages: staging keeps memory per page", perPage, pages)
	}
}
