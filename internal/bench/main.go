// Command bench is `make bench`: it runs deskport's extract against sandboxes of several sizes and
// prints ratios that hold on a noisy machine — API calls per 1,000 tickets, wall time against the
// lower bound the rate limits allow, the staging writer's rate against DuckDB's own appender, and
// peak memory across sizes.
//
// The sandbox and the extract run as separate processes of the built binary, so each one's peak
// memory is its own. Rate-limit windows are shortened (--window) so a run takes seconds: every
// ratio is independent of the window's length.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

type config struct {
	bin         string
	measuredBin string // the copy of bin the processes whose memory is measured run (measuredCopy)
	sizes       []int
	seed        int64
	window      time.Duration
	planLimit   int
	incrLimit   int
	stagingRows int

	loadTickets      int // throttled load bench size
	loadLimit        int // Intercom requests per 10 s window for the throttled bench
	loadLatency      time.Duration
	loadMemorySizes  []int // unthrottled sizes whose peak memory is compared
	skipExtractBench bool

	intercomConversations int // Intercom extraction bench size; 0: skipped
	intercomLimit         int // Intercom requests per 10 s window in that bench
	onlyIntercom          bool
}

func main() {
	var cfg config
	var sizes string
	flag.StringVar(&cfg.bin, "bin", "bin/deskport", "the deskport binary to measure")
	flag.StringVar(&sizes, "tickets", "2000,20000", "sandbox sizes, comma-separated; memory is compared between the first and the last")
	flag.Int64Var(&cfg.seed, "seed", 7, "sandbox seed")
	flag.DurationVar(&cfg.window, "window", 3*time.Second, "rate-limit window of the sandbox (Zendesk's is a minute)")
	flag.IntVar(&cfg.planLimit, "plan-limit", 700, "Zendesk plan limit per window")
	flag.IntVar(&cfg.incrLimit, "incremental-limit", 10, "Zendesk incremental exports limit per window")
	flag.IntVar(&cfg.loadTickets, "load-tickets", 400, "sandbox size of the throttled load bench")
	flag.IntVar(&cfg.loadLimit, "load-limit", 1000, "Intercom requests per 10 s window in the throttled load bench")
	flag.DurationVar(&cfg.loadLatency, "load-latency", 50*time.Millisecond, "Intercom latency in the throttled load bench")
	var loadSizes string
	flag.StringVar(&loadSizes, "load-memory-tickets", "1000,10000,20000", "unthrottled load sizes whose peak memory is compared, each with the one before")
	flag.BoolVar(&cfg.skipExtractBench, "skip-extract", false, "run only the load benches")
	flag.IntVar(&cfg.intercomConversations, "intercom-conversations", 300, "conversations of the Intercom extraction bench (0: skip it)")
	flag.IntVar(&cfg.intercomLimit, "intercom-limit", 150, "Intercom requests per 10 s window in the Intercom extraction bench")
	flag.BoolVar(&cfg.onlyIntercom, "only-intercom", false, "run only the Intercom extraction bench")
	flag.Parse()
	for _, s := range strings.Split(loadSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -load-memory-tickets: %q is not a positive number\n", s)
			os.Exit(2)
		}
		cfg.loadMemorySizes = append(cfg.loadMemorySizes, n)
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "bench: -tickets: %q is not a positive number\n", s)
			os.Exit(2)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	if err := run(context.Background(), cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config) error {
	dir, err := os.MkdirTemp("", "deskport-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if cfg.measuredBin, err = measuredCopy(cfg.bin, dir); err != nil {
		return err
	}
	if cfg.onlyIntercom {
		return runIntercomBench(ctx, cfg, dir)
	}
	if !cfg.skipExtractBench {
		if err := runExtractBenches(ctx, cfg, dir); err != nil {
			return err
		}
	}
	if err := runLoadBenches(ctx, cfg, dir); err != nil {
		return err
	}
	return runIntercomBench(ctx, cfg, dir)
}

func runIntercomBench(ctx context.Context, cfg config, dir string) error {
	if cfg.intercomConversations <= 0 {
		return nil
	}
	fmt.Printf("\nextracting an Intercom sandbox of %d conversations at %d requests / 10 s…\n", cfg.intercomConversations, cfg.intercomLimit)
	r, err := benchIntercomExtract(ctx, cfg, dir, cfg.intercomConversations, cfg.intercomLimit)
	if err != nil {
		return fmt.Errorf("intercom extract: %w", err)
	}
	printIntercomExtract(r)
	return nil
}

func runLoadBenches(ctx context.Context, cfg config, dir string) error {
	fmt.Printf("\nloading a sandbox of %d tickets at %d requests / 10 s, %s latency…\n", cfg.loadTickets, cfg.loadLimit, cfg.loadLatency)
	throttled, err := benchLoad(ctx, cfg, dir, cfg.loadTickets, cfg.loadLimit, cfg.loadLatency)
	if err != nil {
		return fmt.Errorf("throttled load: %w", err)
	}
	var unthrottled []loadResult
	for _, n := range cfg.loadMemorySizes {
		fmt.Printf("loading a sandbox of %d tickets without a limit…\n", n)
		r, err := benchLoad(ctx, cfg, dir, n, -1, 0)
		if err != nil {
			return fmt.Errorf("unthrottled load of %d tickets: %w", n, err)
		}
		unthrottled = append(unthrottled, r)
	}
	printLoad(throttled, unthrottled)
	return nil
}

func runExtractBenches(ctx context.Context, cfg config, dir string) error {
	var results []extractResult
	for _, n := range cfg.sizes {
		fmt.Printf("extracting a sandbox of %d tickets (window %s, limits %d plan / %d incremental per window)…\n",
			n, cfg.window, cfg.planLimit, cfg.incrLimit)
		r, err := benchExtract(ctx, cfg, dir, n)
		if err != nil {
			return fmt.Errorf("%d tickets: %w", n, err)
		}
		results = append(results, r)
	}
	printExtract(cfg, results)
	last := results[len(results)-1]
	fmt.Println()
	return benchStaging(ctx, last.staging, dir)
}
