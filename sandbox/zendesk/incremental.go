package zendesk

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/deskport/deskport/sandbox/gen"
)

// maxIncremental is the largest page of the incremental exports.
const maxIncremental = 1000

// badRequest answers 400 with Zendesk's error body.
func badRequest(w http.ResponseWriter, err error) {
	name := "InvalidValue"
	if errors.Is(err, errBadCursor) {
		name = "InvalidPaginationParameter"
	}
	writeError(w, http.StatusBadRequest, name, err.Error())
}

// incrementalTickets serves the cursor-based ticket export. Deleted tickets
// are inline with status "deleted" unless exclude_deleted=true.
func (s *Server) incrementalTickets(w http.ResponseWriter, r *http.Request) {
	exclude := r.URL.Query().Get("exclude_deleted") == "true"
	s.cursorExport(w, r, "tickets", func(ix *indexes) []timed { return ix.tickets },
		func(t timed) bool { return exclude && s.acct.Tickets[t.i].Status == gen.StatusDeleted },
		func(rd *renderer, t timed) any { return rd.ticket(&s.acct.Tickets[t.i]) })
}

// incrementalUsers serves the cursor-based user export (every role).
func (s *Server) incrementalUsers(w http.ResponseWriter, r *http.Request) {
	s.cursorExport(w, r, "users", func(ix *indexes) []timed { return ix.users },
		func(timed) bool { return false },
		func(rd *renderer, t timed) any { return rd.userJSON(&s.acct.Users[t.i]) })
}

// cursorExport pages a (ts, id) ordered stream with opaque cursors.
func (s *Server) cursorExport(w http.ResponseWriter, r *http.Request, key string,
	list func(*indexes) []timed, skip func(timed) bool, render func(*renderer, timed) any) {
	q := r.URL.Query()
	n, err := perPage(q, maxIncremental, maxIncremental)
	if err != nil {
		badRequest(w, err)
		return
	}
	p, fromCursor, err := s.startPosition(q)
	if err != nil {
		badRequest(w, err)
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	page := walkCursor(list(ix), p, n, skip)
	rd := s.renderer(r, ix)
	items := make([]any, 0, len(page.items))
	for _, t := range page.items {
		items = append(items, render(rd, t))
	}
	writeJSON(w, r, http.StatusOK, s.cursorEnvelope(r, key, items, page, fromCursor))
}

// cursorEnvelope builds {key, after_cursor, after_url, before_cursor,
// before_url, end_of_stream}. A start_time export that found nothing has no
// cursor yet: the client keeps its start_time.
func (s *Server) cursorEnvelope(r *http.Request, key string, items []any, page cursorPage, fromCursor bool) map[string]any {
	q := r.URL.Query()
	env := map[string]any{key: items, "end_of_stream": page.endOfStream,
		"after_cursor": nil, "after_url": nil, "before_cursor": nil, "before_url": nil}
	drop := []string{"start_time", "cursor"}
	if page.scanned || fromCursor {
		c := encodeCursor(page.after)
		env["after_cursor"], env["after_url"] = c, s.pageURL(r, withParams(q, drop, "cursor", c))
	}
	if len(page.items) > 0 {
		first := page.items[0]
		c := encodeCursor(position{ts: first.ts, id: first.id})
		env["before_cursor"], env["before_url"] = c, s.pageURL(r, withParams(q, drop, "cursor", c))
	}
	return env
}

// incrementalOrganizations serves the time-based organization export.
func (s *Server) incrementalOrganizations(w http.ResponseWriter, r *http.Request) {
	s.timeExport(w, r, "organizations", func(ix *indexes) (int, func(int) timed) {
		return len(ix.orgs), func(i int) timed { return ix.orgs[i] }
	}, func(rd *renderer, ix *indexes, i int) any {
		return rd.organization(&s.acct.Organizations[ix.orgs[i].i])
	})
}

// incrementalTicketEvents serves the time-based ticket event export; comments
// are child events only with include=comment_events.
func (s *Server) incrementalTicketEvents(w http.ResponseWriter, r *http.Request) {
	withComments := slices.Contains(strings.Split(r.URL.Query().Get("include"), ","), "comment_events")
	s.timeExport(w, r, "ticket_events", func(ix *indexes) (int, func(int) timed) {
		return len(ix.events), func(i int) timed { return ix.events[i].timed }
	}, func(rd *renderer, ix *indexes, i int) any {
		return rd.audit(ix.events[i], withComments)
	})
}

// timeExport pages a stream by start_time: {key, count, end_time,
// next_page, end_of_stream}, next_page being the same URL with
// start_time=end_time.
func (s *Server) timeExport(w http.ResponseWriter, r *http.Request, key string,
	list func(*indexes) (int, func(int) timed), render func(*renderer, *indexes, int) any) {
	q := r.URL.Query()
	n, start, err := s.timeExportParams(q)
	if err != nil {
		badRequest(w, err)
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	size, at := list(ix)
	lo, hi, end, eos := timePage(size, at, start, n)
	rd := s.renderer(r, ix)
	items := make([]any, 0, hi-lo)
	for i := lo; i < hi; i++ {
		items = append(items, render(rd, ix, i))
	}
	next := s.pageURL(r, withParams(q, []string{"start_time"}, "start_time", strconv.FormatInt(end, 10)))
	writeJSON(w, r, http.StatusOK, map[string]any{
		key: items, "count": len(items), "end_time": end, "next_page": next, "end_of_stream": eos,
	})
}
