package zendesk

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/sandbox/gen"
	sim "github.com/deskport/deskport/sandbox/zendesk"
)

func init() {
	resetMargin, retryDelay = 20*time.Millisecond, time.Millisecond
}

// The simulator's credentials; the token must never appear in output.
const (
	testEmail = sim.DefaultEmail
	testToken = sim.DefaultToken
)

// env is the Zendesk simulator on a fresh small account, and a client of it whose requests are
// recorded as they go on the wire.
type env struct {
	t      *testing.T
	sim    *sim.Server
	url    string
	rec    *recorder
	client *Client
	people map[string]int64 // placeholder → user id: end_user, agent, admin
}

func newEnv(t *testing.T, opts sim.Options) *env {
	t.Helper()
	acct := gen.Generate(gen.Options{Seed: 11, Tickets: 2})
	if opts.RateLimit == 0 {
		opts.RateLimit = -1
	}
	opts.IncrementalRateLimit = -1
	s := sim.New(acct, opts)
	mux := http.NewServeMux()
	mux.Handle("/zendesk/", http.StripPrefix("/zendesk", s))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	e := &env{t: t, sim: s, url: hs.URL + "/zendesk", rec: &recorder{next: hs.Client().Transport}, people: map[string]int64{}}
	c, err := New(Config{BaseURL: e.url, Email: testEmail, Token: testToken, HTTPClient: &http.Client{Transport: e.rec}, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	acct.RLock()
	defer acct.RUnlock()
	for _, u := range acct.Users {
		key := map[string]string{gen.RoleEndUser: "end_user", gen.RoleAgent: "agent", gen.RoleAdmin: "admin"}[u.Role]
		if _, ok := e.people[key]; !ok {
			e.people[key] = u.ID
		}
	}
	return e
}

// fill replaces "{{end_user}}", "{{agent}}" and "{{admin}}" in a payload with the account's ids.
func (e *env) fill(payload []byte) []byte {
	s := string(payload)
	for k, id := range e.people {
		s = strings.ReplaceAll(s, `"{{`+k+`}}"`, strconv.FormatInt(id, 10))
	}
	return []byte(s)
}

// recorded is one request as sent.
type recorded struct {
	Method, Path, Query string
	Body                []byte
	Auth                string
}

// recorder is the innermost transport: it sees every request on the wire, retries included.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{Method: req.Method, Path: strings.TrimPrefix(req.URL.Path, "/zendesk"),
		Query: req.URL.RawQuery, Body: body, Auth: req.Header.Get("Authorization")})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// take returns the requests recorded since the last take.
func (r *recorder) take() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.reqs
	r.reqs = nil
	return out
}

// memFiles serves attachment contents by source id.
type memFiles struct{ files map[string]string }

func (m *memFiles) Open(_ context.Context, a load.Attachment) (io.ReadCloser, error) {
	content, ok := m.files[a.SourceID]
	if !ok {
		return nil, io.ErrUnexpectedEOF
	}
	return io.NopCloser(strings.NewReader(content)), nil
}
