package zendesk

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// clock is an injectable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a simulator mounted under /zendesk on an httptest server, the way
// the sandbox mounts it.
type env struct {
	t     *testing.T
	srv   *Server
	http  *httptest.Server
	base  string // http://127.0.0.1:P/zendesk
	clock *clock
}

// accounts caches generated accounts per size: they are only read.
var accounts sync.Map

func account(tickets int) *gen.Account {
	if a, ok := accounts.Load(tickets); ok {
		return a.(*gen.Account)
	}
	a := gen.Generate(gen.Options{Seed: 42, Tickets: tickets})
	accounts.Store(tickets, a)
	return a
}

// unlimited switches the rate limits off, for tests walking whole streams.
func unlimited(o Options) Options {
	o.RateLimit, o.IncrementalRateLimit = -1, -1
	return o
}

func newEnv(t *testing.T, acct *gen.Account, opts Options) *env {
	t.Helper()
	c := &clock{now: time.Date(2026, 3, 1, 10, 0, 15, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = c.Now
	}
	srv := New(acct, opts)
	mux := http.NewServeMux()
	mux.Handle("/zendesk/", http.StripPrefix("/zendesk", srv))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return &env{t: t, srv: srv, http: hs, base: hs.URL + "/zendesk", clock: c}
}

var demoAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(DefaultEmail+"/token:"+DefaultToken))

// do sends a GET with the given Authorization header ("" for none).
func (e *env) do(rawURL, auth string) (*http.Response, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatalf("GET %s: %v", rawURL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, body
}

// get fetches an API URL (absolute, or a path under the base) and decodes
// the JSON with UseNumber, failing unless the status is 200.
func (e *env) get(pathOrURL string) map[string]any {
	e.t.Helper()
	u := pathOrURL
	if u[0] == '/' {
		u = e.base + u
	}
	resp, body := e.do(u, demoAuth)
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	return decode(e.t, body)
}

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // ids above 2^53 must survive
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decoding %.200s: %v", body, err)
	}
	return m
}

// id reads an integer field exactly.
func id(t *testing.T, obj any, field string) int64 {
	t.Helper()
	n, ok := obj.(map[string]any)[field].(json.Number)
	if !ok {
		t.Fatalf("%s is %T, not a JSON integer", field, obj.(map[string]any)[field])
	}
	v, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil {
		t.Fatalf("%s = %s: %v", field, n, err)
	}
	return v
}

func items(m map[string]any, key string) []any {
	v, _ := m[key].([]any)
	return v
}

// host returns the host:port of a URL.
func host(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// requireKeys fails unless every key is present in obj.
func requireKeys(t *testing.T, what string, obj any, keys ...string) {
	t.Helper()
	m := obj.(map[string]any)
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: missing %q", what, k)
		}
	}
}
