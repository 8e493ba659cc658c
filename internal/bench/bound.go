package main

import (
	"fmt"
	"math"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// lowerBound is the least wall time any extractor needs for an account under the sandbox's
// rate limits, whatever its strategy: the incremental exports (tickets, users, organizations,
// ticket events) spend their own small budget; per-ticket comment calls spend the plan budget,
// which every call also counts against. Comments can come either way, so the bound takes the
// best split f (share of comment events fetched per ticket instead of through ticket_events).
type lowerBound struct {
	wall           time.Duration
	perTicketCalls int
	explain        string
}

func computeLowerBound(cfg config, tickets int) lowerBound {
	acct := gen.Generate(gen.Options{Seed: cfg.seed, Tickets: tickets})
	events, perTicket := 0, 0
	for _, t := range acct.Tickets {
		events += len(t.Comments) + len(t.Changes)
		if t.Status != gen.StatusDeleted {
			perTicket += max(1, ceilDiv(len(t.Comments), 100))
		}
	}
	fixedIncr := ceilDiv(len(acct.Tickets), 1000) + ceilDiv(len(acct.Users), 1000) + ceilDiv(len(acct.Organizations), 1000)
	eventPages := ceilDiv(events, 1000)
	fixedPlan := ceilDiv(len(acct.Groups), 100) + ceilDiv(len(acct.TicketFields), 100)

	best, bestF := math.MaxInt, 0.0
	for i := 0; i <= 1000; i++ {
		f := float64(i) / 1000
		incr := fixedIncr + int(math.Ceil((1-f)*float64(eventPages)))
		plan := fixedPlan + incr + int(math.Ceil(f*float64(perTicket)))
		w := max(windowsNeeded(incr, cfg.incrLimit), windowsNeeded(plan, cfg.planLimit))
		if w < best {
			best, bestF = w, f
		}
	}
	return lowerBound{
		wall:           time.Duration(best) * cfg.window,
		perTicketCalls: perTicket,
		explain: fmt.Sprintf("%d windows of %s: %d incremental pages + %d ticket-event pages, %d per-ticket calls, best split %.0f%% per ticket",
			best, cfg.window, fixedIncr, eventPages, perTicket, bestF*100),
	}
}

// windowsNeeded is how many whole windows pass before n requests at limit per window are all
// sent, when the first window starts with the first request: the last window's share goes at once.
func windowsNeeded(n, limit int) int {
	if n <= 0 || limit <= 0 {
		return 0
	}
	return ceilDiv(n, limit) - 1
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
