// Package sandbox serves the platform simulators over one generated account:
// Zendesk under /zendesk/ as the source, an Intercom workspace under
// /intercom/ as the target, plus GET /_sandbox/stats for what they saw.
package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/deskport/deskport/sandbox/gen"
	"github.com/deskport/deskport/sandbox/intercom"
	"github.com/deskport/deskport/sandbox/zendesk"
)

// The demo credentials of the simulated Zendesk account.
const (
	DemoEmail = zendesk.DefaultEmail
	DemoToken = zendesk.DefaultToken
)

// The demo credentials and workspace of the simulated Intercom target.
const (
	DemoIntercomToken       = intercom.DefaultToken
	DemoIntercomWorkspaceID = intercom.DefaultWorkspaceID
)

// Mount paths of the simulators.
const (
	ZendeskPath  = "/zendesk"
	IntercomPath = "/intercom"
)

// DefaultTickets is the account size when Options.Tickets is 0.
const DefaultTickets = 500

// Options configure the sandbox.
type Options struct {
	Seed    int64
	Tickets int // [DefaultTickets]
	// Articles sizes the Zendesk Guide (knowledge base); 0: none.
	Articles int
	Zendesk  zendesk.Options
	// Intercom configures the target workspace. Without Admins and Teams
	// they are derived from the account's agents and groups (see
	// intercomDirectory).
	Intercom intercom.Options
}

// Server holds the account and its simulators.
type Server struct {
	acct     *gen.Account
	zendesk  *zendesk.Server
	intercom *intercom.Server
	handler  http.Handler
}

// New generates the account and builds the simulators.
func New(opts Options) *Server {
	if opts.Tickets <= 0 {
		opts.Tickets = DefaultTickets
	}
	if opts.Zendesk.MountPath == "" {
		opts.Zendesk.MountPath = ZendeskPath
	}
	acct := gen.Generate(gen.Options{Seed: opts.Seed, Tickets: opts.Tickets, Articles: opts.Articles})
	s := &Server{acct: acct, zendesk: zendesk.New(acct, opts.Zendesk),
		intercom: intercom.New(intercomDirectory(acct, opts.Intercom))}
	mux := http.NewServeMux()
	mux.Handle(ZendeskPath+"/", http.StripPrefix(ZendeskPath, s.zendesk))
	mux.Handle(IntercomPath+"/", http.StripPrefix(IntercomPath, s.intercom))
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

// Intercom returns the Intercom simulator (faults, stats, read-back).
func (s *Server) Intercom() *intercom.Server { return s.intercom }

// intercomDirectory gives the target workspace admins and teams that
// match the source imperfectly, as a real pair of accounts does: every
// agent but each 4th becomes an admin with the same (lower-cased) email,
// every group but the last a team with the same name. Mapping by email or
// name therefore has unmatched agents and groups to report.
func intercomDirectory(acct *gen.Account, o intercom.Options) intercom.Options {
	acct.RLock()
	defer acct.RUnlock()
	adminOf := map[int64]string{} // agent id → admin id
	if o.Admins == nil {
		agents := 0
		for _, u := range acct.Users {
			if u.Role != gen.RoleAgent && u.Role != gen.RoleAdmin {
				continue
			}
			agents++
			if agents%4 == 0 {
				continue
			}
			id := strconv.Itoa(991268000 + len(o.Admins))
			adminOf[u.ID] = id
			o.Admins = append(o.Admins, intercom.Admin{ID: id, Name: u.Name, Email: strings.ToLower(u.Email)})
		}
	}
	if o.Teams == nil && len(acct.Groups) > 1 {
		for _, g := range acct.Groups[:len(acct.Groups)-1] {
			o.Teams = append(o.Teams, intercom.Team{Name: g.Name, AdminIDs: membersOf(acct, g.ID, adminOf)})
		}
	}
	return o
}

// membersOf lists the admins of the agents in a group.
func membersOf(acct *gen.Account, groupID int64, adminOf map[int64]string) []string {
	var ids []string
	for _, u := range acct.Users {
		if id, ok := adminOf[u.ID]; ok && slices.Contains(u.GroupIDs, groupID) {
			ids = append(ids, id)
		}
	}
	return ids
}

// Stats sums the simulators' counters; routes are keyed with their mount
// path ("GET /zendesk/api/v2/groups.json").
type Stats struct {
	RequestsTotal    int64            `json:"requests_total"`
	RequestsByRoute  map[string]int64 `json:"requests_by_route"`
	RateLimitedTotal int64            `json:"rate_limited_total"`
	CredentialLeaks  int64            `json:"credential_leaks"`
	Zendesk          zendesk.Stats    `json:"zendesk"`
	Intercom         intercom.Stats   `json:"intercom"`
}

// Stats returns the current counters.
func (s *Server) Stats() Stats {
	z, ic := s.zendesk.Stats(), s.intercom.Stats()
	out := Stats{
		RequestsTotal: z.RequestsTotal + ic.RequestsTotal, RateLimitedTotal: z.RateLimitedTotal + ic.RateLimitedTotal,
		CredentialLeaks: z.CredentialLeaks, Zendesk: z, Intercom: ic, RequestsByRoute: map[string]int64{},
	}
	addRoutes(out.RequestsByRoute, ZendeskPath, z.RequestsByRoute)
	addRoutes(out.RequestsByRoute, IntercomPath, ic.RequestsByRoute)
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
