package intercom

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Faults are injected into API requests; rates are fractions in [0, 1].
type Faults struct {
	ErrorRate          float64 // answered 500 server_error without applying the request
	TimeoutRate        float64 // held until the client gives up (at most maxHold), not applied
	DropAfterWriteRate float64 // writes applied, then the connection closed without a response
	ThrottleRate       float64 // answered 429 rate_limit_exceeded even when budget remains (a "429 storm")
}

// Names of the injected faults in Stats.FaultsInjected.
const (
	FaultError          = "error"
	FaultTimeout        = "timeout"
	FaultDropAfterWrite = "drop_after_write"
	FaultThrottle       = "throttle"
)

// maxHold bounds a timeout fault, so a client without a deadline still
// gets an answer.
const maxHold = 30 * time.Second

// faultState holds the current faults and the seeded RNG that decides them.
type faultState struct {
	mu  sync.Mutex
	cfg Faults
	rng *rand.Rand
}

func newFaultState(f Faults, seed int64) *faultState {
	return &faultState{cfg: f, rng: rand.New(rand.NewPCG(uint64(seed), 0x1c0de))}
}

func (s *faultState) get() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

func (s *faultState) set(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg = f
}

// roll reports whether a fault of the given rate happens now. Rates 0 and 1
// do not draw, so they never shift the sequence of the other faults.
func (s *faultState) roll(rate float64) bool {
	switch {
	case rate <= 0:
		return false
	case rate >= 1:
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < rate
}

// SetFaults replaces the injected faults; safe while serving.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// Faults returns the injected faults.
func (s *Server) Faults() Faults { return s.faults.get() }

// latencyState is the latency added to every request.
type latencyState struct{ d atomic.Int64 }

func (l *latencyState) set(d time.Duration) { l.d.Store(int64(d)) }
func (l *latencyState) get() time.Duration  { return time.Duration(l.d.Load()) }
