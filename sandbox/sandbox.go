// Package sandbox serves the platform simulators over one generated account:
// Zendesk under /zendesk/ (and, later, Intercom under /intercom/), plus
// GET /_sandbox/stats for what they saw.
package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/deskport/deskport/sandbox/gen"
	"github.com/deskport/deskport/sandbox/zendesk"
)

// The demo credentials of the simulated Zendesk account.
const (
	DemoEmail = zendesk.DefaultEmail
	DemoToken = zendesk.DefaultToken
)

// Mount paths of the simulators.
const (
	ZendeskPath = "/zendesk"
	// IntercomPath = "/intercom" (the Intercom simulator is not written yet)
)

// DefaultTickets is the account size when Options.Tickets is 0.
const DefaultTickets = 500

// Options configure the sandbox.
type Options struct {
	Seed    int64
	Tickets int // [DefaultTickets]
	Zendesk zendesk.Options
}

// Server holds the account and its simulators.
type Server struct {
	acct    *gen.Account
	zendesk *zendesk.Server
	handler http.Handler
}

// New generates the account and builds the simulators.
func New(opts Options) *Server {
	if opts.Tickets <= 0 {
		opts.Tickets = DefaultTickets
	}
	if opts.Zendesk.MountPath == "" {
		opts.Zendesk.MountPath = ZendeskPath
	}
	acct := gen.Generate(gen.Options{Seed: opts.Seed, Tickets: opts.Tickets})
	s := &Server{acct: acct, zendesk: zendesk.New(acct, opts.Zendesk)}
	mux := http.NewServeMux()
	mux.Handle(ZendeskPath+"/", http.StripPrefix(ZendeskPath, s.zendesk))
	// The Intercom simulator will mount here:
	// mux.Handle(IntercomPath+"/", http.StripPrefix(IntercomPath, s.intercom))
	mux.HandleFunc("GET /_sandbox/stats", s.serveStats)
	s.handler = mux
	return s
}

// Handler serves every simulator.
func (s *Server) Handler() http.Handler { return s.handler }

// Account returns the shared generated account.
func (s *Server) Account() *gen.Account { return s.acct }

// Zendesk returns the Zendesk simulator (faults, stats, mutations).
func (s *Server) Zendesk() *zendesk.Server { return s.zendesk }

// Stats sums the simulators' counters; routes are keyed with their mount
// path ("GET /zendesk/api/v2/groups.json").
type Stats struct {
	RequestsTotal    int64            `json:"requests_total"`
	RequestsByRoute  map[string]int64 `json:"requests_by_route"`
	RateLimitedTotal int64            `json:"rate_limited_total"`
	CredentialLeaks  int64            `json:"credential_leaks"`
	Zendesk          zendesk.Stats    `json:"zendesk"`
	// Intercom intercom.Stats `json:"intercom"` once it exists.
}

// Stats returns the current counters.
func (s *Server) Stats() Stats {
	z := s.zendesk.Stats()
	out := Stats{
		RequestsTotal: z.RequestsTotal, RateLimitedTotal: z.RateLimitedTotal,
		CredentialLeaks: z.CredentialLeaks, Zendesk: z, RequestsByRoute: map[string]int64{},
	}
	addRoutes(out.RequestsByRoute, ZendeskPath, z.RequestsByRoute)
	return out
}

// addRoutes copies a simulator's route counts, prefixing the path part
// ("GET /api/…" → "GET /zendesk/api/…").
func addRoutes(dst map[string]int64, mount string, src map[string]int64) {
	for route, n := range src { // order does not matter: only sums

		method, path, ok := strings.Cut(route, " ")
		key := mount + " " + route
		if ok && strings.HasPrefix(path, "/") {
			key = method + " " + mount + path
		}
		dst[key] += n
	}
}

func (s *Server) serveStats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s.Stats())
}
