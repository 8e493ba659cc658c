package intercom

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter is Intercom's per-app budget: a fixed number of requests per
// window, windows aligned to the clock (10,000/min is spread as 1,666 per
// 10 seconds, not granted as one burst per minute).
type limiter struct {
	mu          sync.Mutex
	window      time.Duration
	limit       int // < 0: unlimited
	used        int
	windowStart time.Time
}

// budgetState is what the X-RateLimit headers report.
type budgetState struct {
	limit, remaining int
	reset            int64 // unix seconds when the window ends
}

func newLimiter(limit int, window time.Duration) *limiter {
	return &limiter{limit: limit, window: window}
}

func (l *limiter) setLimit(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit = n
}

// take spends one request unless the window's budget is spent: then
// nothing is spent (a 429 costs no budget) and ok is false.
func (l *limiter) take(now time.Time) (st budgetState, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	ok = l.limit < 0 || l.used < l.limit
	if ok {
		l.used++
	}
	return l.state(), ok
}

// exhausted reports the current window as spent, for a 429 storm: other
// traffic of the workspace shares the budget, so the headers say so.
func (l *limiter) exhausted(now time.Time) budgetState {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(now)
	st := l.state()
	st.remaining = 0
	return st
}

func (l *limiter) roll(now time.Time) {
	start := now.Truncate(l.window)
	if !start.Equal(l.windowStart) {
		l.windowStart, l.used = start, 0
	}
}

func (l *limiter) state() budgetState {
	if l.limit < 0 {
		return budgetState{limit: -1}
	}
	return budgetState{
		limit: l.limit, remaining: max(l.limit-l.used, 0),
		reset: l.windowStart.Add(l.window).Unix(),
	}
}

// setHeaders writes the three headers of every authenticated response; an
// unlimited budget sends none.
func (b budgetState) setHeaders(h http.Header) {
	if b.limit < 0 {
		return
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(b.remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset, 10))
}

// exceededMessage is Intercom's wording: "Exceeded rate limit of 167 in 10_seconds".
func exceededMessage(limit int, window time.Duration) string {
	return fmt.Sprintf("Exceeded rate limit of %d in %d_seconds", limit, int(window/time.Second))
}
