// Package gen generates a seeded, realistic help desk account in memory.
//
// The types are platform neutral: each simulator under sandbox/ renders the
// same Account in its own platform's JSON. Everything is derived from
// Options.Seed, so two calls with the same options give identical accounts.
package gen

import (
	"sync"
	"time"
)

// Roles of a User.
const (
	RoleEndUser = "end-user"
	RoleAgent   = "agent"
	RoleAdmin   = "admin"
)

// Ticket statuses. StatusDeleted tickets stay in the account (soft delete),
// the way incremental exports still report them.
const (
	StatusNew     = "new"
	StatusOpen    = "open"
	StatusPending = "pending"
	StatusHold    = "hold"
	StatusSolved  = "solved"
	StatusClosed  = "closed"
	StatusDeleted = "deleted"
)

// Ticket field types (Zendesk's names; a dropdown is "tagger").
const (
	FieldCheckbox    = "checkbox"
	FieldDate        = "date"
	FieldDecimal     = "decimal"
	FieldTagger      = "tagger"
	FieldInteger     = "integer"
	FieldMultiselect = "multiselect"
	FieldRegexp      = "regexp"
	FieldText        = "text"
	FieldTextarea    = "textarea"
)

// Account is a whole help desk. Read it under RLock while a simulator may be
// mutating it; the mutation methods take the write lock themselves.
type Account struct {
	Users         []User
	Organizations []Organization
	Groups        []Group
	TicketFields  []TicketField
	Tickets       []Ticket
	// UserFields and OrganizationFields are the custom fields users and organizations can fill,
	// their values kept on each record under the field's key.
	UserFields         []ProfileField
	OrganizationFields []ProfileField
	Guide              Guide // the knowledge base; empty unless Options.Articles is set

	mu      sync.RWMutex
	version uint64
	byID    map[int64]int // ticket id → index in Tickets
	ids     idAllocators  // continues the id sequences for mutations
	kbTop   int64         // the largest knowledge base id Write handed out
}

// User is an end user, agent or admin.
type User struct {
	ID             int64
	ExternalID     string // set by imports (create_or_update); generated users have none
	Name           string
	Email          string
	Phone          string // may be invalid ("12345", "call me"): real data is like that
	Role           string
	OrganizationID int64 // 0 = none
	GroupIDs       []int64
	Locale         string
	TimeZone       string
	Tags           []string
	Suspended      bool
	Active         bool
	Fields         map[string]any // user_fields values by key; generated users have none
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Organization is a customer company.
type Organization struct {
	ID          int64
	ExternalID  string // set by imports; generated organizations have none
	Name        string
	DomainNames []string
	Details     string
	Notes       string
	Tags        []string
	Fields      map[string]any // organization_fields values by key; generated ones have none
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ProfileField is a custom field of users or organizations: Type is checkbox, date, decimal,
// dropdown, integer, regexp, text or textarea; a dropdown's value is one of its options' values.
type ProfileField struct {
	ID       int64
	Key      string
	Title    string
	Type     string
	Active   bool
	Position int
	Options  []FieldOption
}

// Group is a team of agents.
type Group struct {
	ID          int64
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// FieldOption is one choice of a tagger or multiselect field.
type FieldOption struct {
	ID    int64
	Name  string
	Value string
}

// TicketField is a ticket field definition. System fields (subject, status,
// …) are listed too, with System set, because the Zendesk API lists them.
type TicketField struct {
	ID          int64
	Title       string
	Description string
	Type        string
	System      bool
	Active      bool
	Required    bool
	Position    int
	Regexp      string // only for FieldRegexp
	Options     []FieldOption
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// FieldValue is the value of one custom field on a ticket: string, int64,
// float64, bool, []string or nil (unset).
type FieldValue struct {
	FieldID int64
	Value   any
}

// Ticket is a ticket with its whole conversation.
type Ticket struct {
	ID              int64
	ExternalID      string
	Subject         string
	Description     string // the first comment's plain text
	Status          string
	Priority        string // "" = none
	Type            string // "" = none
	Channel         string // web, email, api, …
	ViaID           int    // the numeric via id of Channel
	NumericVia      bool   // render the via channel as the integer ViaID
	RequesterID     int64
	SubmitterID     int64
	AssigneeID      int64 // 0 = unassigned
	GroupID         int64
	OrganizationID  int64
	CollaboratorIDs []int64
	Tags            []string
	CustomFields    []FieldValue
	Satisfaction    string // "", "offered", "good", "bad"
	CreatedAt       time.Time
	UpdatedAt       time.Time
	GeneratedAt     time.Time // Zendesk's generated_timestamp: bumped by every change
	DueAt           *time.Time
	Comments        []Comment
	Changes         []Change // audits without a comment (status changes)
}

// Comment is one message of a ticket. The first one is the description.
type Comment struct {
	ID          int64
	AuditID     int64 // the audit (ticket event) that added it
	AuthorID    int64
	Public      bool
	HTMLBody    string // inline images are <img src="deskport-attachment:ID">: see InlineSrc
	PlainBody   string
	Channel     string
	CreatedAt   time.Time
	Attachments []Attachment
}

// Change is an audit that changed a field without adding a comment.
type Change struct {
	AuditID  int64
	ID       int64 // the child event's id
	AuthorID int64
	Field    string
	From, To string
	At       time.Time
}

// Attachment is a file on a comment. Content is small and derived from ID.
type Attachment struct {
	ID          int64
	FileName    string
	ContentType string
	Size        int64 // always len(Content)
	Width       int   // images only
	Height      int
	Inline      bool // referenced from the comment's HTML body
	LegacyName  bool // old payloads name the file "name" instead of "file_name"
	Malware     bool // the platform's scan flagged it
	Content     []byte
}

// Counts summarises an account for tests.
type Counts struct {
	Tickets            int // including deleted
	TicketsLive        int // excluding deleted
	TicketsDeleted     int
	Comments           int // of non-deleted tickets
	CommentsAll        int // of every ticket
	Changes            int // audits without comments, every ticket
	Attachments        int // of non-deleted tickets, inline included
	InlineAttachments  int // of non-deleted tickets
	EndUsers           int
	Agents             int // agents and admins
	Organizations      int
	Groups             int
	TicketFields       int // custom fields only
	SystemTicketFields int
}
