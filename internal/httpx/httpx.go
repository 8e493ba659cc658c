// Package httpx is the HTTP transport chain every API client of deskport shares: auth scoped to
// the API's host, pacing driven by the server's rate-limit headers, retries honouring 429 and
// Retry-After (and, for idempotent requests only, 5xx and network failures: a create whose answer
// was lost is left to the caller), request counting for benchmarks, and a typed error that names
// the endpoint.
//
// The chain, outermost first: Retry → Pacer → Counter → Auth → Base. Retries pass through the
// pacer, so they spend budget like any request; the counter sees every request on the wire; auth
// is applied to each attempt, on the API's host only.
package httpx

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"time"
)

// ClientConfig says how NewClient builds a client.
type ClientConfig struct {
	// BaseURL is the API's base; Authorization is sent only to its scheme and host.
	BaseURL *url.URL
	// Authorization is the header value ("Basic …", "Bearer …"); empty sends none. A secret.
	Authorization string
	Pacing        PacingConfig
	Retry         RetryConfig
	// Counter, when set, counts every request on the wire.
	Counter *Counter
	// Base is the innermost transport; nil means a clone of http.DefaultTransport with timeouts.
	Base http.RoundTripper
}

// NewClient wires the chain. The client has no overall timeout: waiting for a rate-limit reset
// is legitimate; stalled connections are cut by the base transport's timeouts instead.
func NewClient(cfg ClientConfig) *http.Client {
	c, _ := NewPacedClient(cfg)
	return c
}

// NewPacedClient is NewClient that also returns the chain's pacer, for callers that choose what
// to fetch by whether a budget is spent (Pacer.Exhausted).
func NewPacedClient(cfg ClientConfig) (*http.Client, *Pacer) {
	rt := cfg.Base
	if rt == nil {
		rt = DefaultBase()
	}
	if cfg.BaseURL != nil {
		rt = NewAuth(rt, cfg.BaseURL, cfg.Authorization)
	}
	if cfg.Counter != nil {
		rt = cfg.Counter.Transport(rt)
	}
	pacer := NewPacer(rt, cfg.Pacing)
	return &http.Client{Transport: NewRetry(pacer, cfg.Retry)}, pacer
}

// DefaultBase is http.DefaultTransport with a bound on waiting for response headers, so a stalled
// server becomes a timeout the retry layer can act on.
func DefaultBase() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.ResponseHeaderTimeout = 2 * time.Minute
	t.MaxIdleConnsPerHost = 64
	return t
}

// SizedBase is the innermost transport of a client that keeps concurrency requests in flight to
// one host: hc's transport (DefaultBase when hc or its transport is nil), cloned to keep that many
// idle connections, since http.DefaultTransport keeps 2 per host and the others would be closed
// after each answer and opened again (a TLS handshake each time). A transport that is not an
// *http.Transport is the caller's own, returned as it is.
func SizedBase(hc *http.Client, concurrency int) http.RoundTripper {
	var rt http.RoundTripper
	if hc != nil {
		rt = hc.Transport
	}
	if rt == nil {
		rt = DefaultBase()
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		return rt
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, concurrency+concurrency/4)
	if t.MaxIdleConns != 0 {
		t.MaxIdleConns = max(t.MaxIdleConns, 2*concurrency)
	}
	if t.MaxConnsPerHost != 0 {
		t.MaxConnsPerHost = max(t.MaxConnsPerHost, 2*concurrency)
	}
	return t
}

// MarshalJSON encodes a request body as JSON without escaping <, > and &: help desk bodies are
// HTML, which escaped would be larger and harder to read in the target's logs.
func MarshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
