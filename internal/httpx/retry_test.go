package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// flaky answers the first failures requests with fail, then 200 with the request body echoed.
func flaky(failures int, fail func(w http.ResponseWriter)) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(n.Add(1)) <= failures {
			fail(w)
			return
		}
		_, _ = io.Copy(w, r.Body)
	}))
	return srv, &n
}

func status(code int, header ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
	}
}

// reset closes the connection with an RST before any response.
func reset(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

func TestRetry(t *testing.T) {
	fast := RetryConfig{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
	postIsSafe := fast
	postIsSafe.Idempotent = func(*http.Request) bool { return true }
	yes, no := true, false
	tests := []struct {
		name       string
		method     string
		mark       *bool // WithIdempotent on the request's context
		failures   int
		fail       func(http.ResponseWriter)
		cfg        RetryConfig
		wantStatus int // 0: an error
		wantCalls  int32
		minElapsed time.Duration
	}{
		{"503 retried", http.MethodGet, nil, 2, status(503), fast, 200, 3, 0},
		{"PUT 503 retried", http.MethodPut, nil, 2, status(503), fast, 200, 3, 0},
		{"DELETE 502 retried", http.MethodDelete, nil, 1, status(502), fast, 200, 2, 0},
		{"5xx gives up after MaxAttempts", http.MethodGet, nil, 5, status(500), fast, 500, 3, 0},
		{"Retry-After honoured", http.MethodPost, nil, 1, status(429, "Retry-After", "0.3"), fast, 200, 2, 300 * time.Millisecond},
		{"429s do not spend attempts", http.MethodPost, nil, 4, status(429, "Retry-After", "0"), fast, 200, 5, 0},
		{"429 cap", http.MethodGet, nil, 10, status(429, "Retry-After", "0"), RetryConfig{Max429: 2, BaseDelay: time.Millisecond}, 429, 3, 0},
		{"connection reset retried", http.MethodGet, nil, 2, reset, fast, 200, 3, 0},
		{"4xx returned at once", http.MethodGet, nil, 3, status(404), fast, 404, 1, 0},
		// A POST whose answer was lost may have been applied: only a 429 says it was not.
		{"POST 500 not retried", http.MethodPost, nil, 1, status(500), fast, 500, 1, 0},
		{"POST 503 with Retry-After not retried", http.MethodPost, nil, 1, status(503, "Retry-After", "0"), fast, 503, 1, 0},
		{"PATCH 502 not retried", http.MethodPatch, nil, 1, status(502), fast, 502, 1, 0},
		{"POST reset not retried", http.MethodPost, nil, 1, reset, fast, 0, 1, 0},
		{"POST marked idempotent retried", http.MethodPost, &yes, 2, status(503), fast, 200, 3, 0},
		{"POST marked idempotent reset retried", http.MethodPost, &yes, 1, reset, fast, 200, 2, 0},
		{"PUT marked not idempotent", http.MethodPut, &no, 1, status(500), fast, 500, 1, 0},
		{"config says POST is safe", http.MethodPost, nil, 1, status(500), postIsSafe, 200, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, calls := flaky(tt.failures, tt.fail)
			defer srv.Close()
			client := &http.Client{Transport: NewRetry(http.DefaultTransport, tt.cfg)}
			ctx := t.Context()
			if tt.mark != nil {
				ctx = WithIdempotent(ctx, *tt.mark)
			}
			req, err := http.NewRequestWithContext(ctx, tt.method, srv.URL, bytes.NewReader([]byte("payload")))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			resp, err := client.Do(req)
			if tt.wantStatus == 0 {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("status %d, want an error", resp.StatusCode)
				}
				if calls.Load() != tt.wantCalls {
					t.Errorf("%d calls, want %d", calls.Load(), tt.wantCalls)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || calls.Load() != tt.wantCalls {
				t.Errorf("status %d after %d calls, want %d after %d", resp.StatusCode, calls.Load(), tt.wantStatus, tt.wantCalls)
			}
			if resp.StatusCode == 200 && string(body) != "payload" {
				t.Errorf("body not replayed: %q", body)
			}
			if el := time.Since(start); el < tt.minElapsed {
				t.Errorf("took %v, want ≥ %v", el, tt.minElapsed)
			}
		})
	}
}

func TestIsIdempotent(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		method string
		mark   *bool
		want   bool
	}{
		{http.MethodGet, nil, true},
		{http.MethodHead, nil, true},
		{http.MethodOptions, nil, true},
		{http.MethodPut, nil, true},
		{http.MethodDelete, nil, true},
		{http.MethodPost, nil, false},
		{http.MethodPatch, nil, false},
		{http.MethodPost, &yes, true},
		{http.MethodGet, &no, false},
	}
	for _, tt := range tests {
		ctx := context.Background()
		if tt.mark != nil {
			ctx = WithIdempotent(ctx, *tt.mark)
		}
		req, _ := http.NewRequestWithContext(ctx, tt.method, "https://a.example/x", nil)
		if got := IsIdempotent(req); got != tt.want {
			t.Errorf("IsIdempotent(%s, mark %v) = %v, want %v", tt.method, tt.mark, got, tt.want)
		}
	}
}

// TestRetryTimeoutNotIdempotent: a POST whose answer did not come in time may have been applied:
// the timeout is returned, not retried.
func TestRetryTimeoutNotIdempotent(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			time.Sleep(200 * time.Millisecond)
		}
	}))
	defer srv.Close()
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.ResponseHeaderTimeout = 50 * time.Millisecond
	client := &http.Client{Transport: NewRetry(base, RetryConfig{BaseDelay: time.Millisecond})}
	resp, err := client.Post(srv.URL, "text/plain", bytes.NewReader([]byte("x")))
	if err == nil {
		resp.Body.Close()
		t.Fatal("no error")
	}
	if n.Load() != 1 {
		t.Errorf("%d calls, want 1", n.Load())
	}
}

func TestRetryTimeout(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			time.Sleep(200 * time.Millisecond)
		}
	}))
	defer srv.Close()
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.ResponseHeaderTimeout = 50 * time.Millisecond
	client := &http.Client{Transport: NewRetry(base, RetryConfig{BaseDelay: time.Millisecond})}
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n.Load() != 2 {
		t.Errorf("%d calls, want 2", n.Load())
	}
}

func TestRetryUnreplayableBodySentOnce(t *testing.T) {
	srv, calls := flaky(1, status(503))
	defer srv.Close()
	client := &http.Client{Transport: NewRetry(http.DefaultTransport, RetryConfig{BaseDelay: time.Millisecond})}
	resp, err := client.Post(srv.URL, "text/plain", io.MultiReader(bytes.NewReader([]byte("x"))))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || calls.Load() != 1 {
		t.Errorf("status %d after %d calls", resp.StatusCode, calls.Load())
	}
}

func TestRetryRespectsCancel(t *testing.T) {
	srv, _ := flaky(100, status(429, "Retry-After", "30"))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	client := &http.Client{Transport: NewRetry(http.DefaultTransport, RetryConfig{})}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	_, err := client.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("err %v after %v", err, time.Since(start))
	}
}

func TestRetryRefusedFailsFast(t *testing.T) {
	client := &http.Client{Transport: NewRetry(http.DefaultTransport, RetryConfig{BaseDelay: time.Second})}
	start := time.Now()
	if _, err := client.Get("http://127.0.0.1:1/"); err == nil {
		t.Fatal("no error")
	}
	if time.Since(start) > 500*time.Millisecond {
		t.Errorf("refused connection was retried")
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"7", 7 * time.Second, true},
		{"0", 0, true},
		{now.Add(3 * time.Second).Format(http.TimeFormat), 3 * time.Second, true},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.v != "" {
			h.Set("Retry-After", tt.v)
		}
		got, ok := RetryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RetryAfter(%q) = %v %v, want %v %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}
