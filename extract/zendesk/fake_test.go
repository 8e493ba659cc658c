package zendesk

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// The fake account: each API request (path below the base, query sorted and decoded) maps to a
// recorded page under testdata/; "404:" marks a Zendesk not-found answer.
var fixtureRoutes = map[string]string{
	"/api/v2/incremental/tickets/cursor.json?start_time=0":                                                                                                      "tickets_1.json",
	"/api/v2/incremental/tickets/cursor.json?cursor=MTcwOTY0MDAwMC4wfHw5MDA3MTk5MjU0NzQwOTk3fA==":                                                               "tickets_2.json",
	"/api/v2/incremental/tickets/cursor.json?start_time=1708387200":                                                                                             "tickets_from_1708387200.json",
	"/api/v2/incremental/users/cursor.json?start_time=0":                                                                                                        "users_1.json",
	"/api/v2/incremental/organizations.json?start_time=0":                                                                                                       "organizations_1.json",
	"/api/v2/incremental/organizations.json?start_time=1704153600":                                                                                              "organizations_2.json",
	"/api/v2/incremental/ticket_events.json?include=comment_events&start_time=0":                                                                                "ticket_events_1.json",
	"/api/v2/incremental/ticket_events.json?include=comment_events&start_time=1708387200":                                                                       "ticket_events_2.json",
	"/api/v2/groups.json?page[size]=100":                                                                                                                        "groups_1.json",
	"/api/v2/groups.json?page[after]=Z3JvdXBzLTI=&page[size]=100":                                                                                               "groups_2.json",
	"/api/v2/ticket_fields.json?page[size]=100":                                                                                                                 "ticket_fields.json",
	"/api/v2/tickets/9007199254740993/comments.json?include_inline_images=true&page[size]=100":                                                                  "comments_9007199254740993_1.json",
	"/api/v2/tickets/9007199254740995/comments.json?include_inline_images=true&page[size]=100":                                                                  "comments_9007199254740995.json",
	"/api/v2/tickets/9007199254740999/comments.json?include_inline_images=true&page[size]=100":                                                                  "comments_9007199254740999.json",
	"/api/v2/tickets/9007199254741001/comments.json?include_inline_images=true&page[size]=100":                                                                  "404:not_found.json",
	"/api/v2/tickets/9007199254740993/comments.json?include_inline_images=true&page[after]=eyJvIjoiY3JlYXRlZF9hdCIsInYiOiJaREVBQUFBQUFBQUEifQ==&page[size]=100": "comments_9007199254740993_2.json",
	// The recorded account has no Help Center: its Guide lists answer 404.
	"/api/v2/help_center/categories.json?page[size]=100":                  "404:not_found.json",
	"/api/v2/help_center/sections.json?page[size]=100":                    "404:not_found.json",
	"/api/v2/help_center/incremental/articles.json?start_time=0":          "404:not_found.json",
	"/api/v2/help_center/incremental/articles.json?start_time=1708387200": "404:not_found.json",
}

const (
	testEmail = "agent@acme.example"
	testToken = "tok3n-s3cret"
)

var testAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(testEmail+"/token:"+testToken))

// fakeZendesk serves the recorded pages under /zendesk and records what it was asked. other
// stands for the hosts next-page and attachment links name: nothing may ever reach it.
type fakeZendesk struct {
	t          *testing.T
	api, other *httptest.Server
	routes     map[string]string
	mu         sync.Mutex
	seen       []string // route keys requested
	unexpected []string
	otherHits  []string
}

func newFakeZendesk(t *testing.T) *fakeZendesk {
	f := &fakeZendesk{t: t, routes: fixtureRoutes}
	f.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.otherHits = append(f.otherHits, r.URL.String()+" auth="+r.Header.Get("Authorization"))
		f.mu.Unlock()
	}))
	f.api = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() { f.api.Close(); f.other.Close() })
	return f
}

func (f *fakeZendesk) baseURL() string { return f.api.URL + "/zendesk" }

func routeKey(r *http.Request) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + q.Get(k)
	}
	return strings.TrimPrefix(r.URL.Path, "/zendesk") + "?" + strings.Join(parts, "&")
}

func (f *fakeZendesk) serve(w http.ResponseWriter, r *http.Request) {
	key := routeKey(r)
	f.mu.Lock()
	f.seen = append(f.seen, key)
	file, ok := f.routes[key]
	if !ok {
		f.unexpected = append(f.unexpected, key)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if strings.Contains(r.URL.Path, "/api/v2/incremental/") {
		w.Header().Set("ratelimit-limit", "10")
		w.Header().Set("ratelimit-remaining", "9")
		w.Header().Set("ratelimit-reset", "60")
	} else {
		w.Header().Set("X-Rate-Limit", "700")
		w.Header().Set("X-Rate-Limit-Remaining", "699")
	}
	switch {
	case r.Header.Get("Authorization") != testAuth:
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":"Couldn't authenticate you"}`)
		return
	case !ok:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":"InvalidEndpoint","description":"Not found"}`)
		return
	case strings.HasPrefix(file, "404:"):
		w.WriteHeader(http.StatusNotFound)
		file = strings.TrimPrefix(file, "404:")
	case strings.HasPrefix(file, "raw:"):
		fmt.Fprint(w, strings.TrimPrefix(file, "raw:"))
		return
	}
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		f.t.Errorf("fixture %s: %v", file, err)
	}
	_, _ = w.Write([]byte(strings.ReplaceAll(string(b), "{{OTHER}}", f.other.URL)))
}

// check fails the test if the extractor asked for a page the account does not have, or reached
// the other host.
func (f *fakeZendesk) check(t *testing.T) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.unexpected) > 0 {
		t.Errorf("unexpected requests: %q", f.unexpected)
	}
	if len(f.otherHits) > 0 {
		t.Errorf("the other host was contacted: %q", f.otherHits)
	}
}

func (f *fakeZendesk) source(t *testing.T, opts map[string]string) *Source {
	t.Helper()
	src, err := New(extract.Config{
		System: "zendesk", BaseURL: f.baseURL(), Options: opts,
		Credentials: map[string]string{"email": testEmail, "token": testToken},
	})
	if err != nil {
		t.Fatal(err)
	}
	return src.(*Source)
}

// memSink keeps the latest row of each source id, as the staging store's canonical views do.
// failAt makes that write (1-based) fail with failErr, storing nothing.
type memSink struct {
	mu      sync.Mutex
	cursors map[string][]byte
	rows    map[schema.Entity]map[string]map[string]any
	staged  map[schema.Entity]int
	skips   map[extract.Skip]bool
	writes  int
	failAt  int
	failErr func() error
}

var errSinkDown = errors.New("sink: disk full")

func newMemSink() *memSink {
	return &memSink{cursors: map[string][]byte{}, rows: map[schema.Entity]map[string]map[string]any{},
		staged: map[schema.Entity]int{}, skips: map[extract.Skip]bool{}}
}

func (s *memSink) Cursor(_ context.Context, stream string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursors[stream], nil
}

func (s *memSink) WritePage(_ context.Context, p extract.Page) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		for _, b := range p.Batches {
			b.Records.Release()
		}
	}()
	s.writes++
	if s.writes == s.failAt {
		if s.failErr != nil {
			return s.failErr()
		}
		return errSinkDown
	}
	for _, b := range p.Batches {
		js, err := b.Records.MarshalJSON()
		if err != nil {
			return err
		}
		var rows []map[string]any
		if err := json.Unmarshal(js, &rows); err != nil {
			return err
		}
		if s.rows[b.Entity] == nil {
			s.rows[b.Entity] = map[string]map[string]any{}
		}
		for _, row := range rows {
			s.rows[b.Entity][row["source_id"].(string)] = row
		}
		s.staged[b.Entity] += len(rows)
	}
	for _, sk := range p.Skips {
		s.skips[sk] = true
	}
	s.cursors[p.Stream] = p.Cursor
	return nil
}

// snapshot is the sink's canonical content in a stable order, for golden files and comparisons.
type snapshot struct {
	Rows  map[schema.Entity][]map[string]any `json:"rows"`
	Skips []extract.Skip                     `json:"skips"`
}

// snapshot renders the sink. pathFree drops what depends on which path read a comment: the
// comment payload (the events export and the per-ticket endpoint wrap a comment differently),
// the threads of deleted tickets (only the events export has them) and comment skips.
func (s *memSink) snapshot(pathFree bool) snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	deleted := map[string]bool{}
	for id, t := range s.rows[schema.Tickets] {
		if t["deleted"] == true {
			deleted[id] = true
		}
	}
	out := snapshot{Rows: map[schema.Entity][]map[string]any{}}
	for e, byID := range s.rows {
		for _, row := range byID {
			if pathFree && (e == schema.Comments || e == schema.Attachments) {
				if tid, _ := row["ticket_id"].(string); deleted[tid] {
					continue
				}
				if e == schema.Comments {
					row = maps.Clone(row)
					delete(row, "payload")
				}
			}
			out.Rows[e] = append(out.Rows[e], row)
		}
		slices.SortFunc(out.Rows[e], func(a, b map[string]any) int {
			return strings.Compare(a["source_id"].(string), b["source_id"].(string))
		})
	}
	for sk := range s.skips {
		if pathFree && sk.Entity == schema.Comments {
			continue
		}
		out.Skips = append(out.Skips, sk)
	}
	slices.SortFunc(out.Skips, func(a, b extract.Skip) int {
		return strings.Compare(string(a.Entity)+a.SourceID+a.Reason, string(b.Entity)+b.SourceID+b.Reason)
	})
	return out
}

// json renders the snapshot with the other host's random address replaced by {{OTHER}}.
func (s snapshot) json(t *testing.T, f *fakeZendesk) []byte {
	t.Helper()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.ReplaceAll(b, []byte(f.other.URL), []byte("{{OTHER}}"))
	return append(b, '\n')
}

// countingProgress records progress reports.
type countingProgress struct {
	mu sync.Mutex
	n  map[schema.Entity]int
}

func (p *countingProgress) Add(e schema.Entity, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == nil {
		p.n = map[schema.Entity]int{}
	}
	p.n[e] += n
}
