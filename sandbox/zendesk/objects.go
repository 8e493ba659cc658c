package zendesk

import (
	"strconv"

	"github.com/deskport/deskport/sandbox/gen"
)

type userJSON struct {
	ID                  int64          `json:"id"`
	URL                 string         `json:"url"`
	Name                string         `json:"name"`
	Email               string         `json:"email"`
	Phone               *string        `json:"phone"`
	Role                string         `json:"role"`
	RoleType            *int           `json:"role_type"`
	OrganizationID      *int64         `json:"organization_id"`
	DefaultGroupID      *int64         `json:"default_group_id"`
	CreatedAt           string         `json:"created_at"`
	UpdatedAt           string         `json:"updated_at"`
	TimeZone            string         `json:"time_zone"`
	Locale              string         `json:"locale"`
	Tags                []string       `json:"tags"`
	UserFields          map[string]any `json:"user_fields"`
	Suspended           bool           `json:"suspended"`
	Active              bool           `json:"active"`
	Verified            bool           `json:"verified"`
	Shared              bool           `json:"shared"`
	ExternalID          *string        `json:"external_id"`
	Details             string         `json:"details"`
	Notes               string         `json:"notes"`
	Photo               any            `json:"photo"`
	TicketRestriction   *string        `json:"ticket_restriction"`
	OnlyPrivateComments bool           `json:"only_private_comments"`
	RestrictedAgent     bool           `json:"restricted_agent"`
	Moderator           bool           `json:"moderator"`
}

func (rd *renderer) userJSON(u *gen.User) userJSON {
	out := userJSON{
		ID: u.ID, URL: rd.apiBase + "/api/v2/users/" + strconv.FormatInt(u.ID, 10) + ".json",
		Name: u.Name, Email: u.Email, Phone: nullString(u.Phone), Role: u.Role,
		OrganizationID: nullID(u.OrganizationID), CreatedAt: ts(u.CreatedAt), UpdatedAt: ts(u.UpdatedAt),
		TimeZone: u.TimeZone, Locale: u.Locale, Tags: strs(u.Tags), UserFields: fieldValues(rd.acct.UserFields, u.Fields),
		Suspended: u.Suspended, Active: u.Active, Verified: true, ExternalID: nullString(u.ExternalID),
	}
	if u.Role == gen.RoleEndUser {
		out.TicketRestriction = nullString("requested")
	} else {
		out.Moderator = true
		if len(u.GroupIDs) > 0 {
			out.DefaultGroupID = nullID(u.GroupIDs[0])
		}
	}
	return out
}

type organizationJSON struct {
	ID                 int64          `json:"id"`
	URL                string         `json:"url"`
	Name               string         `json:"name"`
	DomainNames        []string       `json:"domain_names"`
	Details            string         `json:"details"`
	Notes              string         `json:"notes"`
	Tags               []string       `json:"tags"`
	OrganizationFields map[string]any `json:"organization_fields"`
	GroupID            *int64         `json:"group_id"`
	SharedTickets      bool           `json:"shared_tickets"`
	SharedComments     bool           `json:"shared_comments"`
	ExternalID         *string        `json:"external_id"`
	CreatedAt          string         `json:"created_at"`
	UpdatedAt          string         `json:"updated_at"`
}

func (rd *renderer) organization(o *gen.Organization) organizationJSON {
	return organizationJSON{
		ID: o.ID, URL: rd.apiBase + "/api/v2/organizations/" + strconv.FormatInt(o.ID, 10) + ".json",
		Name: o.Name, DomainNames: strs(o.DomainNames), Details: o.Details, Notes: o.Notes,
		Tags: strs(o.Tags), OrganizationFields: fieldValues(rd.acct.OrganizationFields, o.Fields),
		CreatedAt: ts(o.CreatedAt), UpdatedAt: ts(o.UpdatedAt), ExternalID: nullString(o.ExternalID),
	}
}

type groupJSON struct {
	ID          int64  `json:"id"`
	URL         string `json:"url"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Default     bool   `json:"default"`
	Deleted     bool   `json:"deleted"`
	IsPublic    bool   `json:"is_public"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

func (rd *renderer) group(g *gen.Group, first bool) groupJSON {
	return groupJSON{
		ID: g.ID, URL: rd.apiBase + "/api/v2/groups/" + strconv.FormatInt(g.ID, 10) + ".json",
		Name: g.Name, Description: g.Description, Default: first, IsPublic: true,
		CreatedAt: ts(g.CreatedAt), UpdatedAt: ts(g.UpdatedAt),
	}
}

type optionJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	RawName string `json:"raw_name"`
	Value   string `json:"value"`
	Default bool   `json:"default"`
}

type ticketFieldJSON struct {
	ID                  int64        `json:"id"`
	URL                 string       `json:"url"`
	Type                string       `json:"type"`
	Title               string       `json:"title"`
	RawTitle            string       `json:"raw_title"`
	Description         string       `json:"description"`
	Position            int          `json:"position"`
	Active              bool         `json:"active"`
	Required            bool         `json:"required"`
	Removable           bool         `json:"removable"`
	RegexpForValidation *string      `json:"regexp_for_validation"`
	TitleInPortal       string       `json:"title_in_portal"`
	VisibleInPortal     bool         `json:"visible_in_portal"`
	EditableInPortal    bool         `json:"editable_in_portal"`
	Tag                 *string      `json:"tag"`
	CreatedAt           string       `json:"created_at"`
	UpdatedAt           string       `json:"updated_at"`
	CustomFieldOptions  []optionJSON `json:"custom_field_options,omitempty"`
}

func (rd *renderer) ticketField(f *gen.TicketField) ticketFieldJSON {
	out := ticketFieldJSON{
		ID: f.ID, URL: rd.apiBase + "/api/v2/ticket_fields/" + strconv.FormatInt(f.ID, 10) + ".json",
		Type: f.Type, Title: f.Title, RawTitle: f.Title, Description: f.Description, Position: f.Position,
		Active: f.Active, Required: f.Required, Removable: !f.System,
		RegexpForValidation: nullString(f.Regexp), TitleInPortal: f.Title, VisibleInPortal: f.System,
		CreatedAt: ts(f.CreatedAt), UpdatedAt: ts(f.UpdatedAt),
	}
	if f.Type == gen.FieldTagger || f.Type == gen.FieldMultiselect {
		out.CustomFieldOptions = make([]optionJSON, 0, len(f.Options))
		for _, o := range f.Options {
			out.CustomFieldOptions = append(out.CustomFieldOptions, optionJSON{o.ID, o.Name, o.Name, o.Value, false})
		}
	}
	return out
}

// auditJSON is one ticket event of the incremental ticket_events export.
type auditJSON struct {
	ID          int64   `json:"id"`
	TicketID    int64   `json:"ticket_id"`
	Timestamp   int64   `json:"timestamp"`
	CreatedAt   string  `json:"created_at"`
	UpdaterID   int64   `json:"updater_id"`
	Via         viaJSON `json:"via"`
	EventType   string  `json:"event_type"`
	ChildEvents []any   `json:"child_events"`
}

type commentEventJSON struct {
	ID          int64            `json:"id"`
	Type        string           `json:"type"`
	EventType   string           `json:"event_type"`
	AuthorID    int64            `json:"author_id"`
	Body        string           `json:"body"`
	HTMLBody    string           `json:"html_body"`
	Public      bool             `json:"public"`
	Attachments []attachmentJSON `json:"attachments"`
	AuditID     int64            `json:"audit_id"`
	CreatedAt   string           `json:"created_at"`
	Via         viaJSON          `json:"via"`
}

type changeEventJSON struct {
	ID            int64   `json:"id"`
	EventType     string  `json:"event_type"`
	FieldName     string  `json:"field_name"`
	Value         string  `json:"value"`
	PreviousValue string  `json:"previous_value"`
	Via           viaJSON `json:"via"`
}

// audit renders an event; its comment appears among child_events only when
// the request asked for include=comment_events.
func (rd *renderer) audit(e event, withComments bool) auditJSON {
	t := &rd.acct.Tickets[e.i]
	out := auditJSON{ID: e.id, TicketID: t.ID, Timestamp: e.ts, EventType: "Audit", ChildEvents: []any{}}
	if e.comment >= 0 {
		c := &t.Comments[e.comment]
		out.CreatedAt, out.UpdaterID = ts(c.CreatedAt), c.AuthorID
		out.Via = rd.via(c.Channel, false, c.AuthorID)
		if withComments {
			out.ChildEvents = append(out.ChildEvents, commentEventJSON{
				ID: c.ID, Type: "Comment", EventType: "Comment", AuthorID: c.AuthorID, Body: c.PlainBody,
				HTMLBody: rd.htmlBody(c), Public: c.Public, Attachments: rd.attachments(c),
				AuditID: c.AuditID, CreatedAt: ts(c.CreatedAt), Via: out.Via,
			})
		}
		return out
	}
	ch := &t.Changes[e.change]
	out.CreatedAt, out.UpdaterID = ts(ch.At), ch.AuthorID
	channel := "web"
	if ch.To == gen.StatusClosed {
		channel = "rule"
	}
	out.Via = rd.via(channel, false, ch.AuthorID)
	out.ChildEvents = append(out.ChildEvents, changeEventJSON{
		ID: ch.ID, EventType: "Change", FieldName: ch.Field, Value: ch.To, PreviousValue: ch.From, Via: out.Via,
	})
	return out
}
