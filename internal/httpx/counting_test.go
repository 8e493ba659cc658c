package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCounterPerRoute(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/slow"):
			w.WriteHeader(http.StatusTooManyRequests)
		case strings.HasSuffix(r.URL.Path, "/broken"):
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	defer srv.Close()
	c := NewCounter(nil)
	client := &http.Client{Transport: c.Transport(http.DefaultTransport)}
	for _, p := range []string{"/a", "/a", "/slow", "/broken"} {
		resp, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resp, err := client.Get("http://127.0.0.1:1/refused")
	if err == nil {
		resp.Body.Close()
	}
	want := map[string]RouteStats{
		"/a": {Calls: 2}, "/slow": {Calls: 1, TooMany: 1}, "/broken": {Calls: 1, ServerErrors: 1}, "/refused": {Calls: 1, NetErrors: 1},
	}
	got := c.Stats()
	for route, w := range want {
		if got[route] != w {
			t.Errorf("%s: %+v, want %+v", route, got[route], w)
		}
	}
	if tot := c.Total(); tot.Calls != 5 || tot.TooMany != 1 {
		t.Errorf("total %+v", tot)
	}
}
