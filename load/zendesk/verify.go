package zendesk

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/deskport/deskport/load"
)

var _ load.Verifier = (*Client)(nil)

// verifiers is the table verify follows: how each kind of a Zendesk plan is read back and
// compared with its op. A ticket's comments travel inside its ticket_import, so they are read
// back with it.
var verifiers = map[string]func(v *verification, ctx context.Context) error{
	kindOrganization:  (*verification).organization,
	kindUser:          (*verification).user,
	kindTicketImport:  (*verification).ticket,
	kindKBCategory:    (*verification).category,
	kindKBSection:     (*verification).section,
	kindKBArticle:     (*verification).article,
	kindKBTranslation: (*verification).translation,
}

// Verifies says whether verify reads records of kind back.
func (c *Client) Verifies(kind string) bool { _, ok := verifiers[kind]; return ok }

// VerifyRecord reads rec back and lists the fields that differ from its plan. A record the
// account no longer has is one difference (field "record"), not an error.
func (c *Client) VerifyRecord(ctx context.Context, rec load.VerifyRecord) ([]load.Difference, error) {
	v := &verification{RecordCheck: load.RecordCheck{Rec: rec}, x: &exec{c: c, op: rec.Op, refs: rec.Refs}}
	err := verifiers[rec.Kind](v, ctx)
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		v.Differ("record", "present", "missing (404)")
		err = nil
	}
	return v.Found, v.x.fail(err)
}

// verification is the reading back of one record.
type verification struct {
	load.RecordCheck
	x *exec
}

// payload decodes the op's payload; one verify cannot read is a difference of the plan itself.
func (v *verification) payload(p any) bool {
	if err := json.Unmarshal(v.Rec.Payload, p); err != nil {
		v.Differ("plan", "a readable payload", err)
		return false
	}
	return true
}

// get reads path into out.
func (v *verification) get(ctx context.Context, route, path string, out any) error {
	return v.x.get(ctx, route, path, nil, out)
}

// id is the target id the plan means: the loaded op ref names, else the id it gives.
func (v *verification) id(ref string, id anyID) string {
	if ref != "" {
		return v.Rec.Refs[ref]
	}
	return string(id)
}

// anyID is an id the plan or Zendesk writes as a number or a string; null is "".
type anyID string

func (a *anyID) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*a = anyID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*a = anyID(n.String())
	return nil
}

// orNone shows an empty id as "none".
func orNone(id anyID) string { return cmp.Or(string(id), "none") }

// sameTime compares two ISO-8601 times to the second, as Zendesk keeps them.
func sameTime(a, b string) bool {
	ta, ea := time.Parse(time.RFC3339, a)
	tb, eb := time.Parse(time.RFC3339, b)
	if ea != nil || eb != nil {
		return a == b
	}
	return ta.Truncate(time.Second).Equal(tb.Truncate(time.Second))
}

func (v *verification) checkTime(field, want, got string) {
	if want != "" && !sameTime(want, got) {
		v.Differ(field, want, got)
	}
}

var markup = regexp.MustCompile(`<[^>]*>`)

// text is what a body says, without its markup: Zendesk rewrites the HTML it is given (and
// derives plain_body from it), so bodies compare by their text.
func text(htmlBody string) string {
	return strings.Join(strings.Fields(html.UnescapeString(markup.ReplaceAllString(htmlBody, " "))), " ")
}

// missingTags lists the planned tags the record lacks. Zendesk keeps tags lower-case and adds
// the tags of drop-down field values itself, so only planned tags are looked for.
func (v *verification) checkTags(want, got []string) {
	have := map[string]bool{}
	for _, t := range got {
		have[strings.ToLower(t)] = true
	}
	var missing []string
	for _, t := range want {
		if !have[strings.ToLower(t)] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		v.Differ("tags", "with "+strings.Join(missing, " "), strings.Join(slices.Sorted(slices.Values(got)), " "))
	}
}

// organizationPlan is an organization op's payload.
type organizationPlan struct {
	Organization struct {
		Name       string                     `json:"name"`
		ExternalID string                     `json:"external_id"`
		Fields     map[string]json.RawMessage `json:"organization_fields"`
	} `json:"organization"`
}

func (v *verification) organization(ctx context.Context) error {
	var p organizationPlan
	if !v.payload(&p) {
		return nil
	}
	var got struct {
		Organization struct {
			Name       string                     `json:"name"`
			ExternalID string                     `json:"external_id"`
			Fields     map[string]json.RawMessage `json:"organization_fields"`
		} `json:"organization"`
	}
	if err := v.get(ctx, "/api/v2/organizations/{id}.json", "/api/v2/organizations/"+v.Rec.TargetID+".json", &got); err != nil {
		return err
	}
	v.Check("name", p.Organization.Name, got.Organization.Name)
	v.Check("external_id", p.Organization.ExternalID, got.Organization.ExternalID)
	v.checkFields("organization_fields", p.Organization.Fields, got.Organization.Fields)
	return nil
}

// checkFields compares the custom field values the plan sent with the record's: a field Zendesk
// dropped (no such field, or a value it would not keep) reads back null.
func (v *verification) checkFields(field string, want, got map[string]json.RawMessage) {
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if !load.SameJSON(want[k], got[k]) && !sameNumber(want[k], got[k]) {
			v.Differ(field+"."+k, string(want[k]), cmp.Or(string(got[k]), "null"))
		}
	}
}

// sameNumber says whether a and b are one number, one of them written as a string (Zendesk
// answers some integer fields as strings).
func sameNumber(a, b json.RawMessage) bool {
	num := func(r json.RawMessage) string {
		var s string
		if json.Unmarshal(r, &s) == nil {
			return s
		}
		return string(r)
	}
	x, y := num(a), num(b)
	return x != "" && x == y
}

// userPlan is a user op's payload.
type userPlan struct {
	User struct {
		Name            string                     `json:"name"`
		Email           string                     `json:"email"`
		ExternalID      string                     `json:"external_id"`
		Role            string                     `json:"role"`
		OrganizationRef string                     `json:"organization_ref"`
		OrganizationID  anyID                      `json:"organization_id"`
		Tags            []string                   `json:"tags"`
		Fields          map[string]json.RawMessage `json:"user_fields"`
	} `json:"user"`
}

func (v *verification) user(ctx context.Context) error {
	var p userPlan
	if !v.payload(&p) {
		return nil
	}
	var got struct {
		User struct {
			Name           string                     `json:"name"`
			Email          string                     `json:"email"`
			ExternalID     string                     `json:"external_id"`
			Role           string                     `json:"role"`
			OrganizationID anyID                      `json:"organization_id"`
			Active         *bool                      `json:"active"`
			Tags           []string                   `json:"tags"`
			Fields         map[string]json.RawMessage `json:"user_fields"`
		} `json:"user"`
	}
	if err := v.get(ctx, "/api/v2/users/{id}.json", "/api/v2/users/"+v.Rec.TargetID+".json", &got); err != nil {
		return err
	}
	u, g := p.User, got.User
	if g.Active != nil && !*g.Active {
		v.Differ("active", true, "false (deleted)")
	}
	v.Check("name", u.Name, g.Name)
	if u.Email != "" {
		v.Check("email", strings.ToLower(u.Email), strings.ToLower(g.Email))
	}
	v.Check("external_id", u.ExternalID, g.ExternalID)
	if u.Role != "" {
		v.Check("role", u.Role, g.Role)
	}
	if org := v.id(u.OrganizationRef, u.OrganizationID); org != "" {
		v.Check("organization", org, orNone(g.OrganizationID))
	}
	v.checkTags(u.Tags, g.Tags)
	v.checkFields("user_fields", u.Fields, g.Fields)
	return nil
}

// fieldValue is one custom field value.
type fieldValue struct {
	ID    anyID           `json:"id"`
	Value json.RawMessage `json:"value"`
}

// ticketPlan is a ticket_import op's payload.
type ticketPlan struct {
	Ticket struct {
		Subject         string        `json:"subject"`
		Status          string        `json:"status"`
		Priority        string        `json:"priority"`
		Type            string        `json:"type"`
		RequesterRef    string        `json:"requester_ref"`
		RequesterID     anyID         `json:"requester_id"`
		SubmitterRef    string        `json:"submitter_ref"`
		SubmitterID     anyID         `json:"submitter_id"`
		OrganizationRef string        `json:"organization_ref"`
		OrganizationID  anyID         `json:"organization_id"`
		AssigneeID      anyID         `json:"assignee_id"`
		GroupID         anyID         `json:"group_id"`
		Tags            []string      `json:"tags"`
		CreatedAt       string        `json:"created_at"`
		UpdatedAt       string        `json:"updated_at"`
		CustomFields    []fieldValue  `json:"custom_fields"`
		Comments        []commentPlan `json:"comments"`
	} `json:"ticket"`
}

// commentPlan is one comment of a ticket import.
type commentPlan struct {
	AuthorRef   string            `json:"author_ref"`
	AuthorID    anyID             `json:"author_id"`
	HTMLBody    string            `json:"html_body"`
	Value       string            `json:"value"`
	Body        string            `json:"body"`
	Public      *bool             `json:"public"`
	CreatedAt   string            `json:"created_at"`
	Attachments []json.RawMessage `json:"attachments"`
}

// ticketJSON is a ticket as GET /api/v2/tickets/{id}.json answers it.
type ticketJSON struct {
	Subject        string       `json:"subject"`
	Status         string       `json:"status"`
	Priority       string       `json:"priority"`
	Type           string       `json:"type"`
	RequesterID    anyID        `json:"requester_id"`
	SubmitterID    anyID        `json:"submitter_id"`
	OrganizationID anyID        `json:"organization_id"`
	AssigneeID     anyID        `json:"assignee_id"`
	GroupID        anyID        `json:"group_id"`
	Tags           []string     `json:"tags"`
	CreatedAt      string       `json:"created_at"`
	UpdatedAt      string       `json:"updated_at"`
	CustomFields   []fieldValue `json:"custom_fields"`
}

// commentJSON is a comment as GET /api/v2/tickets/{id}/comments.json lists it.
type commentJSON struct {
	AuthorID    anyID             `json:"author_id"`
	Public      bool              `json:"public"`
	HTMLBody    string            `json:"html_body"`
	CreatedAt   string            `json:"created_at"`
	Attachments []json.RawMessage `json:"attachments"`
}

// ticket compares an imported ticket and every comment with its import: subject, status,
// times, people, tags, custom fields, and each comment's author, visibility, body, time and
// number of files, in order.
func (v *verification) ticket(ctx context.Context) error {
	var p ticketPlan
	if !v.payload(&p) {
		return nil
	}
	var got struct {
		Ticket ticketJSON `json:"ticket"`
	}
	path := "/api/v2/tickets/" + v.Rec.TargetID
	if err := v.get(ctx, "/api/v2/tickets/{id}.json", path+".json", &got); err != nil {
		return err
	}
	var comments []commentJSON
	err := v.x.pages(ctx, "/api/v2/tickets/{id}/comments.json", path+"/comments.json", url.Values{"page[size]": {"100"}}, "comments",
		func(raw json.RawMessage) error {
			var c commentJSON
			err := json.Unmarshal(raw, &c)
			comments = append(comments, c)
			return err
		})
	if err != nil {
		return err
	}
	t, g := p.Ticket, got.Ticket
	v.Check("subject", t.Subject, g.Subject)
	v.Check("status", cmp.Or(t.Status, "new"), g.Status)
	v.checkTime("created_at", t.CreatedAt, g.CreatedAt)
	v.checkTime("updated_at", v.updatedAt(t.UpdatedAt, t.CreatedAt, t.Comments), g.UpdatedAt)
	v.Check("requester", v.id(t.RequesterRef, t.RequesterID), g.RequesterID)
	if s := v.id(t.SubmitterRef, t.SubmitterID); s != "" {
		v.Check("submitter", s, g.SubmitterID)
	}
	if o := v.id(t.OrganizationRef, t.OrganizationID); o != "" {
		v.Check("organization", o, orNone(g.OrganizationID))
	}
	for _, f := range []struct {
		name      string
		want, got anyID
	}{{"assignee", t.AssigneeID, g.AssigneeID}, {"group", t.GroupID, g.GroupID}, {"priority", anyID(t.Priority), anyID(g.Priority)}, {"type", anyID(t.Type), anyID(g.Type)}} {
		if f.want != "" {
			v.Check(f.name, f.want, orNone(f.got))
		}
	}
	v.checkTags(t.Tags, g.Tags)
	have := map[anyID]json.RawMessage{}
	for _, f := range g.CustomFields {
		have[f.ID] = f.Value
	}
	for _, f := range t.CustomFields {
		if !load.SameJSON(f.Value, have[f.ID]) {
			v.Differ("custom_fields."+string(f.ID), string(f.Value), cmp.Or(string(have[f.ID]), "null"))
		}
	}
	v.checkComments(t.CreatedAt, t.Comments, comments)
	return nil
}

// updatedAt is the updated_at an import leaves: the one given, or the last comment's time when
// that is later (Zendesk moves it to the newest comment).
func (v *verification) updatedAt(given, created string, comments []commentPlan) string {
	latest, _ := time.Parse(time.RFC3339, cmp.Or(given, created))
	if given == "" {
		return ""
	}
	for _, c := range comments {
		if t, err := time.Parse(time.RFC3339, c.CreatedAt); err == nil && t.After(latest) {
			latest = t
		}
	}
	return latest.UTC().Format(time.RFC3339)
}

// plannedComment is a comment as the ticket should hold it.
type plannedComment struct {
	author, body, createdAt string
	public                  bool
	files                   int
}

// checkComments compares the comments in thread order (Zendesk orders them by created_at).
// When as many came back as were sent they pair up by position; otherwise each planned one is
// looked for by its time and text, and what is left over is named missing or unexpected.
func (v *verification) checkComments(ticketCreated string, plan []commentPlan, got []commentJSON) {
	want := make([]plannedComment, len(plan))
	for i, c := range plan {
		body := text(c.HTMLBody)
		if c.HTMLBody == "" {
			body = text(html.EscapeString(cmp.Or(c.Value, c.Body)))
		}
		want[i] = plannedComment{author: v.id(c.AuthorRef, c.AuthorID), body: body,
			createdAt: cmp.Or(c.CreatedAt, ticketCreated), public: c.Public == nil || *c.Public, files: len(c.Attachments)}
	}
	slices.SortStableFunc(want, func(a, b plannedComment) int { return compareTimes(a.createdAt, b.createdAt) })
	if len(want) == len(got) {
		for i := range want {
			v.checkComment(i, &want[i], &got[i])
		}
		return
	}
	v.Differ("comments.count", len(want), len(got))
	used := make([]bool, len(got))
	next := 0
	for i := range want {
		k := slices.IndexFunc(got[next:], func(c commentJSON) bool {
			return sameTime(want[i].createdAt, c.CreatedAt) && text(c.HTMLBody) == want[i].body
		})
		if k < 0 {
			v.Differ(fmt.Sprintf("comments[%d]", i), fmt.Sprintf("a comment of %s at %s", orNone(anyID(want[i].author)), want[i].createdAt), "missing")
			continue
		}
		used[next+k] = true
		v.checkComment(i, &want[i], &got[next+k])
		next += k + 1
	}
	for k, c := range got {
		if !used[k] {
			v.Differ(fmt.Sprintf("comments[+%d]", k), "none", fmt.Sprintf("a comment of %s at %s the plan does not have", c.AuthorID, c.CreatedAt))
		}
	}
}

func (v *verification) checkComment(i int, w *plannedComment, g *commentJSON) {
	field := fmt.Sprintf("comments[%d].", i)
	if w.author != "" {
		v.Check(field+"author", w.author, g.AuthorID)
	}
	v.Check(field+"public", w.public, g.Public)
	if body := text(g.HTMLBody); body != w.body {
		v.Differ(field+"body", w.body, body)
	}
	v.checkTime(field+"created_at", w.createdAt, g.CreatedAt)
	v.Check(field+"attachments", w.files, len(g.Attachments))
}

func compareTimes(a, b string) int {
	ta, ea := time.Parse(time.RFC3339, a)
	tb, eb := time.Parse(time.RFC3339, b)
	if ea != nil || eb != nil {
		return strings.Compare(a, b)
	}
	return ta.Compare(tb)
}

// pages reads every page of a list (cursor or offset pagination), handing each record of key to
// fn.
func (x *exec) pages(ctx context.Context, route, path string, query url.Values, key string, fn func(json.RawMessage) error) error {
	for range maxPages {
		var page map[string]json.RawMessage
		if err := x.get(ctx, route, path, query, &page); err != nil {
			return err
		}
		var recs []json.RawMessage
		if err := json.Unmarshal(page[key], &recs); err != nil {
			return fmt.Errorf("zendesk: GET %s: the answer has no %s list: %w", route, key, err)
		}
		for _, r := range recs {
			if err := fn(r); err != nil {
				return fmt.Errorf("zendesk: GET %s: %w", route, err)
			}
		}
		next := nextPage(page)
		if next == nil {
			return nil
		}
		path, query = strings.TrimPrefix(next.Path, x.c.base.Path), next.Query()
	}
	return fmt.Errorf("zendesk: GET %s: more than %d pages", route, maxPages)
}

// countRow is one total of Counts: the kind of op it counts, and how the account is asked which
// of their ids it holds (show_many by 100 ids, or a list read whole).
type countRow struct {
	kind, entity, route, key string
	showMany                 bool
}

var countRows = []countRow{
	{kindOrganization, "organizations", "/api/v2/organizations/show_many.json", "organizations", true},
	{kindUser, "end users", "/api/v2/users/show_many.json", "users", true},
	{kindTicketImport, "tickets", "/api/v2/tickets/show_many.json", "tickets", true},
	{kindKBCategory, "categories", "/api/v2/help_center/categories.json", "categories", false},
	{kindKBSection, "sections", "/api/v2/help_center/sections.json", "sections", false},
	{kindKBArticle, "articles", "/api/v2/help_center/articles.json", "articles", false},
	{kindKBTranslation, "translations", "/api/v2/help_center/articles/{id}/translations.json", "translations", false},
}

// Counts says, per kind, how many records the ledger says the migration put in the account and
// how many of them the account holds now (active ones: a deleted user is not held). A Zendesk
// account usually had users, organizations and tickets before the migration, so its own totals
// (GET /api/v2/tickets/count.json and the like) say nothing of the migration; every migrated id
// is looked up instead, not a sample: show_many 100 ids a call, the Guide's lists read whole,
// and the translations of each article that has migrated ones.
func (c *Client) Counts(ctx context.Context, loaded []load.Loaded) ([]load.Count, error) {
	ids := map[string]map[string]bool{}
	articleOf := map[string]string{} // translation target id → its article's target id
	byOp := map[string]string{}
	for _, l := range loaded {
		byOp[l.ID] = l.TargetID
	}
	for _, l := range loaded {
		if ids[l.Kind] == nil {
			ids[l.Kind] = map[string]bool{}
		}
		ids[l.Kind][l.TargetID] = true
		if l.Kind == kindKBTranslation {
			var p struct {
				ArticleRef string `json:"article_ref"`
			}
			_ = json.Unmarshal(l.Payload, &p)
			articleOf[l.TargetID] = byOp[p.ArticleRef]
		}
	}
	x := &exec{c: c}
	var out []load.Count
	for _, row := range countRows {
		want := ids[row.kind]
		n, err := x.held(ctx, row, want, articleOf)
		if err != nil {
			return nil, fmt.Errorf("zendesk: counting %s: %w", row.entity, x.fail(err))
		}
		out = append(out, load.Count{Entity: row.entity, Migrated: len(want), Have: n})
	}
	return out, nil
}

// held counts the ids of want the account holds.
func (x *exec) held(ctx context.Context, row countRow, want map[string]bool, articleOf map[string]string) (int, error) {
	if len(want) == 0 {
		return 0, nil
	}
	n := 0
	count := func(raw json.RawMessage) error {
		var r struct {
			ID     anyID `json:"id"`
			Active *bool `json:"active"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			return err
		}
		if want[string(r.ID)] && (r.Active == nil || *r.Active) {
			n++
		}
		return nil
	}
	all := slices.Sorted(maps.Keys(want))
	switch {
	case row.showMany:
		for chunk := range slices.Chunk(all, 100) {
			q := url.Values{"ids": {strings.Join(chunk, ",")}}
			if err := x.pages(ctx, row.route, row.route, q, row.key, count); err != nil {
				return 0, err
			}
		}
	case row.kind == kindKBTranslation:
		articles := map[string]bool{}
		for _, id := range all {
			if a := articleOf[id]; a != "" {
				articles[a] = true
			}
		}
		for _, a := range slices.Sorted(maps.Keys(articles)) {
			path := "/api/v2/help_center/articles/" + a + "/translations.json"
			err := x.pages(ctx, row.route, path, url.Values{"page[size]": {"100"}}, row.key, count)
			var ae *apiError
			if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
				continue // the article is gone, and its translations with it
			}
			if err != nil {
				return 0, err
			}
		}
	default:
		if err := x.pages(ctx, row.route, row.route, url.Values{"page[size]": {"100"}}, row.key, count); err != nil {
			return 0, err
		}
	}
	return n, nil
}
