package httpx

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// PacingConfig tunes Pacer. Zero fields take the defaults.
type PacingConfig struct {
	// Class names the budget a request spends (e.g. "incremental" or "default"); nil puts every
	// request in one budget.
	Class func(*http.Request) string
	// RemainingHeaders and ResetHeaders are read from every response; when several are present the
	// smallest remaining and the latest reset win. Reset values are seconds from now, or a Unix
	// time when they are that large.
	RemainingHeaders []string
	ResetHeaders     []string
	// Window is how long a budget lasts when responses give a remaining count but no reset
	// (default 60s).
	Window time.Duration
	// ResetMargin is waited past a reset before the new window's first request (default 100ms).
	// Servers give resets in whole seconds, rounded one way or the other: when a window's first
	// request still meets the old window (a 429), the margin doubles, up to MaxResetMargin
	// (default 1s).
	ResetMargin    time.Duration
	MaxResetMargin time.Duration
	// Reserve is how many requests of a class's remaining budget it leaves unused, for other
	// classes the server also counts against it (Zendesk counts the incremental exports against
	// the plan's limit too). A window too small to hold twice the reserve ignores it.
	Reserve map[string]int
}

func (c *PacingConfig) setDefaults() {
	if c.Class == nil {
		c.Class = func(*http.Request) string { return "" }
	}
	if len(c.RemainingHeaders) == 0 {
		c.RemainingHeaders = []string{"ratelimit-remaining", "X-Rate-Limit-Remaining", "X-RateLimit-Remaining"}
	}
	if len(c.ResetHeaders) == 0 {
		c.ResetHeaders = []string{"ratelimit-reset", "X-RateLimit-Reset", "X-Rate-Limit-Reset"}
	}
	if c.Window <= 0 {
		c.Window = time.Minute
	}
	if c.ResetMargin <= 0 {
		c.ResetMargin = 100 * time.Millisecond
	}
	if c.MaxResetMargin < c.ResetMargin {
		c.MaxResetMargin = max(time.Second, c.ResetMargin)
	}
}

// Pacer spends each budget class as fast as its rate-limit headers allow: while the remaining
// count is known, requests go at once as long as the requests in flight do not use it up; once it
// is used up, they wait for the reset. Before a window's count is known, one request goes alone
// to learn it. Responses without rate-limit headers turn pacing off for the class until headers
// appear. There is no fixed rate: a window's whole budget is used.
type Pacer struct {
	next    http.RoundTripper
	cfg     PacingConfig
	now     func() time.Time
	mu      sync.Mutex
	budgets map[string]*budget
	changed chan struct{} // closed and replaced whenever a budget changes
}

var _ http.RoundTripper = (*Pacer)(nil)

// NewPacer wraps next.
func NewPacer(next http.RoundTripper, cfg PacingConfig) *Pacer {
	cfg.setDefaults()
	return &Pacer{next: next, cfg: cfg, now: time.Now, budgets: map[string]*budget{}, changed: make(chan struct{})}
}

type budgetState int

const (
	unknown   budgetState = iota // the window's remaining count is not known yet: probe
	metered                      // remaining and resetAt hold
	unmetered                    // the server sends no rate-limit headers
)

// budget is one class's view of the server's window.
type budget struct {
	state       budgetState
	waited      bool // a request has had to wait for this budget's reset
	remaining   int  // the smallest remaining the server reported in this window
	initial     int  // the remaining first reported in this window
	reserve     int  // left unused for other classes
	inflight    int  // requests sent and not answered, counted against remaining
	probing     bool
	rolledOver  bool // the window was left at its reset: the next probe tests the margin
	margin      time.Duration
	resetAt     time.Time
	windowStart time.Time // responses to requests sent before it describe an old window
}

// slot is one admitted request: when it went, and whether it is the window's probe.
type slot struct {
	sentAt     time.Time
	probe      bool
	afterReset bool
}

// RoundTrip implements http.RoundTripper.
func (p *Pacer) RoundTrip(req *http.Request) (*http.Response, error) {
	class := p.cfg.Class(req)
	s, err := p.acquire(req, class)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := p.next.RoundTrip(req)
	p.release(class, s, resp)
	return resp, err
}

func (p *Pacer) acquire(req *http.Request, class string) (slot, error) {
	ctx := req.Context()
	for {
		p.mu.Lock()
		b := p.budget(class)
		now := p.now()
		s, ok, until := b.admit(now)
		if ok {
			b.inflight++
			p.mu.Unlock()
			return s, nil
		}
		changed := p.changed
		p.mu.Unlock()

		if err := waitFor(ctx, changed, until, now); err != nil {
			return slot{}, err
		}
	}
}

// waitFor blocks until changed is closed, until passes (when not zero) or ctx ends.
func waitFor(ctx context.Context, changed <-chan struct{}, until, now time.Time) error {
	var timer <-chan time.Time
	if !until.IsZero() {
		t := time.NewTimer(until.Sub(now))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-timer:
	}
	return nil
}

func (p *Pacer) budget(class string) *budget {
	b := p.budgets[class]
	if b == nil {
		b = &budget{margin: p.cfg.ResetMargin, reserve: p.cfg.Reserve[class]}
		p.budgets[class] = b
	}
	return b
}

// admit says whether a request may go now, and whether it goes as the probe of a window whose
// budget is unknown; if it may not, until is when the budget resets by itself (zero when only a
// response can change it).
func (b *budget) admit(now time.Time) (s slot, ok bool, until time.Time) {
	if b.state == metered && !now.Before(b.resetAt) {
		b.state, b.windowStart, b.rolledOver = unknown, now, true
	}
	switch b.state {
	case unmetered:
		return slot{sentAt: now}, true, time.Time{}
	case metered:
		if b.room() {
			return slot{sentAt: now}, true, time.Time{}
		}
		b.waited = true
		return slot{}, false, b.resetAt
	}
	if b.probing {
		return slot{}, false, time.Time{}
	}
	if b.windowStart.IsZero() {
		b.windowStart = now
	}
	b.probing = true
	return slot{sentAt: now, probe: true, afterReset: b.rolledOver}, true, time.Time{}
}

// room says whether a metered budget can send one more request in its current window, keeping
// the reserve when the window is large enough to spare it.
func (b *budget) room() bool {
	reserve := b.reserve
	if b.initial < 2*reserve {
		reserve = 0
	}
	return b.remaining-b.inflight-reserve > 0
}

func (p *Pacer) release(class string, s slot, resp *http.Response) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.notify()
	b := p.budget(class)
	b.inflight--
	if s.probe {
		b.probing, b.rolledOver = false, false
		if s.afterReset && resp != nil && resp.StatusCode == http.StatusTooManyRequests {
			// The window had not reset yet when we thought it had: wait longer next time.
			b.margin = min(2*b.margin, p.cfg.MaxResetMargin)
		}
	}
	if resp == nil {
		return
	}
	l, ok := p.readLimit(resp, p.now())
	switch {
	case !ok:
		if b.state == unknown && !s.sentAt.Before(b.windowStart) {
			b.state = unmetered
		}
	case s.sentAt.Before(b.windowStart) && resp.StatusCode != http.StatusTooManyRequests:
		// An answer from the previous window says nothing about this one.
	default:
		b.learn(l, s.sentAt, p.cfg.Window)
	}
}

// limit is what one response says about its budget.
type limit struct {
	remaining int
	resetAt   time.Time // zero when the response has no reset
	throttled bool      // a 429: resetAt comes from Retry-After
}

// roundingSlack is how far apart the resets of one window can look: servers give them in whole
// seconds, so each response's reset is up to a second off.
const roundingSlack = time.Second

// learn folds one response's limit into the budget. Within a window the earliest reset wins:
// waiting for a later one would waste up to a second a window when the server rounds resets up;
// when it rounds them down, the first request after the reset meets a 429 and the margin grows.
func (b *budget) learn(l limit, sentAt time.Time, window time.Duration) {
	if !l.resetAt.IsZero() {
		l.resetAt = l.resetAt.Add(b.margin)
	}
	jumped := !l.resetAt.IsZero() && l.resetAt.After(b.resetAt.Add(roundingSlack+b.margin))
	if b.state == unmetered {
		b.windowStart = sentAt
	}
	if b.state != metered || jumped {
		b.state, b.remaining, b.initial = metered, l.remaining, l.remaining
		b.resetAt = l.resetAt
		if b.resetAt.IsZero() {
			b.resetAt = b.windowStart.Add(window + b.margin)
		}
		return
	}
	b.remaining = min(b.remaining, l.remaining)
	switch {
	case l.resetAt.IsZero():
	case l.throttled && l.resetAt.After(b.resetAt):
		b.resetAt = l.resetAt // the server says when: never earlier
	case !l.throttled && l.resetAt.Before(b.resetAt):
		b.resetAt = l.resetAt
	}
}

// readLimit reads the rate-limit headers; a 429 means nothing remains until Retry-After.
func (p *Pacer) readLimit(resp *http.Response, now time.Time) (limit, bool) {
	l := limit{remaining: math.MaxInt}
	found := false
	for _, name := range p.cfg.RemainingHeaders {
		if v, err := strconv.ParseFloat(resp.Header.Get(name), 64); err == nil && v >= 0 {
			l.remaining, found = min(l.remaining, int(v)), true
		}
	}
	for _, name := range p.cfg.ResetHeaders {
		if v, err := strconv.ParseFloat(resp.Header.Get(name), 64); err == nil && v >= 0 {
			if at := resetTime(v, now); at.After(l.resetAt) {
				l.resetAt = at
			}
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		l.remaining, l.throttled, found = 0, true, true
		if d, ok := RetryAfter(resp.Header, now); ok {
			l.resetAt = now.Add(d)
		}
	}
	return l, found
}

// resetTime reads a reset header: seconds from now, or a Unix time for values past 2001.
func resetTime(v float64, now time.Time) time.Time {
	if v > 1e9 {
		return time.Unix(0, int64(v*1e9))
	}
	return now.Add(time.Duration(v * float64(time.Second)))
}

func (p *Pacer) notify() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// Exhausted reports whether the class's budget binds: it is spent for the current window, or a
// request has already had to wait for one of its resets.
func (p *Pacer) Exhausted(class string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.budgets[class]
	if b == nil {
		return false
	}
	if b.waited {
		return true
	}
	return b.state == metered && p.now().Before(b.resetAt) && b.remaining-b.inflight <= 0
}

// HasRoom reports whether a request of class would be sent now rather than wait for the budget's
// reset. It reserves nothing: it is for callers that choose their next piece of work by the
// budget, so that they do not commit to work the window cannot pay for.
func (p *Pacer) HasRoom(class string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.budgets[class]
	if b == nil || b.state != metered || !p.now().Before(b.resetAt) {
		return true
	}
	return b.room()
}
