package cli

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/intercom"
)

// prepared extracts and transforms a sandbox account, leaving the load to the test.
func prepared(t *testing.T, tickets int, ic intercom.Options) (*sandbox.Server, string) {
	t.Helper()
	sb, url := startSandbox(t, sandbox.Options{Seed: 5, Tickets: tickets, Intercom: ic})
	file := sandboxPipeline(t, url)
	for _, stage := range []string{"extract", "transform"} {
		if code, out, stderr := run(t, context.Background(), stage, "-p", file); code != 0 {
			t.Fatalf("%s: %d\n%s%s", stage, code, out, stderr)
		}
	}
	return sb, file
}

// checkLoadedOnce: every plan op is loaded, and the target holds each record once.
func checkLoadedOnce(t *testing.T, sb *sandbox.Server, file string) {
	t.Helper()
	db := openStaging(t, file)
	defer db.Close()
	if n := count(t, db, `SELECT count(*) FROM plan_ops p LEFT JOIN load_outcomes o USING (op_id)
		WHERE o.event IS DISTINCT FROM 'loaded'`); n != 0 {
		t.Errorf("%d plan ops not loaded: %v", n, failures(t, db))
	}
	st := sb.Intercom().Stats()
	for kind, n := range st.Duplicates {
		if n != 0 {
			t.Errorf("%d duplicate %s in the target", n, kind)
		}
	}
	if st.StrictErrors != 0 {
		t.Errorf("%d strict-mode errors", st.StrictErrors)
	}
	ic := sb.Intercom()
	want := map[string]int{"ticket": len(ic.Tickets()), "contact": len(ic.Contacts()), "company": len(ic.Companies())}
	parts := 0
	for _, tk := range ic.Tickets() {
		for _, p := range tk.Parts {
			if p.PartType == "comment" || p.PartType == "note" {
				parts++
			}
		}
	}
	want["part"] = parts
	for kind, got := range want {
		if n := count(t, db, `SELECT count(*) FROM plan_ops WHERE kind = ?`, kind); n != got {
			t.Errorf("%s: the plan has %d, the target %d", kind, n, got)
		}
	}
}

// With 5% server errors and timeouts, responses lost after the write, and 429 storms, every
// record ends loaded or failed with the target's reason; a replay of the failed ones then loads
// the rest, and nothing is created twice.
func TestLoadUnderFaultsThenReplayFailed(t *testing.T) {
	sb, file := prepared(t, 150, intercom.Options{RateLimit: 1_000_000, RateWindow: time.Second})
	sb.Intercom().SetFaults(intercom.Faults{ErrorRate: 0.03, TimeoutRate: 0.02, DropAfterWriteRate: 0.02, ThrottleRate: 0.02})
	p, err := pipelines.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	// A stalled response is cut after a second (the default is minutes), and each op gets two tries,
	// so some fail and are left for the replay.
	stalls := &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: time.Second}}
	res, err := pipelines.RunLoad(context.Background(), p, pipelines.LoadOptions{Getenv: os.Getenv, HTTPClient: stalls,
		MaxAttempts: 2, AttemptTimeout: 20 * time.Second, Backoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	db := openStaging(t, file)
	unsettled := count(t, db, `SELECT count(*) FROM plan_ops p LEFT JOIN load_outcomes o USING (op_id) WHERE o.event IS NULL`)
	reasonless := count(t, db, `SELECT count(*) FROM load_outcomes WHERE event = 'failed' AND (code IS NULL OR message IS NULL)`)
	logFailureCodes(t, db)
	db.Close()
	if unsettled != 0 || reasonless != 0 {
		t.Fatalf("%d ops without an outcome, %d failures without a reason", unsettled, reasonless)
	}
	if res.Failed == 0 {
		t.Fatalf("no op failed under faults (%+v): the test injects nothing", res)
	}
	if st := sb.Intercom().Stats(); st.FaultsInjected[intercom.FaultDropAfterWrite] == 0 || st.FaultsInjected[intercom.FaultThrottle] == 0 {
		t.Fatalf("faults injected: %v", st.FaultsInjected)
	}
	sb.Intercom().SetFaults(intercom.Faults{})
	if code, out, stderr := run(t, context.Background(), "replay", "-p", file, "--failed"); code != 0 {
		t.Fatalf("replay: %d\n%s%s", code, out, stderr)
	}
	t.Logf("first load: %+v", res)
	checkLoadedOnce(t, sb, file)
}

// Killing the load with SIGKILL at random points, 20 times, some of them right after a write
// whose response the target dropped, loses nothing and creates nothing twice once it is resumed.
func TestLoadSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	sb, file := prepared(t, 200, intercom.Options{Latency: time.Millisecond})
	sb.Intercom().SetFaults(intercom.Faults{DropAfterWriteRate: 0.03})
	rng := rand.New(rand.NewPCG(3, 4))
	created := func() int64 {
		var n int64
		for _, v := range sb.Intercom().Stats().Created {
			n += v
		}
		return n
	}
	kills := killLoads(t, file, created, func() int64 { return int64(5 + rng.IntN(60)) })
	sb.Intercom().SetFaults(intercom.Faults{})
	if out, err := child("load", "-p", file).CombinedOutput(); err != nil {
		t.Fatalf("load after %d kills: %v\n%s", kills, err, out)
	}
	if out, err := child("replay", "-p", file, "--failed").CombinedOutput(); err != nil {
		t.Fatalf("replay after %d kills: %v\n%s", kills, err, out)
	}
	db := openStaging(t, file)
	reconciled := count(t, db, `SELECT count(*) FROM load_events WHERE code = 'reconciled'`)
	db.Close()
	t.Logf("%d kills; %d ops found in the target instead of being sent again", kills, reconciled)
	checkLoadedOnce(t, sb, file)
}

// killLoads runs the load as a child process and SIGKILLs it once the target has created
// after() more objects, until it has been killed 20 times; it returns the kills.
func killLoads(t *testing.T, file string, created func() int64, after func() int64) int {
	t.Helper()
	kills := 0
	for attempt := 0; kills < 20 && attempt < 60; attempt++ {
		start := created()
		cmd := child("load", "-p", file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if killAfterCreates(created, start+after(), cmd, done) {
			kills++
		}
	}
	if kills < 20 {
		t.Fatalf("only %d kills: the load finished first", kills)
	}
	return kills
}

// killAfterCreates SIGKILLs cmd once the target has created target objects; false if it ended.
func killAfterCreates(created func() int64, target int64, cmd *exec.Cmd, done <-chan error) bool {
	tick := time.NewTicker(200 * time.Microsecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return false
		case <-tick.C:
			if created() >= target {
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				return true
			}
		}
	}
}

// logFailureCodes logs how many ops failed with each code, for reading a failed run.
func logFailureCodes(t *testing.T, db *sql.DB) {
	rows, err := db.Query(`SELECT kind, code, count(*), any_value(right(message, 200)) FROM load_outcomes
		WHERE event = 'failed' GROUP BY ALL ORDER BY 3 DESC LIMIT 8`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, code, msg string
		var n int
		rows.Scan(&kind, &code, &n, &msg)
		t.Logf("failed %s %s: %d (%s)", kind, code, n, msg)
	}
}
