package intercom

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) registerTickets() {
	s.handle("POST /tickets", s.createTicket)
	s.handle("GET /tickets/{id}", s.getTicket)
	s.handle("PUT /tickets/{id}", s.updateTicket)
	s.handle("DELETE /tickets/{id}", s.deleteTicket)
	s.handle("POST /tickets/{id}/reply", s.replyTicket)
	s.handle("POST /tickets/{id}/tags", s.tagTicket)
	s.handle("POST /tickets/search", s.searchTickets)
}

type contactIdentifier struct {
	ID         *string `json:"id"`
	ExternalID *string `json:"external_id"`
	Email      *string `json:"email"`
}

type createTicketRequest struct {
	TicketTypeID     flexString          `json:"ticket_type_id"`
	Contacts         []contactIdentifier `json:"contacts"`
	CompanyID        *string             `json:"company_id"`
	CreatedAt        *int64              `json:"created_at"`
	TicketAttributes map[string]any      `json:"ticket_attributes"`
	Assignment       *struct {
		AdminAssigneeID *flexString `json:"admin_assignee_id"`
		TeamAssigneeID  *flexString `json:"team_assignee_id"`
	} `json:"assignment"`
	SkipNotifications bool `json:"skip_notifications"`
}

// createTicket creates a ticket in the first (submitted) state; Intercom
// records that state as the ticket's first part, by its bot.
func (s *Server) createTicket(c *call) (any, error) {
	var req createTicketRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	t, err := s.checkNewTicket(c, req)
	if err != nil {
		return nil, err
	}
	st := s.st
	t.ID, t.TicketID = st.numericID("conversation", 500), st.numericID("ticket", 0)
	submitted := st.states[0]
	t.StateID, t.State = submitted.ID, submitted.Category
	t.Parts, _ = s.addPart(t.ID, nil, Part{PartType: "ticket_state_updated_by_admin", AuthorType: "bot", AuthorID: "0",
		CreatedAt: c.now, State: submitted.Category, PreviousState: submitted.Category})
	st.tickets.add(st.nextSeq(), t.ID, t)
	if st.seenBefore(t.ID, "ticket", t.ContactIDs[0], strconv.FormatInt(t.CreatedAt, 10), t.Title()) {
		s.stats.duplicate("ticket")
	}
	s.stats.created("ticket")
	return s.renderTicket(t), nil
}

// checkNewTicket resolves and validates everything a ticket refers to.
func (s *Server) checkNewTicket(c *call, req createTicketRequest) (*Ticket, error) {
	tt, err := s.ticketType(string(req.TicketTypeID))
	if err != nil {
		return nil, err
	}
	if len(req.Contacts) != 1 {
		return nil, invalid("contacts must hold exactly one contact, got %d", len(req.Contacts)).onField("contacts")
	}
	ct := s.st.identifyContact(req.Contacts[0])
	if ct == nil {
		return nil, userNotFound()
	}
	t := &Ticket{TicketTypeID: tt.ID, Category: tt.Category, ContactIDs: []string{ct.ID}, Open: true,
		CreatedAt: c.orNow(req.CreatedAt), UpdatedAt: c.now, SkipNotifications: req.SkipNotifications}
	if err := s.setTicketCompany(t, req.CompanyID); err != nil {
		return nil, err
	}
	if req.Assignment != nil {
		if err := s.assignTicket(t, flex(req.Assignment.AdminAssigneeID), flex(req.Assignment.TeamAssigneeID)); err != nil {
			return nil, err
		}
	}
	if err := checkTicketAttributes(tt, req.TicketAttributes); err != nil {
		return nil, err
	}
	t.Attributes = mergeAttributes(nil, req.TicketAttributes)
	return t, nil
}

func (st *state) identifyContact(id contactIdentifier) *Contact {
	switch {
	case id.ID != nil:
		ct, _ := st.contacts.get(*id.ID)
		return ct
	case id.ExternalID != nil:
		ct, _ := st.contacts.get(st.contactByExternalID[*id.ExternalID])
		return ct
	case id.Email != nil:
		return st.contactByEmail(*id.Email)
	}
	return nil
}

func (s *Server) setTicketCompany(t *Ticket, companyID *string) error {
	if str(companyID) == "" {
		return nil
	}
	if _, ok := s.st.companies.get(*companyID); !ok {
		return companyNotFound()
	}
	t.CompanyID = *companyID
	return nil
}

// assignTicket sets the assignees of a new ticket: unknown admins and
// teams are 400s ("0" or empty: unassigned).
func (s *Server) assignTicket(t *Ticket, adminID, teamID string) error {
	if adminID != "" && adminID != "0" {
		if _, ok := s.st.admin(adminID); !ok {
			return adminNotFound().onField("admin_assignee_id")
		}
		t.AdminAssigneeID = adminID
	}
	if teamID != "" && teamID != "0" {
		if _, ok := s.st.team(teamID); !ok {
			return teamNotFound().onField("team_assignee_id")
		}
		t.TeamAssigneeID = teamID
	}
	return nil
}

// checkTicketAttributes holds values to the ticket type's attributes.
func checkTicketAttributes(tt *TicketType, attrs map[string]any) error {
	for _, name := range sortedKeys(attrs) {
		a := tt.attribute(name)
		if a == nil {
			return invalid("Ticket attribute '%s' does not exist on ticket type '%s'", name, tt.Name).onField("ticket_attributes")
		}
		if !ticketValueFits(*a, attrs[name]) {
			return invalid("Ticket attribute '%s' expects a %s value", name, a.DataType).onField("ticket_attributes")
		}
	}
	return nil
}

func ticketValueFits(a TicketTypeAttribute, v any) bool {
	if v == nil {
		return true
	}
	switch a.DataType {
	case "string":
		_, ok := v.(string)
		return ok
	case "list":
		s, ok := v.(string)
		return ok && slices.Contains(a.ListItems, s)
	case "integer":
		n, ok := v.(json.Number)
		_, err := n.Int64()
		return ok && err == nil
	case "decimal":
		_, ok := v.(json.Number)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "datetime":
		_, isNum := v.(json.Number)
		_, isStr := v.(string)
		return isNum || isStr
	case "files":
		_, ok := v.([]any)
		return ok
	}
	return true
}

func (s *Server) ticket(c *call, missing *apiError) (*Ticket, error) {
	t, ok := s.st.tickets.get(c.id())
	if !ok {
		return nil, missing
	}
	return t, nil
}

func ticketNotFound() *apiError { return notFound("ticket_not_found", "Ticket not found") }

func (s *Server) getTicket(c *call) (any, error) {
	t, err := s.ticket(c, ticketNotFound())
	if err != nil {
		return nil, err
	}
	return s.renderTicket(t), nil
}

type updateTicketRequest struct {
	TicketAttributes  map[string]any `json:"ticket_attributes"`
	TicketStateID     *flexString    `json:"ticket_state_id"`
	CompanyID         *string        `json:"company_id"`
	Open              *bool          `json:"open"`
	IsShared          *bool          `json:"is_shared"`
	SnoozedUntil      *int64         `json:"snoozed_until"`
	AdminID           *flexString    `json:"admin_id"`
	AssigneeID        *flexString    `json:"assignee_id"`
	SkipNotifications bool           `json:"skip_notifications"`
}

// updateTicket changes state, attributes, assignee, open/snoozed; state
// and assignee changes become parts, at the time of the call.
func (s *Server) updateTicket(c *call) (any, error) {
	t, err := s.ticket(c, ticketNotFound())
	if err != nil {
		return nil, err
	}
	var req updateTicketRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	next := t.clone()
	if err := s.applyTicketUpdate(c, &next, req); err != nil {
		return nil, err
	}
	*t = next
	t.UpdatedAt = c.now
	return s.renderTicket(t), nil
}

func (s *Server) applyTicketUpdate(c *call, t *Ticket, req updateTicketRequest) error {
	actor := Part{AuthorType: "bot", AuthorID: "0", CreatedAt: c.now}
	if req.AdminID != nil {
		if _, ok := s.st.admin(flex(req.AdminID)); !ok {
			return adminNotFound().onField("admin_id")
		}
		actor.AuthorType, actor.AuthorID = "admin", flex(req.AdminID)
	}
	tt, _ := s.st.ticketTypes.get(t.TicketTypeID)
	if err := checkTicketAttributes(tt, req.TicketAttributes); err != nil {
		return err
	}
	if err := s.setTicketCompany(t, req.CompanyID); err != nil {
		return err
	}
	if req.AssigneeID != nil && !s.st.assignable(flex(req.AssigneeID)) {
		// Checked before any part is added: a failed update changes nothing.
		return notFound("assignee_not_found", "Assignee not found")
	}
	if err := s.changeTicketState(t, req.TicketStateID, actor); err != nil {
		return err
	}
	s.reassignTicket(t, req.AssigneeID, actor)
	t.Attributes = mergeAttributes(t.Attributes, req.TicketAttributes)
	setIf(&t.Open, req.Open)
	setIf(&t.SnoozedUntil, req.SnoozedUntil)
	return nil
}

func (s *Server) changeTicketState(t *Ticket, id *flexString, actor Part) error {
	if id == nil {
		return nil
	}
	ts, ok := s.st.ticketState(flex(id))
	if !ok {
		return badRequest("ticket_state_id_invalid", "Ticket state id is not valid or is not associated with the ticket type").onField("ticket_state_id")
	}
	p := actor
	p.PartType, p.PreviousState, p.State = "ticket_state_updated_by_admin", t.State, ts.Category
	t.StateID, t.State = ts.ID, ts.Category
	t.Parts, _ = s.addPart(t.ID, t.Parts, p)
	s.stats.created("state_change")
	return nil
}

// assignable reports whether assignee_id names an admin, a team or
// nobody ("0").
func (st *state) assignable(id string) bool {
	_, isAdmin := st.admin(id)
	_, isTeam := st.team(id)
	return id == "0" || isAdmin || isTeam
}

// reassignTicket follows update_ticket_request: assignee_id is an admin or
// a team (checked by the caller), "0" unassigns.
func (s *Server) reassignTicket(t *Ticket, id *flexString, actor Part) {
	if id == nil {
		return
	}
	p := actor
	p.PartType, p.State, p.AssignedToID = "assignment", t.State, flex(id)
	_, isAdmin := s.st.admin(p.AssignedToID)
	switch {
	case p.AssignedToID == "0":
		t.AdminAssigneeID, t.TeamAssigneeID = "", ""
		p.AssignedToType = "nobody_admin"
	case isAdmin:
		t.AdminAssigneeID, p.AssignedToType = p.AssignedToID, "admin"
	default:
		t.TeamAssigneeID, p.AssignedToType = p.AssignedToID, "team"
	}
	t.Parts, _ = s.addPart(t.ID, t.Parts, p)
	s.stats.created("state_change")
}

func (s *Server) deleteTicket(c *call) (any, error) {
	t, err := s.ticket(c, ticketNotFound())
	if err != nil {
		return nil, err
	}
	s.st.tickets.remove(t.ID)
	s.st.forgetKeysOf(t.ID)
	return obj{"id": t.ID, "object": "ticket", "deleted": true}, nil
}

// replyTicket adds a reply and answers the part (ticket_reply). Contacts
// cannot reply on back-office tickets.
func (s *Server) replyTicket(c *call) (any, error) {
	t, err := s.ticket(c, resourceNotFound())
	if err != nil {
		return nil, err
	}
	p, err := s.parseReply(c)
	if err != nil {
		return nil, err
	}
	if p.AuthorType != "admin" && t.Category == "Back-office" {
		return nil, badRequest("parameter_mismatch", "User replies are not allowed on Backoffice tickets")
	}
	p.State = t.State
	var added Part
	t.Parts, added = s.addPart(t.ID, t.Parts, p)
	t.UpdatedAt = c.now
	reply := s.renderTicketPart(added)
	for _, k := range []string{"previous_ticket_state", "ticket_state", "assigned_to", "external_id"} {
		delete(reply, k)
	}
	return reply, nil
}

func (s *Server) tagTicket(c *call) (any, error) {
	t, err := s.ticket(c, ticketNotFound())
	if err != nil {
		return nil, err
	}
	tag, err := s.tagFromRequest(c, true)
	if err != nil {
		return nil, err
	}
	t.TagIDs = s.applyTag(t.TagIDs, tag.ID)
	return renderTag(tag), nil
}

// renderTicket is the ticket schema (2.15: assignee ids are strings, "0"
// when unassigned).
func (s *Server) renderTicket(t *Ticket) obj {
	ts, _ := s.st.ticketState(t.StateID)
	tt, _ := s.st.ticketTypes.get(t.TicketTypeID)
	parts := make([]obj, 0, len(t.Parts))
	for _, p := range t.Parts {
		parts = append(parts, s.renderTicketPart(p))
	}
	o := obj{
		"type": "ticket", "id": t.ID, "ticket_id": t.TicketID, "category": t.Category,
		"ticket_attributes": emptyObject(t.Attributes), "ticket_state": renderTicketState(ts),
		"contacts":          renderContactRefs(s.st, t.ContactIDs),
		"admin_assignee_id": zeroIfEmpty(t.AdminAssigneeID), "team_assignee_id": zeroIfEmpty(t.TeamAssigneeID),
		"created_at": t.CreatedAt, "updated_at": t.UpdatedAt, "open": t.Open,
		"linked_objects": emptyLinkedObjects(), "is_shared": t.Category == "Customer",
		"tags":         obj{"type": "tag.list", "tags": s.renderTags(t.TagIDs)},
		"ticket_parts": obj{"type": "ticket_part.list", "ticket_parts": parts, "total_count": len(parts)},
	}
	if tt != nil {
		o["ticket_type"] = s.renderTicketType(tt)
	}
	if t.SnoozedUntil != 0 {
		o["snoozed_until"] = t.SnoozedUntil
	}
	return o
}

// renderTicketPart is ticket_part; its author type has no "lead".
func (s *Server) renderTicketPart(p Part) obj {
	o := s.renderPart(p)
	o["type"] = "ticket_part"
	if author := o["author"].(obj); author["type"] == "lead" {
		author["type"] = "user"
	}
	if strings.HasPrefix(p.PartType, "ticket_state") {
		o["ticket_state"], o["previous_ticket_state"] = p.State, p.PreviousState
	}
	delete(o, "notified_at")
	return o
}

func zeroIfEmpty(id string) string {
	if id == "" {
		return "0"
	}
	return id
}
