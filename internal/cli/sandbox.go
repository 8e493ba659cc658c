package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/intercom"
	"github.com/deskport/deskport/sandbox/zendesk"
)

// sandboxFlags are the settings shared by `sandbox` and `demo`.
type sandboxFlags struct {
	seed              int64
	tickets, articles int
	window            time.Duration
	rateLimit         int
	incrLimit         int
	errorRate         float64
	resetRate         float64
	throttle          float64
	latency           time.Duration
	sameHost          bool
	foreignURL        float64
	intercom          intercomFlags
}

// intercomFlags configure the simulated Intercom target.
type intercomFlags struct {
	rateLimit       int
	phoneValidation bool
	strict          bool
	latency         time.Duration
	errorRate       float64
	dropRate        float64
	throttleRate    float64
}

func (f *intercomFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.IntVar(&f.rateLimit, "intercom-rate-limit", intercom.DefaultRateLimit, "Intercom requests per 10-second window (-1: none)")
	fl.BoolVar(&f.phoneValidation, "intercom-phone-validation", false, "Intercom workspace rejects contacts with implausible phones")
	fl.BoolVar(&f.strict, "intercom-strict", true, "validate every Intercom request against the official 2.15 OpenAPI description")
	fl.DurationVar(&f.latency, "intercom-latency", 0, "fault: latency added to every Intercom request")
	fl.Float64Var(&f.errorRate, "intercom-error-rate", 0, "fault: share of Intercom requests answered 500 without applying them")
	fl.Float64Var(&f.dropRate, "intercom-drop-rate", 0, "fault: share of Intercom writes applied, then dropped without a response")
	fl.Float64Var(&f.throttleRate, "intercom-throttle-rate", 0, "fault: share of Intercom requests answered 429 regardless of budget")
}

func (f *intercomFlags) options() intercom.Options {
	return intercom.Options{
		RateLimit: f.rateLimit, PhoneValidation: f.phoneValidation, Strict: f.strict, Latency: f.latency,
		Faults: intercom.Faults{ErrorRate: f.errorRate, DropAfterWriteRate: f.dropRate, ThrottleRate: f.throttleRate},
	}
}

func (f *sandboxFlags) register(cmd *cobra.Command, tickets int) {
	fl := cmd.Flags()
	fl.Int64Var(&f.seed, "seed", 1, "seed of the generated account (same seed, same data)")
	fl.IntVar(&f.tickets, "tickets", tickets, "number of tickets to generate")
	fl.IntVar(&f.articles, "articles", 0, "number of knowledge base (Guide) articles to generate: nested sections, sectionless articles, four locales")
	fl.DurationVar(&f.window, "rate-window", time.Minute, "length of a rate-limit window (shorten it to run benchmarks faster)")
	fl.IntVar(&f.rateLimit, "zendesk-rate-limit", 700, "Zendesk plan limit: requests per window (-1: none)")
	fl.IntVar(&f.incrLimit, "zendesk-incremental-limit", 10, "Zendesk incremental exports limit: requests per window (-1: none)")
	fl.Float64Var(&f.errorRate, "error-rate", 0, "fault: share of API requests answered 500/503")
	fl.Float64Var(&f.resetRate, "reset-rate", 0, "fault: share of connections closed without a response")
	fl.Float64Var(&f.throttle, "throttle-rate", 0, "fault: share of API requests answered 429 regardless of budget")
	fl.DurationVar(&f.latency, "latency", 0, "fault: latency added to every request")
	f.intercom.register(cmd)
}

func (f *sandboxFlags) options() sandbox.Options {
	return sandbox.Options{
		Seed:     f.seed,
		Tickets:  f.tickets,
		Articles: f.articles,
		Zendesk: zendesk.Options{
			RateLimit:            f.rateLimit,
			IncrementalRateLimit: f.incrLimit,
			RateWindow:           f.window,
			Faults: zendesk.Faults{
				ErrorRate: f.errorRate, ResetRate: f.resetRate, ThrottleRate: f.throttle, Latency: f.latency,
			},
		},
		Intercom: f.intercom.options(),
	}
}

func newSandboxCmd(env *Env) *cobra.Command {
	var addr, from string
	var flags sandboxFlags
	cmd := &cobra.Command{
		Use:   "sandbox [--addr 127.0.0.1:PORT] [--seed N] [--tickets N] [--from zendesk|intercom]",
		Short: "Serve simulated help desks (Zendesk under /zendesk, Intercom under /intercom) with generated data",
		Long: `Serves a simulated Zendesk account, generated from the seed, with Zendesk's envelopes, pagination,
errors, rate limits and quirks, at http://ADDR/zendesk; and an empty Intercom 2.15 workspace (admins and
teams mirroring most of the agents and groups) to migrate into, at http://ADDR/intercom. Both accept the
published demo credentials (pipeline files say credentials: sandbox). GET /_sandbox/stats counts
requests, and what the Intercom workspace received.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkSandboxFrom(from); err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("sandbox: listening on %s: %w", addr, err)
			}
			srv := sandbox.New(flags.options())
			if from == sandboxFromIntercom {
				seeded, err := seedIntercomSource(srv, flags.tickets, flags.intercom.rateLimit)
				if err != nil {
					return err
				}
				fmt.Fprintf(env.Stdout, "sandbox: Intercom workspace seeded with %d conversations (one of 600 parts) and %d tickets to migrate into Zendesk\n",
					len(seeded.Conversations)+1, len(seeded.Tickets))
			}
			if env.Getenv("GOGC") == "" {
				// The sandbox stands in for a remote service yet shares this machine's cores with
				// the deskport it serves; collecting its short-lived request garbage a quarter as
				// often leaves those cores to the tool under test.
				debug.SetGCPercent(sandboxGCPercent)
			}
			fmt.Fprintf(env.Stdout, "sandbox: %d tickets (seed %d) at http://%s — Zendesk base URL http://%s/zendesk, Intercom base URL http://%s/intercom, stats at /_sandbox/stats\n",
				flags.tickets, flags.seed, ln.Addr(), ln.Addr(), ln.Addr())
			return serveUntilDone(cmd.Context(), ln, srv.Handler())
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8089", "address to listen on")
	cmd.Flags().StringVar(&from, "from", sandboxFromZendesk, "the side holding the data: zendesk (a generated account to move into Intercom) "+
		"or intercom (also seeds the Intercom workspace, --tickets conversations, to move into the Zendesk account's agents and groups)")
	flags.register(cmd, 2000)
	return cmd
}

// sandboxGCPercent is the standalone sandbox's GOGC.
const sandboxGCPercent = 400

// serveUntilDone serves h on ln until ctx is cancelled, then shuts down gracefully.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err := hs.Shutdown(shutdown)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		return err
	}
}
