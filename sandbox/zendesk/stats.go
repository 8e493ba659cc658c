package zendesk

import (
	"maps"
	"sync"
)

// Stats count what the simulator saw, for tests and `deskport sandbox`.
type Stats struct {
	RequestsTotal    int64            `json:"requests_total"`
	RequestsByRoute  map[string]int64 `json:"requests_by_route"` // "GET /api/v2/groups.json" → n
	RateLimitedTotal int64            `json:"rate_limited_total"`
	Unauthorized     int64            `json:"unauthorized_total"`
	CredentialLeaks  int64            `json:"credential_leaks"` // Authorization headers sent to signed attachment URLs
	FaultsInjected   map[string]int64 `json:"faults_injected"`  // errors, resets, malformed, throttles, drop_after_write
	// Created counts objects created through the write endpoints per type: organization, user,
	// upload, ticket, category, section, article, translation.
	Created map[string]int64 `json:"created"`
	// Duplicates counts creates equal to an existing object, created anyway as Zendesk would: a
	// ticket with the same requester and created_at (or external_id), a category of the same
	// name, a section of the same name and parent, an article of the same title in its section.
	Duplicates map[string]int64 `json:"duplicates"`
	// Deleted counts deletes applied per type: ticket, user, organization, category, section,
	// article, translation, and ticket_permanently, user_permanently for deletions for good.
	Deleted          map[string]int64 `json:"deleted"`
	DroppedResponses int64            `json:"dropped_responses"`
	// VerificationEmails counts the emails Zendesk would have sent to end users created with an
	// email address but not as verified: a migration must send none.
	VerificationEmails int64 `json:"verification_emails"`
}

type statsState struct {
	mu sync.Mutex
	s  Stats
}

func newStatsState() *statsState {
	return &statsState{s: Stats{RequestsByRoute: map[string]int64{}, FaultsInjected: map[string]int64{},
		Created: map[string]int64{}, Duplicates: map[string]int64{}, Deleted: map[string]int64{}}}
}

func (st *statsState) request(route string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.s.RequestsTotal++
	st.s.RequestsByRoute[route]++
}

func (st *statsState) add(f func(s *Stats)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f(&st.s)
}

func (st *statsState) rateLimited()      { st.add(func(s *Stats) { s.RateLimitedTotal++ }) }
func (st *statsState) unauthorized()     { st.add(func(s *Stats) { s.Unauthorized++ }) }
func (st *statsState) leak()             { st.add(func(s *Stats) { s.CredentialLeaks++ }) }
func (st *statsState) fault(name string) { st.add(func(s *Stats) { s.FaultsInjected[name]++ }) }
func (st *statsState) dropped()          { st.add(func(s *Stats) { s.DroppedResponses++ }) }

// created counts one create, and a duplicate when it equals an existing object.
func (st *statsState) created(kind string, duplicate bool) {
	st.add(func(s *Stats) {
		s.Created[kind]++
		if duplicate {
			s.Duplicates[kind]++
		}
	})
}

// deleted counts one delete applied.
func (st *statsState) deleted(kind string) { st.add(func(s *Stats) { s.Deleted[kind]++ }) }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := s.stats.s
	out.RequestsByRoute = maps.Clone(out.RequestsByRoute)
	out.FaultsInjected = maps.Clone(out.FaultsInjected)
	out.Created = maps.Clone(out.Created)
	out.Duplicates = maps.Clone(out.Duplicates)
	out.Deleted = maps.Clone(out.Deleted)
	return out
}

// ResetStats zeroes the counters (between phases of a test).
func (s *Server) ResetStats() {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.s = newStatsState().s
}
