package zendesk

import (
	"time"

	"github.com/deskport/deskport/sandbox/internal/faults"
)

// Faults are injected into requests; rates are fractions in [0, 1].
type Faults struct {
	ErrorRate      float64       // API requests answered 500 or 503 (after spending budget)
	Latency        time.Duration // added to every request
	ResetRate      float64       // connections closed without a response
	MalformedPages float64       // successful API bodies truncated to invalid JSON
	ThrottleRate   float64       // API requests answered 429 regardless of budget (a "429 storm")
	// DropAfterWriteRate: writes applied, then the connection closed without an answer, as when a
	// load balancer dies after the backend committed.
	DropAfterWriteRate float64
}

// faultState holds the current faults and the seeded RNG that decides them.
type faultState = faults.State[Faults]

func newFaultState(f Faults, seed int64) *faultState { return faults.New(f, seed, 0x5eed) }

// SetFaults replaces the injected faults; safe while serving.
func (s *Server) SetFaults(f Faults) { s.faults.Set(f) }

// Faults returns the injected faults.
func (s *Server) Faults() Faults { return s.faults.Get() }
