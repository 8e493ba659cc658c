package httpx

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// RetryConfig tunes Retry. Zero fields take the defaults.
type RetryConfig struct {
	// MaxAttempts bounds tries for 5xx and network failures (default 5, the first one included).
	MaxAttempts int
	// Max429 bounds retries after 429s, which only mean "wait" (default 100).
	Max429 int
	// BaseDelay is the first backoff (default 500ms); it doubles up to MaxDelay (default 30s).
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// Idempotent says whether sending a request twice has the effect of sending it once (nil means
	// IsIdempotent: the mark WithIdempotent left on its context, else its method). Only such
	// requests are sent again after a 5xx, a reset or a timeout: a POST whose answer was lost may
	// have been applied, and a second one would create a duplicate. Every request is sent again
	// after a 429, which says the server did not apply it.
	Idempotent func(*http.Request) bool
}

func (c *RetryConfig) setDefaults() {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.Max429 <= 0 {
		c.Max429 = 100
	}
	if c.BaseDelay <= 0 {
		c.BaseDelay = 500 * time.Millisecond
	}
	if c.MaxDelay <= 0 {
		c.MaxDelay = 30 * time.Second
	}
	if c.Idempotent == nil {
		c.Idempotent = IsIdempotent
	}
}

type idempotentKey struct{}

// WithIdempotent marks the requests made with ctx as idempotent or not, whatever their method:
// a POST that only reads (a search) or that creates-or-returns by a natural key may be retried
// like a GET; a PUT that creates something may be marked false.
func WithIdempotent(ctx context.Context, idempotent bool) context.Context {
	return context.WithValue(ctx, idempotentKey{}, idempotent)
}

// IsIdempotent reads the mark WithIdempotent left on req's context; unmarked requests are
// idempotent when their method is (GET, HEAD, OPTIONS, TRACE, PUT, DELETE; not POST or PATCH).
func IsIdempotent(req *http.Request) bool {
	if v, ok := req.Context().Value(idempotentKey{}).(bool); ok {
		return v
	}
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// Retry retries 429s after Retry-After, and 5xx, connection resets and timeouts of idempotent
// requests (RetryConfig.Idempotent) with exponential backoff and jitter. A request whose body
// cannot be replayed (no GetBody) is sent once. When the retries run out, or a request that is not
// idempotent fails in a way that leaves open whether it was applied, the last response or error is
// returned as is, so the caller's CheckResponse names it and the caller decides (look the result
// up, then send it again).
type Retry struct {
	next http.RoundTripper
	cfg  RetryConfig
}

var _ http.RoundTripper = (*Retry)(nil)

// NewRetry wraps next.
func NewRetry(next http.RoundTripper, cfg RetryConfig) *Retry {
	cfg.setDefaults()
	return &Retry{next: next, cfg: cfg}
}

// RoundTrip implements http.RoundTripper.
func (r *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return r.next.RoundTrip(req)
	}
	if req.GetBody != nil && req.Body != nil {
		// Every attempt reads its own copy from GetBody; the original is ours to close.
		defer req.Body.Close()
	}
	ctx := req.Context()
	idempotent := r.cfg.Idempotent(req)
	failures, throttled := 0, 0
	for {
		attempt, err := replay(req)
		if err != nil {
			return nil, err
		}
		resp, err := r.next.RoundTrip(attempt)
		wait, retry := r.decide(resp, err, idempotent, &failures, &throttled)
		if !retry || ctx.Err() != nil {
			return resp, err
		}
		if resp != nil {
			drain(resp)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// decide says whether to retry and how long to wait first, counting the attempt. Only a 429 is
// retried for a request that is not idempotent.
func (r *Retry) decide(resp *http.Response, err error, idempotent bool, failures, throttled *int) (time.Duration, bool) {
	switch {
	case err != nil:
		if !idempotent || !retryableNetError(err) {
			return 0, false
		}
	case resp.StatusCode == http.StatusTooManyRequests:
		*throttled++
		if *throttled > r.cfg.Max429 {
			return 0, false
		}
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			return d, true
		}
		return r.backoff(*throttled), true
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented && idempotent:
	default:
		return 0, false
	}
	*failures++
	if *failures >= r.cfg.MaxAttempts {
		return 0, false
	}
	if resp != nil {
		if d, ok := RetryAfter(resp.Header, time.Now()); ok {
			return d, true
		}
	}
	return r.backoff(*failures), true
}

// backoff is BaseDelay·2^(n-1) capped at MaxDelay, with jitter over its upper half so that
// workers failing together do not retry together.
func (r *Retry) backoff(n int) time.Duration {
	d := r.cfg.BaseDelay
	for i := 1; i < n && d < r.cfg.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, r.cfg.MaxDelay)
	half := d / 2
	return half + rand.N(half+1)
}

// replay gives each attempt its own copy of the request with a fresh body.
func replay(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	return r, nil
}

// retryableNetError is true for failures a second try can cure: resets, timeouts, a connection
// closed mid-response. Refused connections and DNS failures mean a wrong address: fail fast.
// The caller's own cancellation is checked on the context, not here: the transport's header
// timeout also matches context.DeadlineExceeded.
func retryableNetError(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return false
}

// RetryAfter reads a Retry-After header given in seconds or as an HTTP date.
func RetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// drain reads a little of a discarded body so its connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
