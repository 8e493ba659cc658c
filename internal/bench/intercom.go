package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

type intercomExtractResult struct {
	conversations int // including the long thread and the Intercom tickets
	wall          time.Duration
	requests      int64
	rateLimited   int64
	limit         int
}

// benchIntercomExtract serves a sandbox whose Intercom workspace is seeded with n conversations
// (sandbox --from intercom) at limit requests per 10 s, and times a full extract of it.
func benchIntercomExtract(ctx context.Context, cfg config, dir string, n, limit int) (intercomExtractResult, error) {
	addr, err := freeAddr()
	if err != nil {
		return intercomExtractResult{}, err
	}
	sandbox := exec.CommandContext(ctx, cfg.bin, "sandbox", "--addr", addr, "--seed", strconv.FormatInt(cfg.seed, 10),
		"--from", "intercom", "--tickets", strconv.Itoa(n), "--intercom-rate-limit", strconv.Itoa(limit))
	sandbox.Stderr = os.Stderr
	if err := sandbox.Start(); err != nil {
		return intercomExtractResult{}, err
	}
	defer func() { sandbox.Process.Signal(os.Interrupt); sandbox.Wait() }()
	base := "http://" + addr
	if err := waitReady(base+"/_sandbox/stats", 60*time.Second); err != nil {
		return intercomExtractResult{}, err
	}
	text, err := exec.CommandContext(ctx, cfg.bin, "init", "--from", "intercom", "--to", "zendesk", "--sandbox", base).Output()
	if err != nil {
		return intercomExtractResult{}, fmt.Errorf("init: %w", err)
	}
	pipeline := filepath.Join(dir, fmt.Sprintf("bench-intercom-%d.yaml", n))
	if err := os.WriteFile(pipeline, text, 0o644); err != nil {
		return intercomExtractResult{}, err
	}
	before, err := readIntercomStats(base)
	if err != nil {
		return intercomExtractResult{}, err
	}
	// The simulator's windows are aligned to the clock: start on a boundary, as the bound assumes.
	time.Sleep(time.Until(time.Now().Truncate(intercomWindow).Add(intercomWindow)))
	started := time.Now()
	extract := exec.CommandContext(ctx, cfg.bin, "extract", "-p", pipeline)
	var out bytes.Buffer
	extract.Stdout, extract.Stderr = &out, &out
	if err := extract.Run(); err != nil {
		return intercomExtractResult{}, fmt.Errorf("extract: %w\n%s", err, out.String())
	}
	wall := time.Since(started)
	after, err := readIntercomStats(base)
	if err != nil {
		return intercomExtractResult{}, err
	}
	return intercomExtractResult{
		// --from intercom seeds n conversations, one long thread and n/3 tickets.
		conversations: n + 1 + max(n/3, 1), wall: wall, limit: limit,
		requests:    after.Intercom.RequestsTotal - before.Intercom.RequestsTotal,
		rateLimited: after.Intercom.RateLimitedTotal - before.Intercom.RateLimitedTotal,
	}, nil
}

// bound is the least wall time the calls made need at the limit: every window but the last is
// spent whole (calls ÷ limit per window × window, the first window starting with the first call).
func (r intercomExtractResult) bound() time.Duration {
	return time.Duration(windowsNeeded(int(r.requests), r.limit)) * intercomWindow
}

func printIntercomExtract(r intercomExtractResult) {
	fmt.Println("\nextract (Intercom sandbox → staging)")
	fmt.Printf("%-14s %10s %14s %8s %10s %12s %12s\n", "conversations", "API calls", "calls/1000c", "429s", "wall", "bound", "wall/bound")
	ratio := "n/a"
	if b := r.bound(); b > 0 {
		ratio = fmt.Sprintf("%.2f", r.wall.Seconds()/b.Seconds())
	}
	fmt.Printf("%-14d %10d %14.1f %8d %10s %12s %12s\n", r.conversations, r.requests,
		float64(r.requests)*1000/float64(r.conversations), r.rateLimited, r.wall.Round(10*time.Millisecond),
		r.bound().Round(10*time.Millisecond), ratio)
	fmt.Printf("API calls per 1,000 conversations and tickets: %.1f; wall / rate-limit bound (%d calls ÷ %d per %s): %s\n",
		float64(r.requests)*1000/float64(r.conversations), r.requests, r.limit, intercomWindow, ratio)
}
