package zendesk

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter keeps two fixed-window budgets: the plan budget counted for every
// API request, and the incremental export budget counted on top of it for
// the incremental endpoints.
type limiter struct {
	mu          sync.Mutex
	window      time.Duration
	plan, incr  budget
	windowStart time.Time
}

type budget struct {
	limit int // < 0: unlimited
	used  int
}

// budgetState is what the headers report: the budget binding the endpoint.
type budgetState struct {
	limit, remaining, reset int
}

func newLimiter(o Options) *limiter {
	return &limiter{window: o.RateWindow, plan: budget{limit: o.RateLimit}, incr: budget{limit: o.IncrementalRateLimit}}
}

// take spends one request of each budget that applies, unless one of them
// is exhausted: then nothing is spent (a 429 costs no budget) and ok is false.
func (l *limiter) take(now time.Time, incremental bool) (st budgetState, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	start := now.Truncate(l.window) // windows aligned to the clock, like "per minute"
	if !start.Equal(l.windowStart) {
		l.windowStart, l.plan.used, l.incr.used = start, 0, 0
	}
	reset := int((start.Add(l.window).Sub(now) + time.Second - 1) / time.Second)
	reset = max(reset, 1)
	ok = l.plan.available() && (!incremental || l.incr.available())
	if ok {
		l.plan.used++
		if incremental {
			l.incr.used++
		}
	}
	b := l.plan
	if incremental {
		b = l.incr
	}
	return b.state(reset), ok
}

func (b budget) available() bool { return b.limit < 0 || b.used < b.limit }

func (b budget) state(reset int) budgetState {
	if b.limit < 0 {
		return budgetState{limit: -1, reset: reset}
	}
	return budgetState{limit: b.limit, remaining: max(b.limit-b.used, 0), reset: reset}
}

// setHeaders writes both header families Zendesk sends; an unlimited
// budget sends none.
func (b budgetState) setHeaders(h http.Header) {
	if b.limit < 0 {
		return
	}
	limit, remaining := strconv.Itoa(b.limit), strconv.Itoa(b.remaining)
	h.Set("X-Rate-Limit", limit)
	h.Set("X-Rate-Limit-Remaining", remaining)
	h.Set("ratelimit-limit", limit)
	h.Set("ratelimit-remaining", remaining)
	h.Set("ratelimit-reset", strconv.Itoa(b.reset))
}
