package zendesk

import (
	"math/rand/v2"
	"sync"
	"time"
)

// Faults are injected into requests; rates are fractions in [0, 1].
type Faults struct {
	ErrorRate      float64       // API requests answered 500 or 503 (after spending budget)
	Latency        time.Duration // added to every request
	ResetRate      float64       // connections closed without a response
	MalformedPages float64       // successful API bodies truncated to invalid JSON
	ThrottleRate   float64       // API requests answered 429 regardless of budget (a "429 storm")
}

// faultState holds the current faults and the seeded RNG that decides them.
type faultState struct {
	mu  sync.Mutex
	cfg Faults
	rng *rand.Rand
}

func newFaultState(f Faults, seed int64) *faultState {
	return &faultState{cfg: f, rng: rand.New(rand.NewPCG(uint64(seed), 0x5eed))}
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
