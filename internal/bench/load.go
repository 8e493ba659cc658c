package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// intercomWindow is the Intercom simulator's rate-limit window, as the real API's.
const intercomWindow = 10 * time.Second

type loadResult struct {
	tickets    int
	limit      int // requests per window; -1 none
	latency    time.Duration
	ops        int64 // plan operations loaded
	requests   int64 // Intercom API requests during the load, 429s included
	throttled  int64 // 429s
	wall       time.Duration
	peakRSS    int64
	windows    []windowSample // per-window request counts, throttled runs only
	setupCalls int64          // calls the load makes besides the plan's: the workspace check
}

type windowSample struct{ requests, throttled int64 }

type intercomStats struct {
	Intercom struct {
		RequestsTotal    int64            `json:"requests_total"`
		RateLimitedTotal int64            `json:"rate_limited_total"`
		Duplicates       map[string]int64 `json:"duplicates"`
		StrictErrors     int64            `json:"strict_errors"`
	} `json:"intercom"`
}

// benchLoad migrates a sandbox of n tickets: extract and transform unmeasured, then the load in
// its own process, against an Intercom simulator with the given limit and latency.
func benchLoad(ctx context.Context, cfg config, dir string, n, limit int, latency time.Duration) (loadResult, error) {
	res := loadResult{tickets: n, limit: limit, latency: latency, setupCalls: 1}
	addr, err := freeAddr()
	if err != nil {
		return res, err
	}
	sb := exec.CommandContext(ctx, cfg.bin, "sandbox", "--addr", addr, "--seed", strconv.FormatInt(cfg.seed, 10),
		"--tickets", strconv.Itoa(n), "--zendesk-rate-limit", "-1", "--zendesk-incremental-limit", "-1",
		"--intercom-rate-limit", strconv.Itoa(limit), "--intercom-latency", latency.String())
	sb.Stderr = os.Stderr
	if err := sb.Start(); err != nil {
		return res, err
	}
	defer func() { sb.Process.Signal(os.Interrupt); sb.Wait() }()
	base := "http://" + addr
	if err := waitReady(base+"/_sandbox/stats", 30*time.Second); err != nil {
		return res, err
	}
	pipeline, _, err := writePipeline(ctx, cfg.bin, dir, base, n)
	if err != nil {
		return res, err
	}
	for _, stage := range []string{"extract", "transform"} {
		if out, err := exec.CommandContext(ctx, cfg.bin, stage, "-p", pipeline).CombinedOutput(); err != nil {
			return res, fmt.Errorf("%s: %w\n%s", stage, err, out)
		}
	}
	before, err := readIntercomStats(base)
	if err != nil {
		return res, err
	}
	// Start just after a window boundary so every window but the last is whole.
	time.Sleep(time.Until(time.Now().Truncate(intercomWindow).Add(intercomWindow + 20*time.Millisecond)))
	sampling := make(chan []windowSample, 1)
	stop := make(chan struct{})
	if limit > 0 {
		go sampleWindows(base, before, stop, sampling)
	}
	started := time.Now()
	load := exec.CommandContext(ctx, cfg.measuredBin, "load", "-p", pipeline, "--concurrency", "64")
	var out bytes.Buffer
	load.Stdout, load.Stderr = &out, &out
	peak, err := runMeasured(load)
	if err != nil {
		return res, fmt.Errorf("load: %w\n%s", err, out.String())
	}
	res.wall = time.Since(started)
	close(stop)
	if limit > 0 {
		res.windows = <-sampling
	}
	after, err := readIntercomStats(base)
	if err != nil {
		return res, err
	}
	if d := sumDuplicates(after); d != 0 || after.Intercom.StrictErrors != 0 {
		return res, fmt.Errorf("the simulator saw %d duplicates and %d strict-mode errors", d, after.Intercom.StrictErrors)
	}
	res.requests = after.Intercom.RequestsTotal - before.Intercom.RequestsTotal
	res.throttled = after.Intercom.RateLimitedTotal - before.Intercom.RateLimitedTotal
	res.peakRSS = peak
	res.ops, err = loadedOps(out.String())
	return res, err
}

// sampleWindows reads the simulator's counters right after every window boundary, so each
// sample is one window's requests.
func sampleWindows(base string, start intercomStats, stop <-chan struct{}, out chan<- []windowSample) {
	var samples []windowSample
	prev := start
	for {
		next := time.Now().Truncate(intercomWindow).Add(intercomWindow + 20*time.Millisecond)
		select {
		case <-stop:
			out <- samples
			return
		case <-time.After(time.Until(next)):
		}
		st, err := readIntercomStats(base)
		if err != nil {
			continue
		}
		samples = append(samples, windowSample{st.Intercom.RequestsTotal - prev.Intercom.RequestsTotal,
			st.Intercom.RateLimitedTotal - prev.Intercom.RateLimitedTotal})
		prev = st
	}
}

func readIntercomStats(base string) (intercomStats, error) {
	var st intercomStats
	resp, err := http.Get(base + "/_sandbox/stats")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

func sumDuplicates(st intercomStats) int64 {
	var n int64
	for _, v := range st.Intercom.Duplicates {
		n += v
	}
	return n
}

// loadedOps reads "N loaded" from the load command's summary line.
func loadedOps(out string) (int64, error) {
	for _, line := range strings.Split(out, "\n") {
		if _, rest, ok := strings.Cut(line, " selected, "); ok {
			var n int64
			if _, err := fmt.Sscanf(rest, "%d loaded", &n); err == nil {
				return n, nil
			}
		}
	}
	return 0, fmt.Errorf("no summary in the load's output:\n%s", out)
}

// budgetShare is the mean share of the limit used by the windows in which work remained (all but
// the last, partial one).
func (r loadResult) budgetShare() (float64, int) {
	full := r.windows
	if len(full) > 0 {
		full = full[:len(full)-1]
	}
	if len(full) == 0 {
		return 0, 0
	}
	var served int64
	for _, w := range full {
		served += w.requests - w.throttled
	}
	return float64(served) / float64(int64(len(full))*int64(r.limit)), len(full)
}

// throttledAfterFirst is the 429s per 1,000 requests after the first window.
func (r loadResult) throttledAfterFirst() float64 {
	var req, thr int64
	for i, w := range r.windows {
		if i == 0 {
			continue
		}
		req += w.requests
		thr += w.throttled
	}
	if req == 0 {
		return 0
	}
	return float64(thr) * 1000 / float64(req)
}

// callsPerMinimum is calls answered without a 429 over the minimum: one per plan operation plus
// the workspace check.
func (r loadResult) callsPerMinimum() float64 {
	return float64(r.requests-r.throttled) / float64(r.ops+r.setupCalls)
}

// realPerAppCeiling is Intercom's 10,000 requests a minute per app, per second.
const realPerAppCeiling = 10000.0 / 60

func printLoad(throttled loadResult, unthrottled []loadResult) {
	fmt.Println("\nload (staging → Intercom sandbox)")
	share, windows := throttled.budgetShare()
	fmt.Printf("at %d requests / 10 s and %s latency, %d tickets (%d operations, %d calls, %s):\n",
		throttled.limit, throttled.latency, throttled.tickets, throttled.ops, throttled.requests, throttled.wall.Round(10*time.Millisecond))
	fmt.Printf("  share of the budget used over %d whole windows: %.3f (goal ≥ 0.95)\n", windows, share)
	fmt.Printf("  429s per 1,000 requests after the first window: %.2f (goal 0; first window: %d)\n",
		throttled.throttledAfterFirst(), firstThrottled(throttled))
	fmt.Printf("  API calls per migrated record / minimum the plan needs: %.3f (goal 1.00)\n", throttled.callsPerMinimum())
	fmt.Printf("unthrottled (no limit, no latency):\n")
	fmt.Printf("  %-10s %10s %10s %12s %14s %10s\n", "tickets", "operations", "wall", "ops/s", "ops/s ÷ 166/s", "peak RSS")
	for _, r := range unthrottled {
		rate := float64(r.ops) / r.wall.Seconds()
		fmt.Printf("  %-10d %10d %10s %12.0f %14.1f %9.0fM\n", r.tickets, r.ops, r.wall.Round(10*time.Millisecond),
			rate, rate/realPerAppCeiling, float64(r.peakRSS)/(1<<20))
	}
	// Each size against the one before: a third size shows whether the peak keeps growing past the
	// second or has reached its bound.
	for i := 1; i < len(unthrottled); i++ {
		a, b := unthrottled[i-1], unthrottled[i]
		fmt.Printf("  peak memory %d vs %d tickets: ratio %.2f (goal: flat, ≈1)\n", a.tickets, b.tickets,
			float64(b.peakRSS)/float64(a.peakRSS))
	}
}

func firstThrottled(r loadResult) int64 {
	if len(r.windows) == 0 {
		return 0
	}
	return r.windows[0].throttled
}
