package load

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a run. Zero values take the defaults in brackets.
type Options struct {
	Target    Target
	System    string // the target system's name, recorded with the run
	Workspace string // the workspace the pipeline file names; checked before any write
	Files     Files  // source attachments to upload; nil fails parts that need a download
	Selection Selection
	Command   string // load | replay [load]

	Concurrency    int           // requests in flight [32]
	Partitions     int           // batches in progress at once [4]
	MaxAttempts    int           // tries of one op through transient failures [4]
	Backoff        time.Duration // first wait between tries, doubling [500ms]
	AttemptTimeout time.Duration // one try, rate-limit waits included [2m]

	// TrimMemory, when set, is called between the plan's chunk reads, with the ledger's commits
	// held off, to hand back what the staging store keeps cached (staging.Store.TrimMemory): the
	// load's peak memory then does not grow with the account.
	TrimMemory func(context.Context) error

	Progress func(Progress)
	Logger   *slog.Logger
	Now      func() time.Time
}

func (o *Options) setDefaults() {
	if o.Command == "" {
		o.Command = "load"
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 32
	}
	if o.Partitions <= 0 {
		o.Partitions = 4
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 4
	}
	if o.Backoff <= 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = 2 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Progress reports a finished batch.
type Progress struct {
	Stage             int
	Kind              string
	Done, Total       int // ops of the run finished so far / selected
	Loaded, Failed    int // outcomes of this batch
	Reconciled        int
	ElapsedSinceStart time.Duration
}

// Result sums a run.
type Result struct {
	RunID      string
	Selected   int // ops the selection chose
	Loaded     int
	Failed     int
	Skipped    int // plan_skips recorded by this run
	Reconciled int // ops found in the target from an earlier attempt instead of being sent again
	Elapsed    time.Duration
}

// Run executes the selected plan rows against the target, stage after stage, and appends every
// outcome to the ledger. Cancelling ctx stops it cleanly: outcomes of calls made are recorded,
// and ops in flight are reconciled by the next run.
func Run(ctx context.Context, db *sql.DB, opts Options) (res *Result, err error) {
	opts.setDefaults()
	hash, err := planHash(ctx, db)
	if err != nil {
		return nil, err
	}
	if err := opts.Target.Check(ctx, opts.Workspace); err != nil {
		return nil, err
	}
	ledger, err := openLedger(ctx, db, RunInfo{Command: opts.Command, Selection: opts.Selection.String(),
		Target: opts.System, Workspace: opts.Workspace, PlanHash: hash}, opts.Now)
	if err != nil {
		return nil, err
	}
	r := &runner{db: db, opts: opts, ledger: ledger, started: opts.Now(),
		inflight: make(chan struct{}, opts.Concurrency)}
	defer func() {
		status := "finished"
		switch {
		case ctx.Err() != nil:
			status = "interrupted"
		case err != nil:
			status = "failed"
		}
		if ferr := ledger.finish(ctx, status, err); err == nil && ferr != nil {
			err = fmt.Errorf("ledger: %w", ferr)
		}
		res = r.result()
	}()
	if opts.Selection == (Selection{}) {
		if err := r.recordSkips(ctx); err != nil {
			return nil, err
		}
	}
	return nil, r.run(ctx)
}

type runner struct {
	db      *sql.DB
	opts    Options
	ledger  *Ledger
	started time.Time

	inflight chan struct{} // one token per request in flight

	total                                     int
	done, loaded, failed, skipped, reconciled atomic.Int64
	progressMu                                sync.Mutex
}

func (r *runner) result() *Result {
	return &Result{RunID: r.ledger.RunID(), Selected: r.total, Loaded: int(r.loaded.Load()),
		Failed: int(r.failed.Load()), Skipped: int(r.skipped.Load()), Reconciled: int(r.reconciled.Load()),
		Elapsed: r.opts.Now().Sub(r.started)}
}

// run dispatches every stage through the router, waiting for each stage to settle before the
// next: later stages refer to what earlier ones created.
func (r *runner) run(ctx context.Context) error {
	total, err := r.count(ctx)
	if err != nil {
		return err
	}
	r.total = total
	stageList, err := stages(ctx, r.db)
	if err != nil {
		return err
	}
	bus, err := startBus(ctx, r)
	if err != nil {
		return err
	}
	defer bus.close()
	for _, stage := range stageList {
		if err := bus.dispatchStage(ctx, stage); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return bus.err()
}

// trimMemory runs Options.TrimMemory with the ledger's commits held off: for a moment the store
// has too little memory for any statement.
func (r *runner) trimMemory(ctx context.Context) error {
	if r.opts.TrimMemory == nil {
		return nil
	}
	var err error
	r.ledger.holdCommits(func() { err = r.opts.TrimMemory(ctx) })
	if err != nil {
		return fmt.Errorf("trimming the staging store's memory: %w", err)
	}
	return nil
}

// count is how many ops the selection chooses, for progress.
func (r *runner) count(ctx context.Context) (int, error) {
	cond, args := r.opts.Selection.where()
	var n int
	err := r.db.QueryRowContext(ctx, `SELECT count(*) FROM plan_ops p
		LEFT JOIN load_state s ON s.op_id = p.op_id WHERE `+cond, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("reading plan_ops: %w", err)
	}
	return n, nil
}

// recordSkips appends a skipped event for each record the transform chose not to migrate, once.
func (r *runner) recordSkips(ctx context.Context) error {
	rows, err := r.db.QueryContext(ctx, `SELECT k.entity, k.source_id, k.reason FROM plan_skips k
		WHERE NOT EXISTS (SELECT 1 FROM load_events e WHERE e.op_id = 'skip:' || k.entity || ':' || k.source_id)
		ORDER BY k.entity, k.source_id`)
	if err != nil {
		return fmt.Errorf("reading plan_skips: %w", err)
	}
	defer rows.Close()
	var events []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.Entity, &e.SourceID, &e.Message); err != nil {
			return fmt.Errorf("reading plan_skips: %w", err)
		}
		e.OpID, e.Kind, e.Batch, e.Event = "skip:"+e.Entity+":"+e.SourceID, "skip", "skips", EventSkipped
		e.Code = "skipped_by_transform"
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading plan_skips: %w", err)
	}
	if err := r.ledger.Append(ctx, events); err != nil {
		return err
	}
	r.skipped.Add(int64(len(events)))
	return nil
}

// finished counts a settled batch and reports progress.
func (r *runner) finished(ops []plannedOp, events []Event) {
	var loaded, failed, reconciled int
	for _, e := range events {
		switch e.Event {
		case EventLoaded:
			loaded++
			if e.Code == codeReconciled {
				reconciled++
			}
		case EventFailed:
			failed++
		}
	}
	r.loaded.Add(int64(loaded))
	r.failed.Add(int64(failed))
	r.reconciled.Add(int64(reconciled))
	done := r.done.Add(int64(len(events)))
	if r.opts.Progress == nil || len(ops) == 0 {
		return
	}
	r.progressMu.Lock()
	defer r.progressMu.Unlock()
	r.opts.Progress(Progress{Stage: ops[0].Stage, Kind: ops[0].Kind, Done: int(done), Total: r.total,
		Loaded: loaded, Failed: failed, Reconciled: reconciled, ElapsedSinceStart: r.opts.Now().Sub(r.started)})
}

// errInterrupted marks an op stopped by the run's cancellation: it gets no outcome.
var errInterrupted = errors.New("interrupted")
