// Package intercom simulates the Intercom REST API, version 2.15, as a
// migration target: a workspace that starts with admins, teams and ticket
// states, and receives contacts, companies, tags, conversations and tickets.
//
// It is written from ../shared/reference/intercom-api.md and the official
// OpenAPI description (embedded under spec/, MIT) alone, and shares no code
// with the clients in extract/ and load/: a misunderstanding copied into both
// would pass every test and fail on a real workspace.
//
// Beyond the description it enforces the rules real workspaces show:
// duplicate contacts are 409s, unknown admins and teams 400s, blocked
// attachment types and undefined custom attributes are refused, phones
// are validated when the workspace says so. Everything received can be
// read back (Contacts, Tickets, …) and is counted in Stats, including
// creates that repeat an existing object.
//
// Not simulated: the Help Center (articles, collections), notes,
// segments, contact merge/archive, messages, events,
// visitors, data attribute updates: they answer 404 (in strict mode with a
// message saying they are not simulated). The OAuth authorization-code
// flow is simulated (oauth.go): tokens it issues work as bearer tokens.
package intercom

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Defaults of the simulated workspace.
const (
	DefaultToken         = "sandbox-intercom-token"
	DefaultWorkspaceID   = "sandbox1"
	DefaultWorkspaceName = "deskport sandbox"
	DefaultAdminName     = "deskport migration"
	DefaultAdminEmail    = "migration@deskport.test"

	// DefaultRateLimit is Intercom's 10,000 calls per minute spread over
	// 10-second windows.
	DefaultRateLimit  = 1666
	DefaultRateWindow = 10 * time.Second
)

// Admin is a teammate. Admins cannot be created through the API: migrations
// map onto the ones the workspace has.
type Admin struct {
	ID    string // numeric: 2.15 types admin ids as integers [assigned]
	Name  string
	Email string
}

// Team is a group of admins.
type Team struct {
	ID       string // numeric [assigned]
	Name     string
	AdminIDs []string
}

// Options configure a Server. Zero values take the defaults in brackets.
type Options struct {
	Token         string // the accepted bearer token [DefaultToken]
	WorkspaceID   string // app.id_code of GET /me [DefaultWorkspaceID]
	WorkspaceName string // [DefaultWorkspaceName]

	// Admins of the workspace; the first is the token's admin (GET /me).
	// The default admin (DefaultAdminName, DefaultAdminEmail) comes first
	// unless the list already has an admin with DefaultAdminEmail.
	Admins []Admin
	Teams  []Team

	RateLimit  int           // requests per window [DefaultRateLimit]; negative: unlimited
	RateWindow time.Duration // fixed windows aligned to the clock [DefaultRateWindow]

	// PhoneValidation is the workspace setting that rejects contacts whose
	// phone is not a plausible number.
	PhoneValidation bool
	// Strict validates every request against the embedded 2.15 description
	// (see DefaultOptions).
	Strict bool
	// AllowedAttachmentTypes are extensions ("csv", "zip") allowed on top
	// of Intercom's defaults; executables stay blocked.
	AllowedAttachmentTypes []string
	// AllowUndefinedCustomAttributes accepts custom_attributes that no data
	// attribute defines. Since API 2.x Intercom rejects them, so the
	// default is to reject.
	AllowUndefinedCustomAttributes bool
	// SearchDelay hides contacts from POST /contacts/search until they are
	// this old, like Intercom's indexing delay [0: searchable at once].
	SearchDelay time.Duration

	Latency   time.Duration // added to every request [0]
	Faults    Faults        // initial faults, changeable with SetFaults [none]
	FaultSeed int64         // seeds the fault RNG [1]

	Now func() time.Time // the clock of rate windows and timestamps [time.Now]
}

// DefaultOptions are the options tests should start from: strict
// validation on (the description is embedded, so it is always there).
func DefaultOptions() Options { return Options{Strict: true} }

func (o Options) withDefaults() Options {
	if o.Token == "" {
		o.Token = DefaultToken
	}
	if o.WorkspaceID == "" {
		o.WorkspaceID = DefaultWorkspaceID
	}
	if o.WorkspaceName == "" {
		o.WorkspaceName = DefaultWorkspaceName
	}
	if o.RateLimit == 0 {
		o.RateLimit = DefaultRateLimit
	}
	if o.RateWindow <= 0 {
		o.RateWindow = DefaultRateWindow
	}
	if o.FaultSeed == 0 {
		o.FaultSeed = 1
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Admins, o.Teams = withDefaultAdmin(o.Admins), assignTeamIDs(o.Teams)
	return o
}

// withDefaultAdmin puts the migration admin first and numbers admins
// without an id.
func withDefaultAdmin(in []Admin) []Admin {
	out := []Admin{{Name: DefaultAdminName, Email: DefaultAdminEmail}}
	for _, a := range in {
		if a.Email == DefaultAdminEmail {
			out = out[:0]
			break
		}
	}
	out = append(out, in...)
	for i := range out {
		out[i].ID = checkedID("admin", out[i].ID, 991267000+i)
	}
	return out
}

func assignTeamIDs(in []Team) []Team {
	out := make([]Team, len(in))
	for i, t := range in {
		t.ID = checkedID("team", t.ID, 5017000+i)
		t.AdminIDs = append([]string(nil), t.AdminIDs...)
		out[i] = t
	}
	return out
}

// checkedID keeps a given id or assigns one. Admin and team ids are
// integers in 2.15 (team_ids, admin_ids, GET /admins/{admin_id}), so a
// non-numeric one is a mistake in the caller's setup.
func checkedID(kind, id string, fallback int) string {
	if id == "" {
		return strconv.Itoa(fallback)
	}
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		panic(fmt.Sprintf("intercom: %s id %q is not numeric; Intercom 2.15 types %s ids as integers", kind, id, kind))
	}
	return id
}

// Server is the simulated Intercom workspace. It is safe for concurrent use.
type Server struct {
	opts    Options
	mux     *http.ServeMux
	first   *http.ServeMux  // routes looked up before mux's (see handleFirst)
	writes  map[string]bool // pattern → changes state (faults may drop its response)
	limits  *limiter
	faults  *faultState
	latency latencyState
	stats   *statsState
	reqIDs  requestIDs

	mu sync.Mutex // guards st: every endpoint runs under it
	st *state

	oauth *oauthState // the authorization-code flow's codes and tokens
}

// New returns a simulator of an empty workspace.
func New(opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		opts: opts, mux: http.NewServeMux(), first: http.NewServeMux(), writes: map[string]bool{},
		limits: newLimiter(opts.RateLimit, opts.RateWindow),
		faults: newFaultState(opts.Faults, opts.FaultSeed),
		stats:  newStatsState(),
		st:     newState(opts, opts.Now().Unix()),
	}
	s.latency.set(opts.Latency)
	if opts.Strict {
		mustLoadSpec() // parse once, at construction, not on the first request
	}
	s.register()
	return s
}

// register declares every simulated endpoint.
func (s *Server) register() {
	s.registerWorkspace()
	s.registerContacts()
	s.registerCompanies()
	s.registerScroll()
	s.registerTags()
	s.registerConversations()
	s.registerTicketTypes()
	s.registerTickets()
	s.registerDataAttributes()
	s.registerOAuth()
	s.registerHelpCenter()
}

// WorkspaceID is app.id_code of GET /me.
func (s *Server) WorkspaceID() string { return s.opts.WorkspaceID }

// Token is the accepted bearer token.
func (s *Server) Token() string { return s.opts.Token }

// Admins returns the workspace's admins, the token's admin first.
func (s *Server) Admins() []Admin { return cloneAdmins(s.opts.Admins) }

// Teams returns the workspace's teams.
func (s *Server) Teams() []Team {
	out := make([]Team, len(s.opts.Teams))
	for i, t := range s.opts.Teams {
		t.AdminIDs = cloneStrings(t.AdminIDs)
		out[i] = t
	}
	return out
}

// SetLatency changes the latency added to every request; safe while serving.
func (s *Server) SetLatency(d time.Duration) { s.latency.set(d) }

// SetRateLimit changes the requests allowed per window (negative:
// unlimited); safe while serving.
func (s *Server) SetRateLimit(n int) { s.limits.setLimit(n) }

func cloneAdmins(in []Admin) []Admin { return append([]Admin(nil), in...) }
