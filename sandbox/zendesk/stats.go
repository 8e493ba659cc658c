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
	FaultsInjected   map[string]int64 `json:"faults_injected"`  // errors, resets, malformed, throttles
}

type statsState struct {
	mu sync.Mutex
	s  Stats
}

func newStatsState() *statsState {
	return &statsState{s: Stats{RequestsByRoute: map[string]int64{}, FaultsInjected: map[string]int64{}}}
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

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := s.stats.s
	out.RequestsByRoute = maps.Clone(out.RequestsByRoute)
	out.FaultsInjected = maps.Clone(out.FaultsInjected)
	return out
}

// ResetStats zeroes the counters (between phases of a test).
func (s *Server) ResetStats() {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.s = newStatsState().s
}
