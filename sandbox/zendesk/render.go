package zendesk

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// Fixed ids of account-wide objects a ticket refers to.
const (
	brandID      = 360000000001
	ticketFormID = 360000000002
)

// customStatusIDs are the default custom statuses, one per status category.
var customStatusIDs = map[string]int64{
	gen.StatusNew: 360000000101, gen.StatusOpen: 360000000102, gen.StatusPending: 360000000103,
	gen.StatusHold: 360000000104, gen.StatusSolved: 360000000105, gen.StatusClosed: 360000000105,
}

// renderer turns account records into Zendesk JSON for one request: it
// knows the request's URLs and holds the read lock's view of the account.
type renderer struct {
	acct      *gen.Account
	ix        *indexes
	apiBase   string // http://host/mount
	fileBase  string // http://other-host/mount
	allInline bool   // list inline images among attachments
}

func (s *Server) renderer(r *http.Request, ix *indexes) *renderer {
	return &renderer{acct: s.acct, ix: ix, apiBase: s.base(r, r.Host), fileBase: s.fileBase(r), allInline: true}
}

// ts formats a timestamp the way Zendesk does: ISO-8601, UTC, seconds.
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func tsPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := ts(*t)
	return &s
}

// nullID renders 0 as null: Zendesk has no id 0.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ids renders a nil slice as [] rather than null.
func ids(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return v
}

func strs(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

type viaJSON struct {
	Channel any       `json:"channel"` // a string, or an integer via id on some tickets
	Source  viaSource `json:"source"`
}

type viaSource struct {
	From map[string]any `json:"from"`
	To   map[string]any `json:"to"`
	Rel  *string        `json:"rel"`
}

// via renders how a ticket or comment arrived.
func (rd *renderer) via(channel string, numeric bool, authorID int64) viaJSON {
	v := viaJSON{Channel: channel, Source: viaSource{From: map[string]any{}, To: map[string]any{}}}
	if numeric {
		v.Channel = gen.ViaID(channel)
	}
	switch channel {
	case "email":
		if u := rd.user(authorID); u != nil {
			v.Source.From = map[string]any{"address": u.Email, "name": u.Name}
		}
		v.Source.To = map[string]any{"address": "support@deskport-demo.zendesk.com", "name": "Deskport Demo"}
	case "rule":
		rel := "automation"
		v.Source.From = map[string]any{"id": int64(360000000201), "title": "Close solved tickets after 4 days"}
		v.Source.Rel = &rel
	}
	return v
}

func (rd *renderer) user(id int64) *gen.User {
	i, ok := rd.ix.userIdx[id]
	if !ok {
		return nil
	}
	return &rd.acct.Users[i]
}

type fieldJSON struct {
	ID    int64 `json:"id"`
	Value any   `json:"value"`
}

type ticketJSON struct {
	URL                 string      `json:"url"`
	ID                  int64       `json:"id"`
	ExternalID          *string     `json:"external_id"`
	Via                 viaJSON     `json:"via"`
	CreatedAt           string      `json:"created_at"`
	UpdatedAt           string      `json:"updated_at"`
	GeneratedTimestamp  int64       `json:"generated_timestamp"`
	Type                *string     `json:"type"`
	Subject             string      `json:"subject"`
	RawSubject          string      `json:"raw_subject"`
	Description         string      `json:"description"`
	Priority            *string     `json:"priority"`
	Status              string      `json:"status"`
	CustomStatusID      *int64      `json:"custom_status_id"`
	Recipient           *string     `json:"recipient"`
	RequesterID         int64       `json:"requester_id"`
	SubmitterID         int64       `json:"submitter_id"`
	AssigneeID          *int64      `json:"assignee_id"`
	OrganizationID      *int64      `json:"organization_id"`
	GroupID             *int64      `json:"group_id"`
	CollaboratorIDs     []int64     `json:"collaborator_ids"`
	FollowerIDs         []int64     `json:"follower_ids"`
	EmailCCIDs          []int64     `json:"email_cc_ids"`
	ForumTopicID        *int64      `json:"forum_topic_id"`
	ProblemID           *int64      `json:"problem_id"`
	HasIncidents        bool        `json:"has_incidents"`
	IsPublic            bool        `json:"is_public"`
	DueAt               *string     `json:"due_at"`
	Tags                []string    `json:"tags"`
	CustomFields        []fieldJSON `json:"custom_fields"`
	Fields              []fieldJSON `json:"fields"`
	SatisfactionRating  any         `json:"satisfaction_rating"`
	SharingAgreementIDs []int64     `json:"sharing_agreement_ids"`
	FollowupIDs         []int64     `json:"followup_ids"`
	TicketFormID        int64       `json:"ticket_form_id"`
	BrandID             int64       `json:"brand_id"`
	AllowChannelback    bool        `json:"allow_channelback"`
	AllowAttachments    bool        `json:"allow_attachments"`
	FromMessaging       bool        `json:"from_messaging_channel"`
}

func (rd *renderer) ticket(t *gen.Ticket) ticketJSON {
	out := ticketJSON{
		URL: rd.apiBase + "/api/v2/tickets/" + strconv.FormatInt(t.ID, 10) + ".json",
		ID:  t.ID, ExternalID: nullString(t.ExternalID),
		Via:       rd.via(t.Channel, t.NumericVia, t.RequesterID),
		CreatedAt: ts(t.CreatedAt), UpdatedAt: ts(t.UpdatedAt), GeneratedTimestamp: t.GeneratedAt.Unix(),
		Type: nullString(t.Type), Subject: t.Subject, RawSubject: t.Subject, Description: t.Description,
		Priority: nullString(t.Priority), Status: t.Status,
		RequesterID: t.RequesterID, SubmitterID: t.SubmitterID, AssigneeID: nullID(t.AssigneeID),
		OrganizationID: nullID(t.OrganizationID), GroupID: nullID(t.GroupID),
		CollaboratorIDs: ids(t.CollaboratorIDs), FollowerIDs: []int64{}, EmailCCIDs: ids(t.CollaboratorIDs),
		DueAt: tsPtr(t.DueAt), Tags: strs(t.Tags), SharingAgreementIDs: []int64{}, FollowupIDs: []int64{},
		TicketFormID: ticketFormID, BrandID: brandID, AllowChannelback: false, AllowAttachments: true,
	}
	if id, ok := customStatusIDs[t.Status]; ok {
		out.CustomStatusID = &id
	}
	if t.Channel == "email" {
		out.Recipient = nullString("support@deskport-demo.zendesk.com")
	}
	for _, c := range t.Comments {
		out.IsPublic = out.IsPublic || c.Public
	}
	out.CustomFields = make([]fieldJSON, 0, len(t.CustomFields))
	for _, f := range t.CustomFields {
		out.CustomFields = append(out.CustomFields, fieldJSON{f.FieldID, f.Value})
	}
	out.Fields = out.CustomFields
	out.SatisfactionRating = map[string]any{"score": "unoffered"}
	if t.Satisfaction != "" {
		out.SatisfactionRating = map[string]any{"score": t.Satisfaction}
	}
	return out
}

type attachmentJSON struct {
	ID                    int64            `json:"id"`
	FileName              string           `json:"file_name,omitempty"`
	Name                  string           `json:"name,omitempty"` // old payloads
	ContentURL            string           `json:"content_url"`
	MappedContentURL      string           `json:"mapped_content_url"`
	ContentType           string           `json:"content_type"`
	Size                  int64            `json:"size"`
	Width                 *int             `json:"width"`
	Height                *int             `json:"height"`
	Inline                bool             `json:"inline"`
	Deleted               bool             `json:"deleted"`
	MalwareAccessOverride bool             `json:"malware_access_override"`
	MalwareScanResult     string           `json:"malware_scan_result"`
	Thumbnails            []attachmentJSON `json:"thumbnails"`
}

// contentURL is the signed download URL, on another host than the API.
func (rd *renderer) contentURL(a *gen.Attachment) string {
	return rd.fileBase + "/attachments/token/" + attachmentToken(a.ID) + "/?name=" + url.QueryEscape(a.FileName)
}

func (rd *renderer) attachment(a *gen.Attachment) attachmentJSON {
	out := attachmentJSON{
		ID: a.ID, ContentURL: rd.contentURL(a), ContentType: a.ContentType, Size: a.Size,
		Inline: a.Inline, MalwareScanResult: "malware_not_found", Thumbnails: []attachmentJSON{},
	}
	out.MappedContentURL = out.ContentURL
	if a.LegacyName {
		out.Name = a.FileName
	} else {
		out.FileName = a.FileName
	}
	if a.Width > 0 {
		w, h := a.Width, a.Height
		out.Width, out.Height = &w, &h
	}
	if a.Malware {
		out.MalwareScanResult = "malware_found"
	}
	return out
}

// attachments renders a comment's files; inline images only when asked
// (the comments endpoint hides them unless include_inline_images=true).
func (rd *renderer) attachments(c *gen.Comment) []attachmentJSON {
	out := make([]attachmentJSON, 0, len(c.Attachments))
	for i := range c.Attachments {
		if a := &c.Attachments[i]; rd.allInline || !a.Inline {
			out = append(out, rd.attachment(a))
		}
	}
	return out
}

// htmlBody replaces the generator's inline image placeholders with the
// images' download URLs.
func (rd *renderer) htmlBody(c *gen.Comment) string {
	if !strings.Contains(c.HTMLBody, "deskport-attachment:") {
		return c.HTMLBody
	}
	var pairs []string
	for i := range c.Attachments {
		a := &c.Attachments[i]
		pairs = append(pairs, gen.InlineSrc(a.ID), html.EscapeString(rd.contentURL(a)))
	}
	return strings.NewReplacer(pairs...).Replace(c.HTMLBody)
}

type commentJSON struct {
	ID          int64            `json:"id"`
	Type        string           `json:"type"`
	AuthorID    int64            `json:"author_id"`
	Body        string           `json:"body"`
	HTMLBody    string           `json:"html_body"`
	PlainBody   string           `json:"plain_body"`
	Public      bool             `json:"public"`
	Attachments []attachmentJSON `json:"attachments"`
	AuditID     int64            `json:"audit_id"`
	Via         viaJSON          `json:"via"`
	CreatedAt   string           `json:"created_at"`
	Metadata    map[string]any   `json:"metadata"`
}

func (rd *renderer) comment(c *gen.Comment) commentJSON {
	return commentJSON{
		ID: c.ID, Type: "Comment", AuthorID: c.AuthorID, Body: c.PlainBody, HTMLBody: rd.htmlBody(c),
		PlainBody: c.PlainBody, Public: c.Public, Attachments: rd.attachments(c), AuditID: c.AuditID,
		Via: rd.via(c.Channel, false, c.AuthorID), CreatedAt: ts(c.CreatedAt), Metadata: metadata(c.ID),
	}
}

var clients = []string{
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36",
	"Zendesk Mobile/6.2 (iPhone; iOS 17.5)",
}

// metadata is derived from the comment id so it is stable across requests.
func metadata(id int64) map[string]any {
	return map[string]any{
		"system": map[string]any{
			"client":     clients[id%int64(len(clients))],
			"ip_address": "203.0.113." + strconv.FormatInt(id%250+1, 10),
		},
		"custom": map[string]any{},
	}
}
