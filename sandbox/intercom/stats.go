package intercom

import (
	"maps"
	"strconv"
	"sync"
)

// Stats count what the simulator saw, for tests and `deskport sandbox`.
type Stats struct {
	RequestsTotal    int64            `json:"requests_total"`
	RequestsByRoute  map[string]int64 `json:"requests_by_route"` // "GET /contacts/{id}" → n
	RateLimitedTotal int64            `json:"rate_limited_total"`
	Unauthorized     int64            `json:"unauthorized_total"`
	StrictErrors     int64            `json:"strict_errors"` // requests answered 400 by strict validation
	StatusCounts     map[string]int64 `json:"status_counts"` // "200" → n; dropped responses have none
	// Created counts objects created per type: contact, company, tag,
	// conversation, ticket, part (replies), state_change, ticket_type,
	// ticket_attribute, data_attribute, contact_company, tagging, attachment.
	Created map[string]int64 `json:"created"`
	// Duplicates counts creates equal to an existing object: a conversation
	// with the same contact, created_at and body; a ticket with the same
	// contact, created_at and title; a part with the same parent, author,
	// created_at and body; a ticket type or ticket attribute with the same
	// name. Each is created anyway, as Intercom would.
	Duplicates       map[string]int64 `json:"duplicates"`
	FaultsInjected   map[string]int64 `json:"faults_injected"` // error, timeout, drop_after_write, throttle
	DroppedResponses int64            `json:"dropped_responses"`
}

type statsState struct {
	mu sync.Mutex
	s  Stats
}

func newStatsState() *statsState {
	return &statsState{s: Stats{
		RequestsByRoute: map[string]int64{}, StatusCounts: map[string]int64{},
		Created: map[string]int64{}, Duplicates: map[string]int64{}, FaultsInjected: map[string]int64{},
	}}
}

func (st *statsState) add(f func(s *Stats)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f(&st.s)
}

func (st *statsState) request(route string) {
	st.add(func(s *Stats) { s.RequestsTotal++; s.RequestsByRoute[route]++ })
}

func (st *statsState) status(code int) {
	st.add(func(s *Stats) { s.StatusCounts[strconv.Itoa(code)]++ })
}

func (st *statsState) rateLimited()          { st.add(func(s *Stats) { s.RateLimitedTotal++ }) }
func (st *statsState) unauthorized()         { st.add(func(s *Stats) { s.Unauthorized++ }) }
func (st *statsState) strictError()          { st.add(func(s *Stats) { s.StrictErrors++ }) }
func (st *statsState) dropped()              { st.add(func(s *Stats) { s.DroppedResponses++ }) }
func (st *statsState) fault(name string)     { st.add(func(s *Stats) { s.FaultsInjected[name]++ }) }
func (st *statsState) created(kind string)   { st.add(func(s *Stats) { s.Created[kind]++ }) }
func (st *statsState) duplicate(kind string) { st.add(func(s *Stats) { s.Duplicates[kind]++ }) }

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	out := s.stats.s
	out.RequestsByRoute = maps.Clone(out.RequestsByRoute)
	out.StatusCounts = maps.Clone(out.StatusCounts)
	out.Created = maps.Clone(out.Created)
	out.Duplicates = maps.Clone(out.Duplicates)
	out.FaultsInjected = maps.Clone(out.FaultsInjected)
	return out
}

// ResetStats zeroes the counters (between phases of a test).
func (s *Server) ResetStats() {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.s = newStatsState().s
}
