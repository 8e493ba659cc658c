package zendesk

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/deskport/deskport/internal/httpx"
)

// Budget classes: the incremental exports have their own small budget (10 requests a minute);
// everything else spends the plan's.
const (
	classIncremental = "incremental"
	classDefault     = "default"
)

// resetMargin is the first margin waited past a rate-limit reset (zero: httpx's default); tests
// with short windows lower it.
var resetMargin time.Duration

// maxBody bounds a page read into memory; real pages are a few megabytes.
const maxBody = 256 << 20

// api reaches one Zendesk account: every request goes to the configured base URL, whatever host
// a next-page link names.
type api struct {
	base    *url.URL // scheme, host and path prefix, no trailing slash
	client  *http.Client
	pacer   *httpx.Pacer
	counter *httpx.Counter
}

// newAPI builds the client. incrementalLimit is the incremental exports' budget a window: Zendesk
// counts those requests against the plan's limit too, so per-ticket requests leave that many of
// the plan's budget to them.
func newAPI(base *url.URL, authorization string, httpClient *http.Client, incrementalLimit int) *api {
	a := &api{base: base}
	a.counter = httpx.NewCounter(a.route)
	var rt http.RoundTripper
	if httpClient != nil {
		rt = httpClient.Transport
	}
	a.client, a.pacer = httpx.NewPacedClient(httpx.ClientConfig{
		BaseURL: base, Authorization: authorization, Counter: a.counter, Base: rt,
		Pacing: httpx.PacingConfig{Class: a.class, ResetMargin: resetMargin,
			Reserve: map[string]int{classDefault: incrementalLimit}},
	})
	return a
}

func (a *api) class(req *http.Request) string {
	if strings.Contains(req.URL.Path, "/api/v2/incremental/") {
		return classIncremental
	}
	return classDefault
}

var numericSegment = regexp.MustCompile(`/\d+(/|\.json$|$)`)

// route names an endpoint without its ids, so calls to /tickets/1/comments and
// /tickets/2/comments are counted together.
func (a *api) route(req *http.Request) string {
	p := strings.TrimPrefix(req.URL.Path, a.base.Path)
	return numericSegment.ReplaceAllString(p, "/{id}$1")
}

// get fetches path (below the base URL) with query and hands the body of a 2xx response to
// decode. The body is only valid during decode: its buffer serves the next request after.
func (a *api) get(ctx context.Context, path string, query url.Values, decode func(body []byte) error) error {
	u := *a.base
	u.Path = a.base.Path + path
	u.RawPath = ""
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("zendesk: GET %s: %w", path, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("zendesk: cannot reach %s: %w", httpx.RedactURL(a.base), httpx.UnwrapURLError(err))
	}
	defer resp.Body.Close()
	if err := httpx.CheckResponse(resp); err != nil {
		return statusError(path, err)
	}
	err = httpx.ReadBody(resp, maxBody, decode)
	if errors.Is(err, httpx.ErrReadingBody) {
		return fmt.Errorf("zendesk: GET %s: %w", path, err)
	}
	return err
}

// getDecoded fetches one page and decodes it, naming the endpoint when the page cannot be parsed.
// decode must copy what it keeps of the body (json.Unmarshal does).
func getDecoded[T any](ctx context.Context, a *api, path string, query url.Values, decode func(body []byte) (T, error)) (T, error) {
	var v T
	err := a.get(ctx, path, query, func(body []byte) error {
		var err error
		if v, err = decode(body); err != nil {
			return fmt.Errorf("zendesk: cannot parse GET %s?%s: %w", path, query.Encode(), err)
		}
		return nil
	})
	return v, err
}

// apiError words an API failure for people while keeping the *httpx.StatusError for errors.Is.
type apiError struct {
	msg string
	err error
}

func (e *apiError) Error() string { return e.msg }
func (e *apiError) Unwrap() error { return e.err }

func statusError(path string, err error) error {
	var se *httpx.StatusError
	if errors.As(err, &se) && errors.Is(err, httpx.ErrCredentials) {
		return &apiError{fmt.Sprintf("zendesk: credentials rejected by GET %s (%d)", path, se.Status), err}
	}
	return fmt.Errorf("zendesk: %w", err)
}

// linkParam reads one query parameter of a next-page link. Only the parameter is used: the link's
// host may be another one, which is never contacted and never sees the credentials.
func linkParam(link, name string) string {
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Query().Get(name)
}

// authorization builds the Authorization header value from the configured credentials.
func authorization(creds map[string]string) (string, error) {
	email, token, oauth := creds["email"], creds["token"], creds["oauth_token"]
	switch {
	case oauth != "":
		return "Bearer " + oauth, nil
	case email != "" && token != "":
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(email+"/token:"+token)), nil
	case email != "" || token != "":
		return "", errors.New("zendesk: credentials: email and token go together")
	}
	return "", errors.New("zendesk: credentials: set email and token, or oauth_token")
}

// parseBase checks the base URL: http(s), a host, an optional path prefix, no credentials.
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// The url.Error would repeat the text, which may hold a password.
		return nil, fmt.Errorf("zendesk: base_url is not a URL: %w", httpx.UnwrapURLError(err))
	}
	if u.User != nil {
		return nil, errors.New("zendesk: base_url must not contain credentials; set them as credentials")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("zendesk: base_url %q: want an http or https URL such as https://acme.zendesk.com", raw)
	case u.Host == "":
		return nil, fmt.Errorf("zendesk: base_url %q has no host", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("zendesk: base_url %q must not have a query or fragment", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}
