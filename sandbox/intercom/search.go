package intercom

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Limits of a search query, as documented: groups nest at most 2 deep,
// a group holds at most 15 filters.
const (
	maxSearchNesting = 2
	maxGroupFilters  = 15
	day              = 24 * 60 * 60
)

// fieldKind is how a searchable field compares.
type fieldKind int

const (
	kindString fieldKind = iota
	kindInt
	kindDate
	kindBool
)

// operators allowed per kind; dates of contacts are matched by calendar
// day and take only =, < and > (see dayDates).
var operators = map[fieldKind][]string{
	kindString: {"=", "!=", "IN", "NIN", "~", "!~", "^", "$"},
	kindInt:    {"=", "!=", "IN", "NIN", "<", ">", "<=", ">="},
	kindDate:   {"=", "!=", "IN", "NIN", "<", ">", "<=", ">="},
	kindBool:   {"=", "!=", "IN", "NIN"},
}

var dayDateOperators = []string{"=", "<", ">"}

// searchField reads a field's values from an object (several for
// contact_ids and tag_ids; nil for unset).
type searchField[T any] struct {
	kind fieldKind
	get  func(*T) []any
}

// searchable describes the fields of one resource.
type searchable[T any] struct {
	fields   map[string]searchField[T]
	dynamic  func(name string) (searchField[T], bool) // custom_attributes.x, ticket_attribute.x
	dayDates bool                                     // contacts: timestamps match by calendar day (UTC workspace)
}

func (sx searchable[T]) field(name string) (searchField[T], bool) {
	if f, ok := sx.fields[name]; ok {
		return f, true
	}
	if sx.dynamic != nil {
		return sx.dynamic(name)
	}
	return searchField[T]{}, false
}

type searchRequest struct {
	Query      any `json:"query"`
	Pagination *struct {
		PerPage       *int    `json:"per_page"`
		StartingAfter *string `json:"starting_after"`
	} `json:"pagination"`
}

// searchResult is one page of matches.
type searchResult[T any] struct {
	page    []entry[T]
	total   int
	cur     cursor
	perPage int
	next    *cursor
}

func (r searchResult[T]) pages() obj { return cursorPages(r.cur, r.perPage, r.total, r.next) }

// runSearch pages through the matches. Pagination is read from the body
// only: a starting_after in the query string is ignored (page 1 again).
func runSearch[T any](c *call, sx searchable[T], t *table[T], visible func(*T) bool, defPerPage int) (searchResult[T], error) {
	var req searchRequest
	if err := c.decode(&req); err != nil {
		return searchResult[T]{}, err
	}
	if req.Query == nil {
		return searchResult[T]{}, badRequest("parameter_missing", "query is required").onField("query")
	}
	q, err := parseQuery(req.Query, 1)
	if err != nil {
		return searchResult[T]{}, err
	}
	match, err := compile(q, sx)
	if err != nil {
		return searchResult[T]{}, err
	}
	r := searchResult[T]{perPage: defPerPage, cur: firstPage}
	if p := req.Pagination; p != nil {
		if p.PerPage != nil {
			r.perPage = min(max(*p.PerPage, 1), maxPerPage)
		}
		if r.cur, err = parseCursor(str(p.StartingAfter)); err != nil {
			return searchResult[T]{}, err
		}
	}
	all := entries(t, func(v *T) bool { return (visible == nil || visible(v)) && match(v) })
	r.total = len(all)
	r.page, r.next = pageAfter(all, r.cur, r.perPage)
	return r, nil
}

// query is a parsed search query: a group (AND/OR) or a filter.
type query struct {
	group     string
	field, op string
	value     any
	children  []query
}

func parseQuery(raw any, depth int) (query, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return query{}, invalid("a search query must be an object").onField("query")
	}
	op, _ := m["operator"].(string)
	if field, ok := m["field"].(string); ok {
		return query{field: field, op: op, value: m["value"]}, nil
	}
	if op != "AND" && op != "OR" {
		return query{}, invalid("a search group's operator must be AND or OR, not %q", op).onField("query")
	}
	if depth > maxSearchNesting {
		return query{}, invalid("search queries can nest at most %d levels of AND/OR groups", maxSearchNesting).onField("query")
	}
	items, ok := m["value"].([]any)
	if !ok || len(items) == 0 {
		return query{}, invalid("a %s group needs an array of filters", op).onField("query")
	}
	if len(items) > maxGroupFilters {
		return query{}, invalid("a search group can hold at most %d filters, got %d", maxGroupFilters, len(items)).onField("query")
	}
	q := query{group: op}
	for _, item := range items {
		child, err := parseQuery(item, depth+1)
		if err != nil {
			return query{}, err
		}
		q.children = append(q.children, child)
	}
	return q, nil
}

// compile turns a query into a predicate, checking every field, operator
// and value first: a bad query fails even when nothing would match.
func compile[T any](q query, sx searchable[T]) (func(*T) bool, error) {
	if q.group == "" {
		return compileFilter(q, sx)
	}
	preds := make([]func(*T) bool, 0, len(q.children))
	for _, child := range q.children {
		p, err := compile(child, sx)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	if q.group == "AND" {
		return func(v *T) bool { return allOf(preds, v) }, nil
	}
	return func(v *T) bool { return slices.ContainsFunc(preds, func(p func(*T) bool) bool { return p(v) }) }, nil
}

func allOf[T any](preds []func(*T) bool, v *T) bool {
	for _, p := range preds {
		if !p(v) {
			return false
		}
	}
	return true
}

func compileFilter[T any](q query, sx searchable[T]) (func(*T) bool, error) {
	f, ok := sx.field(q.field)
	if !ok {
		return nil, invalid("%s is not a searchable field", q.field).onField("query")
	}
	allowed := operators[f.kind]
	if f.kind == kindDate && sx.dayDates {
		allowed = dayDateOperators
	}
	if !slices.Contains(allowed, q.op) {
		return nil, invalid("the operator %s is not supported on %s", q.op, q.field).onField("query")
	}
	wants, err := filterValues(f.kind, q)
	if err != nil {
		return nil, err
	}
	base := comparison(q.op, wants, f.kind == kindDate && sx.dayDates)
	negated := q.op == "!=" || q.op == "NIN" || q.op == "!~"
	return func(v *T) bool {
		return slices.ContainsFunc(f.get(v), base) != negated
	}, nil
}

// filterValues normalises the filter's value(s): strings, int64 (for
// integers and dates, also given as numeric strings), bools, or nil.
func filterValues(kind fieldKind, q query) ([]any, error) {
	raw := []any{q.value}
	if q.op == "IN" || q.op == "NIN" {
		list, ok := q.value.([]any)
		if !ok {
			return nil, invalid("%s needs an array value for %s", q.op, q.field).onField("query")
		}
		raw = list
	}
	out := make([]any, 0, len(raw))
	for _, v := range raw {
		n, ok := normalise(kind, v)
		if !ok {
			return nil, invalid("the value %v does not match the type of %s", v, q.field).onField("query")
		}
		out = append(out, n)
	}
	return out, nil
}

func normalise(kind fieldKind, v any) (any, bool) {
	if v == nil {
		return nil, true
	}
	switch kind {
	case kindString:
		s, ok := v.(string)
		return s, ok
	case kindBool:
		if b, ok := v.(bool); ok {
			return b, true
		}
		b, err := strconv.ParseBool(toString(v))
		return b, err == nil
	}
	n, err := strconv.ParseInt(toString(v), 10, 64)
	return n, err == nil
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}

// comparison is the non-negated form of an operator against one value.
func comparison(op string, wants []any, byDay bool) func(have any) bool {
	want := wants[0]
	switch op {
	case "=", "!=":
		if byDay {
			return func(have any) bool { return sameDay(have, want) }
		}
		return func(have any) bool { return have == want }
	case "IN", "NIN":
		return func(have any) bool { return slices.Contains(wants, have) }
	case "~", "!~":
		return textTest(want, strings.Contains)
	case "^":
		return textTest(want, strings.HasPrefix)
	case "$":
		return textTest(want, strings.HasSuffix)
	}
	return ordered(op, want, byDay)
}

func textTest(want any, test func(s, sub string) bool) func(have any) bool {
	w, _ := want.(string)
	return func(have any) bool {
		h, ok := have.(string)
		return ok && test(strings.ToLower(h), strings.ToLower(w))
	}
}

// ordered compares numbers; by calendar day, "> d" starts the day after d
// and "< d" ends before d's day, as documented for contacts.
func ordered(op string, want any, byDay bool) func(have any) bool {
	w, _ := want.(int64)
	if byDay {
		start := w - w%day
		if op == ">" {
			op, w = ">=", start+day
		} else {
			w = start
		}
	}
	return func(have any) bool {
		h, ok := have.(int64)
		if !ok {
			return false
		}
		switch op {
		case "<":
			return h < w
		case ">":
			return h > w
		case "<=":
			return h <= w
		}
		return h >= w
	}
}

func sameDay(have, want any) bool {
	h, hok := have.(int64)
	w, wok := want.(int64)
	if !hok || !wok {
		return have == want
	}
	return h-h%day == w-w%day
}

// Helpers for the field tables: one value, nil when unset.
func one(v any) []any { return []any{v} }

func optString(s string) []any {
	if s == "" {
		return one(nil)
	}
	return one(s)
}

func optInt(n int64) []any {
	if n == 0 {
		return one(nil)
	}
	return one(n)
}

func optIntID(id string) []any {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return one(nil)
	}
	return one(n)
}

func many(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// attributeField searches a custom or ticket attribute by its stored
// value's type.
func attributeField[T any](kind fieldKind, get func(*T) any) searchField[T] {
	return searchField[T]{kind: kind, get: func(v *T) []any {
		n, ok := normalise(kind, get(v))
		if !ok {
			return one(nil)
		}
		return one(n)
	}}
}

func kindOfDataType(t string) fieldKind {
	switch t {
	case "integer", "float", "decimal":
		return kindInt
	case "date", "datetime":
		return kindDate
	case "boolean":
		return kindBool
	}
	return kindString
}
