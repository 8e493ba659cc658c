package intercom

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// Streams of the ticketing side; each saves its own cursor.
const (
	streamAgents        = "agents"
	streamGroups        = "groups"
	streamContacts      = "contacts"
	streamCompanies     = "companies"
	streamConversations = "conversations"
	streamTickets       = "tickets"
)

// Channels of the canonical tickets: what kind of Intercom object a ticket row came from.
const (
	ChannelConversation = "conversation"
	ChannelTicket       = "ticket"
)

// deskEntities are the ticketing side's entities.
var deskEntities = []schema.Entity{schema.Agents, schema.Groups, schema.Contacts, schema.Companies,
	schema.Tickets, schema.Comments, schema.Attachments, schema.TicketFields}

// deskRows is one durable write's canonical rows of the ticketing side.
type deskRows struct {
	agents      []schema.Agent
	groups      []schema.Group
	contacts    []schema.Contact
	companies   []schema.Company
	tickets     []schema.Ticket
	comments    []schema.Comment
	attachments []schema.Attachment
	// ticketFields are the ticket types' attributes.
	ticketFields []schema.TicketField
	skips        []extract.Skip
	truncations  []extract.Truncation
}

// writeDesk hands the rows of the entities asked for to the sink with the stream's cursor.
func (w *writer) writeDesk(ctx context.Context, stream string, rows *deskRows, cur deskCursor) error {
	var batches []extract.Batch
	counts := map[schema.Entity]int{}
	var err error
	add := func(e schema.Entity, n int, build func() (extract.Batch, error)) {
		if err != nil || n == 0 || !w.wants(e) {
			return
		}
		var b extract.Batch
		if b, err = build(); err == nil {
			batches = append(batches, b)
			counts[e] = n
		}
	}
	add(schema.Agents, len(rows.agents), func() (extract.Batch, error) { return batch(schema.Agents, rows.agents) })
	add(schema.Groups, len(rows.groups), func() (extract.Batch, error) { return batch(schema.Groups, rows.groups) })
	add(schema.Contacts, len(rows.contacts), func() (extract.Batch, error) { return batch(schema.Contacts, rows.contacts) })
	add(schema.Companies, len(rows.companies), func() (extract.Batch, error) { return batch(schema.Companies, rows.companies) })
	add(schema.Tickets, len(rows.tickets), func() (extract.Batch, error) { return batch(schema.Tickets, rows.tickets) })
	add(schema.Comments, len(rows.comments), func() (extract.Batch, error) { return batch(schema.Comments, rows.comments) })
	add(schema.Attachments, len(rows.attachments), func() (extract.Batch, error) { return batch(schema.Attachments, rows.attachments) })
	add(schema.TicketFields, len(rows.ticketFields), func() (extract.Batch, error) { return batch(schema.TicketFields, rows.ticketFields) })
	if err != nil {
		for _, b := range batches {
			b.Records.Release()
		}
		return fmt.Errorf("intercom: %s: building batches: %w", stream, err)
	}
	cur.V = deskCursorVersion
	c, _ := json.Marshal(cur) // strings and booleans always marshal
	page := extract.Page{Stream: stream, Batches: batches, Skips: rows.skips, Truncations: rows.truncations, Cursor: c}
	if err := w.sink.WritePage(ctx, page); err != nil {
		return fmt.Errorf("intercom: %s: writing page: %w", stream, err)
	}
	if w.progress != nil {
		for e, n := range counts {
			w.progress.Add(e, n)
		}
	}
	return nil
}

// extractDesk reads the ticketing side: agents and groups (always whole: they are few and have no
// updated_at), then contacts, companies, conversations and tickets, all or (req.Since) those
// updated since. Tickets come after conversations so that, should Intercom list a ticket among the
// conversations too, the ticket's own reading is the one staged last.
func (s *Source) extractDesk(ctx context.Context, req extract.Request, w *writer) error {
	since := int64(0)
	if !req.Since.IsZero() {
		// "changed at or after Since": the search operators are strict, so one second earlier.
		since = req.Since.Unix() - 1
	}
	steps := []struct {
		stream string
		wants  []schema.Entity
		run    func(context.Context, *writer, int64) error
	}{
		{streamAgents, []schema.Entity{schema.Agents}, s.stageAgents},
		{streamGroups, []schema.Entity{schema.Groups}, s.stageGroups},
		{streamContacts, []schema.Entity{schema.Contacts}, s.stageContacts},
		{streamCompanies, []schema.Entity{schema.Companies}, s.stageCompanies},
		{streamTicketFields, []schema.Entity{schema.TicketFields}, s.stageTicketFields},
		{streamConversations, []schema.Entity{schema.Tickets, schema.Comments, schema.Attachments}, s.stageConversations},
		{streamTickets, []schema.Entity{schema.Tickets, schema.Comments, schema.Attachments}, s.stageTickets},
	}
	for _, st := range steps {
		if !wantsAny(w.wants, st.wants) {
			continue
		}
		if err := st.run(ctx, w, since); err != nil {
			return err
		}
	}
	return nil
}

func wantsAny(wants func(schema.Entity) bool, es []schema.Entity) bool {
	for _, e := range es {
		if wants(e) {
			return true
		}
	}
	return false
}

// jsonObject is a JSON object as text for the canonical custom-field columns; "" for none.
func jsonObject(raw json.RawMessage) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return ""
	}
	return string(raw)
}

// updatedSince tells whether a record of a list without a search (companies) belongs to the delta.
func updatedSince(updated, since int64) bool { return since == 0 || updated > since }

// nonZero is an assignee id: Intercom 2.15 says "0" (or null) for none.
func nonZero(v id) string {
	if v == "0" {
		return ""
	}
	return string(v)
}

func unixOr(s, fallback int64) time.Time {
	if s == 0 {
		return unix(fallback)
	}
	return unix(s)
}
