package load

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskport/deskport/schema"
)

// fakeTarget creates objects in memory. Faults are chosen per op id: fail permanently, fail
// transiently n times, or apply the call and then lose its response n times.
type fakeTarget struct {
	mu        sync.Mutex
	created   map[string]string // op id → target id
	order     []string          // op ids in the order they were applied
	calls     int
	permanent map[string]bool
	transient map[string]int
	lose      map[string]int
	refsSeen  map[string]Refs
	workspace string
}

func newFake() *fakeTarget {
	return &fakeTarget{created: map[string]string{}, permanent: map[string]bool{}, transient: map[string]int{},
		lose: map[string]int{}, refsSeen: map[string]Refs{}, workspace: "ws1"}
}

func (f *fakeTarget) Check(_ context.Context, ws string) error {
	if ws != f.workspace {
		return fmt.Errorf("token belongs to workspace %s, the pipeline names %s", f.workspace, ws)
	}
	return nil
}

func (f *fakeTarget) Execute(_ context.Context, op Op, refs Refs, _ Files) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	for _, ref := range op.Refs {
		if _, err := refs.ID(ref); err != nil {
			return "", err
		}
	}
	f.refsSeen[op.ID] = refs
	if f.permanent[op.ID] {
		return "", &OpError{Status: 400, Code: "data_invalid", Message: "bad " + op.ID}
	}
	if f.transient[op.ID] > 0 {
		f.transient[op.ID]--
		return "", &OpError{Status: 503, Code: "service_unavailable", Message: "try later", Retryable: true}
	}
	if _, dup := f.created[op.ID]; dup {
		return "", fmt.Errorf("duplicate create of %s", op.ID)
	}
	id := "t-" + op.ID
	f.created[op.ID] = id
	f.order = append(f.order, op.ID)
	if f.lose[op.ID] > 0 {
		f.lose[op.ID]--
		return "", fmt.Errorf("connection reset after write")
	}
	return id, nil
}

func (f *fakeTarget) Reconcile(_ context.Context, op Op, _ Refs) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	id, ok := f.created[op.ID]
	return id, ok, nil
}

type planRow struct {
	id, kind, entity, source, batch, chain string
	stage                                  int
	refs                                   []string
}

// testPlan: 2 contacts, 2 tickets referring to them, 3 parts of ticket 1 in a chain, 1 of ticket 2.
var testPlan = []planRow{
	{id: "contact:1", kind: "contact", entity: "contacts", source: "1", batch: "1-contact-00000", stage: 1},
	{id: "contact:2", kind: "contact", entity: "contacts", source: "2", batch: "1-contact-00000", stage: 1},
	{id: "ticket:10", kind: "ticket", entity: "tickets", source: "10", batch: "2-ticket-00000", stage: 2, refs: []string{"contact:1"}},
	{id: "ticket:11", kind: "ticket", entity: "tickets", source: "11", batch: "2-ticket-00000", stage: 2, refs: []string{"contact:2"}},
	{id: "part:10:1", kind: "part", entity: "comments", source: "101", batch: "3-part-00000", chain: "ticket:10", stage: 3, refs: []string{"ticket:10"}},
	{id: "part:10:2", kind: "part", entity: "comments", source: "102", batch: "3-part-00000", chain: "ticket:10", stage: 3, refs: []string{"ticket:10"}},
	{id: "part:10:3", kind: "part", entity: "comments", source: "103", batch: "3-part-00000", chain: "ticket:10", stage: 3, refs: []string{"ticket:10"}},
	{id: "part:11:1", kind: "part", entity: "comments", source: "111", batch: "3-part-00001", chain: "ticket:11", stage: 3, refs: []string{"ticket:11"}},
}

func newPlanDB(t *testing.T, plan []planRow) *sql.DB {
	t.Helper()
	db, err := schema.Open(context.Background(), filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	exec(t, db, `CREATE TABLE plan_ops (op_id VARCHAR PRIMARY KEY, seq BIGINT, stage INTEGER, kind VARCHAR,
		entity VARCHAR, source_id VARCHAR, batch_id VARCHAR, chain VARCHAR, refs VARCHAR[], payload JSON)`)
	exec(t, db, `CREATE TABLE plan_skips (entity VARCHAR, source_id VARCHAR, reason VARCHAR)`)
	exec(t, db, `CREATE TABLE plan_meta (key VARCHAR, value VARCHAR)`)
	exec(t, db, `INSERT INTO plan_meta VALUES ('plan_hash', 'h1')`)
	exec(t, db, `INSERT INTO plan_skips VALUES ('tickets', '12', 'deleted at the source')`)
	for i, p := range plan {
		refs, _ := json.Marshal(p.refs)
		if p.refs == nil {
			refs = []byte("[]")
		}
		exec(t, db, `INSERT INTO plan_ops VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS JSON)::VARCHAR[], '{}')`,
			p.id, i+1, p.stage, p.kind, p.entity, p.source, p.batch, p.chain, string(refs))
	}
	return db
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func run(t *testing.T, db *sql.DB, f *fakeTarget, sel Selection) *Result {
	t.Helper()
	res, err := Run(context.Background(), db, Options{Target: f, System: "fake", Workspace: "ws1",
		Selection: sel, Backoff: time.Millisecond, Partitions: 2, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// outcomes maps op id → last outcome.
func outcomes(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT op_id, event FROM load_outcomes`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, ev string
		if err := rows.Scan(&id, &ev); err != nil {
			t.Fatal(err)
		}
		out[id] = ev
	}
	return out
}

func TestRunLoadsEverythingOnceInOrder(t *testing.T) {
	db := newPlanDB(t, testPlan)
	f := newFake()
	res := run(t, db, f, Selection{})
	if res.Selected != 8 || res.Loaded != 8 || res.Failed != 0 || res.Skipped != 1 {
		t.Fatalf("result %+v", res)
	}
	if got := f.refsSeen["part:10:2"]["ticket:10"]; got != "t-ticket:10" {
		t.Errorf("part's ref resolved to %q", got)
	}
	var parts []string
	for _, id := range f.order {
		if strings.HasPrefix(id, "part:10:") {
			parts = append(parts, id)
		}
	}
	if strings.Join(parts, ",") != "part:10:1,part:10:2,part:10:3" {
		t.Errorf("chain order %v", parts)
	}
	again := run(t, db, f, Selection{})
	if again.Selected != 0 || again.Skipped != 0 || f.calls != 8 {
		t.Errorf("second run %+v after %d calls: want nothing to do", again, f.calls)
	}
	var idmap int
	db.QueryRow(`SELECT count(*) FROM id_map`).Scan(&idmap)
	if idmap != 8 {
		t.Errorf("id_map has %d rows", idmap)
	}
}

func TestFailuresAreRecordedAndReplayed(t *testing.T) {
	db := newPlanDB(t, testPlan)
	f := newFake()
	f.permanent["contact:2"] = true
	f.permanent["part:10:2"] = true
	res := run(t, db, f, Selection{})
	got := outcomes(t, db)
	want := map[string]string{"contact:1": "loaded", "contact:2": "failed", "ticket:10": "loaded", "ticket:11": "failed",
		"part:10:1": "loaded", "part:10:2": "failed", "part:10:3": "failed", "part:11:1": "failed",
		"skip:tickets:12": "skipped"}
	for id, ev := range want {
		if got[id] != ev {
			t.Errorf("%s: %s, want %s", id, got[id], ev)
		}
	}
	if res.Failed != 5 {
		t.Errorf("failed %d, want 5", res.Failed)
	}
	var code, msg string
	db.QueryRow(`SELECT code, message FROM load_outcomes WHERE op_id = 'ticket:11'`).Scan(&code, &msg)
	if code != "dependency_missing" || !strings.Contains(msg, "contact:2") {
		t.Errorf("ticket:11 failed with %s %q: want the missing contact named", code, msg)
	}
	db.QueryRow(`SELECT code FROM load_outcomes WHERE op_id = 'part:10:3'`).Scan(&code)
	if code != "dependency_failed" {
		t.Errorf("part:10:3: %s", code)
	}
	// The operator fixes the cause; a replay of the failed records loads them in dependency order.
	f.permanent = map[string]bool{}
	replay := run(t, db, f, Selection{Failed: true})
	if replay.Selected != 5 || replay.Loaded != 5 {
		t.Fatalf("replay %+v", replay)
	}
	for id, ev := range outcomes(t, db) {
		if ev != "loaded" && ev != "skipped" {
			t.Errorf("%s still %s", id, ev)
		}
	}
	// Replaying a loaded record does nothing.
	calls := f.calls
	if r := run(t, db, f, Selection{Entity: "tickets", SourceID: "10"}); r.Selected != 0 || f.calls != calls {
		t.Errorf("replay of a loaded record: %+v", r)
	}
}

func TestLostResponsesAreReconciledNotResent(t *testing.T) {
	db := newPlanDB(t, testPlan)
	f := newFake()
	f.lose["ticket:10"] = 1
	f.lose["part:10:2"] = 1
	f.transient["contact:1"] = 2
	res := run(t, db, f, Selection{})
	if res.Loaded != 8 || res.Reconciled != 2 {
		t.Fatalf("result %+v: want 8 loaded, 2 of them reconciled", res)
	}
	if len(f.created) != 8 {
		t.Errorf("%d objects created", len(f.created))
	}
}

func TestInterruptedOpsAreReconciledByTheNextRun(t *testing.T) {
	db := newPlanDB(t, testPlan)
	f := newFake()
	// A crash after ticket:10 was sent and applied, before its outcome reached the ledger.
	exec(t, db, `INSERT INTO load_events VALUES (1, 'crashed', 'ticket:10', 'ticket', 'tickets', '10',
		'2-ticket-00000', 'attempted', NULL, NULL, NULL, NULL, false, now())`)
	f.created["ticket:10"] = "t-ticket:10"
	f.order = append(f.order, "ticket:10")
	res := run(t, db, f, Selection{})
	if res.Loaded != 8 || res.Reconciled != 1 || res.Failed != 0 {
		t.Fatalf("result %+v", res)
	}
}

func TestWrongWorkspaceWritesNothing(t *testing.T) {
	db := newPlanDB(t, testPlan)
	f := newFake()
	_, err := Run(context.Background(), db, Options{Target: f, Workspace: "other"})
	if err == nil || !strings.Contains(err.Error(), "other") {
		t.Fatalf("err %v", err)
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM load_events`).Scan(&n)
	if n != 0 || f.calls != 0 {
		t.Errorf("%d events, %d calls", n, f.calls)
	}
}

func TestInterruptLeavesNoOutcomeForOpsInFlight(t *testing.T) {
	db := newPlanDB(t, testPlan)
	f := newFake()
	ctx, cancel := context.WithCancel(context.Background())
	blocking := &blockingTarget{fakeTarget: f, block: "ticket:11", cancel: cancel}
	res, err := Run(ctx, db, Options{Target: blocking, Workspace: "ws1", Backoff: time.Millisecond})
	if err == nil {
		t.Fatalf("want an interrupted run, got %+v", res)
	}
	got := outcomes(t, db)
	if got["ticket:11"] != "" || got["contact:1"] != "loaded" {
		t.Errorf("outcomes after interrupt: %v", got)
	}
	// The next run reconciles ticket:11 (not applied) and sends it once.
	res = run(t, db, f, Selection{})
	if res.Failed != 0 || len(f.created) != 8 {
		t.Errorf("resume %+v, %d created", res, len(f.created))
	}
}

// blockingTarget cancels the run while one op is in flight.
type blockingTarget struct {
	*fakeTarget
	block  string
	cancel context.CancelFunc
}

func (b *blockingTarget) Execute(ctx context.Context, op Op, refs Refs, files Files) (string, error) {
	if op.ID == b.block {
		b.cancel()
		<-ctx.Done()
		return "", ctx.Err()
	}
	return b.fakeTarget.Execute(ctx, op, refs, files)
}

func TestReportTotalsFollowTheLedger(t *testing.T) {
	db := newPlanDB(t, testPlan)
	f := newFake()
	f.permanent["part:11:1"] = true
	before, err := ReadTotals(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(before) != "[{comments 4 0 0 0 4} {contacts 2 0 0 0 2} {tickets 3 0 0 1 2}]" {
		t.Errorf("before the load: %v", before)
	}
	run(t, db, f, Selection{})
	after, _ := ReadTotals(context.Background(), db)
	if fmt.Sprint(after) != "[{comments 4 3 1 0 0} {contacts 2 2 0 0 0} {tickets 3 2 0 1 0}]" {
		t.Errorf("after the load: %v", after)
	}
	rows, err := QueryRecords(context.Background(), db, RecordFilter{})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int
	for rows.Next() {
		n++
	}
	if n != 9 {
		t.Errorf("%d record rows, want 9", n)
	}
}

// A batch's events land together or not at all, and every field keeps its value or NULL.
func TestLedgerAppendIsAtomicAndKeepsEveryField(t *testing.T) {
	db := newPlanDB(t, testPlan)
	l, err := openLedger(context.Background(), db, RunInfo{Command: "load"}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	events := make([]Event, 450)
	for i := range events {
		events[i] = Event{OpID: fmt.Sprintf("op:%d", i), Kind: "contact", Entity: "contacts", Event: EventAttempted}
	}
	events[7] = Event{OpID: "op:7", Event: EventFailed, Status: 409, Code: "conflict", Message: "exists", Retryable: true}
	events[8] = Event{OpID: "op:8", Event: EventLoaded, TargetID: "t8"}
	// An event id the ledger will hand out, taken already under a unique index (the ledger has
	// none of its own: it is the one writer): the append must fail whole.
	if _, err := db.Exec(`INSERT INTO load_events VALUES (?, 'other', 'x', 'k', 'e', 's', 'b', 'attempted',
		NULL, NULL, NULL, NULL, false, now())`, l.next+300); err != nil {
		t.Fatal(err)
	}
	exec(t, db, `CREATE UNIQUE INDEX test_taken_ids ON load_events (event_id)`)
	if err := l.Append(context.Background(), events); err == nil || !strings.Contains(err.Error(), "op:0") {
		t.Fatalf("append over a taken id: %v, want an error naming the first op", err)
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM load_events WHERE run_id = ?`, l.RunID()).Scan(&n)
	if n != 0 {
		t.Fatalf("%d events of a failed append landed", n)
	}
	exec(t, db, `DROP INDEX test_taken_ids`)
	db.Exec(`DELETE FROM load_events WHERE run_id = 'other'`)
	for range 2 {
		if err := l.Append(context.Background(), events); err != nil {
			t.Fatal(err)
		}
	}
	var distinct int
	db.QueryRow(`SELECT count(*), count(DISTINCT event_id) FROM load_events`).Scan(&n, &distinct)
	if n != 2*len(events) || distinct != n {
		t.Errorf("%d events, %d distinct ids", n, distinct)
	}
	var status sql.NullInt64
	var code, message, target sql.NullString
	var retryable bool
	db.QueryRow(`SELECT status, code, message, retryable, target_id FROM load_events WHERE op_id = 'op:7' LIMIT 1`).
		Scan(&status, &code, &message, &retryable, &target)
	if status.Int64 != 409 || code.String != "conflict" || message.String != "exists" || !retryable || target.Valid {
		t.Errorf("failed event read back as %v %v %v %v %v", status, code, message, retryable, target)
	}
	db.QueryRow(`SELECT status, code, target_id FROM load_events WHERE op_id = 'op:8' LIMIT 1`).Scan(&status, &code, &target)
	if status.Valid || code.Valid || target.String != "t8" {
		t.Errorf("loaded event read back as %v %v %v", status, code, target)
	}
}

// An op that gave up after a lost response may exist in the target: its replay looks first.
func TestReplayOfAFailureThatMayHaveBeenAppliedLooksFirst(t *testing.T) {
	db := newPlanDB(t, testPlan)
	f := newFake()
	f.lose["ticket:10"] = 1
	res, err := Run(context.Background(), db, Options{Target: f, Workspace: "ws1", MaxAttempts: 1, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(t, db)["ticket:10"]; got != "failed" || res.Failed == 0 {
		t.Fatalf("ticket:10 %s after a lost response and one try", got)
	}
	replay := run(t, db, f, Selection{Failed: true})
	if replay.Reconciled != 1 || replay.Failed != 0 {
		t.Errorf("replay %+v: want ticket:10 found in the target, not created again", replay)
	}
	if len(f.created) != 8 {
		t.Errorf("%d objects in the target", len(f.created))
	}
}

// Appends made at the same time may share a transaction, but each keeps its events together, in
// order, with ids no other Append was given.
func TestLedgerConcurrentAppendsStayWholeAndInOrder(t *testing.T) {
	db := newPlanDB(t, testPlan)
	l, err := openLedger(context.Background(), db, RunInfo{Command: "load"}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	const appends, size = 40, 25
	var wg sync.WaitGroup
	for a := range appends {
		wg.Go(func() {
			events := make([]Event, size)
			for i := range events {
				events[i] = Event{OpID: fmt.Sprintf("op:%d:%d", a, i), Batch: fmt.Sprint(a), Event: EventAttempted}
			}
			if err := l.Append(context.Background(), events); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	rows, err := db.Query(`SELECT batch_id, min(event_id), max(event_id), count(*) FROM load_events GROUP BY batch_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var batch string
		var lo, hi, n int64
		if err := rows.Scan(&batch, &lo, &hi, &n); err != nil {
			t.Fatal(err)
		}
		if n != size || hi-lo+1 != size {
			t.Errorf("append %s: %d events over ids %d..%d, want %d contiguous", batch, n, lo, hi, size)
		}
		var first, last string
		db.QueryRow(`SELECT op_id FROM load_events WHERE event_id = ?`, lo).Scan(&first)
		db.QueryRow(`SELECT op_id FROM load_events WHERE event_id = ?`, hi).Scan(&last)
		if first != "op:"+batch+":0" || last != fmt.Sprintf("op:%s:%d", batch, size-1) {
			t.Errorf("append %s runs from %s to %s", batch, first, last)
		}
		seen++
	}
	if seen != appends {
		t.Errorf("%d appends in the ledger, want %d", seen, appends)
	}
}

// A stage of many batches is read a chunk of batches at a time: every op still runs once, in
// order within its chain, with its refs resolved, and no batch is split between chunks.
func TestStageOfManyChunksRunsEveryOpOnceInOrder(t *testing.T) {
	var plan []planRow
	tickets := 3*chunkBatches + 5
	for i := range tickets {
		plan = append(plan, planRow{id: fmt.Sprintf("ticket:%d", i), kind: "ticket", entity: "tickets",
			source: fmt.Sprint(i), batch: fmt.Sprintf("1-ticket-%05d", i/2), stage: 1})
	}
	for i := range tickets {
		for n := range 3 {
			plan = append(plan, planRow{id: fmt.Sprintf("part:%d:%d", i, n), kind: "part", entity: "comments",
				source: fmt.Sprintf("%d%d", i, n), batch: fmt.Sprintf("2-part-%05d", i), chain: fmt.Sprintf("ticket:%d", i),
				stage: 2, refs: []string{fmt.Sprintf("ticket:%d", i)}})
		}
	}
	db := newPlanDB(t, plan)
	var batches []string
	var seen []string
	chunks := 0
	for _, stage := range []int{1, 2} {
		err := streamStage(context.Background(), db, stage, Selection{}, func(ops []plannedOp) error {
			batches = append(batches, ops[0].Batch)
			for _, op := range ops {
				if op.Batch != ops[0].Batch {
					t.Errorf("batch %s holds %s of batch %s", ops[0].Batch, op.ID, op.Batch)
				}
				seen = append(seen, op.ID)
			}
			return nil
		}, func(context.Context) error { chunks++; return nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	ticketBatches := (tickets + 1) / 2
	if want := (ticketBatches+chunkBatches-1)/chunkBatches + (tickets+chunkBatches-1)/chunkBatches; chunks != want {
		t.Errorf("%d chunk reads ended, want %d", chunks, want)
	}
	if len(seen) != len(plan) || len(batches) != (tickets+1)/2+tickets {
		t.Fatalf("%d ops in %d batches, want %d in %d", len(seen), len(batches), len(plan), (tickets+1)/2+tickets)
	}
	for i, p := range plan {
		if seen[i] != p.id {
			t.Fatalf("op %d is %s, want %s (plan order)", i, seen[i], p.id)
		}
	}
	f := newFake()
	trims := 0
	res, err := Run(context.Background(), db, Options{Target: f, System: "fake", Workspace: "ws1",
		Backoff: time.Millisecond, Partitions: 2, Concurrency: 4,
		TrimMemory: func(context.Context) error {
			trims++
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if trims != chunks {
		t.Errorf("the store was trimmed %d times, want once after each of the %d chunk reads", trims, chunks)
	}
	if res.Loaded != len(plan) || len(f.created) != len(plan) {
		t.Errorf("loaded %d, created %d, want %d", res.Loaded, len(f.created), len(plan))
	}
	for id, state := range outcomes(t, db) {
		if state != "loaded" && !strings.HasPrefix(id, "skip:") {
			t.Errorf("%s ended %s", id, state)
		}
	}
}

// While the store is trimmed no ledger commit runs: an Append made meanwhile waits for the hold
// to end, then lands.
func TestHoldCommitsDefersAppends(t *testing.T) {
	ctx := context.Background()
	db := newPlanDB(t, nil)
	ledger, err := openLedger(ctx, db, RunInfo{Command: "load", Selection: "all"}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	appended := make(chan error, 1)
	var early bool
	ledger.holdCommits(func() {
		go func() {
			appended <- ledger.Append(ctx, []Event{{OpID: "ticket:1", Kind: "ticket", Entity: "tickets",
				SourceID: "1", Batch: "1-ticket-00000", Event: EventAttempted}})
		}()
		select {
		case <-appended:
			early = true
		case <-time.After(100 * time.Millisecond):
		}
	})
	if early {
		t.Fatal("an Append committed while commits were held")
	}
	if err := <-appended; err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM load_events WHERE op_id = 'ticket:1'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("after the hold the ledger has %d events of ticket:1 (err %v), want 1", n, err)
	}
}
