package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

type extractResult struct {
	tickets     int
	wall        time.Duration
	lowerBound  lowerBound
	requests    int64
	rateLimited int64
	byRoute     map[string]int64
	peakRSS     int64 // bytes, of the extract process
	staging     string
}

type sandboxStats struct {
	RequestsTotal    int64            `json:"requests_total"`
	RequestsByRoute  map[string]int64 `json:"requests_by_route"`
	RateLimitedTotal int64            `json:"rate_limited_total"`
}

// benchExtract serves a sandbox of n tickets in a child process and times a full extract of it.
func benchExtract(ctx context.Context, cfg config, dir string, n int) (extractResult, error) {
	addr, err := freeAddr()
	if err != nil {
		return extractResult{}, err
	}
	sandbox := exec.CommandContext(ctx, cfg.bin, "sandbox", "--addr", addr, "--seed", strconv.FormatInt(cfg.seed, 10),
		"--tickets", strconv.Itoa(n), "--rate-window", cfg.window.String(),
		"--zendesk-rate-limit", strconv.Itoa(cfg.planLimit), "--zendesk-incremental-limit", strconv.Itoa(cfg.incrLimit))
	sandbox.Stderr = os.Stderr
	if err := sandbox.Start(); err != nil {
		return extractResult{}, err
	}
	defer func() { sandbox.Process.Signal(os.Interrupt); sandbox.Wait() }()
	base := "http://" + addr
	if err := waitReady(base+"/_sandbox/stats", 30*time.Second); err != nil {
		return extractResult{}, err
	}
	pipeline, staging, err := writePipeline(ctx, cfg.bin, dir, base, n)
	if err != nil {
		return extractResult{}, err
	}
	before, err := readStats(base)
	if err != nil {
		return extractResult{}, err
	}
	// Start at a window boundary (the sandbox's windows are aligned to the clock), so the first
	// window is whole, as the lower bound assumes.
	time.Sleep(time.Until(time.Now().Truncate(cfg.window).Add(cfg.window)))
	started := time.Now()
	extract := exec.CommandContext(ctx, cfg.measuredBin, "extract", "-p", pipeline)
	var out bytes.Buffer
	extract.Stdout, extract.Stderr = &out, &out
	peak, err := runMeasured(extract)
	if err != nil {
		return extractResult{}, fmt.Errorf("extract: %w\n%s", err, out.String())
	}
	wall := time.Since(started)
	after, err := readStats(base)
	if err != nil {
		return extractResult{}, err
	}
	return extractResult{
		tickets: n, wall: wall, staging: staging,
		lowerBound:  computeLowerBound(cfg, n),
		requests:    after.RequestsTotal - before.RequestsTotal,
		rateLimited: after.RateLimitedTotal - before.RateLimitedTotal,
		byRoute:     after.RequestsByRoute,
		peakRSS:     peak,
	}, nil
}

func writePipeline(ctx context.Context, bin, dir, base string, n int) (string, string, error) {
	text, err := exec.CommandContext(ctx, bin, "init", "--from", "zendesk", "--to", "intercom", "--sandbox", base).Output()
	if err != nil {
		return "", "", fmt.Errorf("init: %w", err)
	}
	file := filepath.Join(dir, fmt.Sprintf("bench-%d.yaml", n))
	staging := filepath.Join(dir, fmt.Sprintf("bench-%d.duckdb", n))
	text = append(text, []byte("\n# bench: its own staging file per size\n")...)
	if err := os.WriteFile(file, text, 0o644); err != nil {
		return "", "", err
	}
	return file, staging, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func waitReady(url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("sandbox at %s did not answer within %s", url, timeout)
}

func readStats(base string) (sandboxStats, error) {
	var st sandboxStats
	resp, err := http.Get(base + "/_sandbox/stats")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

func printExtract(cfg config, rs []extractResult) {
	fmt.Println("\nextract (Zendesk sandbox → staging)")
	fmt.Printf("%-10s %10s %12s %12s %10s %12s %12s %10s\n", "tickets", "API calls", "calls/1000t", "429s", "wall", "lower bound", "wall/bound", "peak RSS")
	for _, r := range rs {
		fmt.Printf("%-10d %10d %12.1f %12d %10s %12s %12s %9.0fM\n", r.tickets, r.requests,
			float64(r.requests)*1000/float64(r.tickets), r.rateLimited, r.wall.Round(10*time.Millisecond),
			r.lowerBound.wall.Round(10*time.Millisecond), r.boundRatio(), float64(r.peakRSS)/(1<<20))
	}
	last := rs[len(rs)-1]
	fmt.Printf("\nAPI calls per 1,000 tickets at %d tickets: %.1f (naive per-ticket comments alone: %.0f)\n",
		last.tickets, float64(last.requests)*1000/float64(last.tickets), float64(last.lowerBound.perTicketCalls)*1000/float64(last.tickets))
	fmt.Printf("extract wall time / rate-limit lower bound at %d tickets: %s (goal ≤ 1.25; bound: %s)\n",
		last.tickets, last.boundRatio(), last.lowerBound.explain)
	if len(rs) > 1 {
		first := rs[0]
		fmt.Printf("peak memory %d vs %d tickets: %.0fM vs %.0fM, ratio %.2f (goal: flat, ≈1)\n", first.tickets, last.tickets,
			float64(first.peakRSS)/(1<<20), float64(last.peakRSS)/(1<<20), float64(last.peakRSS)/float64(first.peakRSS))
	}
}

// boundRatio is wall time over the lower bound; a bound of zero (everything fits in the first
// window) leaves the ratio undefined.
func (r extractResult) boundRatio() string {
	if r.lowerBound.wall <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", r.wall.Seconds()/r.lowerBound.wall.Seconds())
}
