package intercom

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// table keeps objects by id and in creation order; seq orders cursors, so
// deleting an object never shifts a page.
type table[T any] struct {
	byID  map[string]*T
	order []entry[T]
}

type entry[T any] struct {
	seq int64
	id  string
	v   *T
}

func newTable[T any]() table[T] { return table[T]{byID: map[string]*T{}} }

func (t *table[T]) add(seq int64, id string, v *T) {
	t.byID[id] = v
	t.order = append(t.order, entry[T]{seq: seq, id: id, v: v})
}

func (t *table[T]) get(id string) (*T, bool) {
	v, ok := t.byID[id]
	return v, ok
}

func (t *table[T]) remove(id string) {
	delete(t.byID, id)
	t.order = slices.DeleteFunc(t.order, func(e entry[T]) bool { return e.id == id })
}

func (t *table[T]) len() int { return len(t.order) }

// state is the workspace. The Server's mutex guards it.
type state struct {
	opts     Options
	created  int64 // when the workspace was created (New)
	seq      int64
	counters map[string]int64

	admins map[string]Admin
	teams  map[string]Team
	states []TicketState

	contacts      table[Contact]
	companies     table[Company]
	tags          table[Tag]
	conversations table[Conversation]
	tickets       table[Ticket]
	ticketTypes   table[TicketType]
	dataAttrs     []DataAttribute
	hc            *helpCenterState // the Help Center, made on first use (helpcenter.go)

	contactByExternalID map[string]string // external_id → contact id
	userByEmail         map[string]string // lower-cased email of a user → contact id
	companyByCompanyID  map[string]string
	tagByName           map[string]string   // lower-cased name → tag id
	planIDs             map[string]string   // company plan name → plan id
	dupKeys             map[string]string   // duplicate key → object id
	keysOf              map[string][]string // object id → its duplicate keys, to forget them on delete
}

func newState(o Options, now int64) *state {
	st := &state{
		opts: o, created: now, counters: map[string]int64{},
		admins: map[string]Admin{}, teams: map[string]Team{},
		contacts: newTable[Contact](), companies: newTable[Company](), tags: newTable[Tag](),
		conversations: newTable[Conversation](), tickets: newTable[Ticket](), ticketTypes: newTable[TicketType](),
		contactByExternalID: map[string]string{}, userByEmail: map[string]string{},
		companyByCompanyID: map[string]string{}, tagByName: map[string]string{}, planIDs: map[string]string{},
		dupKeys: map[string]string{}, keysOf: map[string][]string{},
	}
	for _, a := range o.Admins {
		if _, dup := st.admins[a.ID]; dup {
			panic(fmt.Sprintf("intercom: two admins with id %s", a.ID))
		}
		st.admins[a.ID] = a
	}
	for _, t := range o.Teams {
		st.teams[t.ID] = t
	}
	st.states = defaultTicketStates()
	st.dataAttrs = builtinDataAttributes(now)
	return st
}

// defaultTicketStates are the four categories every workspace has.
func defaultTicketStates() []TicketState {
	return []TicketState{
		{ID: "8481", Category: "submitted", InternalLabel: "Submitted", ExternalLabel: "Submitted"},
		{ID: "8482", Category: "in_progress", InternalLabel: "In progress", ExternalLabel: "In progress"},
		{ID: "8483", Category: "waiting_on_customer", InternalLabel: "Waiting on customer", ExternalLabel: "Waiting on you"},
		{ID: "8484", Category: "resolved", InternalLabel: "Resolved", ExternalLabel: "Resolved"},
	}
}

func (st *state) createdAt() int64 { return st.created }

func (st *state) nextSeq() int64 { st.seq++; return st.seq }

// numericID allocates the next id of a kind; kinds start at different
// bases so ids of different kinds rarely look alike.
func (st *state) numericID(kind string, base int64) string {
	st.counters[kind]++
	return strconv.FormatInt(base+st.counters[kind], 10)
}

// hexID allocates a 24-hex-digit id like Intercom's contact and company ids.
func (st *state) hexID(kind string, salt uint32) string {
	st.counters[kind]++
	return fmt.Sprintf("%08x%016x", salt, st.counters[kind])
}

// seenBefore records a duplicate key of an object and reports whether
// another object had it already.
func (st *state) seenBefore(id string, parts ...string) bool {
	key := dupKey(parts...)
	if _, ok := st.dupKeys[key]; ok {
		return true
	}
	st.dupKeys[key] = id
	st.keysOf[id] = append(st.keysOf[id], key)
	return false
}

// forgetKeysOf frees a deleted object's keys: creating it again after a
// rollback is no duplicate.
func (st *state) forgetKeysOf(id string) {
	for _, key := range st.keysOf[id] {
		delete(st.dupKeys, key)
	}
	delete(st.keysOf, id)
}

func dupKey(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

func (st *state) admin(id string) (Admin, bool) { a, ok := st.admins[id]; return a, ok }
func (st *state) team(id string) (Team, bool)   { t, ok := st.teams[id]; return t, ok }

// me is the token's admin.
func (st *state) me() Admin { return st.opts.Admins[0] }

// teamIDsOf lists the teams an admin belongs to, sorted.
func (st *state) teamIDsOf(adminID string) []string {
	var out []string
	for _, t := range st.teams {
		if slices.Contains(t.AdminIDs, adminID) {
			out = append(out, t.ID)
		}
	}
	sort.Strings(out)
	return out
}

func (st *state) ticketState(id string) (TicketState, bool) {
	for _, s := range st.states {
		if s.ID == id {
			return s, true
		}
	}
	return TicketState{}, false
}

// readAll deep-copies a table under the server's lock.
func readAll[T any](s *Server, t func(st *state) *table[T], clone func(T) T) []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	tab := t(s.st)
	out := make([]T, 0, tab.len())
	for _, e := range tab.order {
		out = append(out, clone(*e.v))
	}
	return out
}

// Contacts returns every contact, in creation order.
func (s *Server) Contacts() []Contact {
	return readAll(s, func(st *state) *table[Contact] { return &st.contacts }, Contact.clone)
}

// Companies returns every company, attached to a contact or not.
func (s *Server) Companies() []Company {
	return readAll(s, func(st *state) *table[Company] { return &st.companies }, Company.clone)
}

// Tags returns every tag.
func (s *Server) Tags() []Tag {
	return readAll(s, func(st *state) *table[Tag] { return &st.tags }, func(t Tag) Tag { return t })
}

// Conversations returns every conversation with all its parts.
func (s *Server) Conversations() []Conversation {
	return readAll(s, func(st *state) *table[Conversation] { return &st.conversations }, Conversation.clone)
}

// Tickets returns every ticket with all its parts.
func (s *Server) Tickets() []Ticket {
	return readAll(s, func(st *state) *table[Ticket] { return &st.tickets }, Ticket.clone)
}

// TicketTypes returns every ticket type with its attributes.
func (s *Server) TicketTypes() []TicketType {
	return readAll(s, func(st *state) *table[TicketType] { return &st.ticketTypes }, TicketType.clone)
}

// TicketStates returns the workspace's ticket states.
func (s *Server) TicketStates() []TicketState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.st.states)
}

// DataAttributes returns the built-in and custom data attributes.
func (s *Server) DataAttributes() []DataAttribute {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]DataAttribute, len(s.st.dataAttrs))
	for i, d := range s.st.dataAttrs {
		out[i] = d.clone()
	}
	return out
}
