// Package schema defines deskport's canonical entities, the staging store's tables and the
// writer that ingests extracted records into it.
//
// Every system's extractor maps its records onto the row types in this file and hands them over as
// Arrow record batches built by Batch; the staging store derives its raw tables and canonical views
// from the same column lists, so the Go types, the Arrow schemas and the DuckDB DDL cannot drift.
package schema

import (
	"time"
)

// Entity names a canonical entity. Its raw table is raw_<name> and its canonical view is <name>.
type Entity string

// The canonical entities of the ticketing side of a help desk.
const (
	Tickets      Entity = "tickets"
	Comments     Entity = "comments"
	Contacts     Entity = "contacts"
	Companies    Entity = "companies"
	Agents       Entity = "agents"
	Groups       Entity = "groups"
	Attachments  Entity = "attachments"
	TicketFields Entity = "ticket_fields"
)

// Ticket is a support ticket. Ids are the source's ids as decimal or opaque strings; CustomFields is
// a JSON object of field id → value exactly as the source gave it.
type Ticket struct {
	SourceID       string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Subject        string
	Description    string
	Status         string
	Priority       string
	Type           string
	Channel        string
	RequesterID    string
	SubmitterID    string
	AssigneeID     string
	GroupID        string
	OrganizationID string
	ExternalID     string
	Tags           []string
	CustomFields   string // JSON object {"<field id>": value}
	DueAt          *time.Time
	Deleted        bool
	Raw            []byte
}

// Comment is one entry of a ticket's thread: a public reply or a private note.
type Comment struct {
	SourceID  string
	TicketID  string
	AuthorID  string
	Public    bool
	BodyHTML  string
	BodyText  string
	Channel   string
	CreatedAt time.Time
	UpdatedAt time.Time
	Raw       []byte
}

// Contact is an end user of the help desk (a customer).
type Contact struct {
	SourceID       string
	Name           string
	Email          string
	Phone          string
	Role           string
	OrganizationID string
	ExternalID     string
	Locale         string
	TimeZone       string
	Tags           []string
	CustomFields   string // JSON object
	Suspended      bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Raw            []byte
}

// Company is an organization contacts belong to.
type Company struct {
	SourceID     string
	Name         string
	DomainNames  []string
	Details      string
	Notes        string
	Tags         []string
	CustomFields string // JSON object
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Raw          []byte
}

// Agent is a member of the support team (an admin in Intercom's words).
type Agent struct {
	SourceID  string
	Name      string
	Email     string
	Role      string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
	Raw       []byte
}

// Group is a team of agents tickets are routed to.
type Group struct {
	SourceID    string
	Name        string
	Description string
	Deleted     bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Raw         []byte
}

// Attachment is a file attached to a comment. ContentURL may point at another host than the
// source's API and may need the source's authentication to download.
type Attachment struct {
	SourceID    string
	CommentID   string
	TicketID    string
	FileName    string
	ContentType string
	Size        int64
	ContentURL  string
	Inline      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Raw         []byte
}

// TicketField is a ticket field definition; Options is a JSON array of {name, value}.
type TicketField struct {
	SourceID  string
	Title     string
	Type      string
	Active    bool
	Required  bool
	Options   string // JSON array
	CreatedAt time.Time
	UpdatedAt time.Time
	Raw       []byte
}
