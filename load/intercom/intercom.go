// Package intercom is the Intercom target of the load stage: it turns one row of the load plan
// (docs/load-plan.md) into calls of the Intercom REST API, version 2.15, and reads the workspace's
// directory (admins, teams, ticket types and states) that the transform maps onto.
//
// Rate limits and retries are the transport's business (internal/httpx): the budget is spent as
// fast as Intercom's X-RateLimit-Remaining and X-RateLimit-Reset headers allow, and a request is
// sent again by the transport only when that cannot create a duplicate: after a 429 (Intercom did
// not apply it), or when it is idempotent (reads, PUTs, and the POSTs that create-or-return or
// attach). A create whose answer was lost (a 5xx, a reset, a timeout) comes back to the loader,
// which looks for its result with Reconcile before sending it again.
//
// The access token goes only to the API's host and never into an error: errors name the endpoint
// (method and templated path) and the plan op.
package intercom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/load"
)

// Version is the Intercom API version every request pins with the Intercom-Version header:
// without it the app's Developer Hub setting decides, and types differ between versions.
const Version = "2.15"

// DefaultBaseURL is Intercom's US host; EU and AU workspaces use https://api.eu.intercom.io and
// https://api.au.intercom.io.
const DefaultBaseURL = "https://api.intercom.io"

// rateWindow is Intercom's rate-limit window: the per-minute limits are spread over 10-second
// windows. The headers give the reset; this is used when a response has none.
const rateWindow = 10 * time.Second

// defaultConcurrency is the requests in flight the transport is sized for when Config leaves it 0.
const defaultConcurrency = 16

// resetMargin is the first margin waited past a rate-limit reset, and retryDelay the first
// backoff of a retry (zero: httpx's defaults); tests lower them.
var resetMargin, retryDelay time.Duration

// Config says how to reach one Intercom workspace.
type Config struct {
	// BaseURL is the regional API host (DefaultBaseURL when empty), or a simulator's URL. A path
	// prefix is kept.
	BaseURL string
	// Token is the access token (sent as "Bearer <token>"). A secret: it never appears in errors or
	// logs, and is sent to BaseURL's host only.
	Token string
	// HTTPClient, when set, provides the innermost transport (tests); the chain of internal/httpx is
	// built on it.
	HTTPClient *http.Client
	// Counter, when set, counts every request on the wire; build it with httpx.NewCounter(httpx.Route) to
	// count per endpoint. Nil: the client keeps its own (Stats).
	Counter *httpx.Counter
	// Concurrency is how many requests the loader keeps in flight (default 16): the transport keeps
	// that many connections to the host open between requests.
	Concurrency int
}

// Client reaches one Intercom workspace. It implements load.Target and is safe for concurrent use.
type Client struct {
	base    *url.URL // scheme, host and path prefix, no trailing slash
	token   string   // a secret: kept only to redact it from anything the server echoes
	http    *http.Client
	pacer   *httpx.Pacer
	counter *httpx.Counter
	rate    *load.RateLog // nil: not recorded
}

var _ load.Target = (*Client)(nil)

// String describes the configuration without its token, so printing it leaks nothing.
func (c Config) String() string {
	return fmt.Sprintf("intercom.Config{BaseURL: %q, Token: REDACTED, Concurrency: %d}", c.BaseURL, c.Concurrency)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// String names the client's host, never its token.
// (A value receiver: a copy of the client prints the same.)
func (c Client) String() string { return "intercom client of " + httpx.RedactURL(c.base) }

// GoString is String, for %#v.
func (c Client) GoString() string { return c.String() }

// New checks cfg and builds the client. It makes no request.
func New(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if strings.TrimSpace(raw) == "" {
		raw = DefaultBaseURL
	}
	base, err := parseBase(raw)
	if err != nil {
		return nil, err
	}
	token, err := checkToken(cfg.Token)
	if err != nil {
		return nil, err
	}
	if cfg.Concurrency < 0 {
		return nil, fmt.Errorf("intercom: concurrency is %d; want a positive number", cfg.Concurrency)
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = defaultConcurrency
	}
	c := &Client{base: base, token: token, counter: cfg.Counter}
	if c.counter == nil {
		c.counter = httpx.NewCounter(httpx.Route)
	}
	c.http, c.pacer = httpx.NewPacedClient(httpx.ClientConfig{
		BaseURL: base, Authorization: "Bearer " + token, Counter: c.counter,
		Base: httpx.SizedBase(cfg.HTTPClient, cfg.Concurrency),
		Pacing: httpx.PacingConfig{
			RemainingHeaders: []string{"X-RateLimit-Remaining"},
			ResetHeaders:     []string{"X-RateLimit-Reset"},
			Window:           rateWindow,
			ResetMargin:      resetMargin,
		},
		Retry: httpx.RetryConfig{BaseDelay: retryDelay},
	})
	return c, nil
}

// Pacer is the transport's pacer, for callers that report how much of the budget binds.
func (c *Client) Pacer() *httpx.Pacer { return c.pacer }

// Stats returns the requests made so far per route ("POST /tickets/{id}/reply"), with the 429s,
// server errors and network errors seen.
func (c *Client) Stats() map[string]httpx.RouteStats { return c.counter.Stats() }

// parseBase checks the base URL: http(s), a host, an optional path prefix, no credentials.
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// The url.Error would repeat the text, which may hold a password.
		return nil, fmt.Errorf("intercom: base_url is not a URL: %w", httpx.UnwrapURLError(err))
	}
	if u.User != nil {
		return nil, errors.New("intercom: base_url must not contain credentials; set the token as a credential")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("intercom: base_url %q: want an http or https URL such as %s", raw, DefaultBaseURL)
	case u.Host == "":
		return nil, fmt.Errorf("intercom: base_url %q has no host", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("intercom: base_url %q must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// checkToken accepts the token with or without a "Bearer " prefix. Its errors never repeat it.
func checkToken(token string) (string, error) {
	token = strings.TrimSpace(token)
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	if token == "" {
		return "", errors.New("intercom: no access token; set the target's credential (Developer Hub > Configure > Authentication)")
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return "", errors.New("intercom: the access token contains white space; copy it again without line breaks")
	}
	return token, nil
}

// Check confirms, before anything is written, that the token reaches the workspace the pipeline
// file names (Intercom's app.id_code).
func (c *Client) Check(ctx context.Context, workspaceID string) error {
	me, err := c.me(ctx)
	if err != nil {
		return err
	}
	got := me.App.IDCode
	switch {
	case strings.TrimSpace(workspaceID) == "":
		return fmt.Errorf("intercom: the pipeline names no target workspace_id; this token reaches workspace %q (%s)", got, me.App.Name)
	case got != workspaceID:
		return fmt.Errorf("intercom: the token reaches workspace %q (%s), but the pipeline names workspace %q: nothing was written", got, me.App.Name, workspaceID)
	}
	return nil
}
