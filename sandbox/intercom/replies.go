package intercom

import (
	"strconv"
	"strings"
)

// replyRequest is reply_conversation_request and the ticket reply: an
// admin reply or note, or a contact's reply.
type replyRequest struct {
	MessageType       string           `json:"message_type"`
	Type              string           `json:"type"`
	Body              *string          `json:"body"`
	AdminID           *string          `json:"admin_id"`
	IntercomUserID    *string          `json:"intercom_user_id"`
	Email             *string          `json:"email"`
	UserID            *string          `json:"user_id"`
	CreatedAt         *int64           `json:"created_at"`
	AttachmentURLs    []string         `json:"attachment_urls"`
	AttachmentFiles   []attachmentFile `json:"attachment_files"`
	SkipNotifications bool             `json:"skip_notifications"`
}

// parseReply validates a reply and returns it as a part without an id.
func (s *Server) parseReply(c *call) (Part, error) {
	var req replyRequest
	if err := c.decode(&req); err != nil {
		return Part{}, err
	}
	p := Part{PartType: req.MessageType, Body: str(req.Body), CreatedAt: c.orNow(req.CreatedAt),
		SkipNotifications: req.SkipNotifications}
	var err error
	switch req.Type {
	case "admin":
		p.AuthorType, p.AuthorID, err = s.adminAuthor(req)
	case "user":
		p.AuthorType, p.AuthorID, err = s.contactAuthor(req)
	default:
		err = invalid("type must be admin or user, not %q", req.Type).onField("type")
	}
	if err != nil {
		return Part{}, err
	}
	if p.Attachments, err = s.attachmentsOf(req.AttachmentURLs, req.AttachmentFiles); err != nil {
		return Part{}, err
	}
	if strings.TrimSpace(p.Body) == "" && len(p.Attachments) == 0 {
		return Part{}, invalid("Body can't be blank for a %s", p.PartType).onField("body")
	}
	return p, nil
}

func (s *Server) adminAuthor(req replyRequest) (string, string, error) {
	switch req.MessageType {
	case "comment", "note", "quick_reply":
	default:
		return "", "", invalid("message_type must be comment, note or quick_reply, not %q", req.MessageType).onField("message_type")
	}
	if err := s.st.checkAdmin(str(req.AdminID)); err != nil {
		return "", "", err
	}
	return "admin", *req.AdminID, nil
}

// contactAuthor finds the contact replying, by intercom_user_id (its id),
// email or user_id (its external_id).
func (s *Server) contactAuthor(req replyRequest) (string, string, error) {
	if req.MessageType != "comment" {
		return "", "", invalid("a contact reply's message_type must be comment, not %q", req.MessageType).onField("message_type")
	}
	var ct *Contact
	switch {
	case req.IntercomUserID != nil:
		ct, _ = s.st.contacts.get(*req.IntercomUserID)
	case req.UserID != nil:
		ct, _ = s.st.contacts.get(s.st.contactByExternalID[*req.UserID])
	case req.Email != nil:
		ct = s.st.contactByEmail(*req.Email)
	}
	if ct == nil {
		return "", "", userNotFound()
	}
	return ct.Role, ct.ID, nil // authors are "user" or "lead"
}

// contactByEmail prefers a user, else the first lead with that email.
func (st *state) contactByEmail(email string) *Contact {
	if ct, ok := st.contacts.get(st.userByEmail[strings.ToLower(email)]); ok {
		return ct
	}
	for _, e := range st.contacts.order {
		if strings.EqualFold(e.v.Email, email) {
			return e.v
		}
	}
	return nil
}

// addPart numbers a part, counts it (and whether it repeats one already
// on the parent) and appends it.
func (s *Server) addPart(parentID string, parts []Part, p Part) ([]Part, Part) {
	p.ID = s.st.numericID("part", 100000)
	if isReply(p.PartType) {
		key := []string{"part", parentID, p.AuthorType, p.AuthorID, strconv.FormatInt(p.CreatedAt, 10), p.Body}
		if s.st.seenBefore(p.ID, key...) {
			s.stats.duplicate("part")
		}
		s.stats.created("part")
		s.countAttachments(p.Attachments)
	}
	return append(parts, p), p
}

func isReply(partType string) bool {
	return partType == "comment" || partType == "note" || partType == "quick_reply"
}

func (s *Server) countAttachments(as []Attachment) {
	for range as {
		s.stats.created("attachment")
	}
}

// renderPart is conversation_part; tickets use the same fields.
func (s *Server) renderPart(p Part) obj {
	o := obj{
		"type": "conversation_part", "id": p.ID, "part_type": p.PartType, "body": nilIfEmpty(p.Body),
		"created_at": p.CreatedAt, "updated_at": p.CreatedAt, "notified_at": p.CreatedAt,
		"author":      s.renderAuthor(p.AuthorType, p.AuthorID),
		"attachments": renderAttachments(p.Attachments), "external_id": nil, "redacted": false,
	}
	if p.AssignedToID != "" { // absent otherwise: the schema's reference is not nullable
		o["assigned_to"] = obj{"type": p.AssignedToType, "id": p.AssignedToID}
	}
	return o
}

// renderAuthor is conversation_part_author.
func (s *Server) renderAuthor(typ, id string) obj {
	o := obj{"type": typ, "id": id, "name": nil, "email": ""}
	switch typ {
	case "admin":
		if a, ok := s.st.admin(id); ok {
			o["name"], o["email"] = a.Name, a.Email
		}
	case "user", "lead":
		if ct, ok := s.st.contacts.get(id); ok {
			o["name"], o["email"] = nilIfEmpty(ct.Name), ct.Email
		}
	case "bot":
		o["name"], o["email"] = "Operator", "operator+"+s.opts.WorkspaceID+"@intercom.io"
	}
	return o
}
