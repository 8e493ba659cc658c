// Package zendesk extracts a Zendesk Support account: tickets, their comments and attachments,
// users (end users as contacts, agents and admins as agents), organizations, groups and ticket
// fields.
//
// It reads the incremental exports first: one request gives up to 1000 records. Those exports
// share a small budget of their own (10 requests a minute), so comments are read two ways at once
// (see meeting): the ticket events export from the oldest, and per-ticket requests on the plan's
// larger budget from the most recently updated ticket, until they meet. Streams on different
// budgets run concurrently; each saves its cursor with every page, so an interrupted extract
// resumes where it stopped.
//
// Rate limits are the transport's business (internal/httpx): each budget is spent as fast as
// Zendesk's headers allow, and since the incremental requests count against the plan's limit
// too, per-ticket requests leave a window's incremental share of it unused.
package zendesk

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/schema"
)

// defaultIncrementalLimit is the incremental exports' budget a minute without the High Volume
// add-on (30 with it: option incremental_limit).
const defaultIncrementalLimit = 10

// defaultWorkers is how many tickets' comments are fetched at once: enough to spend a large
// plan's budget (2500 a minute) at a few hundred milliseconds a request.
const defaultWorkers = 16

// Source extracts one Zendesk account.
type Source struct {
	api              *api
	mode             string
	workers          int
	incrementalLimit int
	logf             func(format string, args ...any)
}

var _ extract.Source = (*Source)(nil)

// New builds a Source from its configuration; it matches extract.Factory.
func New(cfg extract.Config) (extract.Source, error) {
	base, err := parseBase(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	auth, err := authorization(cfg.Credentials)
	if err != nil {
		return nil, err
	}
	s := &Source{mode: modeAuto, workers: defaultWorkers, incrementalLimit: defaultIncrementalLimit, logf: cfg.Logf}
	if err := s.setOptions(cfg.Options); err != nil {
		return nil, err
	}
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	s.api = newAPI(base, auth, cfg.HTTPClient, s.incrementalLimit)
	return s, nil
}

// setOptions reads the source block's options, reporting every bad one at once.
func (s *Source) setOptions(opts map[string]string) error {
	var errs []error
	switch m := opts["comments"]; m {
	case "":
	case modeAuto, modeBulk, modePerTicket:
		s.mode = m
	default:
		errs = append(errs, fmt.Errorf("zendesk: option comments is %q; want auto, bulk or per_ticket", m))
	}
	if v, ok := opts["comment_workers"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 256 {
			errs = append(errs, fmt.Errorf("zendesk: option comment_workers is %q; want a number from 1 to 256", v))
		}
		s.workers = n
	}
	if v, ok := opts["incremental_limit"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("zendesk: option incremental_limit is %q; want the incremental exports' requests a minute (10, or 30 with High Volume)", v))
		}
		s.incrementalLimit = n
	}
	return errors.Join(errs...)
}

// Entities lists what the source extracts.
func (s *Source) Entities() []schema.Entity {
	return []schema.Entity{schema.Tickets, schema.Comments, schema.Attachments, schema.Contacts,
		schema.Agents, schema.Companies, schema.Groups, schema.TicketFields,
		schema.KBCategories, schema.KBSections, schema.KBArticles, schema.KBTranslations, schema.KBAttachments}
}

// Stats returns the requests made so far per route (ids replaced by {id}), with the 429s seen.
func (s *Source) Stats() map[string]httpx.RouteStats { return s.api.counter.Stats() }

// run is one Extract call.
type run struct {
	src     *Source
	req     extract.Request
	w       *writer
	since   int64
	mode    string
	workers int
	// index is every ticket the tickets stream read in this run; the comments stage starts
	// from it once that stream is done.
	index *ticketIndex
	// indexComplete is false when the tickets stream resumed from a saved cursor: tickets staged
	// by earlier runs are not in index.
	indexComplete bool
	meet          *meeting
}

// Extract reads every requested entity and writes it to sink; see the package comment for the
// order. It returns the first error that stops a stream, after stopping the others.
func (s *Source) Extract(ctx context.Context, req extract.Request, sink extract.Sink, progress extract.Progress) error {
	if progress == nil {
		progress = noProgress{}
	}
	r := &run{
		src: s, req: req, w: &writer{sink: sink, progress: progress, wants: req.Wants},
		mode: s.mode, workers: s.workers, index: &ticketIndex{},
	}
	if !req.Since.IsZero() {
		r.since = max(0, req.Since.Unix())
	}
	return r.extract(ctx)
}

func (r *run) extract(ctx context.Context) error {
	wantComments := r.req.Wants(schema.Comments) || r.req.Wants(schema.Attachments)
	// The comments stage needs the ticket list first, unless it reads the events stream alone.
	needIndex := wantComments && r.mode != modeBulk
	g := newGroup(ctx)
	r.start(g, r.req.Wants(schema.Groups), streamGroups, nil, r.fetchGroups)
	r.start(g, r.req.Wants(schema.TicketFields), streamTicketFields, nil, r.fetchTicketFields)
	r.startGuide(g)

	ticketsDone := make(chan struct{})
	if r.req.Wants(schema.Tickets) || needIndex {
		g.run(func(ctx context.Context) error {
			if err := r.tickets(ctx); err != nil {
				return err
			}
			close(ticketsDone)
			return nil
		})
	} else {
		close(ticketsDone)
	}
	// The incremental streams share one budget: the tickets go first so the per-ticket workers
	// can start; users and organizations then share the budget with the events stream while the
	// workers spend the plan's.
	after := func(ctx context.Context) error {
		if !needIndex {
			return nil
		}
		select {
		case <-ticketsDone:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.start(g, r.req.Wants(schema.Contacts) || r.req.Wants(schema.Agents), streamUsers, after, r.fetchUsers)
	r.start(g, r.req.Wants(schema.Companies), streamOrganizations, after, r.fetchOrganizations)
	if wantComments {
		g.run(func(ctx context.Context) error {
			if err := after(ctx); err != nil {
				return err
			}
			return r.logged(streamTicketEvents, r.comments(ctx))
		})
	}
	return g.wait()
}

// start runs a plain stream in g when it is wanted, after the optional wait.
func (r *run) start(g *group, want bool, stream string, wait func(context.Context) error, fetch func(context.Context, cursor) (*result, error)) {
	if !want {
		return
	}
	g.run(func(ctx context.Context) error {
		if wait != nil {
			if err := wait(ctx); err != nil {
				return err
			}
		}
		return r.logged(stream, r.page(ctx, pager{stream: stream, fetch: fetch, pipelined: true}))
	})
}

func (r *run) logged(stream string, err error) error {
	if err == nil {
		r.src.logf("zendesk: %s: done", stream)
	}
	return err
}

// tickets reads the ticket export, staging tickets when wanted and building the index the
// comments stage starts from.
func (r *run) tickets(ctx context.Context) error {
	stage := r.req.Wants(schema.Tickets)
	r.indexComplete = true
	if stage {
		_, found, err := r.w.cursor(ctx, streamTickets)
		if err != nil {
			return err
		}
		r.indexComplete = !found
	}
	return r.logged(streamTickets, r.page(ctx, pager{stream: streamTickets, dryRun: !stage, fetch: r.fetchTickets(r.index), pipelined: true}))
}
