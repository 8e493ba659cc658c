package intercom

import (
	"strconv"
	"strings"
)

func (s *Server) registerConversations() {
	s.handle("POST /conversations", s.createConversation)
	s.handle("GET /conversations", s.listConversations)
	s.handle("GET /conversations/{id}", s.getConversation)
	s.handle("PUT /conversations/{id}", s.updateConversation)
	s.handle("DELETE /conversations/{id}", s.deleteConversation)
	s.handle("POST /conversations/search", s.searchConversations)
	s.handle("POST /conversations/{id}/reply", s.replyConversation)
	s.handle("POST /conversations/{id}/parts", s.manageConversation)
	s.handle("POST /conversations/{id}/tags", s.tagConversation)
}

// maxPartsShown is Intercom's hard limit of parts in a retrieved
// conversation: the 500 most recent.
const maxPartsShown = 500

type createConversationRequest struct {
	From struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"from"`
	Body           *string  `json:"body"`
	Subject        *string  `json:"subject"`
	AttachmentURLs []string `json:"attachment_urls"`
	CreatedAt      *int64   `json:"created_at"`
}

// createConversation starts a conversation from a contact. The answer is
// the message, with the conversation's id inside.
func (s *Server) createConversation(c *call) (any, error) {
	var req createConversationRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	switch req.From.Type {
	case "user", "lead", "contact":
	default:
		return nil, invalid("from.type must be user, lead or contact, not %q", req.From.Type).onField("from")
	}
	ct, ok := s.st.contacts.get(req.From.ID)
	if !ok {
		return nil, userNotFound()
	}
	attachments, err := s.attachmentsOf(req.AttachmentURLs, nil)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(str(req.Body)) == "" {
		return nil, invalid("Body can't be blank").onField("body")
	}
	conv := s.newConversation(c, ct, req, attachments)
	return obj{"type": "user_message", "id": conv.MessageID, "created_at": conv.CreatedAt,
		"subject": conv.Subject, "body": conv.Body, "message_type": "inapp", "conversation_id": conv.ID}, nil
}

func (s *Server) newConversation(c *call, ct *Contact, req createConversationRequest, attachments []Attachment) *Conversation {
	st := s.st
	conv := &Conversation{
		ID: st.numericID("conversation", 500), MessageID: st.numericID("message", 403918000),
		Subject: str(req.Subject), Body: str(req.Body), AuthorType: ct.Role, AuthorID: ct.ID,
		ContactIDs: []string{ct.ID}, Attachments: attachments, State: "open",
		CreatedAt: c.orNow(req.CreatedAt), UpdatedAt: c.now,
	}
	st.conversations.add(st.nextSeq(), conv.ID, conv)
	if st.seenBefore(conv.ID, "conversation", ct.ID, strconv.FormatInt(conv.CreatedAt, 10), conv.Body) {
		s.stats.duplicate("conversation")
	}
	s.stats.created("conversation")
	s.countAttachments(attachments)
	return conv
}

// listConversations pages with a cursor in the query, 20 per page by
// default, under "conversations" (not "data": a known spec error).
func (s *Server) listConversations(c *call) (any, error) {
	perPage, err := perPageParam(c.query(), 20)
	if err != nil {
		return nil, err
	}
	cur, err := parseCursor(c.query().Get("starting_after"))
	if err != nil {
		return nil, err
	}
	all := entries(&s.st.conversations, nil)
	page, next := pageAfter(all, cur, perPage)
	return obj{"type": "conversation.list", "conversations": s.renderConversationItems(page),
		"total_count": len(all), "pages": cursorPages(cur, perPage, len(all), next)}, nil
}

func (s *Server) renderConversationItems(page []entry[Conversation]) []obj {
	out := make([]obj, 0, len(page))
	for _, e := range page {
		out = append(out, s.renderConversation(e.v, false))
	}
	return out
}

func (s *Server) conversation(c *call) (*Conversation, error) {
	conv, ok := s.st.conversations.get(c.id())
	if !ok {
		return nil, resourceNotFound()
	}
	return conv, nil
}

func (s *Server) getConversation(c *call) (any, error) {
	conv, err := s.conversation(c)
	if err != nil {
		return nil, err
	}
	return s.renderConversation(conv, true), nil
}

type updateConversationRequest struct {
	Title            *string        `json:"title"`
	CustomAttributes map[string]any `json:"custom_attributes"`
}

func (s *Server) updateConversation(c *call) (any, error) {
	conv, err := s.conversation(c)
	if err != nil {
		return nil, err
	}
	var req updateConversationRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.st.checkCustomAttributes("conversation", req.CustomAttributes); err != nil {
		return nil, err
	}
	setIf(&conv.Title, req.Title)
	conv.CustomAttributes = mergeAttributes(conv.CustomAttributes, req.CustomAttributes)
	conv.UpdatedAt = c.now
	return s.renderConversation(conv, true), nil
}

func (s *Server) deleteConversation(c *call) (any, error) {
	conv, err := s.conversation(c)
	if err != nil {
		return nil, err
	}
	s.st.conversations.remove(conv.ID)
	s.st.forgetKeysOf(conv.ID)
	return obj{"id": conv.ID, "object": "conversation", "deleted": true}, nil
}

// replyConversation adds a reply or note and answers the whole conversation.
func (s *Server) replyConversation(c *call) (any, error) {
	conv, err := s.conversation(c)
	if err != nil {
		return nil, err
	}
	p, err := s.parseReply(c)
	if err != nil {
		return nil, err
	}
	p.State = conv.State
	conv.Parts, _ = s.addPart(conv.ID, conv.Parts, p)
	conv.UpdatedAt = c.now
	return s.renderConversation(conv, true), nil
}

// manageRequest is close, snooze, open and assign (one of four shapes).
type manageRequest struct {
	MessageType  string  `json:"message_type"`
	Type         string  `json:"type"`
	AdminID      *string `json:"admin_id"`
	AssigneeID   *string `json:"assignee_id"`
	Body         *string `json:"body"`
	SnoozedUntil *int64  `json:"snoozed_until"`
}

// manageConversation closes, snoozes, opens or assigns; these parts take
// the time of the call (no created_at).
func (s *Server) manageConversation(c *call) (any, error) {
	conv, err := s.conversation(c)
	if err != nil {
		return nil, err
	}
	var req manageRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if err := s.st.checkAdmin(str(req.AdminID)); err != nil {
		return nil, err
	}
	p := Part{PartType: req.MessageType, Body: str(req.Body), AuthorType: "admin", AuthorID: *req.AdminID, CreatedAt: c.now}
	if err := s.applyAction(conv, req, &p); err != nil {
		return nil, err
	}
	p.State = conv.State
	conv.Parts, _ = s.addPart(conv.ID, conv.Parts, p)
	conv.UpdatedAt = c.now
	s.stats.created("state_change")
	return s.renderConversation(conv, true), nil
}

func (s *Server) applyAction(conv *Conversation, req manageRequest, p *Part) error {
	switch req.MessageType {
	case "close":
		conv.State, conv.SnoozedUntil = "closed", 0
	case "open":
		conv.State, conv.SnoozedUntil = "open", 0
	case "snoozed":
		if req.SnoozedUntil == nil {
			return badRequest("parameter_missing", "snoozed_until is required to snooze").onField("snoozed_until")
		}
		conv.State, conv.SnoozedUntil = "snoozed", *req.SnoozedUntil
	case "assignment":
		return s.assign(conv, req, p)
	default:
		return invalid("message_type must be close, snoozed, open or assignment, not %q", req.MessageType).onField("message_type")
	}
	return nil
}

// assign sets the admin or team assignee; "0" unassigns.
func (s *Server) assign(conv *Conversation, req manageRequest, p *Part) error {
	id := str(req.AssigneeID)
	switch {
	case req.Type == "team" && id == "0":
		conv.TeamAssigneeID = ""
	case req.Type == "team":
		if _, ok := s.st.team(id); !ok {
			return teamNotFound().onField("assignee_id")
		}
		conv.TeamAssigneeID = id
	case id == "0":
		conv.AdminAssigneeID = ""
	default:
		if _, ok := s.st.admin(id); !ok {
			return adminNotFound().onField("assignee_id")
		}
		conv.AdminAssigneeID = id
	}
	p.AssignedToType, p.AssignedToID = req.Type, id
	return nil
}

func (s *Server) tagConversation(c *call) (any, error) {
	conv, err := s.conversation(c)
	if err != nil {
		return nil, err
	}
	tag, err := s.tagFromRequest(c, true)
	if err != nil {
		return nil, err
	}
	conv.TagIDs = s.applyTag(conv.TagIDs, tag.ID)
	return renderTag(tag), nil
}

// renderConversation is the conversation schema; lists leave the parts out.
func (s *Server) renderConversation(conv *Conversation, withParts bool) obj {
	o := obj{
		"type": "conversation", "id": conv.ID, "title": nilIfEmpty(conv.Title),
		"created_at": conv.CreatedAt, "updated_at": conv.UpdatedAt, "waiting_since": nil,
		"snoozed_until": tsOrNil(conv.SnoozedUntil), "open": conv.State != "closed", "state": conv.State,
		"read": false, "priority": "not_priority",
		"admin_assignee_id": intOrNil(conv.AdminAssigneeID), "team_assignee_id": intOrNil(conv.TeamAssigneeID),
		"tags": obj{"type": "tag.list", "tags": s.renderTags(conv.TagIDs)}, "conversation_rating": nil,
		"source": obj{
			"type": "conversation", "id": conv.MessageID, "delivered_as": "customer_initiated",
			"subject": conv.Subject, "body": conv.Body, "author": s.renderAuthor(conv.AuthorType, conv.AuthorID),
			"attachments": renderAttachments(conv.Attachments), "url": nil, "redacted": false,
		},
		"contacts":            renderContactRefs(s.st, conv.ContactIDs),
		"teammates":           obj{"type": "admin.list", "teammates": teammates(conv.Parts)},
		"custom_attributes":   emptyObject(conv.CustomAttributes),
		"first_contact_reply": nil, "sla_applied": nil,
		"statistics":            obj{"type": "conversation_statistics", "count_conversation_parts": len(conv.Parts)},
		"linked_objects":        emptyLinkedObjects(),
		"ai_agent_participated": false, // ai_agent is absent: its schema is not nullable
	}
	if withParts {
		o["conversation_parts"] = s.renderRecentParts(conv.Parts)
	}
	return o
}

// renderRecentParts shows the 500 most recent parts; total_count counts
// what is shown, statistics.count_conversation_parts counts them all.
func (s *Server) renderRecentParts(parts []Part) obj {
	shown := parts[max(len(parts)-maxPartsShown, 0):]
	out := make([]obj, 0, len(shown))
	for _, p := range shown {
		out = append(out, s.renderPart(p))
	}
	return obj{"type": "conversation_part.list", "conversation_parts": out, "total_count": len(out)}
}

func renderContactRefs(st *state, ids []string) obj {
	refs := make([]obj, 0, len(ids))
	for _, id := range ids {
		ref := obj{"type": "contact", "id": id, "external_id": nil}
		if ct, ok := st.contacts.get(id); ok {
			ref["external_id"] = nilIfEmpty(ct.ExternalID)
		}
		refs = append(refs, ref)
	}
	return obj{"type": "contact.list", "contacts": refs}
}

// teammates are the admins who wrote a part, in order of appearance.
func teammates(parts []Part) []obj {
	seen := map[string]bool{}
	out := []obj{}
	for _, p := range parts {
		if p.AuthorType == "admin" && !seen[p.AuthorID] {
			seen[p.AuthorID] = true
			out = append(out, obj{"type": "admin", "id": p.AuthorID})
		}
	}
	return out
}

func emptyLinkedObjects() obj {
	return obj{"type": "list", "data": []obj{}, "total_count": 0, "has_more": false}
}
