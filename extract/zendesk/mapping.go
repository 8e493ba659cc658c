package zendesk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

var errNoID = errors.New("record has no id")

type ticketJSON struct {
	ID             id        `json:"id"`
	ExternalID     scalar    `json:"external_id"`
	Via            via       `json:"via"`
	CreatedAt      isoTime   `json:"created_at"`
	UpdatedAt      isoTime   `json:"updated_at"`
	Generated      int64     `json:"generated_timestamp"`
	Type           *string   `json:"type"`
	Subject        *string   `json:"subject"`
	RawSubject     *string   `json:"raw_subject"`
	Description    *string   `json:"description"`
	Priority       *string   `json:"priority"`
	Status         *string   `json:"status"`
	RequesterID    id        `json:"requester_id"`
	SubmitterID    id        `json:"submitter_id"`
	AssigneeID     id        `json:"assignee_id"`
	OrganizationID id        `json:"organization_id"`
	GroupID        id        `json:"group_id"`
	Tags           []string  `json:"tags"`
	CustomFields   []fieldKV `json:"custom_fields"`
	DueAt          isoTime   `json:"due_at"`
}

type fieldKV struct {
	ID    id              `json:"id"`
	Value json.RawMessage `json:"value"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// ticketRef is what the comments stage needs of a ticket: which one, and until when its thread
// can have changed (a comment is never newer than its ticket's updated_at).
type ticketRef struct {
	id      string
	updated int64 // unix seconds
	deleted bool
}

func mapTicket(raw json.RawMessage) (schema.Ticket, ticketRef, error) {
	var t ticketJSON
	if err := json.Unmarshal(raw, &t); err != nil {
		return schema.Ticket{}, ticketRef{}, err
	}
	if t.ID == "" {
		return schema.Ticket{}, ticketRef{}, errNoID
	}
	subject := str(t.Subject)
	if t.Subject == nil {
		subject = str(t.RawSubject)
	}
	row := schema.Ticket{
		SourceID: string(t.ID), CreatedAt: t.CreatedAt.Time, UpdatedAt: t.UpdatedAt.Time,
		Subject: subject, Description: str(t.Description),
		Status: str(t.Status), Priority: str(t.Priority), Type: str(t.Type), Channel: string(t.Via.Channel),
		RequesterID: string(t.RequesterID), SubmitterID: string(t.SubmitterID), AssigneeID: string(t.AssigneeID),
		GroupID: string(t.GroupID), OrganizationID: string(t.OrganizationID), ExternalID: string(t.ExternalID),
		Tags: t.Tags, CustomFields: customFields(t.CustomFields), DueAt: t.DueAt.ptr(),
		Deleted: str(t.Status) == "deleted", Raw: compact(raw),
	}
	ref := ticketRef{id: row.SourceID, updated: t.UpdatedAt.Unix(), deleted: row.Deleted}
	if t.UpdatedAt.IsZero() {
		// generated_timestamp is never older than updated_at, so it bounds the thread's age too.
		ref.updated = t.Generated
		if ref.updated == 0 {
			ref.updated = time.Now().Unix()
		}
	}
	return row, ref, nil
}

// customFields renders [{id, value}] as {"<id>": value}, values as the source typed them.
func customFields(kvs []fieldKV) string {
	if kvs == nil {
		return ""
	}
	var b bytes.Buffer
	b.WriteByte('{')
	seen := map[id]bool{}
	for _, kv := range kvs {
		if kv.ID == "" || seen[kv.ID] {
			continue
		}
		seen[kv.ID] = true
		if len(seen) > 1 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(string(kv.ID)))
		b.WriteByte(':')
		if v := bytes.TrimSpace(kv.Value); len(v) > 0 {
			_ = json.Compact(&b, v)
		} else {
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
	return b.String()
}

type userJSON struct {
	ID             id              `json:"id"`
	Name           string          `json:"name"`
	Email          string          `json:"email"`
	Phone          string          `json:"phone"`
	Role           string          `json:"role"`
	OrganizationID id              `json:"organization_id"`
	ExternalID     scalar          `json:"external_id"`
	Locale         string          `json:"locale"`
	TimeZone       string          `json:"time_zone"`
	Tags           []string        `json:"tags"`
	UserFields     json.RawMessage `json:"user_fields"`
	Suspended      bool            `json:"suspended"`
	Active         *bool           `json:"active"`
	CreatedAt      isoTime         `json:"created_at"`
	UpdatedAt      isoTime         `json:"updated_at"`
}

// mapUser adds an end user to rows as a Contact and an agent or admin as an Agent.
func mapUser(raw json.RawMessage, rows *rowSet) error {
	var u userJSON
	if err := json.Unmarshal(raw, &u); err != nil {
		return err
	}
	if u.ID == "" {
		return errNoID
	}
	switch u.Role {
	case "end-user":
		rows.contacts = append(rows.contacts, schema.Contact{
			SourceID: string(u.ID), Name: u.Name, Email: u.Email, Phone: u.Phone, Role: u.Role,
			OrganizationID: string(u.OrganizationID), ExternalID: string(u.ExternalID), Locale: u.Locale,
			TimeZone: u.TimeZone, Tags: u.Tags, CustomFields: jsonObject(u.UserFields), Suspended: u.Suspended,
			CreatedAt: u.CreatedAt.Time, UpdatedAt: u.UpdatedAt.Time, Raw: compact(raw),
		})
	case "agent", "admin":
		rows.agents = append(rows.agents, schema.Agent{
			SourceID: string(u.ID), Name: u.Name, Email: u.Email, Role: u.Role,
			Active:    u.Active == nil || *u.Active,
			CreatedAt: u.CreatedAt.Time, UpdatedAt: u.UpdatedAt.Time, Raw: compact(raw),
		})
	default:
		return fmt.Errorf("unknown role %q", u.Role)
	}
	return nil
}

type orgJSON struct {
	ID          id              `json:"id"`
	Name        string          `json:"name"`
	DomainNames []string        `json:"domain_names"`
	Details     string          `json:"details"`
	Notes       string          `json:"notes"`
	Tags        []string        `json:"tags"`
	Fields      json.RawMessage `json:"organization_fields"`
	CreatedAt   isoTime         `json:"created_at"`
	UpdatedAt   isoTime         `json:"updated_at"`
}

func mapOrganization(raw json.RawMessage) (schema.Company, int64, error) {
	var o orgJSON
	if err := json.Unmarshal(raw, &o); err != nil {
		return schema.Company{}, 0, err
	}
	if o.ID == "" {
		return schema.Company{}, 0, errNoID
	}
	return schema.Company{
		SourceID: string(o.ID), Name: o.Name, DomainNames: o.DomainNames, Details: o.Details, Notes: o.Notes,
		Tags: o.Tags, CustomFields: jsonObject(o.Fields), CreatedAt: o.CreatedAt.Time, UpdatedAt: o.UpdatedAt.Time,
		Raw: compact(raw),
	}, o.UpdatedAt.Unix(), nil
}

func mapGroup(raw json.RawMessage) (schema.Group, error) {
	var g struct {
		ID          id      `json:"id"`
		Name        string  `json:"name"`
		Description string  `json:"description"`
		Deleted     bool    `json:"deleted"`
		CreatedAt   isoTime `json:"created_at"`
		UpdatedAt   isoTime `json:"updated_at"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		return schema.Group{}, err
	}
	if g.ID == "" {
		return schema.Group{}, errNoID
	}
	return schema.Group{SourceID: string(g.ID), Name: g.Name, Description: g.Description, Deleted: g.Deleted,
		CreatedAt: g.CreatedAt.Time, UpdatedAt: g.UpdatedAt.Time, Raw: compact(raw)}, nil
}

// fieldTypes renames the types whose API name differs from what the admin UI calls them.
var fieldTypes = map[string]string{"tagger": "dropdown"}

func mapTicketField(raw json.RawMessage) (schema.TicketField, error) {
	var f struct {
		ID       id     `json:"id"`
		Type     string `json:"type"`
		Title    string `json:"title"`
		Active   bool   `json:"active"`
		Required bool   `json:"required"`
		Options  []struct {
			Name  json.RawMessage `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"custom_field_options"`
		CreatedAt isoTime `json:"created_at"`
		UpdatedAt isoTime `json:"updated_at"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return schema.TicketField{}, err
	}
	if f.ID == "" {
		return schema.TicketField{}, errNoID
	}
	typ := f.Type
	if t, ok := fieldTypes[typ]; ok {
		typ = t
	}
	options := ""
	if f.Options != nil {
		var b bytes.Buffer
		b.WriteByte('[')
		for i, o := range f.Options {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"name":` + rawOrNull(o.Name) + `,"value":` + rawOrNull(o.Value) + `}`)
		}
		b.WriteByte(']')
		options = b.String()
	}
	return schema.TicketField{SourceID: string(f.ID), Title: f.Title, Type: typ, Active: f.Active,
		Required: f.Required, Options: options, CreatedAt: f.CreatedAt.Time, UpdatedAt: f.UpdatedAt.Time,
		Raw: compact(raw)}, nil
}

func rawOrNull(raw json.RawMessage) string {
	if len(bytes.TrimSpace(raw)) == 0 {
		return "null"
	}
	return string(compact(raw))
}

// commentJSON reads a comment from either path: the per-ticket endpoint or a Comment child event
// of the ticket events export. Only fields both paths carry feed the canonical row, so a comment
// stages the same whichever path fetched it.
type commentJSON struct {
	ID          id                `json:"id"`
	Type        string            `json:"type"`
	EventType   string            `json:"event_type"`
	AuthorID    id                `json:"author_id"`
	Body        string            `json:"body"`
	HTMLBody    string            `json:"html_body"`
	Public      bool              `json:"public"`
	Attachments []json.RawMessage `json:"attachments"`
	Via         via               `json:"via"`
	CreatedAt   isoTime           `json:"created_at"`
}

// isComment tells a comment child event from the other events of an audit.
func isComment(kind string) bool { return kind == "Comment" || kind == "VoiceComment" }

// mapComment adds a comment and its attachments to rows; a bad attachment is a skip.
func mapComment(raw json.RawMessage, ticketID string, fallback isoTime, rows *rowSet) ([]extract.Skip, error) {
	var c commentJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	if c.ID == "" {
		return nil, errNoID
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = fallback
	}
	rows.comments = append(rows.comments, schema.Comment{
		SourceID: string(c.ID), TicketID: ticketID, AuthorID: string(c.AuthorID), Public: c.Public,
		BodyHTML: c.HTMLBody, BodyText: c.Body, Channel: string(c.Via.Channel), CreatedAt: c.CreatedAt.Time,
		Raw: compact(raw),
	})
	var skips []extract.Skip
	for _, a := range c.Attachments {
		row, err := mapAttachment(a, string(c.ID), ticketID, c.CreatedAt)
		if err != nil {
			skips = append(skips, badRecord(schema.Attachments, a, err))
			continue
		}
		rows.attachments = append(rows.attachments, row)
	}
	return skips, nil
}

// mapAttachment reads an attachment; older payloads name the file in name, not file_name. It has
// no timestamps of its own: it was created with its comment, so it takes the comment's.
func mapAttachment(raw json.RawMessage, commentID, ticketID string, created isoTime) (schema.Attachment, error) {
	var a struct {
		ID          id     `json:"id"`
		FileName    string `json:"file_name"`
		Name        string `json:"name"`
		ContentURL  string `json:"content_url"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
		Inline      bool   `json:"inline"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return schema.Attachment{}, err
	}
	if a.ID == "" {
		return schema.Attachment{}, errNoID
	}
	if a.FileName == "" {
		a.FileName = a.Name
	}
	return schema.Attachment{SourceID: string(a.ID), CommentID: commentID, TicketID: ticketID,
		FileName: a.FileName, ContentType: a.ContentType, Size: a.Size, ContentURL: a.ContentURL,
		Inline: a.Inline, CreatedAt: created.Time, Raw: compact(raw)}, nil
}

// badRecord is the skip of a record that could not be read.
func badRecord(e schema.Entity, raw json.RawMessage, err error) extract.Skip {
	return extract.Skip{Entity: e, SourceID: recordID(raw), Reason: "unreadable record: " + err.Error()}
}
