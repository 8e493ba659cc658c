package load

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
)

// RateLog gathers what the target's rate-limit headers said, per second of a run: how many
// answers arrived, the lowest remaining budget and the window's limit. Targets feed it from every
// answer; WriteRateLog keeps it in load_rate for the report's chart of budget use.
type RateLog struct {
	now func() time.Time

	mu   sync.Mutex
	secs map[int64]*rateSecond
}

type rateSecond struct {
	calls, minRemaining, limit int
	metered                    bool
}

// NewRateLog returns an empty log on clock now (time.Now when nil).
func NewRateLog(now func() time.Time) *RateLog {
	if now == nil {
		now = time.Now
	}
	return &RateLog{now: now, secs: map[int64]*rateSecond{}}
}

// Observe records one answer; metered is false when it carried no rate-limit headers.
func (l *RateLog) Observe(remaining, limit int, metered bool) {
	if l == nil {
		return
	}
	sec := l.now().Unix()
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.secs[sec]
	if s == nil {
		s = &rateSecond{minRemaining: remaining}
		l.secs[sec] = s
	}
	s.calls++
	if metered {
		if !s.metered || remaining < s.minRemaining {
			s.minRemaining = remaining
		}
		s.limit = max(s.limit, limit)
		s.metered = true
	}
}

// WriteRateLog appends the log to load_rate under runID, in one transaction.
func WriteRateLog(ctx context.Context, db *sql.DB, runID string, l *RateLog) error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	tx, err := db.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("recording rate-limit use: %w", err)
	}
	defer tx.Rollback()
	for _, sec := range slices.Sorted(maps.Keys(l.secs)) {
		s := l.secs[sec]
		var remaining, limit sql.NullInt64
		if s.metered {
			remaining, limit = sql.NullInt64{Int64: int64(s.minRemaining), Valid: true}, sql.NullInt64{Int64: int64(s.limit), Valid: true}
		}
		if _, err := tx.Exec(`INSERT INTO load_rate VALUES (?, ?, ?, ?, ?)`, runID, time.Unix(sec, 0).UTC(), s.calls, remaining, limit); err != nil {
			return fmt.Errorf("recording rate-limit use of run %s: %w", runID, err)
		}
	}
	return tx.Commit()
}
