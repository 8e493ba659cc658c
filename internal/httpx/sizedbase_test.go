package httpx

import (
	"net/http"
	"testing"
)

// TestSizedBase: the connection pool keeps a connection per request in flight.
func TestSizedBase(t *testing.T) {
	for _, n := range []int{1, 16, 200} {
		rt := SizedBase(nil, n).(*http.Transport)
		if rt.MaxIdleConnsPerHost < n || (rt.MaxIdleConns != 0 && rt.MaxIdleConns < n) {
			t.Errorf("concurrency %d: MaxIdleConnsPerHost %d, MaxIdleConns %d", n, rt.MaxIdleConnsPerHost, rt.MaxIdleConns)
		}
		if rt.MaxConnsPerHost != 0 && rt.MaxConnsPerHost < n {
			t.Errorf("concurrency %d: MaxConnsPerHost %d", n, rt.MaxConnsPerHost)
		}
	}
	// A caller's http.DefaultTransport is cloned, not changed.
	rt := SizedBase(&http.Client{Transport: http.DefaultTransport}, 50).(*http.Transport)
	if rt == http.DefaultTransport || rt.MaxIdleConnsPerHost < 50 || http.DefaultTransport.(*http.Transport).MaxIdleConnsPerHost != 0 {
		t.Errorf("DefaultTransport not cloned and sized: %d", rt.MaxIdleConnsPerHost)
	}
}
