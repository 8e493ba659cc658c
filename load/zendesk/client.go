// Package zendesk is the Zendesk target of the load stage: it turns one row of a Zendesk load
// plan (docs/load-plan.md, "Payloads (Zendesk)") into calls of the Zendesk Support and Help
// Center APIs, and reads the account's directory (agents, groups, ticket fields, statuses) that
// the transform maps onto.
//
// The pipelines wire it with
//
//	func New(cfg Config) (*Client, error)
//
// where Config is {BaseURL, Email, Token, OAuthToken, HTTPClient, Counter, Concurrency}: BaseURL is
// https://{subdomain}.zendesk.com (or a simulator's URL), Email and Token are the pipeline's
// credentials "email" and "token" (sent as Basic "{email}/token:{token}", as the Zendesk source
// does), OAuthToken a bearer token used when no email is given. *Client implements load.Target
// (Check, Execute, Reconcile) and has
//
//	func (c *Client) Directory(ctx context.Context) (*load.Directory, error)
//
// Tickets go through the Ticket Import API, which runs no triggers and sends no notifications;
// attachments are uploaded first and referenced by token.
//
// Rate limits and retries are the transport's business (internal/httpx): requests are paced by
// Zendesk's ratelimit-remaining / X-Rate-Limit-Remaining headers and sent again after a 429 (with
// Retry-After). A POST whose answer was lost (a 5xx, a reset, a timeout) is never sent again by
// the transport: it comes back to the loader, which looks for its result with Reconcile first.
// The credentials go only to the API's host and never into an error.
package zendesk

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/load"
)

// defaultConcurrency is the requests in flight the transport is sized for when Config leaves it 0.
const defaultConcurrency = 8

// maxBody bounds a response read into memory; errorBodyLimit an error response.
const (
	maxBody        = 64 << 20
	errorBodyLimit = 64 << 10
)

// resetMargin and retryDelay are the pacing margin and first retry backoff (zero: httpx's
// defaults); tests lower them.
var resetMargin, retryDelay time.Duration

// Config says how to reach one Zendesk account.
type Config struct {
	// BaseURL is https://{subdomain}.zendesk.com, or a simulator's URL; a path prefix is kept.
	BaseURL string
	// Email and Token are an agent's address and API token (Basic "{email}/token:{token}").
	// OAuthToken is sent as a bearer token instead when Email is empty. Secrets: never in errors.
	Email      string
	Token      string
	OAuthToken string
	// HTTPClient, when set, provides the innermost transport (tests).
	HTTPClient *http.Client
	// Counter, when set, counts every request on the wire (build it with httpx.NewCounter(httpx.Route)).
	Counter *httpx.Counter
	// Concurrency is how many requests the loader keeps in flight (default 8).
	Concurrency int
}

// String describes the configuration without its secrets.
func (c Config) String() string {
	return fmt.Sprintf("zendesk.Config{BaseURL: %q, Email: %q, Token: REDACTED, Concurrency: %d}", c.BaseURL, c.Email, c.Concurrency)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// Client reaches one Zendesk account. It implements load.Target and is safe for concurrent use.
type Client struct {
	base    *url.URL
	secrets []string // kept only to redact them from anything the server echoes
	http    *http.Client
	pacer   *httpx.Pacer
	counter *httpx.Counter
}

var _ load.Target = (*Client)(nil)

// String names the client's host, never its credentials.
func (c Client) String() string { return "zendesk client of " + httpx.RedactURL(c.base) }

// GoString is String, for %#v.
func (c Client) GoString() string { return c.String() }

// New checks cfg and builds the client. It makes no request.
func New(cfg Config) (*Client, error) {
	base, err := parseBase(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	auth, secrets, err := authorization(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Concurrency < 0 {
		return nil, fmt.Errorf("zendesk: concurrency is %d; want a positive number", cfg.Concurrency)
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = defaultConcurrency
	}
	c := &Client{base: base, secrets: secrets, counter: cfg.Counter}
	if c.counter == nil {
		c.counter = httpx.NewCounter(httpx.Route)
	}
	c.http, c.pacer = httpx.NewPacedClient(httpx.ClientConfig{
		BaseURL: base, Authorization: auth, Counter: c.counter,
		Base: httpx.SizedBase(cfg.HTTPClient, cfg.Concurrency),
		Pacing: httpx.PacingConfig{
			RemainingHeaders: []string{"ratelimit-remaining", "X-Rate-Limit-Remaining"},
			ResetHeaders:     []string{"ratelimit-reset"},
			Window:           time.Minute,
			ResetMargin:      resetMargin,
		},
		Retry: httpx.RetryConfig{BaseDelay: retryDelay},
	})
	return c, nil
}

// authorization builds the Authorization header from an email and API token, or a bearer token.
// Its errors never repeat a secret.
func authorization(cfg Config) (string, []string, error) {
	email, token, oauth := strings.TrimSpace(cfg.Email), strings.TrimSpace(cfg.Token), strings.TrimSpace(cfg.OAuthToken)
	switch {
	case email != "" && token != "":
		if strings.ContainsAny(token, " \t\r\n") {
			return "", nil, errors.New("zendesk: the API token contains white space; copy it again without line breaks")
		}
		raw := email + "/token:" + token
		enc := base64.StdEncoding.EncodeToString([]byte(raw))
		return "Basic " + enc, []string{token, enc}, nil
	case email != "":
		return "", nil, errors.New("zendesk: credential email is set but token is not (Admin Center > Apps and integrations > Zendesk API)")
	case oauth != "" || token != "":
		if oauth == "" {
			oauth = token
		}
		return "Bearer " + oauth, []string{oauth}, nil
	}
	return "", nil, errors.New("zendesk: no credentials; set the target's email and token credentials")
}

// Pacer is the transport's pacer.
func (c *Client) Pacer() *httpx.Pacer { return c.pacer }

// Stats returns the requests made so far per route, with the 429s, 5xx and network errors seen.
func (c *Client) Stats() map[string]httpx.RouteStats { return c.counter.Stats() }

// parseBase checks the base URL: http(s), a host, an optional path prefix, no credentials.
func parseBase(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("zendesk: no base_url; want https://{subdomain}.zendesk.com")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("zendesk: base_url is not a URL: %w", httpx.UnwrapURLError(err))
	}
	switch {
	case u.User != nil:
		return nil, errors.New("zendesk: base_url must not contain credentials; set them as credentials")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("zendesk: base_url %q: want an http or https URL such as https://example.zendesk.com", raw)
	case u.Host == "":
		return nil, fmt.Errorf("zendesk: base_url %q has no host", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("zendesk: base_url %q must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// call is one API request.
type call struct {
	method     string
	route      string // the path with ids templated
	path       string // the path below the base
	query      url.Values
	body       any    // encoded as JSON; nil sends none
	raw        []byte // a raw body (an upload's bytes), sent with rawType
	rawType    string
	idempotent bool   // a POST that may be sent again after a lost answer
	op         string // the plan op; empty for directory reads
}

func (cl *call) name() string { return cl.method + " " + cl.route }

func (cl *call) where() string {
	if cl.op == "" {
		return cl.name()
	}
	return fmt.Sprintf("%s (op %s)", cl.name(), cl.op)
}

// do sends the call and decodes a 2xx answer into out (nil: discarded). A non-2xx answer is an
// *apiError; no answer at all is a plain error naming the endpoint.
func (c *Client) do(ctx context.Context, cl *call, out any) (int, error) {
	u := *c.base
	u.Path = c.base.Path + cl.path
	u.RawQuery = cl.query.Encode()
	ctx = httpx.WithRoute(ctx, cl.name())
	if cl.idempotent {
		ctx = httpx.WithIdempotent(ctx, true)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), nil)
	if err != nil {
		return 0, fmt.Errorf("zendesk: %s: %w", cl.where(), httpx.UnwrapURLError(err))
	}
	body, ctype := cl.raw, cl.rawType
	if cl.body != nil {
		if body, err = httpx.MarshalJSON(cl.body); err != nil {
			return 0, fmt.Errorf("zendesk: %s: encoding the request: %w", cl.where(), err)
		}
		ctype = "application/json"
	}
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, fmt.Errorf("zendesk: %s: %w", cl.where(), ctx.Err())
		}
		return 0, fmt.Errorf("zendesk: %s: no answer from %s: %s", cl.where(), httpx.RedactURL(c.base), c.redact(httpx.UnwrapURLError(err).Error()))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, c.apiError(cl, resp)
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, errorBodyLimit))
		return resp.StatusCode, nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(out); err != nil {
		return resp.StatusCode, fmt.Errorf("zendesk: %s: reading the answer (%d): %w", cl.where(), resp.StatusCode, err)
	}
	return resp.StatusCode, nil
}

// apiError is a non-2xx answer: Zendesk's error name and description (with the field details of
// a RecordInvalid), the endpoint and the op.
type apiError struct {
	Status   int
	Code     string
	Message  string
	endpoint string
	op       string
}

func (e *apiError) Error() string {
	where := e.endpoint
	if e.op != "" {
		where += " (op " + e.op + ")"
	}
	return fmt.Sprintf("zendesk: %s: %d %s: %s", where, e.Status, e.Code, e.Message)
}

// Is lets errors.Is(err, httpx.ErrCredentials) and friends match by status.
func (e *apiError) Is(target error) bool { return (&httpx.StatusError{Status: e.Status}).Is(target) }

// retryable says whether the same request can succeed later: rate limits, timeouts, server errors.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500
}

func (e *apiError) opError() *load.OpError {
	return &load.OpError{Status: e.Status, Code: e.Code,
		Message:   fmt.Sprintf("%s (op %s): %s", e.endpoint, e.op, e.Message),
		Retryable: retryable(e.Status)}
}

// errorBody is Zendesk's error envelope; error is a name, or an object on some endpoints, and
// details maps a field to its complaints.
type errorBody struct {
	Error       json.RawMessage                           `json:"error"`
	Description string                                    `json:"description"`
	Details     map[string][]struct{ Description string } `json:"details"`
}

func (c *Client) apiError(cl *call, resp *http.Response) *apiError {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	e := &apiError{Status: resp.StatusCode, endpoint: cl.name(), op: cl.op}
	var eb errorBody
	if json.Unmarshal(b, &eb) == nil {
		var name string
		var obj struct{ Title, Message string }
		if json.Unmarshal(eb.Error, &name) == nil {
			e.Code = name
		} else if json.Unmarshal(eb.Error, &obj) == nil {
			e.Code, eb.Description = obj.Title, obj.Message
		}
		e.Message = eb.Description + details(eb.Details)
	}
	if e.Code == "" {
		e.Code = statusCode(resp.StatusCode)
	}
	if strings.TrimSpace(e.Message) == "" {
		e.Message = httpx.Snippet(b, 300)
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Message = c.redact(e.Message)
	return e
}

// details lists a RecordInvalid's field complaints in field order: "; External id: has already
// been taken".
func details(d map[string][]struct{ Description string }) string {
	fields := make([]string, 0, len(d))
	for f := range d {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var b strings.Builder
	for _, f := range fields {
		for _, x := range d[f] {
			fmt.Fprintf(&b, "; %s", x.Description) // Zendesk names the field in it
		}
	}
	return b.String()
}

// statusCode names a status for answers without Zendesk's envelope (a proxy's 502 page).
func statusCode(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return "RecordNotFound"
	case http.StatusConflict:
		return "Conflict"
	case http.StatusRequestTimeout:
		return "RequestTimeout"
	case http.StatusTooManyRequests:
		return "APIRateLimitExceeded"
	}
	if status >= 500 {
		return "ServerError"
	}
	return fmt.Sprintf("http_%d", status)
}

// redact removes the secrets from text the server or the network stack produced.
func (c *Client) redact(s string) string {
	for _, sec := range c.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "REDACTED")
		}
	}
	return s
}
