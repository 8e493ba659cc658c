package zendesk

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/deskport/deskport/sandbox/gen"
)

const (
	maxPageSize = 100   // page[size] and per_page of list endpoints
	offsetLimit = 10000 // offset pagination serves only the first 10,000 records
)

var (
	errPageSize    = errors.New("page[size] must be between 1 and 100")
	errOffsetLimit = errors.New("Offset pagination is limited to the first 10,000 records; use cursor pagination (page[size]) instead")
	errPageParam   = errors.New("page and per_page must be positive integers")
)

// list is an ordered record list being paged; the caller holds the read lock.
type list struct {
	key    string
	n      int
	id     func(pos int) int64
	render func(pos int) any
}

// serveList answers with cursor pagination when page[size], page[after] or
// page[before] is given, else with offset pagination (page, per_page).
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, l list) {
	q := r.URL.Query()
	if q.Has("page[size]") || q.Has("page[after]") || q.Has("page[before]") {
		s.cursorList(w, r, l)
		return
	}
	s.offsetList(w, r, l)
}

// cursorList writes {key, meta:{has_more, after_cursor, before_cursor},
// links:{next, prev}}.
func (s *Server) cursorList(w http.ResponseWriter, r *http.Request, l list) {
	q := r.URL.Query()
	size, from, to, forward, err := cursorWindow(q, l)
	if err != nil {
		badRequest(w, err)
		return
	}
	items := make([]any, 0, to-from)
	for pos := from; pos < to; pos++ {
		items = append(items, l.render(pos))
	}
	hasMore := to < l.n
	if !forward {
		hasMore = from > 0
	}
	meta := map[string]any{"has_more": hasMore, "after_cursor": nil, "before_cursor": nil}
	links := map[string]any{"next": nil, "prev": nil}
	if len(items) > 0 {
		drop := []string{"page[after]", "page[before]"}
		after, before := listCursor(to-1, l.id(to-1)), listCursor(from, l.id(from))
		meta["after_cursor"], meta["before_cursor"] = after, before
		sz := strconv.Itoa(size)
		links["next"] = s.pageURL(r, withParams(q, drop, "page[after]", after, "page[size]", sz))
		links["prev"] = s.pageURL(r, withParams(q, drop, "page[before]", before, "page[size]", sz))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{l.key: items, "meta": meta, "links": links})
}

// cursorWindow returns the page size and the positions [from, to) to serve.
func cursorWindow(q url.Values, l list) (size, from, to int, forward bool, err error) {
	size = maxPageSize
	if raw := q.Get("page[size]"); raw != "" {
		if size, err = strconv.Atoi(raw); err != nil || size < 1 || size > maxPageSize {
			return 0, 0, 0, false, errPageSize
		}
	}
	switch {
	case q.Get("page[after]") != "":
		pos, err := decodeListCursor(q.Get("page[after]"), l)
		return size, pos + 1, min(pos+1+size, l.n), true, err
	case q.Get("page[before]") != "":
		pos, err := decodeListCursor(q.Get("page[before]"), l)
		return size, max(pos-size, 0), pos, false, err
	}
	return size, 0, min(size, l.n), true, nil
}

// listCursor is opaque to clients: a position checked against its id.
func listCursor(pos int, id int64) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "v1|l|%d|%d", pos, id))
}

func decodeListCursor(c string, l list) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, errBadCursor
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 || parts[0] != "v1" || parts[1] != "l" {
		return 0, errBadCursor
	}
	pos, err1 := strconv.Atoi(parts[2])
	id, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || pos < 0 || pos >= l.n || l.id(pos) != id {
		return 0, errBadCursor
	}
	return pos, nil
}

// offsetList writes {key, next_page, previous_page, count}; pages past the
// first 10,000 records are refused with 400, as Zendesk does.
func (s *Server) offsetList(w http.ResponseWriter, r *http.Request, l list) {
	q := r.URL.Query()
	page, err1 := intParam(q, "page", 1)
	per, err2 := intParam(q, "per_page", maxPageSize)
	if err1 != nil || err2 != nil {
		badRequest(w, errPageParam)
		return
	}
	per = min(per, maxPageSize)
	if page*per > offsetLimit {
		writeError(w, http.StatusBadRequest, "InvalidPaginationParameter", errOffsetLimit.Error())
		return
	}
	from, to := min((page-1)*per, l.n), min(page*per, l.n)
	items := make([]any, 0, to-from)
	for pos := from; pos < to; pos++ {
		items = append(items, l.render(pos))
	}
	env := map[string]any{l.key: items, "count": l.n, "next_page": nil, "previous_page": nil}
	if to < l.n {
		env["next_page"] = s.pageURL(r, withParams(q, nil, "page", strconv.Itoa(page+1)))
	}
	if page > 1 {
		env["previous_page"] = s.pageURL(r, withParams(q, nil, "page", strconv.Itoa(page-1)))
	}
	writeJSON(w, r, http.StatusOK, env)
}

func intParam(q url.Values, name string, def int) (int, error) {
	raw := q.Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, errPageParam
	}
	return n, nil
}

// notFound is Zendesk's answer for a missing (or deleted) record.
func notFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "RecordNotFound", "Not found")
}

// liveTicket returns the ticket with that id (as in the path), or nil when it
// does not exist or is deleted. The caller holds the read lock.
func (s *Server) liveTicket(rawID string) *gen.Ticket {
	id, err := strconv.ParseInt(rawID, 10, 64)
	if err != nil {
		return nil
	}
	t := s.acct.TicketByID(id)
	if t == nil || t.Status == gen.StatusDeleted {
		return nil
	}
	return t
}

// ticketComments lists a ticket's comments, oldest first. Inline images are
// listed among attachments only with include_inline_images=true.
func (s *Server) ticketComments(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	t := s.liveTicket(r.PathValue("id"))
	if t == nil {
		notFound(w)
		return
	}
	rd := s.renderer(r, s.indexes())
	rd.allInline = r.URL.Query().Get("include_inline_images") == "true"
	s.serveList(w, r, list{key: "comments", n: len(t.Comments),
		id:     func(p int) int64 { return t.Comments[p].ID },
		render: func(p int) any { return rd.comment(&t.Comments[p]) }})
}

// showTicket serves GET /api/v2/tickets/{id}.json (a mux wildcard cannot
// carry the suffix, hence {file}).
func (s *Server) showTicket(w http.ResponseWriter, r *http.Request) {
	rawID, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	if !ok {
		writeError(w, http.StatusNotFound, "InvalidEndpoint", "Not found")
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	t := s.liveTicket(rawID)
	if t == nil {
		notFound(w)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"ticket": s.renderer(r, s.indexes()).ticket(t)})
}

// me returns the authenticated user: the first admin, under the e-mail of
// the configured credentials.
func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	rd := s.renderer(r, s.indexes())
	for i := range s.acct.Users {
		if u := s.acct.Users[i]; u.Role == gen.RoleAdmin {
			u.Email = s.opts.Credentials.Email
			writeJSON(w, r, http.StatusOK, map[string]any{"user": rd.userJSON(&u)})
			return
		}
	}
	notFound(w)
}

// listUsers serves /api/v2/users.json, filtered by role or role[].
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	roles := append(r.URL.Query()["role"], r.URL.Query()["role[]"]...)
	pos := ix.usersByID
	if len(roles) > 0 {
		pos = slices.DeleteFunc(slices.Clone(pos), func(i int) bool {
			return !slices.Contains(roles, s.acct.Users[i].Role)
		})
	}
	rd := s.renderer(r, ix)
	s.serveList(w, r, list{key: "users", n: len(pos),
		id:     func(p int) int64 { return s.acct.Users[pos[p]].ID },
		render: func(p int) any { return rd.userJSON(&s.acct.Users[pos[p]]) }})
}

func (s *Server) listOrganizations(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	rd := s.renderer(r, ix)
	s.serveList(w, r, list{key: "organizations", n: len(ix.orgsByID),
		id:     func(p int) int64 { return s.acct.Organizations[ix.orgsByID[p]].ID },
		render: func(p int) any { return rd.organization(&s.acct.Organizations[ix.orgsByID[p]]) }})
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	rd := s.renderer(r, ix)
	s.serveList(w, r, list{key: "groups", n: len(ix.groupsByID),
		id: func(p int) int64 { return s.acct.Groups[ix.groupsByID[p]].ID },
		render: func(p int) any {
			i := ix.groupsByID[p]
			return rd.group(&s.acct.Groups[i], i == 0)
		}})
}

// listTicketFields lists system and custom fields; dropdowns are "tagger".
func (s *Server) listTicketFields(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	rd := s.renderer(r, ix)
	s.serveList(w, r, list{key: "ticket_fields", n: len(ix.fieldsByID),
		id:     func(p int) int64 { return s.acct.TicketFields[ix.fieldsByID[p]].ID },
		render: func(p int) any { return rd.ticketField(&s.acct.TicketFields[ix.fieldsByID[p]]) }})
}
