package load

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// codeReconciled marks a loaded event whose id was found in the target rather than returned by
// a call of this run.
const codeReconciled = "reconciled"

// executeBatch writes the batch's attempted events, then runs its ops: chains one op after
// another, everything else in parallel, all within the run's bound on requests in flight.
func (r *runner) executeBatch(ctx context.Context, ops []plannedOp) ([]Event, error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	attempts := make([]Event, 0, len(ops))
	for _, op := range ops {
		attempts = append(attempts, eventFor(op.Op, EventAttempted))
	}
	// Written before any call: an op whose outcome is missing after a crash is known to need a
	// look in the target before it is sent again.
	if err := r.ledger.Append(ctx, attempts); err != nil {
		return nil, err
	}
	units, groups := r.together(chains(ops))
	results := make([][]Event, len(units)+len(groups))
	var wg sync.WaitGroup
	for i, unit := range units {
		wg.Go(func() { results[i] = r.runChain(ctx, unit) })
	}
	for i, group := range groups {
		wg.Go(func() { results[len(units)+i] = r.runMany(ctx, group) })
	}
	wg.Wait()
	var events []Event
	for _, evs := range results {
		events = append(events, evs...)
	}
	return events, nil
}

// chains groups a batch's ops: each chain's ops in order, every op outside a chain alone.
func chains(ops []plannedOp) [][]plannedOp {
	var units [][]plannedOp
	index := map[string]int{}
	for _, op := range ops {
		if op.Chain == "" {
			units = append(units, []plannedOp{op})
			continue
		}
		i, ok := index[op.Chain]
		if !ok {
			i = len(units)
			index[op.Chain] = i
			units = append(units, nil)
		}
		units[i] = append(units[i], op)
	}
	return units
}

// together takes out of units the lone ops a ManyTarget writes several to a call, grouped by
// kind in at most ManySize ops each. An interrupted op stays alone: the one-op path looks in the
// target before it is sent again.
func (r *runner) together(units [][]plannedOp) (rest, groups [][]plannedOp) {
	many, ok := r.opts.Target.(ManyTarget)
	if !ok {
		return units, nil
	}
	open := map[string]int{} // kind → index in groups of its group still filling
	for _, unit := range units {
		op := unit[0]
		size := many.ManySize(op.Kind)
		if len(unit) > 1 || op.Chain != "" || op.Interrupted || size < 2 {
			rest = append(rest, unit)
			continue
		}
		i, ok := open[op.Kind]
		if !ok || len(groups[i]) >= size {
			i = len(groups)
			open[op.Kind] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], op)
	}
	return rest, groups
}

// runMany settles a group of ops through one call of a ManyTarget. A call the target refused
// as a whole sends each op alone, so that one bad record fails only itself; a call refused by
// the rate limit was not applied and is sent again with backoff. A call that may have been
// applied (no answer, a server error, an answer that cannot be read) is never sent again whole:
// each op goes alone, looked up in the target first, so a bulk create that is not idempotent
// creates nothing twice. An op the call failed with a reason that may pass is tried again alone.
func (r *runner) runMany(ctx context.Context, ops []plannedOp) []Event {
	var last error
	for attempt := 1; attempt <= r.opts.MaxAttempts; attempt++ {
		if attempt > 1 && !r.sleep(ctx, r.opts.Backoff<<(attempt-2)) {
			return nil
		}
		outcomes, err := r.executeMany(ctx, ops)
		if ctx.Err() != nil {
			return nil
		}
		var oe *OpError
		switch {
		case err == nil && len(outcomes) == len(ops):
			events := make([]Event, 0, len(ops))
			for i, op := range ops {
				e, ok := r.settleOutcome(ctx, op, outcomes[i])
				if !ok {
					return events
				}
				events = append(events, e)
			}
			return events
		case errors.As(err, &oe) && oe.Status == http.StatusTooManyRequests:
			last = err
		case errors.As(err, &oe) && !oe.Retryable:
			return r.runAlone(ctx, ops, false)
		default:
			return r.runAlone(ctx, ops, true)
		}
	}
	events := make([]Event, 0, len(ops))
	for _, op := range ops {
		e := eventFor(op.Op, EventFailed)
		e.Code, e.Message, e.Retryable = "transient", fmt.Sprintf("gave up after %d tries: %v", r.opts.MaxAttempts, last), true
		var oe *OpError
		if errors.As(last, &oe) {
			e.Status, e.Code = oe.Status, oe.Code
		}
		events = append(events, e)
	}
	return events
}

// settleOutcome turns one op's outcome of a many-call into its event; an op failed for a reason
// that may pass goes the one-op path, looked up first unless it was refused by the rate limit.
// ok is false when the run was interrupted meanwhile.
func (r *runner) settleOutcome(ctx context.Context, op plannedOp, o Outcome) (Event, bool) {
	if o.Err == nil {
		e := eventFor(op.Op, EventLoaded)
		e.TargetID = o.TargetID
		return e, true
	}
	var oe *OpError
	if errors.As(o.Err, &oe) && oe.final() {
		return failedEvent(op.Op, oe), true
	}
	// As after a single call: only a 429 was surely refused before it was applied.
	op.Interrupted = op.Interrupted || !(oe != nil && oe.Status == http.StatusTooManyRequests)
	e, err := r.runOp(ctx, op)
	return e, err == nil
}

// runAlone settles each op by itself, as if the target had no many-call; lookFirst marks them
// as possibly applied, so each is looked up in the target before it is sent.
func (r *runner) runAlone(ctx context.Context, ops []plannedOp, lookFirst bool) []Event {
	events := make([]Event, 0, len(ops))
	for _, op := range ops {
		op.Interrupted = op.Interrupted || lookFirst
		e, err := r.runOp(ctx, op)
		if err != nil {
			return events
		}
		events = append(events, e)
	}
	return events
}

// runChain runs ops in order. After an op that did not load, the rest of the chain fails without
// a call: a comment thread must arrive in order, so they wait for a replay of the failed one.
func (r *runner) runChain(ctx context.Context, ops []plannedOp) []Event {
	events := make([]Event, 0, len(ops))
	for i, op := range ops {
		e, err := r.runOp(ctx, op)
		if err != nil { // interrupted: no outcome for this op or the rest
			return events
		}
		events = append(events, e)
		if e.Event != EventLoaded {
			for _, rest := range ops[i+1:] {
				f := eventFor(rest.Op, EventFailed)
				f.Code, f.Retryable = CodeDependencyFailed, true
				f.Message = fmt.Sprintf("%s, earlier in %s, did not load", op.ID, op.Chain)
				events = append(events, f)
			}
			return events
		}
	}
	return events
}

// runOp settles one op: loaded, or failed with the target's reason. Transient failures are
// retried with backoff, but an op whose earlier try may have been applied (a lost response, a
// server error, an interrupted run) is first looked up in the target, so it is never created
// twice. It returns errInterrupted, and no event, when the run is cancelled.
func (r *runner) runOp(ctx context.Context, op plannedOp) (Event, error) {
	needCheck := op.Interrupted
	var last error
	for attempt := 1; attempt <= r.opts.MaxAttempts; attempt++ {
		if attempt > 1 && !r.sleep(ctx, r.opts.Backoff<<(attempt-2)) {
			return Event{}, errInterrupted
		}
		if needCheck {
			id, found, err := r.reconcile(ctx, op)
			if ctx.Err() != nil {
				return Event{}, errInterrupted
			}
			if err != nil {
				last = fmt.Errorf("checking the target for an earlier attempt: %w", err)
				continue
			}
			if found {
				e := eventFor(op.Op, EventLoaded)
				e.TargetID, e.Code = id, codeReconciled
				return e, nil
			}
			needCheck = false
		}
		id, err := r.execute(ctx, op)
		if err == nil {
			e := eventFor(op.Op, EventLoaded)
			e.TargetID = id
			return e, nil
		}
		if ctx.Err() != nil {
			return Event{}, errInterrupted
		}
		var oe *OpError
		if errors.As(err, &oe) && oe.final() {
			return failedEvent(op.Op, oe), nil
		}
		last = err
		// A 429 was refused before it was applied; anything else may have been applied.
		needCheck = !(oe != nil && oe.Status == 429)
	}
	e := eventFor(op.Op, EventFailed)
	e.Code, e.Message, e.Retryable = "transient", fmt.Sprintf("gave up after %d tries: %v", r.opts.MaxAttempts, last), true
	var oe *OpError
	if errors.As(last, &oe) {
		e.Status, e.Code = oe.Status, oe.Code
	}
	return e, nil
}

func failedEvent(op Op, oe *OpError) Event {
	e := eventFor(op, EventFailed)
	e.Status, e.Code, e.Message, e.Retryable = oe.Status, oe.Code, oe.Message, oe.Retryable
	return e
}

// execute makes one call within the bound on requests in flight and the attempt timeout.
func (r *runner) execute(ctx context.Context, op plannedOp) (string, error) {
	if err := r.acquire(ctx); err != nil {
		return "", err
	}
	defer r.release()
	actx, cancel := context.WithTimeout(ctx, r.opts.AttemptTimeout)
	defer cancel()
	return r.opts.Target.Execute(actx, op.Op, op.Resolved, r.opts.Files)
}

// executeMany makes one many-call within the bound on requests in flight and the attempt
// timeout.
func (r *runner) executeMany(ctx context.Context, ops []plannedOp) ([]Outcome, error) {
	if err := r.acquire(ctx); err != nil {
		return nil, err
	}
	defer r.release()
	actx, cancel := context.WithTimeout(ctx, r.opts.AttemptTimeout)
	defer cancel()
	plain := make([]Op, len(ops))
	refs := make([]Refs, len(ops))
	for i, op := range ops {
		plain[i], refs[i] = op.Op, op.Resolved
	}
	return r.opts.Target.(ManyTarget).ExecuteMany(actx, plain, refs, r.opts.Files)
}

func (r *runner) reconcile(ctx context.Context, op plannedOp) (string, bool, error) {
	if err := r.acquire(ctx); err != nil {
		return "", false, err
	}
	defer r.release()
	actx, cancel := context.WithTimeout(ctx, r.opts.AttemptTimeout)
	defer cancel()
	return r.opts.Target.Reconcile(actx, op.Op, op.Resolved)
}

func (r *runner) acquire(ctx context.Context) error {
	select {
	case r.inflight <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *runner) release() { <-r.inflight }

func (r *runner) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
