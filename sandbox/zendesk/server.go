// Package zendesk simulates the Zendesk Support API over a gen.Account.
//
// It is written from ../shared/reference/source-apis.md alone and shares no
// code with the client in extract/: a misunderstanding copied into both
// would pass every test and fail on a real account.
package zendesk

import (
	"net/http"
	"sync"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// Default credentials of the simulated account.
const (
	DefaultEmail      = "demo@deskport.test"
	DefaultToken      = "sandbox-token"
	DefaultOAuthToken = "sandbox-oauth-token"
)

// Credentials are what the simulator accepts: Basic "{Email}/token:{Token}"
// or "Bearer {OAuthToken}".
type Credentials struct {
	Email      string
	Token      string
	OAuthToken string
}

// Options configure a Server. Zero values take the defaults in brackets.
type Options struct {
	Credentials Credentials // [DefaultEmail, DefaultToken, DefaultOAuthToken]

	// RateLimit is the plan limit per window, counted for every API request
	// [700, Enterprise]; IncrementalRateLimit is the extra limit of the
	// incremental export endpoints [10]. A negative value disables a limit.
	RateLimit            int
	IncrementalRateLimit int
	RateWindow           time.Duration // fixed windows aligned to the clock [60s]

	Now func() time.Time // the clock for rate windows and start_time checks [time.Now]

	Faults    Faults // initial faults, changeable with SetFaults [none]
	FaultSeed int64  // seeds the fault RNG [1]

	// AttachmentHost is the host:port of content_url. Empty: the request
	// host with 127.0.0.1 and localhost swapped, so downloads go to another
	// host the way Zendesk's signed URLs do.
	AttachmentHost string
	// SameHostNextPages keeps next_page/after_url on the request host. By
	// default a share (ForeignPageRate [0.5]) of them use the swapped host.
	SameHostNextPages bool
	ForeignPageRate   float64

	// MountPath is the path prefix the server is mounted under ("/zendesk").
	// Empty: derived from the request, which works behind http.StripPrefix.
	MountPath string

	// JobDuration is how long a bulk job (create_or_update_many) reads as working before it is
	// completed [0: completed at its first status read].
	JobDuration time.Duration
}

func (o Options) withDefaults() Options {
	if o.Credentials == (Credentials{}) {
		o.Credentials = Credentials{Email: DefaultEmail, Token: DefaultToken, OAuthToken: DefaultOAuthToken}
	}
	if o.RateLimit == 0 {
		o.RateLimit = 700
	}
	if o.IncrementalRateLimit == 0 {
		o.IncrementalRateLimit = 10
	}
	if o.RateWindow <= 0 {
		o.RateWindow = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FaultSeed == 0 {
		o.FaultSeed = 1
	}
	if o.ForeignPageRate == 0 {
		o.ForeignPageRate = 0.5
	}
	if o.SameHostNextPages {
		o.ForeignPageRate = 0
	}
	return o
}

// Server is the simulated Zendesk. It is safe for concurrent use.
type Server struct {
	acct   *gen.Account
	opts   Options
	mux    *http.ServeMux
	routes map[string]route // pattern → route kind
	limits *limiter
	faults *faultState
	stats  *statsState
	idxMu  sync.Mutex
	idx    *indexes
	writes writeState  // uploads and what writes created (writes.go)
	dels   deleteState // users deleted but not for good (deletes.go)
}

// route says how the middleware treats a pattern.
type route struct {
	incremental bool // has its own, lower rate limit
	public      bool // no authentication and no rate limit (signed URLs)
	write       bool // changes the account: DropAfterWriteRate may drop its answer
}

// New returns a simulator serving acct.
func New(acct *gen.Account, opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		acct: acct, opts: opts, mux: http.NewServeMux(), routes: map[string]route{},
		limits: newLimiter(opts), faults: newFaultState(opts.Faults, opts.FaultSeed),
		stats: newStatsState(),
	}
	s.register()
	return s
}

// register declares every endpoint.
func (s *Server) register() {
	inc := route{incremental: true}
	s.handle("GET /api/v2/incremental/tickets/cursor.json", inc, s.incrementalTickets)
	s.handle("GET /api/v2/incremental/users/cursor.json", inc, s.incrementalUsers)
	s.handle("GET /api/v2/incremental/organizations.json", inc, s.incrementalOrganizations)
	s.handle("GET /api/v2/incremental/ticket_events.json", inc, s.incrementalTicketEvents)
	s.handle("GET /api/v2/tickets/{id}/comments.json", route{}, s.ticketComments)
	s.handle("GET /api/v2/tickets/{file}", route{}, s.showTicket)
	s.handle("GET /api/v2/users/me.json", route{}, s.me)
	s.handle("GET /api/v2/users.json", route{}, s.listUsers)
	s.handle("GET /api/v2/organizations.json", route{}, s.listOrganizations)
	s.handle("GET /api/v2/groups.json", route{}, s.listGroups)
	s.handle("GET /api/v2/ticket_fields.json", route{}, s.listTicketFields)
	s.handle("GET /attachments/token/{token}/{$}", route{public: true}, s.attachment)
	s.registerGuide()
	s.registerWrites()
}

func (s *Server) handle(pattern string, rt route, h http.HandlerFunc) {
	s.routes[pattern] = rt
	s.mux.HandleFunc(pattern, h)
}

// Account returns the account the server serves. Mutate it through the
// server's methods (or the account's own, which lock), read it under RLock.
func (s *Server) Account() *gen.Account { return s.acct }

// AddTicket creates a ticket now (by the server's clock).
func (s *Server) AddTicket(in gen.TicketInput) gen.Ticket {
	return s.acct.AddTicket(s.opts.Now(), in)
}

// AddComment adds a comment to a ticket now.
func (s *Server) AddComment(ticketID int64, in gen.CommentInput) (gen.Comment, error) {
	return s.acct.AddComment(ticketID, s.opts.Now(), in)
}

// UpdateTicket changes a ticket now; it reappears in the incremental exports.
func (s *Server) UpdateTicket(ticketID int64, fn func(t *gen.Ticket)) (gen.Ticket, error) {
	return s.acct.UpdateTicket(ticketID, s.opts.Now(), fn)
}

// UpdateArticle edits a Help Center article now; it reappears in the incremental articles export.
func (s *Server) UpdateArticle(articleID int64, fn func(a *gen.KBArticle)) (gen.KBArticle, error) {
	return s.acct.UpdateArticle(articleID, s.opts.Now(), fn)
}
