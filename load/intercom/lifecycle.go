package intercom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/deskport/deskport/load"
)

// lifecycleKinds are the ops a delta migration adds to a plan: changes of records migrated
// earlier, in the fields Intercom lets a client change.
var lifecycleKinds = map[string]func(x *exec, ctx context.Context) (string, error){
	kindTicketUpdate:       (*exec).ticketUpdate,
	kindConversationUpdate: (*exec).conversationUpdate,
	kindContactUpdate:      (*exec).contactUpdate,
}

// conversationUpdatePayload changes a migrated conversation: its title, and its state.
type conversationUpdatePayload struct {
	Parent    string `json:"parent"`
	ParentRef string `json:"parent_ref"`
	Title     string `json:"title"`
	Close     bool   `json:"close"`
	AdminID   flexID `json:"admin_id"`
}

// conversationUpdate sets the title (PUT /conversations/{id}) and closes or reopens the
// conversation (POST /conversations/{id}/parts) as the source has it now. Both set a value
// whatever it was: sending them again changes nothing.
func (x *exec) conversationUpdate(ctx context.Context) (string, error) {
	var p conversationUpdatePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	conv, err := x.ref("parent_ref", p.ParentRef)
	if err != nil {
		return "", err
	}
	if p.AdminID == "" {
		return "", x.invalid("admin_id is missing: Intercom records who closes or reopens a conversation")
	}
	path := "/conversations/" + url.PathEscape(conv)
	if p.Title != "" {
		cl := &call{method: http.MethodPut, route: "/conversations/{id}", path: path, body: map[string]string{"title": p.Title}}
		if err := x.send(ctx, cl, nil); err != nil {
			return "", err
		}
	}
	var state any = map[string]string{"message_type": "open", "admin_id": string(p.AdminID)}
	if p.Close {
		state = closeConversation{MessageType: "close", Type: "admin", AdminID: string(p.AdminID)}
	}
	cl := &call{method: http.MethodPost, route: "/conversations/{id}/parts", path: path + "/parts", body: state, idempotent: true}
	return conv, x.send(ctx, cl, nil)
}

// ticketUpdatePayload changes a migrated ticket: attributes, state and assignee.
type ticketUpdatePayload struct {
	Parent            string     `json:"parent"`
	ParentRef         string     `json:"parent_ref"`
	TicketAttributes  attributes `json:"ticket_attributes"`
	TicketStateID     flexID     `json:"ticket_state_id"`
	AdminAssigneeID   flexID     `json:"admin_assignee_id"`
	TeamAssigneeID    flexID     `json:"team_assignee_id"`
	AdminID           flexID     `json:"admin_id"`
	SkipNotifications *bool      `json:"skip_notifications"`
}

// putTicket is the request of PUT /tickets/{id}: assignee_id takes an admin or a team.
type putTicket struct {
	TicketAttributes  attributes `json:"ticket_attributes,omitempty"`
	TicketStateID     string     `json:"ticket_state_id,omitempty"`
	AssigneeID        string     `json:"assignee_id,omitempty"`
	AdminID           *int64     `json:"admin_id,omitempty"` // an integer in 2.15, unlike assignee_id
	SkipNotifications *bool      `json:"skip_notifications,omitempty"`
}

// ticketUpdate sends a ticket's changed fields with PUT /tickets/{id}, which sets them whatever
// they were: sending it again changes nothing.
func (x *exec) ticketUpdate(ctx context.Context) (string, error) {
	var p ticketUpdatePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	ticket, err := x.ref("parent_ref", p.ParentRef)
	if err != nil {
		return "", err
	}
	body := putTicket{TicketAttributes: p.TicketAttributes.set(), TicketStateID: string(p.TicketStateID),
		AssigneeID: string(p.AdminAssigneeID), SkipNotifications: p.SkipNotifications}
	if body.AssigneeID == "" {
		body.AssigneeID = string(p.TeamAssigneeID)
	}
	if p.AdminID != "" {
		id, err := strconv.ParseInt(string(p.AdminID), 10, 64)
		if err != nil {
			return "", x.invalid("admin_id %q is not an admin id (a number)", p.AdminID)
		}
		body.AdminID = &id
	}
	if body.AssigneeID != "" && body.AdminID == nil {
		return "", x.invalid("a reassignment needs admin_id, the admin who makes it")
	}
	cl := &call{method: http.MethodPut, route: "/tickets/{id}", path: "/tickets/" + url.PathEscape(ticket), body: body}
	return ticket, x.send(ctx, cl, nil)
}

// putContact is the request of PUT /contacts/{id} for the fields a delta carries over.
type putContact struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// contactUpdate sends a contact's changed name, phone or email with PUT /contacts/{id}.
func (x *exec) contactUpdate(ctx context.Context) (string, error) {
	var p struct {
		ContactRef string `json:"contact_ref"`
		putContact
	}
	if err := x.decode(&p); err != nil {
		return "", err
	}
	contact, err := x.ref("contact_ref", p.ContactRef)
	if err != nil {
		return "", err
	}
	cl := &call{method: http.MethodPut, route: "/contacts/{id}", path: "/contacts/" + url.PathEscape(contact), body: p.putContact}
	return contact, x.send(ctx, cl, nil)
}

// Counts reads the workspace's own totals (contacts per role, tickets, conversations, companies,
// tags, articles, collections) beside what the ledger says the migration created. Companies count once a contact is
// attached (Intercom lists no other), so only those with a migrated membership are expected.
func (c *Client) Counts(ctx context.Context, loaded []load.Loaded) ([]load.Count, error) {
	want := map[string]int{}
	withMember := map[string]bool{}
	for _, l := range loaded {
		switch l.Kind {
		case kindContact:
			var p contactPayload
			_ = json.Unmarshal(l.Payload, &p)
			want["contacts."+cmpRole(p.Role)]++
		case kindTicket, kindConversation, kindTag:
			want[l.Entity+"."+l.Kind]++
		case "article", "collection":
			want[l.Kind+"s"]++
		case kindContactCompany:
			var p contactCompanyPayload
			if json.Unmarshal(l.Payload, &p) == nil {
				withMember[p.CompanyRef] = true
			}
		}
	}
	want["companies"] = len(withMember)
	x := &exec{c: c}
	var out []load.Count
	for _, q := range countQueries {
		n, err := q.read(ctx, x)
		if err != nil {
			return nil, fmt.Errorf("intercom: counting %s: %w", q.entity, err)
		}
		out = append(out, load.Count{Entity: q.entity, Migrated: want[q.key], Have: n})
	}
	return out, nil
}

func cmpRole(role string) string {
	if role == "" {
		return "user"
	}
	return role
}

// countQuery reads one total from the workspace.
type countQuery struct {
	entity, key string
	read        func(ctx context.Context, x *exec) (int, error)
}

var countQueries = []countQuery{
	{"contacts (role user)", "contacts.user", searchTotal("/contacts", "role", "=", "user")},
	{"contacts (role lead)", "contacts.lead", searchTotal("/contacts", "role", "=", "lead")},
	{"tickets", "tickets.ticket", searchTotal("/tickets", "created_at", ">", 0)},
	{"conversations", "tickets.conversation", searchTotal("/conversations", "created_at", ">", 0)},
	{"companies", "companies", listTotal(http.MethodPost, "/companies/list")},
	{"tags", "tags.tag", listTotal(http.MethodGet, "/tags")},
	{"articles", "articles", listTotal(http.MethodGet, "/articles")},
	{"collections", "collections", listTotal(http.MethodGet, "/help_center/collections")},
}

// searchTotal is total_count of a one-filter search.
func searchTotal(coll, field, operator string, value any) func(context.Context, *exec) (int, error) {
	return func(ctx context.Context, x *exec) (int, error) {
		body := map[string]any{"query": map[string]any{"field": field, "operator": operator, "value": value},
			"pagination": map[string]any{"per_page": 1}}
		var out struct {
			TotalCount int `json:"total_count"`
		}
		err := x.send(ctx, &call{method: http.MethodPost, route: coll + "/search", path: coll + "/search", body: body, idempotent: true}, &out)
		return out.TotalCount, err
	}
}

// listTotal is total_count of a list, or its length when it has none (GET /tags).
func listTotal(method, path string) func(context.Context, *exec) (int, error) {
	return func(ctx context.Context, x *exec) (int, error) {
		var out struct {
			TotalCount *int              `json:"total_count"`
			Data       []json.RawMessage `json:"data"`
		}
		cl := &call{method: method, route: path, path: path, idempotent: true}
		if method == http.MethodPost {
			cl.query = url.Values{"per_page": {"1"}}
		}
		if err := x.send(ctx, cl, &out); err != nil {
			return 0, err
		}
		if out.TotalCount != nil {
			return *out.TotalCount, nil
		}
		return len(out.Data), nil
	}
}
