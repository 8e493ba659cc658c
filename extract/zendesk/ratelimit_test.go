package zendesk

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// genAccount is a generated account behind rate limits: a fixed window per budget class, like
// Zendesk's per-minute limits but short. It checks the hybrid end to end: budgets spent in
// parallel, no request beyond a budget, every comment staged.
type genAccount struct {
	tickets   int
	pageSize  int // ticket and event export pages
	window    time.Duration
	limits    map[string]int
	mu        sync.Mutex
	used      map[string]int
	windowEnd map[string]time.Time
	over      atomic.Int32
	calls     sync.Map // route → *atomic.Int32
}

const genBase = int64(1_700_000_000)

func (a *genAccount) updated(i int) int64    { return genBase + int64(i)*3600 }
func (a *genAccount) comments(i int) int     { return 1 + i%3 }
func (a *genAccount) created(i, j int) int64 { return a.updated(i) - int64(a.comments(i)-1-j)*60 }

func (a *genAccount) admit(w http.ResponseWriter, class string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := time.Now()
	if !now.Before(a.windowEnd[class]) {
		a.windowEnd[class], a.used[class] = now.Add(a.window), 0
	}
	a.used[class]++
	left := a.windowEnd[class].Sub(now).Seconds()
	if a.used[class] > a.limits[class] {
		a.over.Add(1)
		w.Header().Set("Retry-After", fmt.Sprintf("%.3f", left))
		w.WriteHeader(http.StatusTooManyRequests)
		return false
	}
	w.Header().Set("ratelimit-remaining", strconv.Itoa(a.limits[class]-a.used[class]))
	w.Header().Set("ratelimit-reset", fmt.Sprintf("%.3f", left))
	return true
}

func (a *genAccount) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	class := "default"
	if strings.Contains(path, "/incremental/") {
		class = "incremental"
	}
	route := path
	if strings.HasPrefix(path, "/api/v2/tickets/") {
		route = "per_ticket"
	}
	c, _ := a.calls.LoadOrStore(route, new(atomic.Int32))
	c.(*atomic.Int32).Add(1)
	if !a.admit(w, class) {
		return
	}
	q := r.URL.Query()
	var body any
	switch {
	case strings.HasSuffix(path, "/incremental/tickets/cursor.json"):
		body = a.ticketsPage(q.Get("cursor"))
	case strings.HasSuffix(path, "/incremental/ticket_events.json"):
		start, _ := strconv.ParseInt(q.Get("start_time"), 10, 64)
		body = a.eventsPage(start)
	case strings.HasPrefix(path, "/api/v2/tickets/"):
		i, _ := strconv.Atoi(strings.Split(path, "/")[4])
		body = map[string]any{"comments": a.threadOf(i - 1_000_000), "meta": map[string]any{"has_more": false}}
	case strings.HasSuffix(path, "/cursor.json"):
		body = map[string]any{"users": []any{}, "end_of_stream": true}
	case strings.HasSuffix(path, "organizations.json"):
		body = map[string]any{"organizations": []any{}, "end_of_stream": true, "end_time": genBase}
	default:
		body = map[string]any{"groups": []any{}, "ticket_fields": []any{}, "meta": map[string]any{"has_more": false}}
	}
	_ = json.NewEncoder(w).Encode(body)
}

func (a *genAccount) ticketsPage(cur string) map[string]any {
	from, _ := strconv.Atoi(cur)
	to := min(from+a.pageSize, a.tickets)
	var ts []map[string]any
	for i := from; i < to; i++ {
		u := time.Unix(a.updated(i), 0).UTC().Format(time.RFC3339)
		ts = append(ts, map[string]any{"id": 1_000_000 + i, "status": "open", "created_at": u, "updated_at": u, "generated_timestamp": a.updated(i)})
	}
	return map[string]any{"tickets": ts, "after_cursor": strconv.Itoa(to), "end_of_stream": to == a.tickets}
}

func (a *genAccount) comment(i, j int) map[string]any {
	return map[string]any{"id": (1_000_000+i)*10 + j, "type": "Comment", "event_type": "Comment", "author_id": 1, "body": "b",
		"html_body": "<p>b</p>", "public": true, "created_at": time.Unix(a.created(i, j), 0).UTC().Format(time.RFC3339)}
}

func (a *genAccount) threadOf(i int) []map[string]any {
	var cs []map[string]any
	for j := range a.comments(i) {
		cs = append(cs, a.comment(i, j))
	}
	return cs
}

// eventsPage returns the events at or after start, a page at a time, never splitting a second.
func (a *genAccount) eventsPage(start int64) map[string]any {
	type ev struct{ i, j int }
	var evs []ev
	for i := range a.tickets {
		for j := range a.comments(i) {
			if a.created(i, j) >= start {
				evs = append(evs, ev{i, j})
			}
		}
	}
	sort.Slice(evs, func(x, y int) bool { return a.created(evs[x].i, evs[x].j) < a.created(evs[y].i, evs[y].j) })
	n := min(a.pageSize, len(evs))
	var out []map[string]any
	end := start
	for k, e := range evs {
		ts := a.created(e.i, e.j)
		if k >= n && ts != end {
			break
		}
		end = ts
		out = append(out, map[string]any{"id": (1_000_000+e.i)*10 + e.j, "ticket_id": 1_000_000 + e.i, "timestamp": ts,
			"created_at": time.Unix(ts, 0).UTC().Format(time.RFC3339), "child_events": []any{a.comment(e.i, e.j)}})
	}
	return map[string]any{"ticket_events": out, "end_time": end, "end_of_stream": len(out) == len(evs)}
}

func TestHybridUnderRateLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	defer func(m time.Duration) { resetMargin = m }(resetMargin)
	resetMargin = 20 * time.Millisecond
	acct := &genAccount{tickets: 300, pageSize: 20, window: 250 * time.Millisecond,
		limits: map[string]int{"incremental": 10, "default": 60}, used: map[string]int{}, windowEnd: map[string]time.Time{}}
	srv := httptest.NewServer(acct)
	defer srv.Close()
	src, err := New(extract.Config{BaseURL: srv.URL, Credentials: map[string]string{"oauth_token": "t"},
		Options: map[string]string{"comment_workers": "8"}})
	if err != nil {
		t.Fatal(err)
	}
	sink := newMemSink()
	start := time.Now()
	if err := src.Extract(t.Context(), extract.Request{}, sink, nil); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)

	want := 0
	for i := range acct.tickets {
		want += acct.comments(i)
	}
	if got := len(sink.rows[schema.Comments]); got != want {
		t.Errorf("staged %d distinct comments, want %d", got, want)
	}
	calls := func(route string) int32 {
		c, ok := acct.calls.Load(route)
		if !ok {
			return 0
		}
		return c.(*atomic.Int32).Load()
	}
	perTicket, events := calls("per_ticket"), calls("/api/v2/incremental/ticket_events.json")
	if perTicket == 0 || perTicket >= int32(acct.tickets) || events == 0 {
		t.Errorf("the two paths did not meet: %d per-ticket calls, %d event pages", perTicket, events)
	}
	if n := acct.over.Load(); n > 0 {
		t.Errorf("%d requests beyond a budget", n)
	}
	// The bound: the ticket export's pages first, then both budgets together cover the threads.
	ticketWindows := float64(acct.tickets/acct.pageSize) / 10
	perWindow := 10*float64(acct.pageSize)/2 + 60 // tickets covered a window: stream (≈2 events a ticket) + per-ticket
	lower := time.Duration((ticketWindows + float64(acct.tickets)/perWindow) * float64(acct.window))
	t.Logf("%v for %d tickets (%d per-ticket calls, %d event pages, %d staged comment rows); lower bound ≈ %v, ratio %.2f",
		elapsed, acct.tickets, perTicket, events, sink.staged[schema.Comments], lower, float64(elapsed)/float64(lower))
	if elapsed > 2*lower+time.Second {
		t.Errorf("took %v, far above the ≈%v its budgets allow", elapsed, lower)
	}
}
