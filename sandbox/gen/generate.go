package gen

import "math/rand/v2"

// Options sizes a generated account. Zero values take defaults derived from
// Tickets; Tickets itself defaults to 0 (an account without tickets).
type Options struct {
	Seed          int64
	Tickets       int
	EndUsers      int // default max(20, Tickets/2)
	Agents        int // default 10 + Tickets/200 (the first two are admins)
	Groups        int // default 5-12, chosen by the seed
	Organizations int // default max(5, Tickets/20)
	Articles      int // knowledge base articles; 0: no Guide
}

// withDefaults fills the zero sizes.
func (o Options) withDefaults(r *rand.Rand) Options {
	o.Tickets = max(o.Tickets, 0)
	if o.EndUsers <= 0 {
		o.EndUsers = max(20, o.Tickets/2)
	}
	if o.Agents <= 0 {
		o.Agents = 10 + o.Tickets/200
	}
	o.Agents = max(o.Agents, 2)
	if o.Groups <= 0 {
		o.Groups = 5 + r.IntN(8)
	}
	o.Groups = min(o.Groups, len(groupNames))
	if o.Organizations <= 0 {
		o.Organizations = max(5, o.Tickets/20)
	}
	return o
}

// Generate builds an account. It is deterministic: the same Options give an
// identical account (no clock, no map iteration, one seeded PCG stream).
func Generate(opts Options) *Account {
	r := rand.New(rand.NewPCG(uint64(opts.Seed), uint64(opts.Seed)^0x9e3779b97f4a7c15))
	opts = opts.withDefaults(r)
	ids := newIDAllocators()
	a := &Account{}
	a.Organizations = genOrganizations(r, &ids, opts.Organizations)
	a.Groups = genGroups(r, &ids, opts.Groups)
	a.TicketFields = genTicketFields(r, &ids)
	a.UserFields, a.OrganizationFields = genProfileFields()
	a.Users = append(genAgents(r, &ids, opts.Agents, a.Groups),
		genEndUsers(r, &ids, opts.EndUsers, a.Organizations)...)
	tg := newTicketGen(r, &ids, a, opts.Tickets)
	a.Tickets = make([]Ticket, 0, opts.Tickets)
	for i := 0; i < opts.Tickets; i++ {
		a.Tickets = append(a.Tickets, tg.ticket())
	}
	a.Guide = genGuide(opts.Seed, opts.Articles, guideAuthors(a.Users))
	a.ids = ids
	a.reindex()
	return a
}

// reindex rebuilds the ticket id index.
func (a *Account) reindex() {
	a.byID = make(map[int64]int, len(a.Tickets))
	for i, t := range a.Tickets {
		a.byID[t.ID] = i
	}
}

// RLock locks the account for reading; simulators hold it while they build a
// response so a concurrent mutation never shows half done.
func (a *Account) RLock() { a.mu.RLock() }

// RUnlock releases RLock.
func (a *Account) RUnlock() { a.mu.RUnlock() }

// Version counts mutations; simulators rebuild their indexes when it moves.
// Call it with the read lock held.
func (a *Account) Version() uint64 { return a.version }

// TicketByID returns the ticket with that id, or nil. Call it with the read
// lock held; the pointer is valid until the lock is released.
func (a *Account) TicketByID(id int64) *Ticket {
	i, ok := a.byID[id]
	if !ok {
		return nil
	}
	return &a.Tickets[i]
}

// Counts summarises the account.
func (a *Account) Counts() Counts {
	a.mu.RLock()
	defer a.mu.RUnlock()
	c := Counts{Tickets: len(a.Tickets), Organizations: len(a.Organizations), Groups: len(a.Groups)}
	for _, u := range a.Users {
		if u.Role == RoleEndUser {
			c.EndUsers++
		} else {
			c.Agents++
		}
	}
	for _, f := range a.TicketFields {
		if f.System {
			c.SystemTicketFields++
		} else {
			c.TicketFields++
		}
	}
	for i := range a.Tickets {
		c.addTicket(&a.Tickets[i])
	}
	return c
}

func (c *Counts) addTicket(t *Ticket) {
	c.CommentsAll += len(t.Comments)
	c.Changes += len(t.Changes)
	if t.Status == StatusDeleted {
		c.TicketsDeleted++
		return
	}
	c.TicketsLive++
	c.Comments += len(t.Comments)
	for _, cm := range t.Comments {
		for _, at := range cm.Attachments {
			c.Attachments++
			if at.Inline {
				c.InlineAttachments++
			}
		}
	}
}

// guideAuthors are the agents and admins, who write the knowledge base.
func guideAuthors(users []User) []int64 {
	var out []int64
	for _, u := range users {
		if u.Role != RoleEndUser {
			out = append(out, u.ID)
		}
	}
	return out
}
