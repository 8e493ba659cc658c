package intercom

import (
	"regexp"
	"strings"
)

// The searchable fields of contacts, conversations and tickets, from the
// tables in the description's search operations.

func (s *Server) contactSearch() searchable[Contact] {
	str := func(get func(*Contact) string) searchField[Contact] {
		return searchField[Contact]{kind: kindString, get: func(c *Contact) []any { return optString(get(c)) }}
	}
	date := func(get func(*Contact) int64) searchField[Contact] {
		return searchField[Contact]{kind: kindDate, get: func(c *Contact) []any { return optInt(get(c)) }}
	}
	return searchable[Contact]{dayDates: true, fields: map[string]searchField[Contact]{
		"id": str(func(c *Contact) string { return c.ID }), "role": str(func(c *Contact) string { return c.Role }),
		"name": str(func(c *Contact) string { return c.Name }), "email": str(func(c *Contact) string { return c.Email }),
		"email_domain":             str(func(c *Contact) string { return emailDomain(c.Email) }),
		"phone":                    str(func(c *Contact) string { return c.Phone }),
		"external_id":              str(func(c *Contact) string { return c.ExternalID }),
		"avatar":                   str(func(c *Contact) string { return c.Avatar }),
		"owner_id":                 {kind: kindInt, get: func(c *Contact) []any { return optIntID(c.OwnerID) }},
		"created_at":               date(func(c *Contact) int64 { return c.CreatedAt }),
		"updated_at":               date(func(c *Contact) int64 { return c.UpdatedAt }),
		"signed_up_at":             date(func(c *Contact) int64 { return c.SignedUpAt }),
		"last_seen_at":             date(func(c *Contact) int64 { return c.LastSeenAt }),
		"unsubscribed_from_emails": {kind: kindBool, get: func(c *Contact) []any { return one(c.UnsubscribedFromEmails) }},
		"tag_id":                   {kind: kindString, get: func(c *Contact) []any { return many(c.TagIDs) }},
	}, dynamic: func(name string) (searchField[Contact], bool) {
		attr, ok := strings.CutPrefix(name, "custom_attributes.")
		d, defined := s.st.customAttribute("contact", attr)
		if !ok || !defined {
			return searchField[Contact]{}, false
		}
		return attributeField(kindOfDataType(d.DataType), func(c *Contact) any { return c.CustomAttributes[attr] }), true
	}}
}

func conversationSearch() searchable[Conversation] {
	str := func(get func(*Conversation) string) searchField[Conversation] {
		return searchField[Conversation]{kind: kindString, get: func(c *Conversation) []any { return optString(get(c)) }}
	}
	date := func(get func(*Conversation) int64) searchField[Conversation] {
		return searchField[Conversation]{kind: kindDate, get: func(c *Conversation) []any { return optInt(get(c)) }}
	}
	return searchable[Conversation]{fields: map[string]searchField[Conversation]{
		"id":                 str(func(c *Conversation) string { return c.ID }),
		"created_at":         date(func(c *Conversation) int64 { return c.CreatedAt }),
		"updated_at":         date(func(c *Conversation) int64 { return c.UpdatedAt }),
		"snoozed_until":      date(func(c *Conversation) int64 { return c.SnoozedUntil }),
		"source.type":        str(func(*Conversation) string { return "conversation" }),
		"source.id":          str(func(c *Conversation) string { return c.MessageID }),
		"source.subject":     str(func(c *Conversation) string { return c.Subject }),
		"source.author.id":   str(func(c *Conversation) string { return c.AuthorID }),
		"source.author.type": str(func(c *Conversation) string { return c.AuthorType }),
		"source.body":        {kind: kindString, get: func(c *Conversation) []any { return words(c.Body) }},
		"title":              str(func(c *Conversation) string { return c.Title }),
		"state":              str(func(c *Conversation) string { return c.State }),
		"open":               {kind: kindBool, get: func(c *Conversation) []any { return one(c.State != "closed") }},
		"contact_ids":        {kind: kindString, get: func(c *Conversation) []any { return many(c.ContactIDs) }},
		"teammate_ids":       {kind: kindString, get: func(c *Conversation) []any { return teammateIDs(c.Parts) }},
		"tag_ids":            {kind: kindString, get: func(c *Conversation) []any { return many(c.TagIDs) }},
		"admin_assignee_id":  {kind: kindInt, get: func(c *Conversation) []any { return optIntID(c.AdminAssigneeID) }},
		"team_assignee_id":   {kind: kindInt, get: func(c *Conversation) []any { return optIntID(c.TeamAssigneeID) }},
	}}
}

// ticketCategoryTerms are the words ticket search uses for categories.
var ticketCategoryTerms = map[string]string{"Customer": "request", "Back-office": "task", "Tracker": "tracker"}

func (s *Server) ticketSearch() searchable[Ticket] {
	str := func(get func(*Ticket) string) searchField[Ticket] {
		return searchField[Ticket]{kind: kindString, get: func(t *Ticket) []any { return optString(get(t)) }}
	}
	date := func(get func(*Ticket) int64) searchField[Ticket] {
		return searchField[Ticket]{kind: kindDate, get: func(t *Ticket) []any { return optInt(get(t)) }}
	}
	attr := func(name string) func(*Ticket) string {
		return func(t *Ticket) string { v, _ := t.Attributes[name].(string); return v }
	}
	return searchable[Ticket]{fields: map[string]searchField[Ticket]{
		"id":                str(func(t *Ticket) string { return t.ID }),
		"created_at":        date(func(t *Ticket) int64 { return t.CreatedAt }),
		"updated_at":        date(func(t *Ticket) int64 { return t.UpdatedAt }),
		"snoozed_until":     date(func(t *Ticket) int64 { return t.SnoozedUntil }),
		"title":             str(attr(titleAttribute)),
		"description":       str(attr(descriptionAttribute)),
		"category":          str(func(t *Ticket) string { return ticketCategoryTerms[t.Category] }),
		"ticket_type_id":    str(func(t *Ticket) string { return t.TicketTypeID }),
		"contact_ids":       {kind: kindString, get: func(t *Ticket) []any { return many(t.ContactIDs) }},
		"teammate_ids":      {kind: kindString, get: func(t *Ticket) []any { return teammateIDs(t.Parts) }},
		"admin_assignee_id": str(func(t *Ticket) string { return t.AdminAssigneeID }),
		"team_assignee_id":  str(func(t *Ticket) string { return t.TeamAssigneeID }),
		"open":              {kind: kindBool, get: func(t *Ticket) []any { return one(t.Open) }},
		"state":             str(func(t *Ticket) string { return t.State }),
	}, dynamic: s.ticketAttributeField}
}

// ticketAttributeField is ticket_attribute.{id}: the attribute of that id
// on the ticket's type.
func (s *Server) ticketAttributeField(name string) (searchField[Ticket], bool) {
	id, ok := strings.CutPrefix(name, "ticket_attribute.")
	if !ok {
		return searchField[Ticket]{}, false
	}
	for _, e := range s.st.ticketTypes.order {
		for _, a := range e.v.Attributes {
			if a.ID == id {
				return attributeField(kindOfDataType(a.DataType), func(t *Ticket) any { return t.Attributes[a.Name] }), true
			}
		}
	}
	return searchField[Ticket]{}, false
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// words splits a body for source.body, which matches word by word.
func words(body string) []any {
	return many(strings.Fields(htmlTag.ReplaceAllString(body, " ")))
}

func teammateIDs(parts []Part) []any {
	var ids []string
	for _, t := range teammates(parts) {
		ids = append(ids, t["id"].(string))
	}
	return many(ids)
}

func (s *Server) searchContacts(c *call) (any, error) {
	delay := int64(s.opts.SearchDelay.Seconds())
	indexed := func(ct *Contact) bool { return c.now-ct.CreatedAt >= delay }
	r, err := runSearch(c, s.contactSearch(), &s.st.contacts, indexed, 50)
	if err != nil {
		return nil, err
	}
	return obj{"type": "list", "data": s.renderContacts(r.page), "total_count": r.total, "pages": r.pages()}, nil
}

func (s *Server) searchConversations(c *call) (any, error) {
	r, err := runSearch(c, conversationSearch(), &s.st.conversations, nil, 20)
	if err != nil {
		return nil, err
	}
	return obj{"type": "conversation.list", "conversations": s.renderConversationItems(r.page),
		"total_count": r.total, "pages": r.pages()}, nil
}

func (s *Server) searchTickets(c *call) (any, error) {
	r, err := runSearch(c, s.ticketSearch(), &s.st.tickets, nil, 20)
	if err != nil {
		return nil, err
	}
	data := make([]obj, 0, len(r.page))
	for _, e := range r.page {
		data = append(data, s.renderTicket(e.v))
	}
	return obj{"type": "ticket.list", "tickets": data, "total_count": r.total, "pages": r.pages()}, nil
}
