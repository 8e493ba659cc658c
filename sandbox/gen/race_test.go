//go:build race

package gen

// raceEnabled skips timing tests under the race detector.
const raceEnabled = true
