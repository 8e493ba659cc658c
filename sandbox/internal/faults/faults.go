// Package faults is the simulators' shared switchboard of injected faults: the current settings
// of a simulator (its own Faults type) and the seeded random source that decides, request by
// request, whether a fault of a given rate happens. Seeded, so a failing test replays exactly.
package faults

import (
	"math/rand/v2"
	"sync"
)

// State holds a simulator's fault settings F; safe for concurrent use.
type State[F any] struct {
	mu  sync.Mutex
	cfg F
	rng *rand.Rand
}

// New starts with settings f; seed and stream seed the random source.
func New[F any](f F, seed int64, stream uint64) *State[F] {
	return &State[F]{cfg: f, rng: rand.New(rand.NewPCG(uint64(seed), stream))}
}

// Get returns the current settings.
func (s *State[F]) Get() F {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

// Set replaces the settings; safe while serving.
func (s *State[F]) Set(f F) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg = f
}

// Roll reports whether a fault of the given rate happens now. Rates 0 and 1 do not draw, so they
// never shift the sequence of the other faults.
func (s *State[F]) Roll(rate float64) bool {
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
