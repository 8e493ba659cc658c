package intercom

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
)

// obj is a JSON object of a response.
type obj = map[string]any

const maxPerPage = 150

// cursor is the opaque starting_after value: the page it leads to and the
// sequence number of the last object already returned.
type cursor struct {
	page  int
	after int64
}

var firstPage = cursor{page: 1}

func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d:%d", c.page, c.after))
}

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return firstPage, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		_, err = fmt.Sscanf(string(raw), "%d:%d", &c.page, &c.after)
	}
	if err != nil || c.page < 2 {
		return cursor{}, invalid("starting_after %q is not a cursor this workspace returned", s).onField("starting_after")
	}
	return c, nil
}

// pageAfter returns up to perPage entries after the cursor, and the cursor
// of the next page when there is one.
func pageAfter[T any](all []entry[T], cur cursor, perPage int) (page []entry[T], next *cursor) {
	start := 0
	for start < len(all) && all[start].seq <= cur.after {
		start++
	}
	end := min(start+perPage, len(all))
	page = all[start:end]
	if end < len(all) && len(page) > 0 {
		next = &cursor{page: cur.page + 1, after: page[len(page)-1].seq}
	}
	return page, next
}

// cursorPages is the pages object of cursor-paginated lists.
func cursorPages(cur cursor, perPage, total int, next *cursor) obj {
	p := obj{"type": "pages", "page": cur.page, "per_page": perPage, "total_pages": totalPages(total, perPage)}
	if next != nil {
		p["next"] = obj{"per_page": perPage, "starting_after": next.String()}
	}
	return p
}

func totalPages(total, perPage int) int { return (total + perPage - 1) / perPage }

// perPageParam reads per_page from the query: def when absent, at most
// maxPerPage (Intercom caps rather than fails).
func perPageParam(q url.Values, def int) (int, error) {
	return intParam(q, "per_page", def, 1, maxPerPage)
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, invalid("%s must be an integer, got %q", name, v).onField(name)
	}
	return min(max(n, lo), hi), nil
}

// entries flattens a table's order for paging, optionally filtered.
func entries[T any](t *table[T], keep func(*T) bool) []entry[T] {
	out := make([]entry[T], 0, len(t.order))
	for _, e := range t.order {
		if keep == nil || keep(e.v) {
			out = append(out, e)
		}
	}
	return out
}
