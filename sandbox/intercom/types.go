package intercom

import "maps"

// The types below are what tests read back (Server.Contacts and friends):
// deep copies of what the simulator holds. Timestamps are unix seconds as
// the API carries them; 0 means unset.

// Contact is a user or lead.
type Contact struct {
	ID, Role, ExternalID, Email, Phone, Name, Avatar string
	OwnerID                                          string // an admin id, "" = none
	SignedUpAt, LastSeenAt                           int64
	UnsubscribedFromEmails                           bool
	CustomAttributes                                 map[string]any
	CompanyIDs                                       []string // Intercom company ids, in attach order
	TagIDs                                           []string
	CreatedAt, UpdatedAt                             int64
}

// Company is a customer company, upserted by CompanyID.
type Company struct {
	ID, CompanyID, Name, Plan, Website, Industry string
	Size, MonthlySpend                           int64
	RemoteCreatedAt, CreatedAt, UpdatedAt        int64
	CustomAttributes                             map[string]any
	TagIDs                                       []string
	ContactIDs                                   []string // attached contacts; lists show a company only once it has one
}

// Tag is a workspace tag; names are unique case-insensitively.
type Tag struct {
	ID, Name  string
	CreatedAt int64
}

// Attachment is a file on a part: uploaded (Size, SHA256 of the decoded
// data) or linked (URL).
type Attachment struct {
	Name, ContentType string
	Size              int64
	SHA256            string // hex, of attachment_files data
	URL               string // of attachment_urls
}

// Part is one entry of a conversation's or ticket's history: a reply
// (comment, note, quick_reply) or an action (close, open, snoozed,
// assignment, ticket_state_updated_by_admin, …).
type Part struct {
	ID, PartType, Body   string
	AuthorType, AuthorID string // admin; user or lead (the contact's role); bot
	CreatedAt            int64  // as given on import, else the server's time
	Attachments          []Attachment
	AssignedToType       string // assignment parts: admin or team
	AssignedToID         string
	State                string // conversation state or ticket state category after the part
	PreviousState        string // ticket state parts
	SkipNotifications    bool
}

// Conversation is a conversation started by a contact; its first message
// (the "source") is Body, the rest are Parts.
type Conversation struct {
	ID, Title, Subject, Body        string
	MessageID                       string // the message POST /conversations returned
	AuthorType, AuthorID            string // of the source message
	ContactIDs                      []string
	Attachments                     []Attachment // of the source message
	State                           string       // open, closed, snoozed
	SnoozedUntil                    int64
	AdminAssigneeID, TeamAssigneeID string // "" = unassigned
	TagIDs                          []string
	CustomAttributes                map[string]any
	Parts                           []Part
	CreatedAt, UpdatedAt            int64
}

// Ticket is a ticket of a ticket type.
type Ticket struct {
	ID                              string // the API id
	TicketID                        string // the inbox number (#33)
	TicketTypeID, Category          string
	ContactIDs                      []string
	CompanyID                       string
	Attributes                      map[string]any // _default_title_, _default_description_, …
	StateID, State                  string         // ticket state id and its category
	Open                            bool
	SnoozedUntil                    int64
	AdminAssigneeID, TeamAssigneeID string // "" = unassigned
	TagIDs                          []string
	Parts                           []Part
	SkipNotifications               bool
	CreatedAt, UpdatedAt            int64
}

// Title is the ticket's _default_title_.
func (t Ticket) Title() string { s, _ := t.Attributes[titleAttribute].(string); return s }

// TicketType defines the attributes of its tickets.
type TicketType struct {
	ID, Name, Description, Category, Icon string
	IsInternal                            bool
	Attributes                            []TicketTypeAttribute
	CreatedAt, UpdatedAt                  int64
}

// TicketTypeAttribute is one attribute of a ticket type.
type TicketTypeAttribute struct {
	ID, Name, Description, DataType string
	ListItems                       []string
	RequiredToCreate                bool
	RequiredToCreateForContacts     bool
	VisibleOnCreate                 bool
	VisibleToContacts               bool
	Multiline, AllowMultipleValues  bool
	Default                         bool // _default_title_ and _default_description_
	CreatedAt                       int64
}

// TicketState is one state tickets move through.
type TicketState struct {
	ID, Category, InternalLabel, ExternalLabel string
}

// DataAttribute describes a contact, company or conversation attribute.
type DataAttribute struct {
	ID                       int64
	Model, Name, Description string
	DataType                 string // string, integer, float, boolean, date
	Options                  []string
	Custom                   bool // false for Intercom's built-in attributes
	MessengerWritable        bool
	CreatedAt                int64
}

func (c Contact) clone() Contact {
	c.CustomAttributes = cloneMap(c.CustomAttributes)
	c.CompanyIDs, c.TagIDs = cloneStrings(c.CompanyIDs), cloneStrings(c.TagIDs)
	return c
}

func (c Company) clone() Company {
	c.CustomAttributes = cloneMap(c.CustomAttributes)
	c.TagIDs, c.ContactIDs = cloneStrings(c.TagIDs), cloneStrings(c.ContactIDs)
	return c
}

func (p Part) clone() Part {
	p.Attachments = append([]Attachment(nil), p.Attachments...)
	return p
}

func (c Conversation) clone() Conversation {
	c.ContactIDs, c.TagIDs = cloneStrings(c.ContactIDs), cloneStrings(c.TagIDs)
	c.Attachments = append([]Attachment(nil), c.Attachments...)
	c.CustomAttributes = cloneMap(c.CustomAttributes)
	c.Parts = cloneParts(c.Parts)
	return c
}

func (t Ticket) clone() Ticket {
	t.ContactIDs, t.TagIDs = cloneStrings(t.ContactIDs), cloneStrings(t.TagIDs)
	t.Attributes = cloneMap(t.Attributes)
	t.Parts = cloneParts(t.Parts)
	return t
}

func (t TicketType) clone() TicketType {
	attrs := make([]TicketTypeAttribute, len(t.Attributes))
	for i, a := range t.Attributes {
		a.ListItems = cloneStrings(a.ListItems)
		attrs[i] = a
	}
	t.Attributes = attrs
	return t
}

func (d DataAttribute) clone() DataAttribute {
	d.Options = cloneStrings(d.Options)
	return d
}

func cloneParts(in []Part) []Part {
	out := make([]Part, len(in))
	for i, p := range in {
		out[i] = p.clone()
	}
	return out
}

func cloneStrings(in []string) []string { return append([]string(nil), in...) }

// cloneMap copies attribute maps; values are JSON values, so nested
// arrays and objects are copied too.
func cloneMap(in map[string]any) map[string]any {
	if in == nil {
		return nil
	}
	out := maps.Clone(in)
	for k, v := range out {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = cloneValue(e)
		}
		return out
	case map[string]any:
		return cloneMap(v)
	}
	return v
}
