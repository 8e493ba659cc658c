package intercom

import (
	"sync/atomic"
	"time"

	"github.com/deskport/deskport/sandbox/internal/faults"
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
type faultState = faults.State[Faults]

func newFaultState(f Faults, seed int64) *faultState { return faults.New(f, seed, 0x1c0de) }

// SetFaults replaces the injected faults; safe while serving.
func (s *Server) SetFaults(f Faults) { s.faults.Set(f) }

// Faults returns the injected faults.
func (s *Server) Faults() Faults { return s.faults.Get() }

// latencyState is the latency added to every request.
type latencyState struct{ d atomic.Int64 }

func (l *latencyState) set(d time.Duration) { l.d.Store(int64(d)) }
func (l *latencyState) get() time.Duration  { return time.Duration(l.d.Load()) }
