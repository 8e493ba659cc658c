package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/deskport/deskport/load"
)

// The plan's op kinds (docs/load-plan.md).
const (
	kindTicketType      = "ticket_type"
	kindTicketAttribute = "ticket_attribute"
	kindCompany         = "company"
	kindContact         = "contact"
	kindContactCompany  = "contact_company"
	kindTag             = "tag"
	kindTicket          = "ticket"
	kindConversation    = "conversation"
	kindPart            = "part"
	kindTicketState     = "ticket_state"
	kindTagging         = "tagging"
)

// maxAttachments is how many attachments Intercom takes on one reply; the transform splits the
// rest into follow-up parts.
const maxAttachments = 10

// Execute performs op and returns the id of what it created or changed: the contact's, company's
// (Intercom's id, not company_id), tag's, ticket type's, attribute's, ticket's (id, not the inbox
// ticket_id), conversation's, or part's id; for contact_company, ticket_state and tagging, the id
// of the contact, ticket or conversation they changed.
//
// A failure Intercom reported is a *load.OpError with its status, first error code and message; a
// reference to an op that is not loaded is a retryable dependency_missing; a request that got no
// answer is a plain error (transient: the loader reconciles before sending it again).
func (c *Client) Execute(ctx context.Context, op load.Op, refs load.Refs, files load.Files) (string, error) {
	x := &exec{c: c, op: op, refs: refs, files: files}
	if run, ok := lifecycleKinds[op.Kind]; ok {
		return run(x, ctx)
	}
	switch op.Kind {
	case kindTicketType:
		return x.ticketType(ctx)
	case kindTicketAttribute:
		return x.ticketAttribute(ctx)
	case kindCompany:
		return x.company(ctx)
	case kindContact:
		return x.contact(ctx)
	case kindContactCompany:
		return x.contactCompany(ctx)
	case kindTag:
		return x.tag(ctx)
	case kindTicket:
		return x.ticket(ctx)
	case kindConversation:
		return x.conversation(ctx)
	case kindPart:
		return x.part(ctx)
	case kindTicketState:
		return x.ticketState(ctx)
	case kindTagging:
		return x.tagging(ctx)
	case kindDataAttribute:
		return x.dataAttribute(ctx)
	case kindCollection:
		return x.collection(ctx)
	case kindArticle:
		return x.article(ctx)
	case kindArticleUpdate:
		return x.articleUpdate(ctx)
	}
	return "", &load.OpError{Code: "unsupported_kind", Message: fmt.Sprintf("op %s: kind %q is not one Intercom loads", op.ID, op.Kind)}
}

// exec is one Execute or Reconcile call.
type exec struct {
	c     *Client
	op    load.Op
	refs  load.Refs
	files load.Files
}

// decode reads the op's payload into p; a payload that does not fit is a permanent failure.
func (x *exec) decode(p any) error {
	if len(bytes.TrimSpace(x.op.Payload)) == 0 {
		return x.invalid("the payload is empty")
	}
	if err := json.Unmarshal(x.op.Payload, p); err != nil {
		return x.invalid("payload: %v", err)
	}
	return nil
}

// invalid is a permanent failure of a payload the transform wrote wrong.
func (x *exec) invalid(format string, args ...any) *load.OpError {
	return load.InvalidPayload(x.op, format, args...)
}

// ref resolves a *_ref field to the target id of the op it names.
func (x *exec) ref(field, ref string) (string, error) {
	if ref == "" {
		return "", x.invalid("%s is missing", field)
	}
	id, err := x.refs.ID(ref)
	if err != nil {
		return "", &load.OpError{Code: load.CodeDependencyMissing, Retryable: true,
			Message: fmt.Sprintf("op %s: %s %s is not loaded", x.op.ID, field, ref)}
	}
	return id, nil
}

// idOrRef is a field given either as a target id or as a reference to the op that creates it.
func (x *exec) idOrRef(field string, id flexID, ref string) (string, error) {
	if id != "" {
		return string(id), nil
	}
	if ref == "" {
		return "", x.invalid("%s_id or %s_ref is missing", field, field)
	}
	return x.ref(field+"_ref", ref)
}

// send makes the call for the op; Intercom's refusal becomes a *load.OpError.
func (x *exec) send(ctx context.Context, cl *call, out any) error {
	cl.op = x.op.ID
	err := x.c.do(ctx, cl, out)
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.opError()
	}
	return err
}

// created is the id in a create's answer.
type created struct {
	ID flexID `json:"id"`
}

// createdID checks that the answer named what was created.
func (x *exec) createdID(cl *call, id flexID) (string, error) {
	if id == "" {
		// Applied, but unnamed: transient, so the loader finds it by Reconcile.
		return "", fmt.Errorf("intercom: %s: the answer has no id", cl.where())
	}
	return string(id), nil
}

// post creates something and returns the id Intercom gave it.
func (x *exec) post(ctx context.Context, cl *call) (string, error) {
	var out created
	if err := x.send(ctx, cl, &out); err != nil {
		return "", err
	}
	return x.createdID(cl, out.ID)
}

// attributes are custom or ticket attributes: values pass through as the plan wrote them, except
// nulls, which mean "not set" and are dropped (Intercom's schemas give them types).
type attributes map[string]json.RawMessage

func (a attributes) set() attributes {
	var out attributes
	for k, v := range a {
		if t := bytes.TrimSpace(v); len(t) == 0 || string(t) == "null" {
			continue
		}
		if out == nil {
			out = attributes{}
		}
		out[k] = v
	}
	return out
}

// ticketTypePayload is the payload of ticket_type, and the request of POST /ticket_types.
type ticketTypePayload struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Category    string `json:"category,omitempty"`
	Icon        string `json:"icon,omitempty"`
	IsInternal  *bool  `json:"is_internal,omitempty"`
}

func (x *exec) ticketType(ctx context.Context) (string, error) {
	var p ticketTypePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	if p.Name == "" {
		return "", x.invalid("name is missing")
	}
	return x.post(ctx, &call{method: http.MethodPost, route: "/ticket_types", path: "/ticket_types", body: p})
}

type ticketAttributePayload struct {
	TicketTypeID                flexID          `json:"ticket_type_id"`
	TicketTypeRef               string          `json:"ticket_type_ref"`
	Name                        string          `json:"name"`
	Description                 string          `json:"description"`
	DataType                    string          `json:"data_type"`
	ListItems                   json.RawMessage `json:"list_items"` // "a,b" or ["a","b"]
	Multiline                   *bool           `json:"multiline"`
	AllowMultipleValues         *bool           `json:"allow_multiple_values"`
	RequiredToCreate            *bool           `json:"required_to_create"`
	RequiredToCreateForContacts *bool           `json:"required_to_create_for_contacts"`
	VisibleOnCreate             *bool           `json:"visible_on_create"`
	VisibleToContacts           *bool           `json:"visible_to_contacts"`
}

// createAttribute is the request of POST /ticket_types/{id}/attributes; description is required.
type createAttribute struct {
	Name                        string `json:"name"`
	Description                 string `json:"description"`
	DataType                    string `json:"data_type"`
	ListItems                   string `json:"list_items,omitempty"`
	Multiline                   *bool  `json:"multiline,omitempty"`
	AllowMultipleValues         *bool  `json:"allow_multiple_values,omitempty"`
	RequiredToCreate            *bool  `json:"required_to_create,omitempty"`
	RequiredToCreateForContacts *bool  `json:"required_to_create_for_contacts,omitempty"`
	VisibleOnCreate             *bool  `json:"visible_on_create,omitempty"`
	VisibleToContacts           *bool  `json:"visible_to_contacts,omitempty"`
}

func (x *exec) ticketAttribute(ctx context.Context) (string, error) {
	var p ticketAttributePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	typeID, err := x.idOrRef("ticket_type", p.TicketTypeID, p.TicketTypeRef)
	if err != nil {
		return "", err
	}
	if p.Name == "" || p.DataType == "" {
		return "", x.invalid("name and data_type are required")
	}
	items, err := listItems(p.ListItems)
	if err != nil {
		return "", x.invalid("list_items: %v", err)
	}
	body := createAttribute{Name: p.Name, Description: p.Description, DataType: p.DataType, ListItems: items,
		Multiline: p.Multiline, AllowMultipleValues: p.AllowMultipleValues, RequiredToCreate: p.RequiredToCreate,
		RequiredToCreateForContacts: p.RequiredToCreateForContacts, VisibleOnCreate: p.VisibleOnCreate,
		VisibleToContacts: p.VisibleToContacts}
	return x.post(ctx, &call{method: http.MethodPost, route: "/ticket_types/{id}/attributes",
		path: "/ticket_types/" + url.PathEscape(typeID) + "/attributes", body: body})
}

// listItems reads list_items given as Intercom's comma-separated string or as an array.
func listItems(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var items []string
	if err := json.Unmarshal(raw, &items); err != nil {
		return "", errors.New("want a comma-separated string or an array of strings")
	}
	return strings.Join(items, ","), nil
}

// companyPayload is the payload of company, and the request of POST /companies.
type companyPayload struct {
	CompanyID        string     `json:"company_id"`
	Name             string     `json:"name,omitempty"`
	Plan             string     `json:"plan,omitempty"`
	Size             *int64     `json:"size,omitempty"`
	Website          string     `json:"website,omitempty"`
	Industry         string     `json:"industry,omitempty"`
	CustomAttributes attributes `json:"custom_attributes,omitempty"`
	RemoteCreatedAt  *int64     `json:"remote_created_at,omitempty"`
	MonthlySpend     *int64     `json:"monthly_spend,omitempty"`
}

func (x *exec) company(ctx context.Context) (string, error) {
	var p companyPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	if p.CompanyID == "" {
		return "", x.invalid("company_id is missing")
	}
	p.CustomAttributes = p.CustomAttributes.set()
	// POST /companies creates or updates by company_id: sending it twice is harmless.
	return x.post(ctx, &call{method: http.MethodPost, route: "/companies", path: "/companies", body: p, idempotent: true})
}

// contactPayload is the payload of contact, and the request of POST /contacts.
type contactPayload struct {
	Role                   string     `json:"role,omitempty"`
	ExternalID             string     `json:"external_id,omitempty"`
	Email                  string     `json:"email,omitempty"`
	Phone                  string     `json:"phone,omitempty"`
	Name                   string     `json:"name,omitempty"`
	Avatar                 string     `json:"avatar,omitempty"`
	SignedUpAt             *int64     `json:"signed_up_at,omitempty"`
	LastSeenAt             *int64     `json:"last_seen_at,omitempty"`
	OwnerID                *int64     `json:"owner_id,omitempty"`
	UnsubscribedFromEmails *bool      `json:"unsubscribed_from_emails,omitempty"`
	CustomAttributes       attributes `json:"custom_attributes,omitempty"`
}

// conflictID reads the existing contact's id from Intercom's 409 message.
var conflictID = regexp.MustCompile(`id=([A-Za-z0-9_-]+)`)

func (x *exec) contact(ctx context.Context) (string, error) {
	var p contactPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	if p.ExternalID == "" {
		// The external id is what makes a contact found again after a lost answer.
		return "", x.invalid("external_id is missing")
	}
	p.CustomAttributes = p.CustomAttributes.set()
	cl := &call{method: http.MethodPost, route: "/contacts", path: "/contacts", body: p}
	id, err := x.post(ctx, cl)
	var oe *load.OpError
	if !errors.As(err, &oe) || oe.Status != http.StatusConflict {
		return id, err
	}
	// "A contact matching those details already exists with id=…": ours, from an attempt whose
	// answer was lost, if it carries our external id; someone else's otherwise.
	found, ok, lerr := x.contactByExternalID(ctx, p.ExternalID)
	if lerr != nil {
		return "", fmt.Errorf("intercom: %s: 409, then looking the contact up by external_id: %w", cl.where(), lerr)
	}
	if ok {
		return found, nil
	}
	existing := "another contact"
	if m := conflictID.FindStringSubmatch(oe.Message); m != nil {
		existing = "contact " + m[1]
	}
	return "", &load.OpError{Status: http.StatusConflict, Code: "conflict",
		Message: fmt.Sprintf("%s: %s already has these details (email or phone) and a different external_id", oe.Message, existing)}
}

// contactByExternalID finds the contact whose external_id is ours.
func (x *exec) contactByExternalID(ctx context.Context, externalID string) (string, bool, error) {
	var out struct {
		ID         flexID `json:"id"`
		ExternalID string `json:"external_id"`
	}
	err := x.send(ctx, &call{method: http.MethodGet, route: "/contacts/find_by_external_id/{external_id}",
		path: "/contacts/find_by_external_id/" + url.PathEscape(externalID)}, &out)
	var oe *load.OpError
	switch {
	case errors.As(err, &oe) && oe.Status == http.StatusNotFound:
		return "", false, nil
	case err != nil:
		return "", false, err
	case out.ID == "" || out.ExternalID != externalID:
		return "", false, nil
	}
	return string(out.ID), true, nil
}

type contactCompanyPayload struct {
	ContactRef string `json:"contact_ref"`
	CompanyRef string `json:"company_ref"`
}

func (x *exec) contactCompany(ctx context.Context) (string, error) {
	var p contactCompanyPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	contact, err := x.ref("contact_ref", p.ContactRef)
	if err != nil {
		return "", err
	}
	company, err := x.ref("company_ref", p.CompanyRef)
	if err != nil {
		return "", err
	}
	// Attaching twice leaves one membership.
	cl := &call{method: http.MethodPost, route: "/contacts/{id}/companies", path: "/contacts/" + url.PathEscape(contact) + "/companies",
		body: map[string]string{"id": company}, idempotent: true}
	if err := x.send(ctx, cl, nil); err != nil {
		return "", err
	}
	return contact, nil
}

type tagPayload struct {
	Name string `json:"name"`
}

func (x *exec) tag(ctx context.Context) (string, error) {
	var p tagPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	if p.Name == "" {
		return "", x.invalid("name is missing")
	}
	// POST /tags creates or returns the tag of that name.
	return x.post(ctx, &call{method: http.MethodPost, route: "/tags", path: "/tags", body: p, idempotent: true})
}

type ticketPayload struct {
	TicketTypeID      flexID     `json:"ticket_type_id"`
	TicketTypeRef     string     `json:"ticket_type_ref"`
	ContactRef        string     `json:"contact_ref"`
	CompanyRef        string     `json:"company_ref"`
	CreatedAt         *int64     `json:"created_at"`
	TicketAttributes  attributes `json:"ticket_attributes"`
	AdminAssigneeID   flexID     `json:"admin_assignee_id"`
	TeamAssigneeID    flexID     `json:"team_assignee_id"`
	SkipNotifications *bool      `json:"skip_notifications"`
}

// createTicket is the request of POST /tickets.
type createTicket struct {
	TicketTypeID      string      `json:"ticket_type_id"`
	Contacts          []idObject  `json:"contacts"`
	CompanyID         string      `json:"company_id,omitempty"`
	CreatedAt         *int64      `json:"created_at,omitempty"`
	TicketAttributes  attributes  `json:"ticket_attributes,omitempty"`
	Assignment        *assignment `json:"assignment,omitempty"`
	SkipNotifications *bool       `json:"skip_notifications,omitempty"`
}

type idObject struct {
	ID string `json:"id"`
}

type assignment struct {
	AdminAssigneeID string `json:"admin_assignee_id,omitempty"`
	TeamAssigneeID  string `json:"team_assignee_id,omitempty"`
}

func (x *exec) ticket(ctx context.Context) (string, error) {
	var p ticketPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	typeID, err := x.idOrRef("ticket_type", p.TicketTypeID, p.TicketTypeRef)
	if err != nil {
		return "", err
	}
	contact, err := x.ref("contact_ref", p.ContactRef)
	if err != nil {
		return "", err
	}
	body := createTicket{TicketTypeID: typeID, Contacts: []idObject{{ID: contact}}, CreatedAt: p.CreatedAt,
		TicketAttributes: p.TicketAttributes.set(), SkipNotifications: p.SkipNotifications}
	if p.CompanyRef != "" {
		// Intercom's id of the company, which the company op returned.
		if body.CompanyID, err = x.ref("company_ref", p.CompanyRef); err != nil {
			return "", err
		}
	}
	if p.AdminAssigneeID != "" || p.TeamAssigneeID != "" {
		body.Assignment = &assignment{AdminAssigneeID: string(p.AdminAssigneeID), TeamAssigneeID: string(p.TeamAssigneeID)}
	}
	return x.post(ctx, &call{method: http.MethodPost, route: "/tickets", path: "/tickets", body: body})
}

type conversationPayload struct {
	ContactRef string `json:"contact_ref"`
	// FromType is the contact's role for Intercom's from.type: user, lead or contact (default:
	// contact, which fits both roles).
	FromType  string `json:"from_type"`
	Body      string `json:"body"`
	Subject   string `json:"subject"`
	CreatedAt *int64 `json:"created_at"`
}

// createConversation is the request of POST /conversations.
type createConversation struct {
	From      from   `json:"from"`
	Body      string `json:"body"`
	Subject   string `json:"subject,omitempty"`
	CreatedAt *int64 `json:"created_at,omitempty"`
}

type from struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

func (x *exec) conversation(ctx context.Context) (string, error) {
	var p conversationPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	contact, err := x.ref("contact_ref", p.ContactRef)
	if err != nil {
		return "", err
	}
	fromType := p.FromType
	switch fromType {
	case "":
		fromType = "contact"
	case "user", "lead", "contact":
	default:
		return "", x.invalid("from_type is %q; want user, lead or contact", fromType)
	}
	cl := &call{method: http.MethodPost, route: "/conversations", path: "/conversations",
		body: createConversation{From: from{Type: fromType, ID: contact}, Body: p.Body, Subject: p.Subject, CreatedAt: p.CreatedAt}}
	// The answer is the message that opened the conversation; its conversation_id names it.
	var msg struct {
		ConversationID flexID `json:"conversation_id"`
	}
	if err := x.send(ctx, cl, &msg); err != nil {
		return "", err
	}
	if msg.ConversationID == "" {
		return "", fmt.Errorf("intercom: %s: the answer has no conversation_id", cl.where())
	}
	return string(msg.ConversationID), nil
}

// partPayload is the payload of part: one reply or note on a ticket or conversation.
type partPayload struct {
	Parent            string            `json:"parent"` // ticket or conversation
	ParentRef         string            `json:"parent_ref"`
	MessageType       string            `json:"message_type"` // comment or note
	AuthorType        string            `json:"author_type"`  // user or admin
	AdminID           flexID            `json:"admin_id"`
	ContactRef        string            `json:"contact_ref"`
	Body              string            `json:"body"`
	CreatedAt         *int64            `json:"created_at"`
	Attachments       []load.Attachment `json:"attachments"`
	SkipNotifications *bool             `json:"skip_notifications"`
}

// reply is the request of POST /tickets/{id}/reply and /conversations/{id}/reply, without its
// attachment_files (streamed after it, see filesBody).
type reply struct {
	MessageType       string   `json:"message_type"`
	Type              string   `json:"type"`
	AdminID           string   `json:"admin_id,omitempty"`
	IntercomUserID    string   `json:"intercom_user_id,omitempty"`
	Body              string   `json:"body"`
	CreatedAt         *int64   `json:"created_at,omitempty"`
	AttachmentURLs    []string `json:"attachment_urls,omitempty"`
	SkipNotifications *bool    `json:"skip_notifications,omitempty"`
}

// parentPath is the collection of a part's, state's or tagging's parent.
func parentPath(parent string) (string, bool) {
	switch parent {
	case "ticket":
		return "/tickets", true
	case "conversation":
		return "/conversations", true
	}
	return "", false
}

// partAuthor resolves a part's author: the admin's id, or the contact's target id.
func (x *exec) partAuthor(p *partPayload) (authorID string, err error) {
	switch p.AuthorType {
	case "admin":
		if p.AdminID == "" {
			return "", x.invalid("an admin's part has no admin_id")
		}
		return string(p.AdminID), nil
	case "user":
		if p.MessageType != "comment" {
			return "", x.invalid("a user's part is a %q; contacts write comments only", p.MessageType)
		}
		return x.ref("contact_ref", p.ContactRef)
	}
	return "", x.invalid("author_type is %q; want user or admin", p.AuthorType)
}

func (x *exec) part(ctx context.Context) (string, error) {
	var p partPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	coll, ok := parentPath(p.Parent)
	if !ok {
		return "", x.invalid("parent is %q; want ticket or conversation", p.Parent)
	}
	if p.MessageType != "comment" && p.MessageType != "note" {
		return "", x.invalid("message_type is %q; want comment or note", p.MessageType)
	}
	parent, err := x.ref("parent_ref", p.ParentRef)
	if err != nil {
		return "", err
	}
	author, err := x.partAuthor(&p)
	if err != nil {
		return "", err
	}
	if len(p.Attachments) > maxAttachments {
		return "", x.invalid("%d attachments; Intercom takes at most %d a part", len(p.Attachments), maxAttachments)
	}
	body := reply{MessageType: p.MessageType, Type: p.AuthorType, Body: p.Body, CreatedAt: p.CreatedAt}
	if p.AuthorType == "admin" {
		body.AdminID = author
	} else {
		body.IntercomUserID = author
	}
	// skip_notifications: ticket replies take it from anyone, conversation replies from admins.
	if p.Parent == "ticket" || p.AuthorType == "admin" {
		body.SkipNotifications = p.SkipNotifications
	}
	var uploads []load.Attachment
	for _, a := range p.Attachments {
		switch {
		case a.Download:
			uploads = append(uploads, a)
		case a.URL == "":
			return "", x.invalid("attachment %s has no url", a.SourceID)
		default:
			body.AttachmentURLs = append(body.AttachmentURLs, a.URL)
		}
	}
	cl := &call{method: http.MethodPost, route: coll + "/{id}/reply", path: coll + "/" + url.PathEscape(parent) + "/reply", body: body}
	if len(uploads) > 0 {
		if x.files == nil {
			return "", x.invalid("attachments to upload, but the load has no file store")
		}
		cl.stream, err = newFilesBody(ctx, body, uploads, x.files)
		if err != nil {
			return "", fmt.Errorf("intercom: %s (op %s): %w", cl.name(), x.op.ID, err)
		}
	}
	var out partsAnswer
	if err := x.send(ctx, cl, &out); err != nil {
		return "", err
	}
	if id := out.partID(&p, author); id != "" {
		return id, nil
	}
	return "", fmt.Errorf("intercom: %s: the answer names no part", cl.where())
}

// ticketStatePayload sets a ticket's state, or closes a conversation.
type ticketStatePayload struct {
	Parent        string `json:"parent"`
	ParentRef     string `json:"parent_ref"`
	TicketStateID flexID `json:"ticket_state_id"`
	AdminID       flexID `json:"admin_id"`
	Close         bool   `json:"close"`
	// SkipNotifications is passed on to PUT /tickets/{id} when the plan sets it.
	SkipNotifications *bool `json:"skip_notifications"`
}

type updateTicket struct {
	TicketStateID     string `json:"ticket_state_id"`
	SkipNotifications *bool  `json:"skip_notifications,omitempty"`
}

type closeConversation struct {
	MessageType string `json:"message_type"`
	Type        string `json:"type"`
	AdminID     string `json:"admin_id"`
}

// ticketState sets a ticket's state (PUT /tickets/{id}) or closes a conversation (POST
// /conversations/{id}/parts). A conversation payload without close asks for nothing: it stays open.
func (x *exec) ticketState(ctx context.Context) (string, error) {
	var p ticketStatePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	if _, ok := parentPath(p.Parent); !ok {
		return "", x.invalid("parent is %q; want ticket or conversation", p.Parent)
	}
	parent, err := x.ref("parent_ref", p.ParentRef)
	if err != nil {
		return "", err
	}
	if p.Parent == "ticket" {
		if p.TicketStateID == "" {
			return "", x.invalid("ticket_state_id is missing")
		}
		cl := &call{method: http.MethodPut, route: "/tickets/{id}", path: "/tickets/" + url.PathEscape(parent),
			body: updateTicket{TicketStateID: string(p.TicketStateID), SkipNotifications: p.SkipNotifications}}
		return parent, x.send(ctx, cl, nil)
	}
	if !p.Close {
		return parent, nil
	}
	if p.AdminID == "" {
		return "", x.invalid("closing a conversation needs admin_id")
	}
	// Closing a closed conversation changes nothing: safe to send again.
	cl := &call{method: http.MethodPost, route: "/conversations/{id}/parts", path: "/conversations/" + url.PathEscape(parent) + "/parts",
		body: closeConversation{MessageType: "close", Type: "admin", AdminID: string(p.AdminID)}, idempotent: true}
	return parent, x.send(ctx, cl, nil)
}

type taggingPayload struct {
	Parent    string `json:"parent"` // ticket, conversation or contact
	ParentRef string `json:"parent_ref"`
	TagRef    string `json:"tag_ref"`
	AdminID   flexID `json:"admin_id"`
}

type tagObject struct {
	ID      string `json:"id"`
	AdminID string `json:"admin_id,omitempty"`
}

func (x *exec) tagging(ctx context.Context) (string, error) {
	var p taggingPayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	coll, ok := parentPath(p.Parent)
	if p.Parent == "contact" {
		coll, ok = "/contacts", true
	}
	if !ok {
		return "", x.invalid("parent is %q; want ticket, conversation or contact", p.Parent)
	}
	parent, err := x.ref("parent_ref", p.ParentRef)
	if err != nil {
		return "", err
	}
	tag, err := x.ref("tag_ref", p.TagRef)
	if err != nil {
		return "", err
	}
	body := tagObject{ID: tag}
	if p.Parent != "contact" { // tickets and conversations are tagged by an admin
		if p.AdminID == "" {
			return "", x.invalid("tagging a %s needs admin_id", p.Parent)
		}
		body.AdminID = string(p.AdminID)
	}
	// Tagging twice leaves one tag.
	cl := &call{method: http.MethodPost, route: coll + "/{id}/tags", path: coll + "/" + url.PathEscape(parent) + "/tags", body: body, idempotent: true}
	return parent, x.send(ctx, cl, nil)
}
