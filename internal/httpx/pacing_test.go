package httpx

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// windowServer enforces limit requests per fixed window starting at the window's first request,
// and reports the budget in headers like Zendesk does (with fractional resets, for speed).
type windowServer struct {
	limit  int
	window time.Duration
	mu     sync.Mutex
	end    time.Time
	used   int
	lateBy time.Duration // the real reset comes this much after the announced one
	over   atomic.Int32  // 429s sent
	calls  atomic.Int32
}

func (s *windowServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.calls.Add(1)
	s.mu.Lock()
	now := time.Now()
	if !now.Before(s.end) {
		s.end, s.used = now.Add(s.window), 0
	}
	s.used++
	used, left := s.used, s.end.Sub(now).Seconds()
	s.mu.Unlock()
	if used > s.limit {
		s.over.Add(1)
		w.Header().Set("Retry-After", fmt.Sprintf("%.3f", left))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	w.Header().Set("ratelimit-remaining", fmt.Sprint(s.limit-used))
	w.Header().Set("ratelimit-reset", fmt.Sprintf("%.3f", max(0, left-s.lateBy.Seconds())))
}

func fire(t *testing.T, client *http.Client, url string, n, workers int) {
	t.Helper()
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range workers {
		wg.Go(func() {
			for range jobs {
				resp, err := client.Get(url)
				if err != nil {
					t.Error(err)
					continue
				}
				resp.Body.Close()
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

func TestPacerUsesWholeBudgetWithout429s(t *testing.T) {
	srv := &windowServer{limit: 5, window: 400 * time.Millisecond}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	pacer := NewPacer(http.DefaultTransport, PacingConfig{ResetMargin: 20 * time.Millisecond})
	client := &http.Client{Transport: pacer}
	start := time.Now()
	fire(t, client, ts.URL, 20, 8)
	elapsed := time.Since(start)
	if n := srv.over.Load(); n != 0 {
		t.Errorf("%d requests went beyond the budget", n)
	}
	// 20 requests at 5 a window need 4 windows: the lower bound is 3 full waits.
	lower := 3 * srv.window
	if elapsed < lower || elapsed > lower*5/4+200*time.Millisecond {
		t.Errorf("took %v, want within [%v, 1.25×%v]", elapsed, lower, lower)
	}
}

func TestPacerWithRetryRecoversFromForeignUse(t *testing.T) {
	// Someone else spent the budget: the first answers are 429s; afterwards none.
	srv := &windowServer{limit: 4, window: 300 * time.Millisecond}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for range 4 {
		resp, _ := http.Get(ts.URL)
		resp.Body.Close()
	}
	client := NewClient(ClientConfig{Base: http.DefaultTransport, Pacing: PacingConfig{ResetMargin: 20 * time.Millisecond}})
	fire(t, client, ts.URL, 12, 6)
	if n := srv.over.Load(); n > 1 {
		t.Errorf("%d 429s, want at most the first one", n)
	}
	if c := srv.calls.Load(); c != 4+12+srv.over.Load() {
		t.Errorf("%d calls", c)
	}
}

func TestPacerWithoutHeadersDoesNotThrottle(t *testing.T) {
	var inflight, peak atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(50 * time.Millisecond)
		inflight.Add(-1)
	}))
	defer ts.Close()
	client := &http.Client{Transport: NewPacer(http.DefaultTransport, PacingConfig{})}
	fire(t, client, ts.URL, 16, 8)
	if peak.Load() < 4 {
		t.Errorf("peak concurrency %d: unmetered requests were serialized", peak.Load())
	}
}

func TestPacerClassesAreIndependent(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/incremental") {
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", "10")
			return
		}
		w.Header().Set("X-Rate-Limit-Remaining", "100")
	}))
	defer ts.Close()
	class := func(r *http.Request) string {
		if strings.HasPrefix(r.URL.Path, "/incremental") {
			return "incremental"
		}
		return "default"
	}
	client := &http.Client{Transport: NewPacer(http.DefaultTransport, PacingConfig{Class: class})}
	get := func(path string) {
		resp, err := client.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	get("/incremental/tickets") // exhausts its class for 10s
	start := time.Now()
	for range 5 {
		get("/groups")
	}
	if time.Since(start) > time.Second {
		t.Errorf("default class waited for the incremental reset")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/incremental/users", nil)
		ctxReq := req.WithContext(t.Context())
		_, _ = client.Transport.RoundTrip(ctxReq)
	}()
	select {
	case <-done:
		t.Errorf("incremental request went despite an exhausted budget")
	case <-time.After(200 * time.Millisecond):
	}
}

func TestPacerWaitsAfter429(t *testing.T) {
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "0.3")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer ts.Close()
	client := &http.Client{Transport: NewPacer(http.DefaultTransport, PacingConfig{ResetMargin: 10 * time.Millisecond})}
	start := time.Now()
	for range 2 {
		resp, err := client.Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Errorf("second request went after %v, before Retry-After", el)
	}
}

func TestReadLimit(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	p := NewPacer(nil, PacingConfig{ResetMargin: time.Second})
	tests := []struct {
		name      string
		status    int
		headers   map[string]string
		ok        bool
		remaining int
		resetIn   time.Duration // 0: no reset
	}{
		{"none", 200, nil, false, 0, 0},
		{"ratelimit-*", 200, map[string]string{"ratelimit-remaining": "7", "ratelimit-reset": "20"}, true, 7, 20 * time.Second},
		{"X-Rate-Limit-Remaining", 200, map[string]string{"X-Rate-Limit-Remaining": "399"}, true, 399, 0},
		{"smallest remaining wins", 200, map[string]string{"X-Rate-Limit-Remaining": "399", "ratelimit-remaining": "9"}, true, 9, 0},
		{"epoch reset", 200, map[string]string{"X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "1700000030"}, true, 1, 30 * time.Second},
		{"429 with Retry-After", 429, map[string]string{"Retry-After": "5"}, true, 0, 5 * time.Second},
		{"garbage", 200, map[string]string{"ratelimit-remaining": "lots"}, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			for k, v := range tt.headers {
				resp.Header.Set(k, v)
			}
			l, ok := p.readLimit(resp, now)
			if ok != tt.ok {
				t.Fatalf("ok = %v", ok)
			}
			if !ok {
				return
			}
			var resetIn time.Duration
			if !l.resetAt.IsZero() {
				resetIn = l.resetAt.Sub(now)
			}
			if l.remaining != tt.remaining || resetIn != tt.resetIn {
				t.Errorf("remaining %d reset in %v, want %d %v", l.remaining, resetIn, tt.remaining, tt.resetIn)
			}
		})
	}
}

// TestBudgetWindows walks one budget through its windows with a fake clock.
func TestBudgetWindows(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	b := &budget{}
	admit := func(at time.Time, wantOK, wantProbe bool) slot {
		t.Helper()
		s, ok, _ := b.admit(at)
		if ok != wantOK || s.probe != wantProbe {
			t.Fatalf("admit at +%v = %v probe %v, want %v probe %v", at.Sub(t0), ok, s.probe, wantOK, wantProbe)
		}
		if ok {
			b.inflight++
		}
		return s
	}
	answer := func(s slot, at time.Time, remaining int, resetIn time.Duration) {
		b.inflight--
		if s.probe {
			b.probing = false
		}
		if !s.sentAt.Before(b.windowStart) {
			b.learn(limit{remaining: remaining, resetAt: at.Add(resetIn)}, s.sentAt, time.Minute)
		}
	}

	probe := admit(t0, true, true) // the first request learns the budget
	admit(t0, false, false)        // the others wait for it
	answer(probe, t0, 2, 10*time.Second)
	a := admit(t0, true, false)
	old := admit(t0, true, false)
	admit(t0, false, false)                                    // 2 remaining, 2 in flight
	answer(a, t0.Add(500*time.Millisecond), 1, 10*time.Second) // a reset rounded up: t0+10.5s
	admit(t0, false, false)                                    // the server says 1 left, but 1 is still in flight

	later := t0.Add(10200 * time.Millisecond) // past the earliest reset: a new window, learned by a new probe,
	probe = admit(later, true, true)          // even with an old request still in flight
	admit(later, false, false)
	answer(old, later, 0, 5*time.Second) // the old window's answer changes nothing
	admit(later, false, false)
	answer(probe, later, 5, 49*time.Second)
	admit(later, true, false)
	if b.remaining != 5 {
		t.Errorf("remaining %d after the new window's answer, want 5", b.remaining)
	}
}

// TestPacerMarginGrowsWhenEarly: a server whose resets are rounded down answers the first
// request after the announced reset with a 429; the margin grows until that stops.
func TestPacerMarginGrowsWhenEarly(t *testing.T) {
	srv := &windowServer{limit: 3, window: 300 * time.Millisecond, lateBy: 150 * time.Millisecond}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := NewClient(ClientConfig{Base: http.DefaultTransport, Retry: RetryConfig{BaseDelay: time.Millisecond},
		Pacing: PacingConfig{ResetMargin: 20 * time.Millisecond, MaxResetMargin: 400 * time.Millisecond}})
	fire(t, client, ts.URL, 18, 3)
	if n := srv.over.Load(); n < 1 || n > 4 {
		t.Errorf("%d 429s; want a few while the margin grows, then none", n)
	}
	t.Logf("%d 429s", srv.over.Load())
}

// TestPacerReserve: a class that shares its budget with another leaves the reserve unused.
func TestPacerReserve(t *testing.T) {
	srv := &windowServer{limit: 8, window: 10 * time.Second}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	class := func(r *http.Request) string {
		if strings.HasPrefix(r.URL.Path, "/incremental") {
			return "incremental"
		}
		return "default"
	}
	client := &http.Client{Transport: NewPacer(http.DefaultTransport, PacingConfig{Class: class, Reserve: map[string]int{"default": 2}})}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	sent := 0
	for range 8 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/tickets/1/comments", nil)
		resp, err := client.Do(req)
		if err != nil {
			break
		}
		resp.Body.Close()
		sent++
	}
	if sent != 6 {
		t.Errorf("default class sent %d of 8, want 6 (2 reserved)", sent)
	}
	resp, err := client.Get(ts.URL + "/incremental/tickets")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("incremental request: %v %v", resp, err)
	}
	resp.Body.Close()
}

// countdown serves a window of the given budget, each response saying what remains, and returns
// a pacer in front of it and a function that sends one request through them.
func countdown(t *testing.T, budget int) (*Pacer, func()) {
	t.Helper()
	remaining := budget
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		remaining--
		w.Header().Set("ratelimit-remaining", strconv.Itoa(remaining))
		w.Header().Set("ratelimit-reset", "1")
	}))
	t.Cleanup(srv.Close)
	p := NewPacer(http.DefaultTransport, PacingConfig{})
	c := &http.Client{Transport: p}
	return p, func() {
		t.Helper()
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
}

func TestExhausted(t *testing.T) {
	p, get := countdown(t, 3)
	if p.Exhausted("") {
		t.Fatal("exhausted before any request")
	}
	get()
	get()
	if p.Exhausted("") {
		t.Fatal("exhausted with budget left")
	}
	get()
	if !p.Exhausted("") {
		t.Fatal("not exhausted after the last request of the window")
	}
}

func TestHasRoom(t *testing.T) {
	p, get := countdown(t, 3)
	if !p.HasRoom("") {
		t.Fatal("no room before any request")
	}
	get()
	get()
	if !p.HasRoom("") {
		t.Fatal("no room with one request left in the window")
	}
	get()
	if p.HasRoom("") {
		t.Fatal("room after the window's last request")
	}
	time.Sleep(1100 * time.Millisecond)
	if !p.HasRoom("") {
		t.Fatal("no room once the window has reset")
	}
}
