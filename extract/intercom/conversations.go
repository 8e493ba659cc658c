package intercom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// maxParts is how many parts Intercom returns with a conversation: the most recent ones.
const maxParts = 500

// author is a conversation part's author; its type (admin, user, lead, bot, team) stays in the
// part's raw payload.
type author struct {
	Type string `json:"type"`
	ID   id     `json:"id"`
}

type attachmentJSON struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	Filesize    int64  `json:"filesize"`
}

type partJSON struct {
	ID          id               `json:"id"`
	PartType    string           `json:"part_type"`
	Body        *string          `json:"body"`
	Author      author           `json:"author"`
	Attachments []attachmentJSON `json:"attachments"`
	CreatedAt   int64            `json:"created_at"`
	UpdatedAt   int64            `json:"updated_at"`
}

type tagList struct {
	Tags []struct {
		Name string `json:"name"`
	} `json:"tags"`
}

func (t tagList) names() []string {
	var out []string
	for _, x := range t.Tags {
		out = append(out, x.Name)
	}
	return out
}

type contactRefs struct {
	Contacts []struct {
		ID id `json:"id"`
	} `json:"contacts"`
}

func (c contactRefs) first() string {
	if len(c.Contacts) == 0 {
		return ""
	}
	return string(c.Contacts[0].ID)
}

// stageConversations pages GET /conversations (full) or POST /conversations/search (delta) and
// reads each conversation whole with GET /conversations/{id}: lists leave the parts out. One
// durable write per list page holds its conversations, their parts and attachments.
func (s *Source) stageConversations(ctx context.Context, w *writer, since int64) error {
	cur, err := readDeskCursor(ctx, w.sink, streamConversations)
	if err != nil {
		return err
	}
	for !cur.Done {
		var p struct {
			Conversations []json.RawMessage `json:"conversations"`
			Pages         pages             `json:"pages"`
		}
		if since == 0 {
			q := url.Values{"per_page": {strconv.Itoa(perPage)}}
			if cur.After != "" {
				q.Set("starting_after", cur.After)
			}
			err = s.get(ctx, "/conversations", q, &p)
		} else {
			err = s.post(ctx, "/conversations/search", searchBody(since, cur.After), &p)
		}
		if err != nil {
			return err
		}
		var rows deskRows
		var ids []id
		for _, item := range p.Conversations {
			if cid, ok := rows.conversationRef(item); ok {
				ids = append(ids, cid)
			}
		}
		err := s.readEach(ctx, "/conversations/", ids, &rows, func(raw json.RawMessage) error { return rows.addConversation(raw) })
		if err != nil {
			return err
		}
		next := deskCursor{After: p.Pages.after()}
		next.Done = next.After == "" || len(p.Conversations) == 0
		if err := w.writeDesk(ctx, streamConversations, &rows, next); err != nil {
			return err
		}
		cur = next
	}
	return nil
}

// conversationRef is a listed conversation's id, unless it is a ticket (left to the tickets
// stream) or cannot be read (skipped with the reason).
func (r *deskRows) conversationRef(item json.RawMessage) (id, bool) {
	var ref struct {
		ID     id              `json:"id"`
		Ticket json.RawMessage `json:"ticket"`
	}
	if err := json.Unmarshal(item, &ref); err != nil || ref.ID == "" {
		r.skips = append(r.skips, unreadable(schema.Tickets, item, err))
		return "", false
	}
	return ref.ID, len(ref.Ticket) == 0 || string(ref.Ticket) == "null"
}

// fetchWorkers is how many records of a list page are read at once: one at a time, the calls'
// latency, not the rate limit, would bound the extract. The pacer keeps them inside the budget.
const fetchWorkers = 8

// readEach reads path+id for every id, fetchWorkers at a time, and maps each answer with add in
// the ids' order. A record gone meanwhile (404) is skipped with the reason, one that cannot be
// mapped too; any other failure stops the stream.
func (s *Source) readEach(ctx context.Context, path string, ids []id, rows *deskRows, add func(json.RawMessage) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	raws, errs := make([]json.RawMessage, len(ids)), make([]error, len(ids))
	sem := make(chan struct{}, fetchWorkers)
	var wg sync.WaitGroup
	for i, rid := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if errs[i] = s.get(ctx, path+url.PathEscape(string(rid)), url.Values{}, &raws[i]); errs[i] != nil && !isNotFound(errs[i]) {
				cancel() // the stream stops: the other reads are wasted
			}
		}()
	}
	wg.Wait()
	if err := firstFailure(errs); err != nil {
		return err
	}
	for i, rid := range ids {
		if errs[i] != nil {
			rows.skips = append(rows.skips, extract.Skip{Entity: schema.Tickets, SourceID: string(rid), Reason: "deleted while extracting (404)"})
		} else if err := add(raws[i]); err != nil {
			rows.skips = append(rows.skips, unreadable(schema.Tickets, raws[i], err))
		}
	}
	return nil
}

// firstFailure is the error that stopped the reads: the first that is neither a 404 nor the
// cancellation it caused in the others.
func firstFailure(errs []error) error {
	var canceled error
	for _, err := range errs {
		switch {
		case err == nil || isNotFound(err):
		case errors.Is(err, context.Canceled):
			canceled = err
		default:
			return err
		}
	}
	return canceled
}

type conversationJSON struct {
	ID               id              `json:"id"`
	Title            *string         `json:"title"`
	State            string          `json:"state"`
	Priority         string          `json:"priority"`
	AdminAssigneeID  id              `json:"admin_assignee_id"`
	TeamAssigneeID   id              `json:"team_assignee_id"`
	Tags             tagList         `json:"tags"`
	Contacts         contactRefs     `json:"contacts"`
	CustomAttributes json.RawMessage `json:"custom_attributes"`
	CreatedAt        int64           `json:"created_at"`
	UpdatedAt        int64           `json:"updated_at"`
	Source           struct {
		ID          id               `json:"id"`
		Subject     string           `json:"subject"`
		Body        *string          `json:"body"`
		Author      author           `json:"author"`
		Attachments []attachmentJSON `json:"attachments"`
	} `json:"source"`
	Statistics *struct {
		CountConversationParts int64 `json:"count_conversation_parts"`
	} `json:"statistics"`
	Parts struct {
		Parts      []json.RawMessage `json:"conversation_parts"`
		TotalCount int64             `json:"total_count"`
	} `json:"conversation_parts"`
}

// addConversation maps a conversation onto a ticket (channel "conversation"), its opening message
// and every part onto comments, and their files onto attachments.
func (r *deskRows) addConversation(raw json.RawMessage) error {
	var c conversationJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		return err
	}
	if c.ID == "" {
		return fmt.Errorf("conversation has no id")
	}
	t := schema.Ticket{SourceID: string(c.ID), CreatedAt: unix(c.CreatedAt), UpdatedAt: unix(c.UpdatedAt),
		Subject: firstNonEmpty(deref(c.Title), c.Source.Subject), Description: deref(c.Source.Body),
		Status: c.State, Priority: c.Priority, Channel: ChannelConversation,
		RequesterID: c.Contacts.first(), SubmitterID: string(c.Source.Author.ID),
		AssigneeID: nonZero(c.AdminAssigneeID), GroupID: nonZero(c.TeamAssigneeID),
		Tags: c.Tags.names(), CustomFields: jsonObject(c.CustomAttributes), Raw: withoutKey(raw, "conversation_parts")}
	r.tickets = append(r.tickets, t)
	if c.Source.ID != "" {
		// The opening message is the thread's first comment, as a help desk's description is.
		src := partJSON{ID: c.Source.ID, PartType: "source", Body: c.Source.Body, Author: c.Source.Author,
			Attachments: c.Source.Attachments, CreatedAt: c.CreatedAt, UpdatedAt: c.CreatedAt}
		srcRaw, _ := json.Marshal(c.Source) // decoded from JSON, so it encodes
		r.addPart(t.SourceID, src, srcRaw)
	}
	fetched := r.addParts(t.SourceID, c.Parts.Parts)
	total := c.Parts.TotalCount
	if c.Statistics != nil {
		total = max(total, c.Statistics.CountConversationParts)
	}
	r.noteTruncation(t.SourceID, total, fetched)
	return nil
}

// addParts maps the parts of a thread and returns how many there were.
func (r *deskRows) addParts(ticketID string, parts []json.RawMessage) int64 {
	for _, raw := range parts {
		var p partJSON
		if err := json.Unmarshal(raw, &p); err != nil || p.ID == "" {
			r.skips = append(r.skips, unreadable(schema.Comments, raw, err))
			continue
		}
		r.addPart(ticketID, p, raw)
	}
	return int64(len(parts))
}

// noteTruncation records a thread Intercom returned only in part: it keeps the most recent 500.
func (r *deskRows) noteTruncation(ticketID string, total, fetched int64) {
	if total > fetched {
		r.truncations = append(r.truncations, extract.Truncation{Entity: schema.Tickets, SourceID: ticketID,
			Part: string(schema.Comments), Total: total, Fetched: fetched})
	}
}

// addPart maps one part: a note is private, every other part public. The part type (comment,
// note, assignment, close, …; "source" for the opening message) is the comment's channel.
func (r *deskRows) addPart(ticketID string, p partJSON, raw json.RawMessage) {
	cm := schema.Comment{SourceID: string(p.ID), TicketID: ticketID, AuthorID: string(p.Author.ID),
		Public: p.PartType != "note", BodyHTML: deref(p.Body), Channel: p.PartType,
		CreatedAt: unix(p.CreatedAt), UpdatedAt: unixOr(p.UpdatedAt, p.CreatedAt), Raw: raw}
	r.comments = append(r.comments, cm)
	for i, a := range p.Attachments {
		araw, _ := json.Marshal(a)
		r.attachments = append(r.attachments, schema.Attachment{SourceID: cm.SourceID + ":" + strconv.Itoa(i),
			CommentID: cm.SourceID, TicketID: ticketID, FileName: a.Name, ContentType: a.ContentType, Size: a.Filesize,
			ContentURL: a.URL, CreatedAt: cm.CreatedAt, UpdatedAt: cm.UpdatedAt, Raw: araw})
	}
}

// stageTickets pages POST /tickets/search (there is no ticket list; a full snapshot searches
// updated_at > 0) and reads each ticket whole.
func (s *Source) stageTickets(ctx context.Context, w *writer, since int64) error {
	cur, err := readDeskCursor(ctx, w.sink, streamTickets)
	if err != nil || cur.Done {
		return err
	}
	types, err := s.ticketTypes(ctx)
	if err != nil {
		return err
	}
	fields := attributeIDs(types)
	for !cur.Done {
		var p struct {
			Tickets []json.RawMessage `json:"tickets"`
			Pages   pages             `json:"pages"`
		}
		if err := s.post(ctx, "/tickets/search", searchBody(since, cur.After), &p); err != nil {
			return err
		}
		var rows deskRows
		var ids []id
		for _, item := range p.Tickets {
			if tid := id(recordID(item)); tid != "" {
				ids = append(ids, tid)
			} else {
				rows.skips = append(rows.skips, unreadable(schema.Tickets, item, nil))
			}
		}
		err := s.readEach(ctx, "/tickets/", ids, &rows, func(raw json.RawMessage) error { return rows.addTicket(raw, fields) })
		if err != nil {
			return err
		}
		next := deskCursor{After: p.Pages.after()}
		next.Done = next.After == "" || len(p.Tickets) == 0
		if err := w.writeDesk(ctx, streamTickets, &rows, next); err != nil {
			return err
		}
		cur = next
	}
	return nil
}

type ticketJSON struct {
	ID              id              `json:"id"`
	TicketID        string          `json:"ticket_id"`
	Attributes      json.RawMessage `json:"ticket_attributes"`
	State           json.RawMessage `json:"ticket_state"`
	Open            bool            `json:"open"`
	AdminAssigneeID id              `json:"admin_assignee_id"`
	TeamAssigneeID  id              `json:"team_assignee_id"`
	Contacts        contactRefs     `json:"contacts"`
	CompanyID       id              `json:"company_id"`
	Tags            tagList         `json:"tags"`
	CreatedAt       int64           `json:"created_at"`
	UpdatedAt       int64           `json:"updated_at"`
	TicketType      *struct {
		ID   id     `json:"id"`
		Name string `json:"name"`
	} `json:"ticket_type"`
	Parts struct {
		Parts      []json.RawMessage `json:"ticket_parts"`
		TotalCount int64             `json:"total_count"`
	} `json:"ticket_parts"`
}

// addTicket maps an Intercom ticket: channel "ticket", its type's name, its state's category,
// the default title and description, and every attribute as the custom fields, keyed by the
// attribute's id (its ticket_fields row) where its type lists it.
func (r *deskRows) addTicket(raw json.RawMessage, fields map[string]map[string]string) error {
	var t ticketJSON
	if err := json.Unmarshal(raw, &t); err != nil {
		return err
	}
	if t.ID == "" {
		return fmt.Errorf("ticket has no id")
	}
	var attrs struct {
		Title       any `json:"_default_title_"`
		Description any `json:"_default_description_"`
	}
	_ = json.Unmarshal(t.Attributes, &attrs) // absent or odd attributes leave both empty
	row := schema.Ticket{SourceID: string(t.ID), CreatedAt: unix(t.CreatedAt), UpdatedAt: unix(t.UpdatedAt),
		Subject: text(attrs.Title), Description: text(attrs.Description), Status: ticketState(t.State),
		Channel: ChannelTicket, RequesterID: t.Contacts.first(), AssigneeID: nonZero(t.AdminAssigneeID),
		GroupID: nonZero(t.TeamAssigneeID), OrganizationID: string(t.CompanyID), Tags: t.Tags.names(),
		Raw: withoutKey(raw, "ticket_parts")}
	var ids map[string]string
	if t.TicketType != nil {
		row.Type, ids = t.TicketType.Name, fields[string(t.TicketType.ID)]
	}
	row.CustomFields = customFieldsByID(t.Attributes, ids)
	r.tickets = append(r.tickets, row)
	fetched := r.addParts(row.SourceID, t.Parts.Parts)
	r.noteTruncation(row.SourceID, t.Parts.TotalCount, fetched)
	return nil
}

// ticketState is the state's category: an object in 2.15 (ticket_state.category), a string before.
func ticketState(raw json.RawMessage) string {
	var s struct {
		Category string `json:"category"`
	}
	if json.Unmarshal(raw, &s) == nil && s.Category != "" {
		return s.Category
	}
	var str string
	_ = json.Unmarshal(raw, &str)
	return str
}

func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	return fmt.Sprint(v)
}

// withoutKey is a JSON object without one key: a thread's parts are staged as comments, so the
// ticket's raw payload does not repeat them.
func withoutKey(raw json.RawMessage, key string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	delete(m, key)
	out, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return out
}
