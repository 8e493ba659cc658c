package gen

import (
	"errors"
	"html"
	"time"
)

// Errors of the mutation methods.
var (
	ErrTicketNotFound  = errors.New("gen: ticket not found")
	ErrArticleNotFound = errors.New("gen: article not found")
	ErrUserNotFound    = errors.New("gen: user not found")
	ErrOrgNotFound     = errors.New("gen: organization not found")
)

// TicketInput describes a ticket created after generation (delta tests).
type TicketInput struct {
	Subject     string
	Body        string // plain text of the first comment
	RequesterID int64  // 0: the first end user
	Status      string // default "new"
	Priority    string
	Type        string
	Channel     string // default "web"
	GroupID     int64  // default the first group
	AssigneeID  int64
	Tags        []string
}

// CommentInput describes a comment added after generation.
type CommentInput struct {
	AuthorID    int64
	Body        string // plain text; the HTML body is derived from it
	Private     bool   // an internal note
	Channel     string // default "web"
	Attachments []AttachmentInput
}

// AttachmentInput is a file attached by a mutation.
type AttachmentInput struct {
	FileName    string
	ContentType string
	Content     []byte
}

// second normalises a mutation time the way the platform stores it.
func second(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// AddTicket creates a ticket at the given time and returns a copy of it.
func (a *Account) AddTicket(at time.Time, in TicketInput) Ticket {
	a.mu.Lock()
	defer a.mu.Unlock()
	at = second(at)
	t := Ticket{
		ID: a.ids.Ticket.plain(), Subject: in.Subject, Status: or(in.Status, StatusNew),
		Priority: in.Priority, Type: in.Type, Channel: or(in.Channel, "web"),
		RequesterID: in.RequesterID, GroupID: in.GroupID, AssigneeID: in.AssigneeID,
		Tags: in.Tags, CreatedAt: at, UpdatedAt: at, GeneratedAt: at,
	}
	t.ViaID = ViaID(t.Channel)
	a.fillTicketDefaults(&t)
	t.Comments = []Comment{a.newComment(at, CommentInput{AuthorID: t.RequesterID, Body: in.Body, Channel: t.Channel})}
	t.Description = in.Body
	a.Tickets = append(a.Tickets, t)
	a.byID[t.ID] = len(a.Tickets) - 1
	a.version++
	return t
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// fillTicketDefaults resolves the requester, submitter, organization, group
// and the (unset) custom fields of a new ticket.
func (a *Account) fillTicketDefaults(t *Ticket) {
	for _, u := range a.Users {
		if (t.RequesterID == 0 && u.Role == RoleEndUser) || u.ID == t.RequesterID {
			t.RequesterID, t.OrganizationID = u.ID, u.OrganizationID
			break
		}
	}
	t.SubmitterID = t.RequesterID
	if t.GroupID == 0 && len(a.Groups) > 0 {
		t.GroupID = a.Groups[0].ID
	}
	for _, f := range a.TicketFields {
		if !f.System && f.Active {
			t.CustomFields = append(t.CustomFields, FieldValue{FieldID: f.ID})
		}
	}
}

// newComment builds a comment with fresh ids; the caller holds the lock.
func (a *Account) newComment(at time.Time, in CommentInput) Comment {
	c := Comment{
		ID: a.ids.Comment.plain(), AuditID: a.ids.Audit.plain(), AuthorID: in.AuthorID,
		Public: !in.Private, Channel: or(in.Channel, "web"), CreatedAt: at,
		PlainBody: in.Body, HTMLBody: "<p>" + html.EscapeString(in.Body) + "</p>",
	}
	for _, f := range in.Attachments {
		c.Attachments = append(c.Attachments, Attachment{
			ID: a.ids.Attachment.plain(), FileName: f.FileName, ContentType: f.ContentType,
			Content: f.Content, Size: int64(len(f.Content)),
		})
	}
	return c
}

// AddComment appends a comment to a ticket. Its time is moved one second
// past the previous comment if needed, so comment times stay strictly
// increasing; the ticket's UpdatedAt and GeneratedAt move with it.
func (a *Account) AddComment(ticketID int64, at time.Time, in CommentInput) (Comment, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.TicketByID(ticketID)
	if t == nil {
		return Comment{}, ErrTicketNotFound
	}
	at = second(at)
	if n := len(t.Comments); n > 0 && !at.After(t.Comments[n-1].CreatedAt) {
		at = t.Comments[n-1].CreatedAt.Add(time.Second)
	}
	c := a.newComment(at, in)
	t.Comments = append(t.Comments, c)
	t.UpdatedAt, t.GeneratedAt = later(t.UpdatedAt, at), later(t.GeneratedAt, at)
	a.version++
	return c, nil
}

// UpdateTicket applies fn to a ticket and bumps UpdatedAt and GeneratedAt. A
// status change is recorded as a comment-less audit. fn must not change ID.
func (a *Account) UpdateTicket(ticketID int64, at time.Time, fn func(t *Ticket)) (Ticket, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.TicketByID(ticketID)
	if t == nil {
		return Ticket{}, ErrTicketNotFound
	}
	at = later(second(at), t.UpdatedAt)
	before := t.Status
	fn(t)
	if t.Status != before {
		t.Changes = append(t.Changes, Change{
			AuditID: a.ids.Audit.plain(), ID: a.ids.Audit.plain(), AuthorID: t.AssigneeID,
			Field: "status", From: before, To: t.Status, At: at,
		})
	}
	t.UpdatedAt, t.GeneratedAt = at, later(t.GeneratedAt, at)
	a.version++
	return *t, nil
}

// UpdateUser applies fn to a user and bumps UpdatedAt.
func (a *Account) UpdateUser(userID int64, at time.Time, fn func(u *User)) (User, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.Users {
		if u := &a.Users[i]; u.ID == userID {
			fn(u)
			u.UpdatedAt = later(second(at), u.UpdatedAt)
			a.version++
			return *u, nil
		}
	}
	return User{}, ErrUserNotFound
}

// UpdateOrganization applies fn to an organization and bumps UpdatedAt.
func (a *Account) UpdateOrganization(orgID int64, at time.Time, fn func(o *Organization)) (Organization, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.Organizations {
		if o := &a.Organizations[i]; o.ID == orgID {
			fn(o)
			o.UpdatedAt = later(second(at), o.UpdatedAt)
			a.version++
			return *o, nil
		}
	}
	return Organization{}, ErrOrgNotFound
}

// UpdateArticle applies fn to a knowledge base article and bumps UpdatedAt, as an edit in the
// Help Center does; the incremental articles export then returns it again.
func (a *Account) UpdateArticle(articleID int64, at time.Time, fn func(art *KBArticle)) (KBArticle, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.Guide.Articles {
		if art := &a.Guide.Articles[i]; art.ID == articleID {
			fn(art)
			art.UpdatedAt = later(second(at), art.UpdatedAt)
			a.version++
			return *art, nil
		}
	}
	return KBArticle{}, ErrArticleNotFound
}
