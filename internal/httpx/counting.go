package httpx

import (
	"maps"
	"net/http"
	"sync"
)

// RouteStats counts what one route saw on the wire.
type RouteStats struct {
	Calls        int // requests sent, retries included
	TooMany      int // 429 responses
	ServerErrors int // 5xx responses
	NetErrors    int // requests that got no response (resets, timeouts)
}

func (s *RouteStats) add(o RouteStats) {
	s.Calls += o.Calls
	s.TooMany += o.TooMany
	s.ServerErrors += o.ServerErrors
	s.NetErrors += o.NetErrors
}

// Counter counts requests per route, for benchmarks that compare calls made with the minimum.
// It is safe for concurrent use.
type Counter struct {
	route func(*http.Request) string
	mu    sync.Mutex
	stats map[string]RouteStats
}

// NewCounter counts per route(req); nil counts per URL path.
func NewCounter(route func(*http.Request) string) *Counter {
	if route == nil {
		route = func(r *http.Request) string { return r.URL.Path }
	}
	return &Counter{route: route, stats: map[string]RouteStats{}}
}

// Stats returns a copy of the counts per route.
func (c *Counter) Stats() map[string]RouteStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.stats)
}

// Total sums the counts of every route.
func (c *Counter) Total() RouteStats {
	var t RouteStats
	for _, s := range c.Stats() {
		t.add(s)
	}
	return t
}

// Transport wraps next so every request through it is counted.
func (c *Counter) Transport(next http.RoundTripper) http.RoundTripper {
	return &counting{next: next, c: c}
}

type counting struct {
	next http.RoundTripper
	c    *Counter
}

var _ http.RoundTripper = (*counting)(nil)

func (t *counting) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	d := RouteStats{Calls: 1}
	switch {
	case err != nil:
		d.NetErrors = 1
	case resp.StatusCode == http.StatusTooManyRequests:
		d.TooMany = 1
	case resp.StatusCode >= 500:
		d.ServerErrors = 1
	}
	key := t.c.route(req)
	t.c.mu.Lock()
	s := t.c.stats[key]
	s.add(d)
	t.c.stats[key] = s
	t.c.mu.Unlock()
	return resp, err
}
