package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// Stream names: each has its own saved cursor.
const (
	streamTickets        = "tickets"
	streamUsers          = "users"
	streamOrganizations  = "organizations"
	streamTicketEvents   = "ticket_events"
	streamTicketComments = "ticket_comments"
	streamGroups         = "groups"
	streamTicketFields   = "ticket_fields"
)

// errStop ends a stream early without failing it: what it would read is covered otherwise.
var errStop = errors.New("stream no longer needed")

// result is one API page mapped to rows, with the stream's cursor after it.
type result struct {
	rows  rowSet
	skips []extract.Skip
	next  cursor
}

// pager drives one stream: fetch a page, write it with its cursor, repeat until the cursor is
// done or keepGoing says stop.
type pager struct {
	stream    string
	dryRun    bool    // read without staging or saving: a ticket index nobody asked to stage
	start     *cursor // where a dry run starts; nil: at the request's Since
	fetch     func(ctx context.Context, cur cursor) (*result, error)
	keepGoing func(cur cursor) bool
	written   func(next cursor) // after each durable write
	// pipelined fetches the next page while the current one is written. Only for streams that
	// read to their end whatever they find: a prefetched page is never wasted.
	pipelined bool
}

func (r *run) page(ctx context.Context, p pager) error {
	cur, err := r.startCursor(ctx, p)
	if err != nil {
		return err
	}
	if p.pipelined {
		return r.pagePipelined(ctx, p, cur)
	}
	for !cur.Done && (p.keepGoing == nil || p.keepGoing(cur)) {
		res, err := p.fetch(ctx, cur)
		if errors.Is(err, errStop) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := r.store(ctx, p, res); err != nil {
			return err
		}
		cur = res.next
	}
	return nil
}

// pagePipelined is page with the next fetch running during each write.
func (r *run) pagePipelined(ctx context.Context, p pager, cur cursor) error {
	ctx, cancel := context.WithCancel(ctx)
	type fetched struct {
		res *result
		err error
	}
	fetch := func(cur cursor) chan fetched {
		ch := make(chan fetched, 1)
		go func() {
			res, err := p.fetch(ctx, cur)
			ch <- fetched{res, err}
		}()
		return ch
	}
	var pending chan fetched
	defer func() {
		cancel()
		if pending != nil {
			<-pending // the fetch under way writes to shared state: let it finish first
		}
	}()
	if cur.Done {
		return nil
	}
	for pending = fetch(cur); pending != nil; {
		f := <-pending
		pending = nil
		if f.err != nil {
			return f.err
		}
		if !f.res.next.Done {
			pending = fetch(f.res.next)
		}
		if err := r.store(ctx, p, f.res); err != nil {
			return err
		}
	}
	return nil
}

// startCursor is where a stream starts: its saved cursor, or the request's Since.
func (r *run) startCursor(ctx context.Context, p pager) (cursor, error) {
	if p.start != nil {
		return *p.start, nil
	}
	cur := cursor{V: cursorVersion, StartTime: r.since}
	if p.dryRun {
		return cur, nil
	}
	saved, found, err := r.w.cursor(ctx, p.stream)
	if err != nil || !found {
		return cur, err
	}
	return saved, nil
}

// store writes one page with its cursor (unless dry) and tells the stream's owner.
func (r *run) store(ctx context.Context, p pager, res *result) error {
	if !p.dryRun {
		if err := r.w.write(ctx, p.stream, &res.rows, res.skips, res.next); err != nil {
			return err
		}
	}
	if p.written != nil {
		p.written(res.next)
	}
	return nil
}

// getPage fetches and decodes one page, naming the endpoint when the page cannot be parsed.
func (r *run) getPage(ctx context.Context, path string, q url.Values) (*envelope, error) {
	return getDecoded(ctx, r.src.api, path, q, decodeEnvelope)
}

// clampStart keeps start_time at least a minute in the past, as the exports require.
func clampStart(t int64) int64 {
	return max(0, min(t, time.Now().Unix()-60))
}

// exportQuery asks a cursor-based export for the page after cur.
func exportQuery(cur cursor) url.Values {
	q := url.Values{}
	if cur.Cursor != "" {
		q.Set("cursor", cur.Cursor)
	} else {
		q.Set("start_time", strconv.FormatInt(clampStart(cur.StartTime), 10))
	}
	return q
}

// nextExportCursor reads after_cursor (or the cursor parameter of after_url, whose host is
// ignored) and end_of_stream.
func nextExportCursor(cur cursor, env *envelope) cursor {
	next := cur
	next.Cursor = env.AfterCursor
	if next.Cursor == "" {
		next.Cursor = linkParam(env.AfterURL, "cursor")
	}
	next.Done = env.EndOfStream || next.Cursor == "" || (next.Cursor == cur.Cursor && len(env.Tickets)+len(env.Users) == 0)
	if next.Cursor == "" {
		next.Cursor = cur.Cursor
	}
	return next
}

// ticketsPage is one page of the incremental ticket export, mapped.
type ticketsPage struct {
	env   *envelope
	rows  []schema.Ticket
	refs  []ticketRef
	skips []extract.Skip
}

// decodeTicketsPage reads a page of the ticket export. A bad ticket is a skip; a deleted ticket
// is staged (Deleted) and also reported as a skip so reports show why it will not be loaded.
func decodeTicketsPage(body []byte) (*ticketsPage, error) {
	env, err := decodeEnvelope(body)
	if err != nil {
		return nil, err
	}
	p := &ticketsPage{env: env}
	for _, raw := range env.Tickets {
		row, ref, err := mapTicket(raw)
		if err != nil {
			p.skips = append(p.skips, badRecord(schema.Tickets, raw, err))
			continue
		}
		p.rows = append(p.rows, row)
		p.refs = append(p.refs, ref)
		if row.Deleted {
			p.skips = append(p.skips, extract.Skip{Entity: schema.Tickets, SourceID: row.SourceID, Reason: "deleted at source"})
		}
	}
	return p, nil
}

// fetchTickets reads a page of the ticket export, adding every ticket to index.
func (r *run) fetchTickets(index *ticketIndex) func(context.Context, cursor) (*result, error) {
	return func(ctx context.Context, cur cursor) (*result, error) {
		const path = "/api/v2/incremental/tickets/cursor.json"
		q := exportQuery(cur)
		p, err := getDecoded(ctx, r.src.api, path, q, decodeTicketsPage)
		if err != nil {
			return nil, err
		}
		res := &result{skips: p.skips, next: nextExportCursor(cur, p.env)}
		res.rows.tickets = p.rows
		for _, ref := range p.refs {
			index.add(ref) // a later page holds the later version
		}
		return res, nil
	}
}

func (r *run) fetchUsers(ctx context.Context, cur cursor) (*result, error) {
	const path = "/api/v2/incremental/users/cursor.json"
	env, err := r.getPage(ctx, path, exportQuery(cur))
	if err != nil {
		return nil, err
	}
	res := &result{next: nextExportCursor(cur, env)}
	for _, raw := range env.Users {
		if err := mapUser(raw, &res.rows); err != nil {
			res.skips = append(res.skips, badRecord(schema.Contacts, raw, err))
		}
	}
	return res, nil
}

// stamped is an item of a time-based export: its id and the timestamp the export filters on.
type stamped struct {
	id string
	ts int64 // unix; 0 when unknown
}

// repeats reports the items of a time-based page that the previous page already held: the next
// page starts at the previous one's end_time, so items sharing that timestamp come again.
func repeats(cur cursor) func(stamped) bool {
	seen := make(map[string]bool, len(cur.SeenIDs))
	for _, s := range cur.SeenIDs {
		seen[s] = true
	}
	return func(it stamped) bool {
		return it.id != "" && seen[it.id] && (it.ts == 0 || it.ts <= cur.StartTime)
	}
}

// nextTimeCursor moves a time-based export past one page: start at end_time (or next_page's
// start_time, whose host is ignored) and remember the ids at that boundary. fresh is how many
// items of the page were not repeats.
func nextTimeCursor(cur cursor, env *envelope, items []stamped, fresh int) cursor {
	next := cursor{V: cursorVersion, StartTime: env.EndTime, Done: env.EndOfStream}
	if next.StartTime == 0 {
		n, err := strconv.ParseInt(linkParam(env.NextPage, "start_time"), 10, 64)
		if err != nil {
			next.Done = true // nowhere to go on
		}
		next.StartTime = n
	}
	next.StartTime = max(next.StartTime, cur.StartTime)
	if next.StartTime == cur.StartTime {
		if fresh == 0 && !next.Done {
			// The page only repeated items of its own start second, which the export never splits:
			// the second is done.
			next.StartTime++
			return next
		}
		next.SeenIDs = slices.Clone(cur.SeenIDs)
	}
	for _, it := range items {
		if it.id != "" && (it.ts == 0 || it.ts >= next.StartTime) && !slices.Contains(next.SeenIDs, it.id) {
			next.SeenIDs = append(next.SeenIDs, it.id)
		}
	}
	return next
}

func timeQuery(cur cursor, extra ...string) url.Values {
	q := url.Values{"start_time": {strconv.FormatInt(clampStart(cur.StartTime), 10)}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	return q
}

func (r *run) fetchOrganizations(ctx context.Context, cur cursor) (*result, error) {
	env, err := r.getPage(ctx, "/api/v2/incremental/organizations.json", timeQuery(cur))
	if err != nil {
		return nil, err
	}
	res := &result{}
	repeated := repeats(cur)
	var items []stamped
	for _, raw := range env.Organizations {
		row, ts, err := mapOrganization(raw)
		if err != nil {
			res.skips = append(res.skips, badRecord(schema.Companies, raw, err))
			continue
		}
		it := stamped{row.SourceID, ts}
		items = append(items, it)
		if !repeated(it) {
			res.rows.companies = append(res.rows.companies, row)
		}
	}
	res.next = nextTimeCursor(cur, env, items, len(res.rows.companies))
	return res, nil
}

type eventJSON struct {
	ID          id                `json:"id"`
	TicketID    id                `json:"ticket_id"`
	Timestamp   int64             `json:"timestamp"`
	CreatedAt   isoTime           `json:"created_at"`
	ChildEvents []json.RawMessage `json:"child_events"`
}

func (e *eventJSON) stamp() stamped {
	ts := e.Timestamp
	if ts == 0 && !e.CreatedAt.IsZero() {
		ts = e.CreatedAt.Unix()
	}
	return stamped{string(e.ID), ts}
}

// fetchTicketEvents reads a page of ticket events and stages their Comment child events, except
// those of tickets whose comments the per-ticket workers already staged.
func (r *run) fetchTicketEvents(ctx context.Context, cur cursor) (*result, error) {
	env, err := r.getPage(ctx, "/api/v2/incremental/ticket_events.json", timeQuery(cur, "include", "comment_events"))
	if err != nil {
		return nil, err
	}
	res := &result{}
	repeated := repeats(cur)
	var items []stamped
	fresh := 0
	for _, raw := range env.TicketEvents {
		var ev eventJSON
		if err := json.Unmarshal(raw, &ev); err != nil {
			res.skips = append(res.skips, badRecord(schema.Comments, raw, fmt.Errorf("ticket event: %w", err)))
			continue
		}
		it := ev.stamp()
		items = append(items, it)
		if repeated(it) {
			continue
		}
		fresh++
		if r.meet.stagedPerTicket(string(ev.TicketID)) {
			continue
		}
		res.skips = append(res.skips, r.eventComments(&ev, &res.rows)...)
	}
	res.next = nextTimeCursor(cur, env, items, fresh)
	return res, nil
}

func (r *run) eventComments(ev *eventJSON, rows *rowSet) []extract.Skip {
	var skips []extract.Skip
	for _, child := range ev.ChildEvents {
		var kind struct {
			Type      string `json:"type"`
			EventType string `json:"event_type"`
		}
		if json.Unmarshal(child, &kind) != nil || !(isComment(kind.EventType) || isComment(kind.Type)) {
			continue
		}
		s, err := mapComment(child, string(ev.TicketID), ev.CreatedAt, rows)
		if err != nil {
			s = []extract.Skip{badRecord(schema.Comments, child, err)}
		}
		skips = append(skips, s...)
	}
	return skips
}

// listQuery asks a cursor-paginated list for the page after cur.
func listQuery(cur cursor) url.Values {
	q := url.Values{"page[size]": {"100"}}
	if cur.Cursor != "" {
		q.Set("page[after]", cur.Cursor)
	}
	return q
}

func nextListCursor(cur cursor, env *envelope) cursor {
	next := cursor{V: cursorVersion, Cursor: env.Meta.AfterCursor}
	if next.Cursor == "" {
		next.Cursor = linkParam(env.Links.Next, "page[after]")
	}
	next.Done = !env.Meta.HasMore || next.Cursor == "" || next.Cursor == cur.Cursor
	return next
}

func (r *run) fetchGroups(ctx context.Context, cur cursor) (*result, error) {
	env, err := r.getPage(ctx, "/api/v2/groups.json", listQuery(cur))
	if err != nil {
		return nil, err
	}
	res := &result{next: nextListCursor(cur, env)}
	for _, raw := range env.Groups {
		row, err := mapGroup(raw)
		if err != nil {
			res.skips = append(res.skips, badRecord(schema.Groups, raw, err))
			continue
		}
		res.rows.groups = append(res.rows.groups, row)
	}
	return res, nil
}

func (r *run) fetchTicketFields(ctx context.Context, cur cursor) (*result, error) {
	env, err := r.getPage(ctx, "/api/v2/ticket_fields.json", listQuery(cur))
	if err != nil {
		return nil, err
	}
	res := &result{next: nextListCursor(cur, env)}
	for _, raw := range env.TicketFields {
		row, err := mapTicketField(raw)
		if err != nil {
			res.skips = append(res.skips, badRecord(schema.TicketFields, raw, err))
			continue
		}
		res.rows.fields = append(res.rows.fields, row)
	}
	return res, nil
}
