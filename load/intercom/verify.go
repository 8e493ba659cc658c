package intercom

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/deskport/deskport/load"
)

var _ load.Verifier = (*Client)(nil)

// verifiers is the table verify follows: how each kind of record is read back and compared with
// its plan. The knowledge base's article and collection join it as their loader lands.
var verifiers = map[string]func(v *verification, ctx context.Context) error{
	kindTicket:       (*verification).ticket,
	kindConversation: (*verification).conversation,
	kindContact:      (*verification).contact,
	kindCompany:      (*verification).company,
	kindTag:          (*verification).tag,
}

// Verifies says whether verify reads records of kind back.
func (c *Client) Verifies(kind string) bool { _, ok := verifiers[kind]; return ok }

// VerifyRecord reads rec back and lists the fields that differ from its plan. A record the
// target no longer has is one difference (field "record"), not an error.
func (c *Client) VerifyRecord(ctx context.Context, rec load.VerifyRecord) ([]load.Difference, error) {
	v := &verification{RecordCheck: load.RecordCheck{Rec: rec}, c: c, x: &exec{c: c, op: rec.Op, refs: rec.Refs}}
	err := verifiers[rec.Kind](v, ctx)
	var oe *load.OpError
	if errors.As(err, &oe) && oe.Status == http.StatusNotFound {
		v.Differ("record", "present", "missing (404)")
		err = nil
	}
	return v.Found, err
}

// verification is the reading back of one record.
type verification struct {
	load.RecordCheck
	c *Client
	x *exec
}

// get reads path into out.
func (v *verification) get(ctx context.Context, route, path string, out any) error {
	return v.x.send(ctx, &call{method: http.MethodGet, route: route, path: path}, out)
}

// payload decodes op's payload; a payload verify cannot read is a difference of the plan itself.
func (v *verification) payload(op load.Op, p any) bool {
	if err := json.Unmarshal(op.Payload, p); err != nil {
		v.Differ("plan", "a readable payload of "+op.ID, err)
		return false
	}
	return true
}

// attached lists the loaded ops of kind hanging off the record, in plan order.
func (v *verification) attached(kind string) []load.Loaded {
	var out []load.Loaded
	for _, a := range v.Rec.Attached {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

// ref is the target id of an op the record refers to ("" when it is not loaded).
func (v *verification) ref(op string) string { return v.Rec.Refs[op] }

// ticketJSON is a ticket as GET /tickets/{id} returns it.
type ticketJSON struct {
	TicketAttributes map[string]json.RawMessage `json:"ticket_attributes"`
	TicketState      struct {
		ID       flexID `json:"id"`
		Category string `json:"category"`
	} `json:"ticket_state"`
	TicketType struct {
		ID flexID `json:"id"`
	} `json:"ticket_type"`
	Contacts struct {
		Contacts []struct {
			ID flexID `json:"id"`
		} `json:"contacts"`
	} `json:"contacts"`
	AdminAssigneeID flexID  `json:"admin_assignee_id"`
	TeamAssigneeID  flexID  `json:"team_assignee_id"`
	CreatedAt       int64   `json:"created_at"`
	Tags            tagList `json:"tags"`
	partsAnswer
}

type tagList struct {
	Tags []struct {
		ID flexID `json:"id"`
	} `json:"tags"`
}

func (t tagList) ids() []string {
	var out []string
	for _, tg := range t.Tags {
		out = append(out, string(tg.ID))
	}
	return out
}

func (v *verification) ticket(ctx context.Context) error {
	var p ticketPayload
	if !v.payload(v.Rec.Op, &p) {
		return nil
	}
	var got ticketJSON
	if err := v.get(ctx, "/tickets/{id}", "/tickets/"+url.PathEscape(v.Rec.TargetID), &got); err != nil {
		return err
	}
	typeID := string(p.TicketTypeID)
	if typeID == "" {
		typeID = v.ref(p.TicketTypeRef)
	}
	v.Check("type", typeID, got.TicketType.ID)
	var requester string
	if len(got.Contacts.Contacts) > 0 {
		requester = string(got.Contacts.Contacts[0].ID)
	}
	v.Check("requester", v.ref(p.ContactRef), requester)
	if p.CreatedAt != nil {
		v.Check("created_at", *p.CreatedAt, got.CreatedAt)
	}
	want := v.ticketWanted(p)
	for _, name := range slices.Sorted(maps.Keys(want.attrs)) {
		if !load.SameJSON(want.attrs[name], got.TicketAttributes[name]) {
			v.Differ("ticket_attributes."+name, string(want.attrs[name]), string(got.TicketAttributes[name]))
		}
	}
	if want.state != "" {
		v.Check("state", want.state, got.TicketState.ID)
	} else {
		// The plan sets no state on a ticket that stays submitted, the state every ticket is
		// created in: it must still be one of that category.
		v.Check("state", "submitted", got.TicketState.Category)
	}
	v.Check("admin_assignee", orZero(want.admin), orZero(string(got.AdminAssigneeID)))
	v.Check("team_assignee", orZero(want.team), orZero(string(got.TeamAssigneeID)))
	v.checkTags(got.Tags.ids())
	v.checkParts(got.parts())
	return nil
}

// ticketWanted is the ticket's state after its plan: the create, its state, and its updates in
// order.
type ticketWanted struct {
	attrs              attributes
	state, admin, team string
}

func (v *verification) ticketWanted(p ticketPayload) ticketWanted {
	w := ticketWanted{attrs: p.TicketAttributes.set(), admin: string(p.AdminAssigneeID), team: string(p.TeamAssigneeID)}
	if w.attrs == nil {
		w.attrs = attributes{}
	}
	for _, s := range v.attached(kindTicketState) {
		var sp ticketStatePayload
		if v.payload(s.Op, &sp) {
			w.state = string(sp.TicketStateID)
		}
	}
	for _, u := range v.attached(kindTicketUpdate) {
		var up ticketUpdatePayload
		if !v.payload(u.Op, &up) {
			continue
		}
		for k, val := range up.TicketAttributes.set() {
			w.attrs[k] = val
		}
		if up.TicketStateID != "" {
			w.state = string(up.TicketStateID)
		}
		// assignee_id sets the admin or the team it names and leaves the other as it was.
		if up.AdminAssigneeID != "" {
			w.admin = string(up.AdminAssigneeID)
		}
		if up.TeamAssigneeID != "" {
			w.team = string(up.TeamAssigneeID)
		}
	}
	return w
}

func orZero(id string) string {
	if id == "" {
		return "0"
	}
	return id
}

// checkTags compares the record's tags with the tags its loaded taggings attached.
func (v *verification) checkTags(got []string) {
	var want []string
	for _, t := range v.attached(kindTagging) {
		var tp taggingPayload
		if v.payload(t.Op, &tp) {
			want = append(want, v.ref(tp.TagRef))
		}
	}
	slices.Sort(want)
	got = slices.Sorted(slices.Values(got))
	if !slices.Equal(want, got) {
		v.Differ("tags", want, got)
	}
}

// checkParts finds every loaded reply and note by its id among the record's parts and compares
// author, kind, time, body and attachments; a reply or note the plan does not have is named too.
func (v *verification) checkParts(parts []partJSON) {
	byID := map[string]*partJSON{}
	replies := 0
	for i := range parts {
		byID[string(parts[i].ID)] = &parts[i]
		if parts[i].PartType == "comment" || parts[i].PartType == "note" {
			replies++
		}
	}
	planned := v.attached(kindPart)
	for _, op := range planned {
		var p partPayload
		if !v.payload(op.Op, &p) {
			continue
		}
		field := "parts[" + op.ID + "]"
		got, ok := byID[op.TargetID]
		if !ok {
			v.Differ(field, "a "+p.MessageType+" created at "+fmtTime(p.CreatedAt), "missing")
			continue
		}
		v.checkPart(field, &p, got)
	}
	if replies != len(planned) {
		v.Differ("parts.count", len(planned), replies)
	}
}

func (v *verification) checkPart(field string, p *partPayload, got *partJSON) {
	author := string(p.AdminID)
	if p.AuthorType != "admin" {
		author = v.ref(p.ContactRef)
	}
	gotType := got.Author.Type
	if gotType != "admin" && gotType != "bot" {
		gotType = "user" // lead and contact are users to the plan
	}
	v.Check(field+".author", p.AuthorType+" "+author, gotType+" "+string(got.Author.ID))
	v.Check(field+".kind", p.MessageType, got.PartType)
	if p.CreatedAt != nil {
		v.Check(field+".created_at", *p.CreatedAt, got.CreatedAt)
	}
	if !sameBody(p.Body, got.Body) {
		v.Differ(field+".body", bodyText(p.Body), bodyText(got.Body))
	}
	v.Check(field+".attachments", len(p.Attachments), len(got.Attachments))
}

func fmtTime(t *int64) string {
	if t == nil {
		return "the time of the call"
	}
	return strconv.FormatInt(*t, 10)
}

// conversationJSON is a conversation as GET /conversations/{id} returns it.
type conversationJSON struct {
	CreatedAt int64  `json:"created_at"`
	State     string `json:"state"`
	Title     string `json:"title"`
	Source    struct {
		Body   string `json:"body"`
		Author struct {
			ID flexID `json:"id"`
		} `json:"author"`
	} `json:"source"`
	Tags tagList `json:"tags"`
	partsAnswer
}

func (v *verification) conversation(ctx context.Context) error {
	var p conversationPayload
	if !v.payload(v.Rec.Op, &p) {
		return nil
	}
	var got conversationJSON
	if err := v.get(ctx, "/conversations/{id}", "/conversations/"+url.PathEscape(v.Rec.TargetID), &got); err != nil {
		return err
	}
	v.Check("requester", v.ref(p.ContactRef), got.Source.Author.ID)
	if p.CreatedAt != nil {
		v.Check("created_at", *p.CreatedAt, got.CreatedAt)
	}
	if !sameBody(p.Body, got.Source.Body) {
		v.Differ("body", bodyText(p.Body), bodyText(got.Source.Body))
	}
	state := ""
	for _, s := range v.attached(kindTicketState) {
		var sp ticketStatePayload
		if v.payload(s.Op, &sp) && sp.Close {
			state = "closed"
		}
	}
	for _, u := range v.attached(kindConversationUpdate) {
		var up conversationUpdatePayload
		if !v.payload(u.Op, &up) {
			continue
		}
		state = "open"
		if up.Close {
			state = "closed"
		}
		if up.Title != "" {
			v.Check("title", up.Title, got.Title)
		}
	}
	if state != "" {
		v.Check("state", state, got.State)
	}
	v.checkTags(got.Tags.ids())
	v.checkParts(got.parts())
	return nil
}

// contactJSON is a contact as GET /contacts/{id} returns it.
type contactJSON struct {
	Role             string                     `json:"role"`
	ExternalID       string                     `json:"external_id"`
	Email            string                     `json:"email"`
	Phone            string                     `json:"phone"`
	Name             string                     `json:"name"`
	SignedUpAt       *int64                     `json:"signed_up_at"`
	CustomAttributes map[string]json.RawMessage `json:"custom_attributes"`
	Companies        addressable                `json:"companies"`
	Tags             addressable                `json:"tags"`
}

// addressable is how a contact embeds its companies and tags: the first few, and a total.
type addressable struct {
	Data []struct {
		ID flexID `json:"id"`
	} `json:"data"`
	TotalCount int  `json:"total_count"`
	HasMore    bool `json:"has_more"`
}

func (a addressable) ids() []string {
	var out []string
	for _, d := range a.Data {
		out = append(out, string(d.ID))
	}
	return out
}

func (v *verification) contact(ctx context.Context) error {
	var p contactPayload
	if !v.payload(v.Rec.Op, &p) {
		return nil
	}
	for _, u := range v.attached(kindContactUpdate) {
		var up contactPayload
		if v.payload(u.Op, &up) {
			p.Name, p.Phone = cmp.Or(up.Name, p.Name), cmp.Or(up.Phone, p.Phone)
		}
	}
	var got contactJSON
	if err := v.get(ctx, "/contacts/{id}", "/contacts/"+url.PathEscape(v.Rec.TargetID), &got); err != nil {
		return err
	}
	v.Check("role", cmp.Or(p.Role, "user"), got.Role)
	v.Check("external_id", p.ExternalID, got.ExternalID)
	v.Check("email", strings.ToLower(p.Email), strings.ToLower(got.Email))
	v.Check("phone", p.Phone, got.Phone)
	v.Check("name", p.Name, got.Name)
	if p.SignedUpAt != nil {
		v.Check("signed_up_at", *p.SignedUpAt, deref(got.SignedUpAt))
	}
	for _, name := range slices.Sorted(maps.Keys(p.CustomAttributes.set())) {
		if !load.SameJSON(p.CustomAttributes[name], got.CustomAttributes[name]) {
			v.Differ("custom_attributes."+name, string(p.CustomAttributes[name]), string(got.CustomAttributes[name]))
		}
	}
	var companies []string
	for _, m := range v.attached(kindContactCompany) {
		var mp contactCompanyPayload
		if v.payload(m.Op, &mp) {
			companies = append(companies, v.ref(mp.CompanyRef))
		}
	}
	v.checkSet("companies", companies, got.Companies)
	var tags []string
	for _, t := range v.attached(kindTagging) {
		var tp taggingPayload
		if v.payload(t.Op, &tp) {
			tags = append(tags, v.ref(tp.TagRef))
		}
	}
	v.checkSet("tags", tags, got.Tags)
	return nil
}

// checkSet compares ids with an embedded list: by id when the list is whole, by count otherwise.
func (v *verification) checkSet(field string, want []string, got addressable) {
	slices.Sort(want)
	if got.HasMore {
		v.Check(field+".count", len(want), got.TotalCount)
		return
	}
	if have := slices.Sorted(slices.Values(got.ids())); !slices.Equal(want, have) {
		v.Differ(field, want, have)
	}
}

func (v *verification) company(ctx context.Context) error {
	var p companyPayload
	if !v.payload(v.Rec.Op, &p) {
		return nil
	}
	var got struct {
		CompanyID       string `json:"company_id"`
		Name            string `json:"name"`
		RemoteCreatedAt *int64 `json:"remote_created_at"`
	}
	if err := v.get(ctx, "/companies/{id}", "/companies/"+url.PathEscape(v.Rec.TargetID), &got); err != nil {
		return err
	}
	v.Check("company_id", p.CompanyID, got.CompanyID)
	v.Check("name", p.Name, got.Name)
	if p.RemoteCreatedAt != nil {
		v.Check("remote_created_at", *p.RemoteCreatedAt, deref(got.RemoteCreatedAt))
	}
	return nil
}

func (v *verification) tag(ctx context.Context) error {
	var p tagPayload
	if !v.payload(v.Rec.Op, &p) {
		return nil
	}
	var got struct {
		Name string `json:"name"`
	}
	if err := v.get(ctx, "/tags/{id}", "/tags/"+url.PathEscape(v.Rec.TargetID), &got); err != nil {
		return err
	}
	// Tags are one per name, case-insensitively: a tag that existed under another case is ours.
	v.Check("name", strings.ToLower(p.Name), strings.ToLower(got.Name))
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
