package zendesk

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

var errBadCursor = errors.New("invalid cursor")

// position is a point in a (ts, id) ordered stream; a cursor means
// "strictly after" (or, backwards, "strictly before") it.
type position struct {
	ts, id  int64
	forward bool
}

// encodeCursor makes an opaque cursor; clients must not parse it.
func encodeCursor(p position) string {
	dir := "b"
	if p.forward {
		dir = "a"
	}
	raw := fmt.Sprintf("v1|%s|%d|%d", dir, p.ts, p.id)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(s string) (position, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return position{}, errBadCursor
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 4 || parts[0] != "v1" || (parts[1] != "a" && parts[1] != "b") {
		return position{}, errBadCursor
	}
	t, err1 := strconv.ParseInt(parts[2], 10, 64)
	id, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return position{}, errBadCursor
	}
	return position{ts: t, id: id, forward: parts[1] == "a"}, nil
}

// before reports whether p sorts strictly before item t.
func (p position) before(t timed) bool {
	return compareTimed(timed{ts: p.ts, id: p.id}, t) < 0
}

// cursorPage is one page of a cursor-based incremental export.
type cursorPage struct {
	items       []timed
	after       position // the last scanned item: the next page starts after it
	scanned     bool     // anything was scanned (else after is the input position)
	endOfStream bool
}

// walkCursor reads up to perPage items from the position, skipping the
// ones skip rejects (exclude_deleted). Backward positions read the perPage
// items just before them.
func walkCursor(list []timed, p position, perPage int, skip func(timed) bool) cursorPage {
	k := sort.Search(len(list), func(i int) bool { return p.before(list[i]) })
	if !p.forward { // the perPage items sorting before p
		k = sort.Search(len(list), func(i int) bool { return !compareLess(list[i], p) })
		k = max(k-perPage, 0)
	}
	page := cursorPage{after: p}
	for ; k < len(list) && len(page.items) < perPage; k++ {
		if !p.forward && !compareLess(list[k], p) {
			break
		}
		page.after, page.scanned = position{ts: list[k].ts, id: list[k].id, forward: true}, true
		if !skip(list[k]) {
			page.items = append(page.items, list[k])
		}
	}
	page.after.forward = true
	page.endOfStream = k == len(list)
	return page
}

func compareLess(t timed, p position) bool { return compareTimed(t, timed{ts: p.ts, id: p.id}) < 0 }

// startPosition reads start_time or cursor. start_time must be at least a
// minute in the past.
func (s *Server) startPosition(q url.Values) (position, bool, error) {
	if c := q.Get("cursor"); c != "" {
		p, err := decodeCursor(c)
		return p, true, err
	}
	start, err := s.startTime(q)
	return position{ts: start, id: -1, forward: true}, false, err
}

// errTooRecent is Zendesk's answer to a start_time within the last minute.
var errTooRecent = errors.New("Too recent start_time. Use a start_time older than a minute")

// timeExportParams reads a time-based export's per_page and start_time.
func (s *Server) timeExportParams(q url.Values) (perPageN int, start int64, err error) {
	if perPageN, err = perPage(q, maxIncremental, maxIncremental); err != nil {
		return 0, 0, err
	}
	start, err = s.startTime(q)
	return perPageN, start, err
}

func (s *Server) startTime(q url.Values) (int64, error) {
	raw := q.Get("start_time")
	if raw == "" {
		return 0, errors.New("start_time is required")
	}
	start, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || start < 0 {
		return 0, errors.New("start_time must be a Unix epoch time in seconds")
	}
	if s.opts.Now().Unix()-start < int64(time.Minute/time.Second) {
		return 0, errTooRecent
	}
	return start, nil
}

// perPage reads per_page for the incremental exports: at most 1000.
func perPage(q url.Values, def, limit int) (int, error) {
	raw := q.Get("per_page")
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, errors.New("per_page must be a positive integer")
	}
	return min(n, limit), nil
}

// timePage selects a time-based page: items from start_time on, at least
// perPage of them unless the stream ends, and never splitting items that
// share a timestamp, so a page can hold more than perPage items.
func timePage(n int, at func(int) timed, start int64, perPage int) (lo, hi int, endTime int64, eos bool) {
	lo = sort.Search(n, func(i int) bool { return at(i).ts >= start })
	hi = min(lo+perPage, n)
	for hi > lo && hi < n && at(hi).ts == at(hi-1).ts {
		hi++
	}
	if hi == lo {
		return lo, hi, start, true
	}
	endTime = at(hi - 1).ts
	// next_page starts at end_time and repeats the last second's items
	// (clients dedupe by id). A page of a single second would repeat itself
	// forever, so it moves on one second.
	if at(lo).ts == endTime {
		endTime++
	}
	return lo, hi, endTime, hi-lo < perPage
}
