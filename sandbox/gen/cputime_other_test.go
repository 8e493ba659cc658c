//go:build !unix

package gen

import (
	"testing"
	"time"
)

var started = time.Now()

// cpuTime falls back to wall time where the process's CPU time is not at hand.
func cpuTime(*testing.T) time.Duration { return time.Since(started) }
