package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/internal/staging"
	sim "github.com/deskport/deskport/sandbox/intercom"
	"github.com/deskport/deskport/schema"
)

// clock is the simulator's time, moved by the test so a delta has a before and an after.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// truncSink is a memSink that also keeps the truncations written.
type truncSink struct {
	*memSink
	truncations []extract.Truncation
}

func (s *truncSink) WritePage(ctx context.Context, p extract.Page) error {
	s.truncations = append(s.truncations, p.Truncations...)
	return s.memSink.WritePage(ctx, p)
}

func newTruncSink() *truncSink {
	return &truncSink{memSink: &memSink{rows: map[schema.Entity]map[string]map[string]any{}, cursors: map[string][]byte{}}}
}

// workspace is a seeded simulator: 60 companies (two scroll pages), users and leads, three short
// conversations, one of 600 parts, and three tickets.
func workspace(t *testing.T) (*sim.Server, string, sim.Seeded, *clock) {
	t.Helper()
	c := &clock{now: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	srv := sim.New(sim.Options{Strict: true, RateLimit: -1, Now: c.Now,
		Teams: []sim.Team{{Name: "Billing"}}})
	seeded, err := sim.Seed(srv, sim.SeedSpec{Contacts: 6, Companies: 60, Conversations: 3, PartsPer: 4,
		LongThread: 600, Tickets: 3, CreatedAt: 1600000000})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs.URL, seeded, c
}

func desk() extract.Request { return extract.Request{Entities: deskEntities} }

// TestExtractWorkspace: every record once with its source timestamps, roles kept, parts as
// comments (notes private), and the 600-part conversation staged with its 500 most recent parts
// and reported truncated.
func TestExtractWorkspace(t *testing.T) {
	srv, base, seeded, _ := workspace(t)
	for i := range 12 { // more than the 10 a contact embeds
		tag := apiPost(t, base, "/tags", map[string]any{"name": "t" + strconv.Itoa(i)})["id"]
		apiPost(t, base, "/contacts/"+seeded.Contacts[0]+"/tags", map[string]any{"id": tag})
	}
	sink := newTruncSink()
	if err := source(t, base).Extract(t.Context(), desk(), sink, nil); err != nil {
		t.Fatal(err)
	}
	wantComments, conv := 0, map[string]sim.Conversation{}
	for _, c := range srv.Conversations() {
		wantComments += 1 + min(len(c.Parts), 500)
		conv[c.ID] = c
	}
	for _, tk := range srv.Tickets() {
		wantComments += len(tk.Parts)
	}
	long := conv[seeded.LongThread]
	lastPart := long.Parts[len(long.Parts)-1]
	firstShown := long.Parts[100]
	tk := srv.Tickets()[0]
	titleAttr := srv.TicketTypes()[0].Attributes[0]
	rows := sink.rows
	checks := []struct {
		what      string
		got, want any
	}{
		{"agents", len(rows[schema.Agents]), len(srv.Admins())},
		{"groups", len(rows[schema.Groups]), 1},
		{"contacts", len(rows[schema.Contacts]), 6},
		{"lead role", rows[schema.Contacts][seeded.Leads[0]]["role"], "lead"},
		{"companies", len(rows[schema.Companies]), 60},
		{"company of contact 0", rows[schema.Contacts][seeded.Contacts[0]]["organization_id"], seeded.Companies[0]},
		{"tickets", len(rows[schema.Tickets]), 4 + 3},
		{"comments", len(rows[schema.Comments]), wantComments},
		{"conversation channel", rows[schema.Tickets][long.ID]["channel"], ChannelConversation},
		{"conversation created_at", rows[schema.Tickets][long.ID]["created_at"], stamp(long.CreatedAt)},
		{"conversation closed", rows[schema.Tickets][long.ID]["status"], "closed"},
		{"last part kept", rows[schema.Comments][lastPart.ID]["channel"], "close"},
		{"part created_at", rows[schema.Comments][firstShown.ID]["created_at"], stamp(firstShown.CreatedAt)},
		{"part author", rows[schema.Comments][firstShown.ID]["author_id"], firstShown.AuthorID},
		{"note private", rows[schema.Comments][long.Parts[101].ID]["public"], long.Parts[101].PartType != "note"},
		{"oldest parts absent", rows[schema.Comments][long.Parts[99].ID] == nil, true},
		{"ticket channel", rows[schema.Tickets][tk.ID]["channel"], ChannelTicket},
		{"ticket type", rows[schema.Tickets][tk.ID]["type"], "Seed bug"},
		{"ticket subject", rows[schema.Tickets][tk.ID]["subject"], tk.Title()},
		{"ticket state", rows[schema.Tickets][tk.ID]["status"], tk.State},
		{"ticket created_at", rows[schema.Tickets][tk.ID]["created_at"], stamp(tk.CreatedAt)},
		{"truncations", len(sink.truncations), 1},
		{"tags past the embedded 10", len(rows[schema.Contacts][seeded.Contacts[0]]["tags"].([]any)), 12},
		{"ticket fields", len(rows[schema.TicketFields]), len(srv.TicketTypes()[0].Attributes)},
		{"title field", rows[schema.TicketFields][titleAttr.ID]["title"], titleAttr.Name},
		{"ticket custom fields by field id", strings.Contains(fmt.Sprint(rows[schema.Tickets][tk.ID]["custom_fields"]), `"`+titleAttr.ID+`":`), true},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
		}
	}
	if len(sink.truncations) == 1 {
		tr := sink.truncations[0]
		if tr.SourceID != long.ID || tr.Total != 600 || tr.Fetched != 500 || tr.Entity != schema.Tickets {
			t.Errorf("truncation %+v, want conversation %s with 500 of 600", tr, long.ID)
		}
	}
}

// stamp is a unix time as the Arrow JSON of a timestamp column reads.
func stamp(s int64) string { return time.Unix(s, 0).UTC().Format("2006-01-02T15:04:05") }

// TestExtractDelta: after a full extract, a delta fetches only the records changed since.
func TestExtractDelta(t *testing.T) {
	srv, base, seeded, c := workspace(t)
	if err := source(t, base).Extract(t.Context(), desk(), newTruncSink(), nil); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Hour)
	since := c.Now()
	c.Advance(time.Minute)
	changes := sim.SeedChanges{Contacts: seeded.Contacts[1:2], Conversations: seeded.Conversations[2:3], Tickets: seeded.Tickets[:1]}
	if err := sim.Change(srv, changes); err != nil {
		t.Fatal(err)
	}
	sink := newTruncSink()
	if err := source(t, base).Extract(t.Context(), extract.Request{Entities: deskEntities, Since: since}, sink, nil); err != nil {
		t.Fatal(err)
	}
	ids := func(e schema.Entity) map[string]bool {
		out := map[string]bool{}
		for id := range sink.rows[e] {
			out[id] = true
		}
		return out
	}
	if got := ids(schema.Contacts); len(got) != 1 || !got[seeded.Contacts[1]] {
		t.Errorf("delta contacts %v, want only %s", got, seeded.Contacts[1])
	}
	if got := ids(schema.Tickets); len(got) != 2 || !got[seeded.Conversations[2]] || !got[seeded.Tickets[0]] {
		t.Errorf("delta tickets %v, want %s and %s", got, seeded.Conversations[2], seeded.Tickets[0])
	}
	if got := len(sink.rows[schema.Companies]); got != 0 {
		t.Errorf("delta companies: %d, want none (none changed)", got)
	}
}

// TestExtractResume: an extract that fails at a write of one stream (a crash between two pages)
// resumes on the next run from its cursors, including one stopped mid-scroll; the canonical tables
// then hold every record once, and no comment was staged twice.
func TestExtractResume(t *testing.T) {
	cases := []struct {
		stream string
		page   int
	}{{streamCompanies, 2}, {streamConversations, 1}, {streamTickets, 1}}
	for _, c := range cases {
		t.Run(c.stream, func(t *testing.T) {
			srv, base, _, _ := workspace(t)
			store, err := staging.Open(t.Context(), filepath.Join(t.TempDir(), "staging.duckdb"))
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			spec := staging.SnapshotSpec{Source: "intercom", BaseURL: base, Entities: deskEntities}
			for run, fail := range []bool{true, false} {
				sn, err := store.StartSnapshot(t.Context(), spec)
				if err != nil {
					t.Fatal(err)
				}
				sink := &failingSink{Snapshot: sn, stream: c.stream, failAt: c.page}
				if !fail {
					sink.failAt = 0
				}
				runErr := source(t, base).Extract(t.Context(), desk(), sink, nil)
				if err := sn.Finish(t.Context(), runErr); err != nil {
					t.Fatal(err)
				}
				if (runErr != nil) != fail || sn.Resumed != (run == 1) {
					t.Fatalf("run %d: %v (resumed %v)", run, runErr, sn.Resumed)
				}
			}
			checkStaged(t, store, srv)
		})
	}
}

// checkStaged compares the canonical tables with the simulator's records: each once.
func checkStaged(t *testing.T, store *staging.Store, srv *sim.Server) {
	t.Helper()
	comments := 0
	for _, c := range srv.Conversations() {
		comments += 1 + min(len(c.Parts), 500)
	}
	for _, tk := range srv.Tickets() {
		comments += len(tk.Parts)
	}
	want := map[string]int{"tickets": len(srv.Conversations()) + len(srv.Tickets()), "comments": comments,
		"contacts": 6, "companies": 60, "agents": len(srv.Admins()), "groups": 1}
	for table, n := range want {
		var canonical, distinct int
		q := "SELECT count(*), count(DISTINCT source_id) FROM " + table
		if err := store.DB().QueryRowContext(t.Context(), q).Scan(&canonical, &distinct); err != nil {
			t.Fatal(err)
		}
		if canonical != n || distinct != n {
			t.Errorf("%s: %d rows, %d distinct, want %d", table, canonical, distinct, n)
		}
	}
	var rawComments int
	store.DB().QueryRowContext(t.Context(), "SELECT count(*) FROM raw_comments").Scan(&rawComments)
	if rawComments != comments {
		t.Errorf("raw_comments: %d rows for %d comments: a page was staged twice", rawComments, comments)
	}
	trs, err := store.Truncations(t.Context(), 0)
	if err != nil || len(trs) != 1 || trs[0].Total != 600 || trs[0].Fetched != 500 {
		t.Errorf("truncations %+v (%v), want one of 500/600", trs, err)
	}
}

// failingSink fails the failAt-th write of one stream, as a crash between two pages would.
type failingSink struct {
	*staging.Snapshot
	stream         string
	failAt, writes int
}

func (s *failingSink) WritePage(ctx context.Context, p extract.Page) error {
	if p.Stream == s.stream {
		if s.writes++; s.writes == s.failAt {
			for _, b := range p.Batches {
				b.Records.Release()
			}
			return errSinkDown
		}
	}
	return s.Snapshot.WritePage(ctx, p)
}

// TestExtractPacesToRateLimit: with a budget of 8 requests a second, an extract of about twenty
// calls waits for the windows the X-RateLimit headers announce instead of running into 429s.
func TestExtractPacesToRateLimit(t *testing.T) {
	srv := sim.New(sim.Options{Strict: true, RateLimit: -1, RateWindow: time.Second})
	if _, err := sim.Seed(srv, sim.SeedSpec{Contacts: 3, Companies: 2, Conversations: 3, PartsPer: 2, Tickets: 2}); err != nil {
		t.Fatal(err)
	}
	srv.SetRateLimit(8)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	// Start at a fresh window, so the seeding's requests do not share the first one.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	before := srv.Stats()
	sink := newTruncSink()
	started := time.Now()
	if err := source(t, hs.URL).Extract(t.Context(), desk(), sink, nil); err != nil {
		t.Fatal(err)
	}
	st := srv.Stats()
	calls, limited := st.RequestsTotal-before.RequestsTotal, st.RateLimitedTotal-before.RateLimitedTotal
	t.Logf("%d calls in %s, %d answered 429, statuses %v", calls, time.Since(started).Round(time.Millisecond), limited, st.StatusCounts)
	if limited != 0 || calls <= 8 || len(sink.rows[schema.Tickets]) != 5 {
		t.Errorf("%d calls, %d answered 429, %d tickets; want more than one window's 8, no 429, 5 tickets",
			calls, limited, len(sink.rows[schema.Tickets]))
	}
}

// apiPost sends a request to the simulator as a client would, and returns its answer.
func apiPost(t *testing.T, base, path string, body map[string]any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+sim.DefaultToken)
	req.Header.Set("Intercom-Version", Version)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d %v", path, resp.StatusCode, err)
	}
	return out
}

// failOne answers one path with a fixed status and an Intercom error body, and passes the rest on.
type failOne struct {
	path   string
	status int
}

func (f failOne) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.URL.Path != f.path {
		return http.DefaultTransport.RoundTrip(req)
	}
	body := `{"type":"error.list","request_id":"r1","errors":[{"code":"x","message":"refused"}]}`
	return &http.Response{StatusCode: f.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

// TestExtractConversationGoneOrRefused: a conversation deleted between its listing and its
// reading is skipped with the reason and the rest staged; any other refusal stops the stream
// with an error naming the endpoint.
func TestExtractConversationGoneOrRefused(t *testing.T) {
	_, base, seeded, _ := workspace(t)
	gone := seeded.Conversations[1]
	cases := []struct {
		status  int
		wantErr bool
	}{{http.StatusNotFound, false}, {http.StatusForbidden, true}}
	for _, c := range cases {
		t.Run(strconv.Itoa(c.status), func(t *testing.T) {
			client := &http.Client{Transport: failOne{path: "/conversations/" + gone, status: c.status}}
			src, err := New(extract.Config{BaseURL: base, Credentials: map[string]string{"token": sim.DefaultToken}, HTTPClient: client})
			if err != nil {
				t.Fatal(err)
			}
			sink := newTruncSink()
			err = src.Extract(t.Context(), extract.Request{Entities: []schema.Entity{schema.Tickets}}, sink, nil)
			if c.wantErr {
				if err == nil || !strings.Contains(err.Error(), "GET /conversations/"+gone) || strings.Contains(err.Error(), sim.DefaultToken) {
					t.Fatalf("err %v, want one naming GET /conversations/%s", err, gone)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sink.rows[schema.Tickets][gone] != nil || len(sink.rows[schema.Tickets]) != 4+3-1 {
				t.Errorf("%d tickets staged, %s among them: %v", len(sink.rows[schema.Tickets]), gone, sink.rows[schema.Tickets][gone] != nil)
			}
		})
	}
}
