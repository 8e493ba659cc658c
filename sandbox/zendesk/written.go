package zendesk

import (
	"slices"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// Written is what the write endpoints created, in the order they created it, as the account
// holds it now (a user updated later shows the update). Tests compare it with what a loader sent.
// What was deleted since is left out, except a ticket deleted but not for good, which shows the
// status deleted (deletes.go).
type Written struct {
	Organizations []gen.Organization
	Users         []gen.User
	Tickets       []ImportedTicket
	Categories    []gen.KBCategory
	Sections      []gen.KBSection
	Articles      []gen.KBArticle // with every translation, the source locale's included
}

// ImportedTicket is a ticket created by the Ticket Import API, with what the import set that the
// account has no column for.
type ImportedTicket struct {
	gen.Ticket
	SolvedAt time.Time // zero when the import gave none
	Archived bool      // imported with archive_immediately (closed tickets only)
}

// Written returns copies of everything created through the write endpoints.
func (s *Server) Written() Written {
	s.acct.RLock()
	defer s.acct.RUnlock()
	s.writes.mu.Lock()
	defer s.writes.mu.Unlock()
	s.writes.init()
	c, g := s.writes.created, &s.acct.Guide
	var out Written
	out.Organizations = pick(c["organization"], s.acct.Organizations, func(o gen.Organization) int64 { return o.ID })
	out.Users = pick(c["user"], s.acct.Users, func(u gen.User) int64 { return u.ID })
	for _, t := range pick(c["ticket"], s.acct.Tickets, func(t gen.Ticket) int64 { return t.ID }) {
		out.Tickets = append(out.Tickets, ImportedTicket{Ticket: t, SolvedAt: s.writes.solvedAt[t.ID], Archived: s.writes.archived[t.ID]})
	}
	out.Categories = pick(c["category"], g.Categories, func(x gen.KBCategory) int64 { return x.ID })
	out.Sections = pick(c["section"], g.Sections, func(x gen.KBSection) int64 { return x.ID })
	out.Articles = pick(c["article"], g.Articles, func(x gen.KBArticle) int64 { return x.ID })
	return out
}

// pick copies the records of list with the given ids, in the ids' order, each once: the Guide's
// ids continue from the largest in use, so one deleted may be handed out again.
func pick[T any](ids []int64, list []T, id func(T) int64) []T {
	at := make(map[int64]int, len(list))
	for i, x := range list {
		at[id(x)] = i
	}
	out := make([]T, 0, len(ids))
	for _, want := range ids {
		if i, ok := at[want]; ok {
			out = append(out, list[i])
			delete(at, want)
		}
	}
	return slices.Clip(out)
}
