package zendesk

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

func TestIDDecoding(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{`9007199254740993`, "9007199254740993", false}, // 2^53+1: a float64 would make it ...992
		{`9223372036854775807`, "9223372036854775807", false},
		{`"abc-1"`, "abc-1", false},
		{`null`, "", false},
		{`1.5`, "", true},
		{`9223372036854775808`, "", true},
		{`{}`, "", true},
	}
	for _, tt := range tests {
		var v id
		err := json.Unmarshal([]byte(tt.in), &v)
		if (err != nil) != tt.wantErr || string(v) != tt.want {
			t.Errorf("id %s = %q, %v; want %q (error %v)", tt.in, v, err, tt.want, tt.wantErr)
		}
	}
}

func TestChannelDecoding(t *testing.T) {
	for in, want := range map[string]string{`{"channel":"email"}`: "email", `{"channel":4}`: "4", `{"channel":null}`: "", `{}`: ""} {
		var v via
		if err := json.Unmarshal([]byte(in), &v); err != nil || string(v.Channel) != want {
			t.Errorf("via %s = %q, %v; want %q", in, v.Channel, err, want)
		}
	}
}

// TestCursorFormat pins the saved cursor format: a renamed field or a changed meaning fails here.
func TestCursorFormat(t *testing.T) {
	tests := []string{
		`{"v":1,"cursor":"MTcwOTY0MDAwMC4wfHw5MDA3MTk5MjU0NzQwOTk3fA=="}`,
		`{"v":1,"cursor":"dXNlcnMtMQ==","done":true}`,
		`{"v":1,"start_time":1704153600,"seen_ids":["9007199254741301","9007199254741302"]}`,
		`{"v":1,"frontier":1710057600}`,
		`{"v":1,"frontier":-1}`,
	}
	for _, in := range tests {
		c, found, err := decodeCursor("s", []byte(in))
		if err != nil || !found {
			t.Fatalf("%s: %v", in, err)
		}
		if got := string(c.encode()); got != in {
			t.Errorf("round trip %s\n         = %s", in, got)
		}
	}
	for _, bad := range []string{`{"v":2,"cursor":"x"}`, `{"cursor":"x"}`, `not json`} {
		if _, _, err := decodeCursor("tickets", []byte(bad)); err == nil || !strings.HasPrefix(err.Error(), "zendesk: tickets: saved cursor") {
			t.Errorf("%s: error %v", bad, err)
		}
	}
	if c, found, err := decodeCursor("s", nil); found || err != nil || c.V != cursorVersion {
		t.Errorf("no cursor: %+v %v %v", c, found, err)
	}
}

func TestNextTimeCursor(t *testing.T) {
	tests := []struct {
		name  string
		cur   cursor
		env   envelope
		items []stamped
		fresh int
		want  cursor
	}{
		{
			name: "boundary ids are remembered",
			cur:  cursor{StartTime: 0},
			env:  envelope{EndTime: 200},
			items: []stamped{
				{"1", 100}, {"2", 200}, {"3", 200},
			},
			fresh: 3,
			want:  cursor{V: 1, StartTime: 200, SeenIDs: []string{"2", "3"}},
		},
		{
			name:  "start_time from a next_page on another host",
			cur:   cursor{StartTime: 0},
			env:   envelope{NextPage: "https://elsewhere.example/api/v2/incremental/organizations.json?start_time=300"},
			items: []stamped{{"1", 300}},
			fresh: 1,
			want:  cursor{V: 1, StartTime: 300, SeenIDs: []string{"1"}},
		},
		{
			name:  "a page that only repeats its start second moves past it",
			cur:   cursor{StartTime: 200, SeenIDs: []string{"2", "3"}},
			env:   envelope{EndTime: 200},
			items: []stamped{{"2", 200}, {"3", 200}},
			want:  cursor{V: 1, StartTime: 201},
		},
		{
			name:  "same end second with new items keeps every boundary id",
			cur:   cursor{StartTime: 200, SeenIDs: []string{"2"}},
			env:   envelope{EndTime: 200},
			items: []stamped{{"2", 200}, {"4", 200}},
			fresh: 1,
			want:  cursor{V: 1, StartTime: 200, SeenIDs: []string{"2", "4"}},
		},
		{
			name: "end of stream",
			cur:  cursor{StartTime: 200},
			env:  envelope{EndTime: 250, EndOfStream: true},
			want: cursor{V: 1, StartTime: 250, Done: true},
		},
		{
			name: "nowhere to go",
			cur:  cursor{StartTime: 200},
			env:  envelope{},
			want: cursor{V: 1, StartTime: 200, Done: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := nextTimeCursor(tt.cur, &tt.env, tt.items, tt.fresh)
			if string(got.encode()) != string(tt.want.encode()) {
				t.Errorf("got %s, want %s", got.encode(), tt.want.encode())
			}
		})
	}
}

func TestRepeats(t *testing.T) {
	repeated := repeats(cursor{StartTime: 200, SeenIDs: []string{"2"}})
	for it, want := range map[stamped]bool{{"2", 200}: true, {"2", 0}: true, {"2", 300}: false, {"5", 200}: false} {
		if repeated(it) != want {
			t.Errorf("repeats(%v) = %v", it, !want)
		}
	}
}

// TestMeeting walks the hybrid's coordination: workers take tickets newest first until the
// stream's position passes them; the stream reads on while an untaken ticket is at or after it.
func TestMeeting(t *testing.T) {
	index := &ticketIndex{}
	for i, u := range []int64{100, 90, 80, 70, 60} {
		id := strconv.Itoa(i + 1)
		index.add(ticketRef{id: id, updated: u})
	}
	index.add(ticketRef{id: "d", updated: 95, deleted: true})

	m := newMeeting(modeAuto, index, 0)
	takeWant := func(wantID string) {
		t.Helper()
		_, ref, ok := m.take()
		if wantID == "" {
			if ok {
				t.Fatalf("took %s, want none", ref.id)
			}
			return
		}
		if !ok || ref.id != wantID {
			t.Fatalf("took %q %v, want %s", ref.id, ok, wantID)
		}
	}
	takeWant("1")
	takeWant("2") // the deleted ticket is never taken
	if !m.streamNeeded() {
		t.Fatal("stream stopped with tickets 3-5 untaken")
	}
	m.advance(cursor{StartTime: 75})
	takeWant("3") // updated 80 ≥ 75
	takeWant("")  // 70 < 75: the stream covers it
	if m.streamNeeded() {
		t.Error("stream goes on though every untaken ticket is older than its position")
	}
	if c := m.complete([]int{1}); *c.Frontier != 100 {
		t.Errorf("frontier %d with ticket 1 not done, want 100", *c.Frontier)
	}
	if c := m.complete([]int{0, 2}); *c.Frontier != 70 {
		t.Errorf("frontier %d, want 70 (the first untaken)", *c.Frontier)
	}

	if c := m.complete([]int{3, 4}); *c.Frontier != -1 {
		t.Errorf("frontier %d with every ticket done, want -1", *c.Frontier)
	}

	per := newMeeting(modePerTicket, index, 0)
	if per.streamNeeded() {
		t.Error("per_ticket mode runs the stream without a reason")
	}
	bulk := newMeeting(modeBulk, index, 0)
	if _, _, ok := bulk.take(); ok || !bulk.streamNeeded() {
		t.Error("bulk mode hands out tickets or stops its stream")
	}
	bulk.advance(cursor{StartTime: 500, Done: true})
	if bulk.streamNeeded() {
		t.Error("stream needed after its end")
	}
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name  string
		cfg   extract.Config
		want  string
		never string
	}{
		{"no credentials", extract.Config{BaseURL: "https://acme.zendesk.com"}, "zendesk: credentials: set email and token, or oauth_token", ""},
		{"email alone", extract.Config{BaseURL: "https://acme.zendesk.com", Credentials: map[string]string{"email": "a@b"}}, "zendesk: credentials: email and token go together", ""},
		{"ftp", extract.Config{BaseURL: "ftp://acme.zendesk.com", Credentials: map[string]string{"oauth_token": "x"}}, `zendesk: base_url "ftp://acme.zendesk.com": want an http or https URL`, ""},
		{"credentials in the URL", extract.Config{BaseURL: "https://me:hunter2@acme.zendesk.com", Credentials: map[string]string{"oauth_token": "x"}}, "zendesk: base_url must not contain credentials", "hunter2"},
		{"bad mode", extract.Config{BaseURL: "https://acme.zendesk.com", Credentials: map[string]string{"oauth_token": "x"}, Options: map[string]string{"comments": "fast"}}, `zendesk: option comments is "fast"; want auto, bulk or per_ticket`, ""},
		{"bad workers", extract.Config{BaseURL: "https://acme.zendesk.com", Credentials: map[string]string{"oauth_token": "x"}, Options: map[string]string{"comment_workers": "0"}}, `zendesk: option comment_workers is "0"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error %v, want %s", err, tt.want)
			}
			if tt.never != "" && strings.Contains(err.Error(), tt.never) {
				t.Errorf("error reveals a secret: %v", err)
			}
		})
	}
}

// TestOAuthAndSince checks the Bearer header, the delta's start_time and its clamp to a minute
// ago, and that a bad record (a ticket without an id) is a skip, not a failure.
func TestOAuthAndSince(t *testing.T) {
	var mu sync.Mutex
	var starts []int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer oauth-s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		n, _ := strconv.ParseInt(r.URL.Query().Get("start_time"), 10, 64)
		mu.Lock()
		starts = append(starts, n)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"tickets":[{"id":null,"subject":"x"}],"after_cursor":"c1","end_of_stream":true}`))
	}))
	defer srv.Close()
	src, err := New(extract.Config{BaseURL: srv.URL + "/", Credentials: map[string]string{"oauth_token": "oauth-s3cret"}})
	if err != nil {
		t.Fatal(err)
	}
	req := extract.Request{Entities: []schema.Entity{schema.Tickets}}
	for _, since := range []time.Time{time.Unix(1709000000, 0), time.Now()} {
		req.Since = since
		sink := newMemSink()
		if err := src.Extract(t.Context(), req, sink, nil); err != nil {
			t.Fatal(err)
		}
		if len(sink.skips) != 1 {
			t.Errorf("skips %v, want the ticket without an id", sink.skips)
		}
	}
	if starts[0] != 1709000000 {
		t.Errorf("start_time %d, want the Since", starts[0])
	}
	if limit := time.Now().Unix() - 60; starts[1] > limit || starts[1] < limit-5 {
		t.Errorf("start_time %d for Since=now, want about %d", starts[1], limit)
	}
}

func FuzzDecodeTicketsPage(f *testing.F) {
	for _, name := range []string{"tickets_1.json", "tickets_2.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"tickets":[{"id":1e400,"via":{"channel":[]},"custom_fields":[{"id":"x","value":{"a":[1,2]}}]}]}`))
	f.Add([]byte(`{"tickets":[{"id":-1,"updated_at":"2024-13-01T00:00:00Z","tags":[1]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodeTicketsPage(data)
		if err != nil {
			return
		}
		for _, row := range p.rows {
			if row.SourceID == "" {
				t.Errorf("a ticket without an id was staged")
			}
			if row.CustomFields != "" && !json.Valid([]byte(row.CustomFields)) {
				t.Errorf("custom_fields is not JSON: %s", row.CustomFields)
			}
		}
	})
}

// TestWorkersWaitForPlanRoomBeforeClaiming: with the plan budget spent for the window, a worker
// claims no ticket (the events stream may still cover it), and stops waiting as soon as the
// stream has passed every ticket left instead of at the budget's reset.
func TestWorkersWaitForPlanRoomBeforeClaiming(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ratelimit-remaining", "0")
		w.Header().Set("ratelimit-reset", "30")
		w.Write([]byte(`{"groups":[]}`))
	}))
	defer srv.Close()
	src, err := New(extract.Config{BaseURL: srv.URL, Credentials: map[string]string{"oauth_token": "t"}})
	if err != nil {
		t.Fatal(err)
	}
	s := src.(*Source)
	if err := s.api.get(t.Context(), "/api/v2/groups.json", nil, func([]byte) error { return nil }); err != nil {
		t.Fatal(err)
	}
	index := &ticketIndex{}
	index.add(ticketRef{id: "1", updated: 100})
	index.add(ticketRef{id: "2", updated: 90})
	r := &run{src: s, meet: newMeeting(modeAuto, index, 0)}

	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	if r.waitForPlanRoom(ctx) {
		t.Fatal("a worker went on to claim a ticket with the plan budget spent")
	}

	r.meet.advance(cursor{StartTime: 101}) // the stream passed both tickets
	ctx, cancel = context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	r.waitForPlanRoom(ctx)
	if waited := time.Since(start); waited > time.Second {
		t.Errorf("a worker waited %v for the reset with no ticket left", waited)
	}
	if _, _, ok := r.meet.take(); ok {
		t.Error("a ticket the stream covered was handed to a worker")
	}
}
