package zendesk

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// orgInput is POST /api/v2/organizations.json's organization.
type orgInput struct {
	Name        string                     `json:"name"`
	ExternalID  string                     `json:"external_id"`
	DomainNames []string                   `json:"domain_names"`
	Details     string                     `json:"details"`
	Notes       string                     `json:"notes"`
	Tags        []string                   `json:"tags"`
	Fields      map[string]json.RawMessage `json:"organization_fields"`
}

// createOrganization creates an organization; a name or external_id already in use is a 422,
// as Zendesk keeps both unique.
func (s *Server) createOrganization(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Organization *orgInput `json:"organization"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	in := body.Organization
	var org gen.Organization
	err := s.acct.Write(func(ids *gen.NewIDs) error {
		v := invalid{}
		if in == nil {
			v.add("organization", "is missing")
			return v
		}
		if strings.TrimSpace(in.Name) == "" {
			v.add("name", "cannot be blank")
		}
		for _, o := range s.acct.Organizations {
			if strings.EqualFold(o.Name, in.Name) && in.Name != "" {
				v.add("name", "has already been taken")
			}
			if in.ExternalID != "" && o.ExternalID == in.ExternalID {
				v.add("external_id", "has already been taken")
			}
		}
		checkFieldValues(v, s.acct.OrganizationFields, in.Fields)
		if len(v) > 0 {
			return v
		}
		now := s.now()
		org = gen.Organization{ID: ids.Organization(), ExternalID: in.ExternalID, Name: in.Name,
			DomainNames: in.DomainNames, Details: in.Details, Notes: in.Notes, Tags: in.Tags, CreatedAt: now, UpdatedAt: now}
		applyFieldValues(&org.Fields, s.acct.OrganizationFields, in.Fields)
		s.acct.Organizations = append(s.acct.Organizations, org)
		return nil
	})
	if err != nil {
		writeFailure(w, err)
		return
	}
	s.created("organization", org.ID, false)
	s.acct.RLock()
	defer s.acct.RUnlock()
	writeJSON(w, r, http.StatusCreated, map[string]any{"organization": s.renderer(r, s.indexes()).organization(&org)})
}

// searchOrganizations serves organizations/search.json by external_id or name.
func (s *Server) searchOrganizations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ext, name := q.Get("external_id"), q.Get("name")
	if ext == "" && name == "" {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "external_id or name is required")
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	var pos []int
	for _, i := range ix.orgsByID {
		o := &s.acct.Organizations[i]
		if (ext != "" && o.ExternalID == ext) || (ext == "" && strings.EqualFold(o.Name, name)) {
			pos = append(pos, i)
		}
	}
	rd := s.renderer(r, ix)
	s.serveList(w, r, list{key: "organizations", n: len(pos),
		id:     func(p int) int64 { return s.acct.Organizations[pos[p]].ID },
		render: func(p int) any { return rd.organization(&s.acct.Organizations[pos[p]]) }})
}

// userInput is create_or_update's user; pointers tell an absent field from an empty one, so an
// update changes only what it sends.
type userInput struct {
	Name           *string                    `json:"name"`
	Email          *string                    `json:"email"`
	Phone          *string                    `json:"phone"`
	Role           *string                    `json:"role"`
	ExternalID     *string                    `json:"external_id"`
	OrganizationID *int64                     `json:"organization_id"`
	Tags           []string                   `json:"tags"`
	Locale         *string                    `json:"locale"`
	TimeZone       *string                    `json:"time_zone"`
	Verified       *bool                      `json:"verified"`
	UserFields     map[string]json.RawMessage `json:"user_fields"`
}

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// createOrUpdateUser matches the user by external_id, then by email: a match is updated (200),
// anything else created (201). Sending it twice therefore has the effect of once.
func (s *Server) createOrUpdateUser(w http.ResponseWriter, r *http.Request) {
	var body struct {
		User *userInput `json:"user"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	in := body.User
	var (
		u       gen.User
		created bool
	)
	err := s.acct.Write(func(ids *gen.NewIDs) error {
		if in == nil {
			return invalid{"user": {"is missing"}}
		}
		var err error
		u, created, err = s.upsertUser(in, ids)
		return err
	})
	if err != nil {
		writeFailure(w, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.created("user", u.ID, false)
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	writeJSON(w, r, status, map[string]any{"user": s.renderer(r, s.indexes()).userJSON(&u)})
}

// upsertUser creates or updates the user in describes; the caller holds the write lock.
func (s *Server) upsertUser(in *userInput, ids *gen.NewIDs) (gen.User, bool, error) {
	i := s.matchUser(in)
	if err := s.checkUser(in, i < 0); err != nil {
		return gen.User{}, false, err
	}
	now := s.now()
	created := i < 0
	if created {
		s.acct.Users = append(s.acct.Users, gen.User{ID: ids.User(), Role: gen.RoleEndUser, Active: true,
			Locale: "en-US", TimeZone: "UTC", CreatedAt: now})
		i = len(s.acct.Users) - 1
	}
	applyUser(&s.acct.Users[i], in)
	applyFieldValues(&s.acct.Users[i].Fields, s.acct.UserFields, in.UserFields)
	s.acct.Users[i].UpdatedAt = now
	u := s.acct.Users[i]
	if created && u.Role == gen.RoleEndUser && u.Email != "" && (in.Verified == nil || !*in.Verified) {
		// Zendesk emails a new, unverified end user to verify the address.
		s.stats.add(func(st *Stats) { st.VerificationEmails++ })
	}
	return u, created, nil
}

// matchUser finds the user in by external_id, then by email (case-insensitive); -1 when none.
// The caller holds the write lock.
func (s *Server) matchUser(in *userInput) int {
	if in.ExternalID != nil && *in.ExternalID != "" {
		if i := slices.IndexFunc(s.acct.Users, func(u gen.User) bool { return u.ExternalID == *in.ExternalID }); i >= 0 {
			return i
		}
	}
	if in.Email != nil && *in.Email != "" {
		return slices.IndexFunc(s.acct.Users, func(u gen.User) bool { return strings.EqualFold(u.Email, *in.Email) })
	}
	return -1
}

func (s *Server) checkUser(in *userInput, create bool) error {
	v := invalid{}
	if create && (in.Name == nil || strings.TrimSpace(*in.Name) == "") {
		v.add("name", "cannot be blank")
	}
	if in.Email != nil && *in.Email != "" && !emailPattern.MatchString(*in.Email) {
		v.add("email", "%s is not properly formatted", *in.Email)
	}
	if in.Role != nil && !slices.Contains([]string{gen.RoleEndUser, gen.RoleAgent, gen.RoleAdmin}, *in.Role) {
		v.add("role", "%q is not a role", *in.Role)
	}
	if in.OrganizationID != nil && *in.OrganizationID != 0 && !s.orgExists(*in.OrganizationID) {
		v.add("organization_id", "%d does not exist", *in.OrganizationID)
	}
	checkFieldValues(v, s.acct.UserFields, in.UserFields)
	return v.orNil()
}

func applyUser(u *gen.User, in *userInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&u.Name, in.Name)
	set(&u.Email, in.Email)
	set(&u.Phone, in.Phone)
	set(&u.Role, in.Role)
	set(&u.ExternalID, in.ExternalID)
	set(&u.Locale, in.Locale)
	set(&u.TimeZone, in.TimeZone)
	if in.OrganizationID != nil {
		u.OrganizationID = *in.OrganizationID
	}
	if in.Tags != nil {
		u.Tags = in.Tags
	}
}

func (s *Server) orgExists(id int64) bool {
	return slices.ContainsFunc(s.acct.Organizations, func(o gen.Organization) bool { return o.ID == id })
}

// userRole is the role of the user with that id, "" when there is none.
func (s *Server) userRole(id int64) string {
	if i := slices.IndexFunc(s.acct.Users, func(u gen.User) bool { return u.ID == id }); i >= 0 {
		return s.acct.Users[i].Role
	}
	return ""
}

// searchUsers serves users/search.json?external_id= (and ?query= as an email).
func (s *Server) searchUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ext, query := q.Get("external_id"), q.Get("query")
	if ext == "" && query == "" {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "external_id or query is required")
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	var pos []int
	for _, i := range ix.usersByID {
		u := &s.acct.Users[i]
		if (ext != "" && u.ExternalID == ext) || (ext == "" && strings.EqualFold(u.Email, query)) {
			pos = append(pos, i)
		}
	}
	rd := s.renderer(r, ix)
	s.serveList(w, r, list{key: "users", n: len(pos),
		id:     func(p int) int64 { return s.acct.Users[pos[p]].ID },
		render: func(p int) any { return rd.userJSON(&s.acct.Users[pos[p]]) }})
}

// importInput is the Ticket Import API's ticket.
type importInput struct {
	ExternalID     string            `json:"external_id"`
	Subject        string            `json:"subject"`
	Description    string            `json:"description"`
	RequesterID    int64             `json:"requester_id"`
	SubmitterID    int64             `json:"submitter_id"`
	AssigneeID     int64             `json:"assignee_id"`
	GroupID        int64             `json:"group_id"`
	OrganizationID int64             `json:"organization_id"`
	Status         string            `json:"status"`
	Priority       string            `json:"priority"`
	Type           string            `json:"type"`
	Tags           []string          `json:"tags"`
	CreatedAt      string            `json:"created_at"`
	UpdatedAt      string            `json:"updated_at"`
	SolvedAt       string            `json:"solved_at"`
	CustomFields   []gen.FieldValue  `json:"-"`
	RawFields      []json.RawMessage `json:"custom_fields"`
	Comments       []commentInput    `json:"comments"`
}

type commentInput struct {
	AuthorID  int64    `json:"author_id"`
	Value     string   `json:"value"`
	Body      string   `json:"body"`
	HTMLBody  string   `json:"html_body"`
	Public    *bool    `json:"public"`
	CreatedAt string   `json:"created_at"`
	Uploads   []string `json:"uploads"`
}

var (
	statuses   = []string{gen.StatusNew, gen.StatusOpen, gen.StatusPending, gen.StatusHold, gen.StatusSolved, gen.StatusClosed}
	priorities = []string{"", "low", "normal", "high", "urgent"}
	types      = []string{"", "problem", "incident", "question", "task"}
)

// importTicket creates a ticket with the timestamps and comments it is given, running no
// triggers: nothing but the ticket changes. Upload tokens become the comments' attachments.
func (s *Server) importTicket(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Ticket *importInput `json:"ticket"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	in := body.Ticket
	var (
		t   gen.Ticket
		dup bool
	)
	archive := r.URL.Query().Get("archive_immediately") == "true"
	err := s.acct.Write(func(ids *gen.NewIDs) error {
		if in == nil {
			return invalid{"ticket": {"is missing"}}
		}
		var err error
		t, dup, err = s.applyImport(in, ids, archive)
		return err
	})
	if err != nil {
		writeFailure(w, err)
		return
	}
	s.created("ticket", t.ID, dup)
	s.acct.RLock()
	defer s.acct.RUnlock()
	writeJSON(w, r, http.StatusCreated, map[string]any{"ticket": s.renderer(r, s.indexes()).ticket(&t)})
}

// applyImport builds the ticket in describes and adds it to the account, keeping what the
// account has no column for (solved_at, archived); the caller holds the write lock. dup says
// whether it equals a ticket already there.
func (s *Server) applyImport(in *importInput, ids *gen.NewIDs, archive bool) (gen.Ticket, bool, error) {
	t, err := s.buildImport(in, ids)
	if err != nil {
		return gen.Ticket{}, false, err
	}
	dup := s.duplicateTicket(&t)
	s.acct.Tickets = append(s.acct.Tickets, t)
	s.writes.mu.Lock()
	defer s.writes.mu.Unlock()
	s.writes.init()
	if solved := parseTime(invalid{}, "", in.SolvedAt); !solved.IsZero() {
		s.writes.solvedAt[t.ID] = solved
	}
	// Only a closed ticket can be archived; Zendesk ignores the flag on others.
	s.writes.archived[t.ID] = archive && t.Status == gen.StatusClosed
	return t, dup, nil
}

// buildImport checks an import against the account and builds its ticket; the caller holds
// the write lock. Upload tokens are consumed only when the whole ticket is valid.
func (s *Server) buildImport(in *importInput, ids *gen.NewIDs) (gen.Ticket, error) {
	v := invalid{}
	now := s.now()
	t := gen.Ticket{ExternalID: in.ExternalID, Subject: in.Subject, Status: or(in.Status, gen.StatusNew),
		Priority: in.Priority, Type: in.Type, Channel: "api", ViaID: gen.ViaID("api"),
		RequesterID: in.RequesterID, SubmitterID: in.SubmitterID, AssigneeID: in.AssigneeID,
		GroupID: in.GroupID, OrganizationID: in.OrganizationID, Tags: in.Tags}
	s.checkPeople(v, &t)
	s.checkValues(v, &t)
	t.CreatedAt = or(parseTime(v, "created_at", in.CreatedAt), now)
	t.UpdatedAt = or(parseTime(v, "updated_at", in.UpdatedAt), t.CreatedAt)
	parseTime(v, "solved_at", in.SolvedAt)
	t.CustomFields = s.customFields(v, in.RawFields)
	comments := in.Comments
	if len(comments) == 0 && in.Description != "" {
		comments = []commentInput{{AuthorID: t.RequesterID, Value: in.Description}}
	}
	if len(comments) == 0 {
		v.add("description", "cannot be blank")
	}
	tokens := s.checkComments(v, comments, t.CreatedAt)
	if len(v) > 0 {
		return gen.Ticket{}, v
	}
	t.ID = ids.Ticket()
	for _, c := range comments {
		t.Comments = append(t.Comments, s.importComment(c, t, tokens, ids))
	}
	slices.SortStableFunc(t.Comments, func(a, b gen.Comment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	t.Description = t.Comments[0].PlainBody
	t.UpdatedAt = later(t.UpdatedAt, t.Comments[len(t.Comments)-1].CreatedAt)
	t.GeneratedAt = later(now, t.UpdatedAt)
	return t, nil
}

// checkPeople checks the requester, submitter, assignee, group and organization exist.
func (s *Server) checkPeople(v invalid, t *gen.Ticket) {
	switch {
	case t.RequesterID == 0:
		v.add("requester", "cannot be blank")
	case s.userRole(t.RequesterID) == "":
		v.add("requester_id", "%d does not exist", t.RequesterID)
	}
	if t.SubmitterID == 0 {
		t.SubmitterID = t.RequesterID
	} else if s.userRole(t.SubmitterID) == "" {
		v.add("submitter_id", "%d does not exist", t.SubmitterID)
	}
	if t.AssigneeID != 0 {
		if role := s.userRole(t.AssigneeID); role != gen.RoleAgent && role != gen.RoleAdmin {
			v.add("assignee_id", "%d is not an agent", t.AssigneeID)
		}
	}
	if t.GroupID != 0 && !slices.ContainsFunc(s.acct.Groups, func(g gen.Group) bool { return g.ID == t.GroupID }) {
		v.add("group_id", "%d does not exist", t.GroupID)
	}
	if t.OrganizationID != 0 && !s.orgExists(t.OrganizationID) {
		v.add("organization_id", "%d does not exist", t.OrganizationID)
	}
	if t.OrganizationID == 0 {
		if i := slices.IndexFunc(s.acct.Users, func(u gen.User) bool { return u.ID == t.RequesterID }); i >= 0 {
			t.OrganizationID = s.acct.Users[i].OrganizationID
		}
	}
}

// checkValues checks status, priority and type against Zendesk's fixed lists.
func (s *Server) checkValues(v invalid, t *gen.Ticket) {
	if !slices.Contains(statuses, t.Status) {
		v.add("status", "%q is not a status", t.Status)
	}
	if !slices.Contains(priorities, t.Priority) {
		v.add("priority", "%q is not a priority", t.Priority)
	}
	if !slices.Contains(types, t.Type) {
		v.add("type", "%q is not a ticket type", t.Type)
	}
}

// customFields keeps the values of existing custom fields; Zendesk ignores unknown field ids.
func (s *Server) customFields(v invalid, raw []json.RawMessage) []gen.FieldValue {
	var out []gen.FieldValue
	for _, r := range raw {
		var f struct {
			ID    int64 `json:"id"`
			Value any   `json:"value"`
		}
		if err := json.Unmarshal(r, &f); err != nil {
			v.add("custom_fields", "an entry is not {id, value}")
			continue
		}
		if slices.ContainsFunc(s.acct.TicketFields, func(tf gen.TicketField) bool { return tf.ID == f.ID && !tf.System }) {
			out = append(out, gen.FieldValue{FieldID: f.ID, Value: f.Value})
		}
	}
	return out
}

// checkComments checks each comment's author, body, time and upload tokens; it returns the
// files of the tokens, which stay unconsumed until the ticket is created.
func (s *Server) checkComments(v invalid, comments []commentInput, created time.Time) map[string]gen.Attachment {
	s.writes.mu.Lock()
	defer s.writes.mu.Unlock()
	s.writes.init()
	files := map[string]gen.Attachment{}
	for i, c := range comments {
		if c.AuthorID == 0 || s.userRole(c.AuthorID) == "" {
			v.add("comments", "comment %d: author_id %d does not exist", i, c.AuthorID)
		}
		if c.HTMLBody == "" && c.Value == "" && c.Body == "" {
			v.add("comments", "comment %d: body cannot be blank", i)
		}
		parseTime(v, "comments", c.CreatedAt)
		for _, tok := range c.Uploads {
			f, ok := s.writes.uploads[tok]
			if !ok {
				v.add("comments", "comment %d: upload token %q is unknown or already used", i, tok)
			}
			files[tok] = f
		}
	}
	if len(v) == 0 {
		for tok := range files {
			delete(s.writes.uploads, tok)
		}
	}
	return files
}

// importComment builds one imported comment; a comment without created_at takes the ticket's.
func (s *Server) importComment(in commentInput, t gen.Ticket, files map[string]gen.Attachment, ids *gen.NewIDs) gen.Comment {
	at := or(parseTime(invalid{}, "", in.CreatedAt), t.CreatedAt)
	c := gen.Comment{ID: ids.Comment(), AuditID: ids.Audit(), AuthorID: in.AuthorID, Public: in.Public == nil || *in.Public,
		Channel: "api", CreatedAt: at}
	switch {
	case in.HTMLBody != "":
		c.HTMLBody, c.PlainBody = in.HTMLBody, plainText(in.HTMLBody)
	default:
		c.PlainBody = or(in.Value, in.Body)
		c.HTMLBody = "<p>" + html.EscapeString(c.PlainBody) + "</p>"
	}
	for _, tok := range in.Uploads {
		c.Attachments = append(c.Attachments, files[tok])
	}
	return c
}

var htmlTags = regexp.MustCompile(`<[^>]*>`)

// plainText is an HTML body's text, as Zendesk derives plain_body.
func plainText(h string) string {
	return strings.Join(strings.Fields(html.UnescapeString(htmlTags.ReplaceAllString(h, " "))), " ")
}

// duplicateTicket says whether a ticket of the same requester and created_at, or the same
// external_id, exists already: Zendesk creates it anyway, Stats counts it.
func (s *Server) duplicateTicket(t *gen.Ticket) bool {
	return slices.ContainsFunc(s.acct.Tickets, func(o gen.Ticket) bool {
		return (o.RequesterID == t.RequesterID && o.CreatedAt.Equal(t.CreatedAt)) ||
			(t.ExternalID != "" && o.ExternalID == t.ExternalID)
	})
}

// listTickets serves tickets.json, by external_id when given. Archived tickets are not listed,
// as on Zendesk; search finds them.
func (s *Server) listTickets(w http.ResponseWriter, r *http.Request) {
	ext := r.URL.Query().Get("external_id")
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	s.writes.mu.Lock()
	var pos []int
	for i, t := range s.acct.Tickets {
		if t.Status != "deleted" && !s.writes.archived[t.ID] && (ext == "" || t.ExternalID == ext) {
			pos = append(pos, i)
		}
	}
	s.writes.mu.Unlock()
	slices.SortFunc(pos, func(a, b int) int { return cmpID(s.acct.Tickets[a].ID, s.acct.Tickets[b].ID) })
	rd := s.renderer(r, ix)
	s.serveList(w, r, list{key: "tickets", n: len(pos),
		id:     func(p int) int64 { return s.acct.Tickets[pos[p]].ID },
		render: func(p int) any { return rd.ticket(&s.acct.Tickets[pos[p]]) }})
}

// searchQuery reads "type:ticket external_id:X" (the one search a loader needs).
var searchQuery = regexp.MustCompile(`external_id:"?([^"\s]+)"?`)

// search serves search.json for tickets by external_id, archived ones included.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("query")
	m := searchQuery.FindStringSubmatch(q)
	if m == nil || !strings.Contains(q, "type:ticket") {
		writeError(w, http.StatusBadRequest, "InvalidQuery", "the simulator searches only type:ticket external_id:X")
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	rd := s.renderer(r, s.indexes())
	results := []any{}
	for i := range s.acct.Tickets {
		if t := &s.acct.Tickets[i]; t.ExternalID == m[1] && t.Status != "deleted" {
			tj := rd.ticket(t)
			results = append(results, struct {
				ticketJSON
				ResultType string `json:"result_type"`
			}{tj, "ticket"})
		}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"results": results, "count": len(results), "next_page": nil, "previous_page": nil})
}

func cmpID(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
