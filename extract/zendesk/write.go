package zendesk

import (
	"context"
	"fmt"
	"sync"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// rowSet holds the canonical rows of one durable write, by entity.
type rowSet struct {
	tickets     []schema.Ticket
	comments    []schema.Comment
	attachments []schema.Attachment
	contacts    []schema.Contact
	agents      []schema.Agent
	companies   []schema.Company
	groups      []schema.Group
	fields      []schema.TicketField

	kbCategories   []schema.KBCategory
	kbSections     []schema.KBSection
	kbArticles     []schema.KBArticle
	kbTranslations []schema.KBTranslation
	kbAttachments  []schema.KBAttachment
}

func (r *rowSet) add(o *rowSet) {
	r.tickets = append(r.tickets, o.tickets...)
	r.comments = append(r.comments, o.comments...)
	r.attachments = append(r.attachments, o.attachments...)
	r.contacts = append(r.contacts, o.contacts...)
	r.agents = append(r.agents, o.agents...)
	r.companies = append(r.companies, o.companies...)
	r.groups = append(r.groups, o.groups...)
	r.fields = append(r.fields, o.fields...)
	r.kbCategories = append(r.kbCategories, o.kbCategories...)
	r.kbSections = append(r.kbSections, o.kbSections...)
	r.kbArticles = append(r.kbArticles, o.kbArticles...)
	r.kbTranslations = append(r.kbTranslations, o.kbTranslations...)
	r.kbAttachments = append(r.kbAttachments, o.kbAttachments...)
}

// batcher builds the page's Arrow batches, keeping only wanted entities.
type batcher struct {
	wants   func(schema.Entity) bool
	batches []extract.Batch
	counts  map[schema.Entity]int
	err     error
}

func addBatch[T any](b *batcher, e schema.Entity, rows []T) {
	if b.err != nil || len(rows) == 0 || !b.wants(e) {
		return
	}
	rec, err := schema.Batch(e, rows)
	if err != nil {
		b.err = err
		return
	}
	b.batches = append(b.batches, extract.Batch{Entity: e, Records: rec})
	b.counts[e] += len(rows)
}

func (r *rowSet) batches(wants func(schema.Entity) bool) ([]extract.Batch, map[schema.Entity]int, error) {
	b := &batcher{wants: wants, counts: map[schema.Entity]int{}}
	addBatch(b, schema.Tickets, r.tickets)
	addBatch(b, schema.Comments, r.comments)
	addBatch(b, schema.Attachments, r.attachments)
	addBatch(b, schema.Contacts, r.contacts)
	addBatch(b, schema.Agents, r.agents)
	addBatch(b, schema.Companies, r.companies)
	addBatch(b, schema.Groups, r.groups)
	addBatch(b, schema.TicketFields, r.fields)
	addBatch(b, schema.KBCategories, r.kbCategories)
	addBatch(b, schema.KBSections, r.kbSections)
	addBatch(b, schema.KBArticles, r.kbArticles)
	addBatch(b, schema.KBTranslations, r.kbTranslations)
	addBatch(b, schema.KBAttachments, r.kbAttachments)
	if b.err != nil {
		for _, x := range b.batches {
			x.Records.Release()
		}
		return nil, nil, b.err
	}
	return b.batches, b.counts, nil
}

// writer hands pages to the sink one at a time (the Sink contract does not promise concurrent
// use) and reports progress after each durable write.
type writer struct {
	mu       sync.Mutex
	sink     extract.Sink
	progress extract.Progress
	wants    func(schema.Entity) bool
}

func (w *writer) write(ctx context.Context, stream string, rows *rowSet, skips []extract.Skip, cur cursor) error {
	batches, counts, err := rows.batches(w.wants)
	if err != nil {
		return fmt.Errorf("zendesk: %s: building batches: %w", stream, err)
	}
	var kept []extract.Skip
	for _, s := range skips {
		if w.wants(s.Entity) {
			kept = append(kept, s)
		}
	}
	w.mu.Lock()
	err = w.sink.WritePage(ctx, extract.Page{Stream: stream, Batches: batches, Skips: kept, Cursor: cur.encode()})
	w.mu.Unlock()
	if err != nil {
		return fmt.Errorf("zendesk: %s: writing page: %w", stream, err)
	}
	for e, n := range counts {
		w.progress.Add(e, n)
	}
	return nil
}

func (w *writer) cursor(ctx context.Context, stream string) (cursor, bool, error) {
	w.mu.Lock()
	b, err := w.sink.Cursor(ctx, stream)
	w.mu.Unlock()
	if err != nil {
		return cursor{}, false, fmt.Errorf("zendesk: %s: reading cursor: %w", stream, err)
	}
	return decodeCursor(stream, b)
}

type noProgress struct{}

func (noProgress) Add(schema.Entity, int) {}
