package zendesk

import (
	"cmp"
	"slices"

	"github.com/deskport/deskport/sandbox/gen"
)

// timed is one exportable record: its timestamp, id and index in the
// account's slice. Incremental exports order by (ts, id).
type timed struct {
	ts, id int64
	i      int
}

// event is one ticket audit: a comment (comment ≥ 0) or a comment-less
// change (change ≥ 0). timed.i is the ticket's index.
type event struct {
	timed
	comment, change int
}

// attRef locates an attachment in the account.
type attRef struct{ ticket, comment, att int }

// indexes are the sorted views the endpoints page through. They are
// rebuilt when the account's version moves.
type indexes struct {
	version     uint64
	tickets     []timed // by generated_timestamp
	users       []timed // by updated_at
	orgs        []timed // by updated_at
	events      []event // by created_at
	usersByID   []int
	orgsByID    []int
	groupsByID  []int
	fieldsByID  []int
	userIdx     map[int64]int
	attachments map[int64]attRef
}

// indexes returns the current indexes. The caller holds the account's read
// lock, so the version cannot move while they are built.
func (s *Server) indexes() *indexes {
	s.idxMu.Lock()
	defer s.idxMu.Unlock()
	if s.idx == nil || s.idx.version != s.acct.Version() {
		s.idx = buildIndexes(s.acct)
	}
	return s.idx
}

func buildIndexes(a *gen.Account) *indexes {
	ix := &indexes{version: a.Version(), userIdx: make(map[int64]int, len(a.Users)),
		attachments: map[int64]attRef{}}
	for i, t := range a.Tickets {
		ix.tickets = append(ix.tickets, timed{t.GeneratedAt.Unix(), t.ID, i})
		ix.addEvents(i, &t)
	}
	for i, u := range a.Users {
		ix.users = append(ix.users, timed{u.UpdatedAt.Unix(), u.ID, i})
		ix.userIdx[u.ID] = i
	}
	for i, o := range a.Organizations {
		ix.orgs = append(ix.orgs, timed{o.UpdatedAt.Unix(), o.ID, i})
	}
	sortTimed(ix.tickets)
	sortTimed(ix.users)
	sortTimed(ix.orgs)
	slices.SortFunc(ix.events, func(a, b event) int { return compareTimed(a.timed, b.timed) })
	ix.usersByID = byID(len(a.Users), func(i int) int64 { return a.Users[i].ID })
	ix.orgsByID = byID(len(a.Organizations), func(i int) int64 { return a.Organizations[i].ID })
	ix.groupsByID = byID(len(a.Groups), func(i int) int64 { return a.Groups[i].ID })
	ix.fieldsByID = byID(len(a.TicketFields), func(i int) int64 { return a.TicketFields[i].ID })
	return ix
}

// addEvents indexes a ticket's audits (audit id = event id) and attachments.
func (ix *indexes) addEvents(ti int, t *gen.Ticket) {
	for ci, c := range t.Comments {
		ix.events = append(ix.events, event{timed{c.CreatedAt.Unix(), c.AuditID, ti}, ci, -1})
		for ai, at := range c.Attachments {
			ix.attachments[at.ID] = attRef{ti, ci, ai}
		}
	}
	for chi, ch := range t.Changes {
		ix.events = append(ix.events, event{timed{ch.At.Unix(), ch.AuditID, ti}, -1, chi})
	}
}

func compareTimed(a, b timed) int {
	if c := cmp.Compare(a.ts, b.ts); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

func sortTimed(list []timed) { slices.SortFunc(list, compareTimed) }

// byID returns the indices 0..n-1 ordered by id, the order list endpoints use.
func byID(n int, id func(int) int64) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	slices.SortFunc(out, func(a, b int) int { return cmp.Compare(id(a), id(b)) })
	return out
}
