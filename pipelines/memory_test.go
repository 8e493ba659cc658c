package pipelines

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestLimitGoMemorySetsAndRestores(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	restore := limitGoMemory(extractGoMemoryLimit)
	if got := debug.SetMemoryLimit(-1); got != extractGoMemoryLimit {
		t.Errorf("limit during the stage %d, want %d", got, extractGoMemoryLimit)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after the stage %d, want the previous %d", got, before)
	}
}

func TestLimitGoMemoryLeavesTheUsersLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	previous := debug.SetMemoryLimit(math.MaxInt64 - 1)
	defer debug.SetMemoryLimit(previous)
	restore := limitGoMemory(extractGoMemoryLimit)
	defer restore()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64-1 {
		t.Errorf("limit %d with GOMEMLIMIT set, want it untouched", got)
	}
}
