package cli

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/zendesk"
	"github.com/deskport/deskport/schema"
)

// TestMain lets a test run deskport as a real child process (the test binary re-executed), so a
// crash test can kill it with SIGKILL: no deferred cleanup, no graceful shutdown.
func TestMain(m *testing.M) {
	if os.Getenv("DESKPORT_TEST_CHILD") == "1" {
		os.Exit(Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func child(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "DESKPORT_TEST_CHILD=1")
	return cmd
}

// Killing the extract process at several points (SIGKILL, mid-page, mid-transaction) and running
// it again ends with the same staged rows as an uninterrupted extract, none twice.
func TestExtractSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	sb, url := startSandbox(t, sandbox.Options{Seed: 21, Tickets: 1500, Zendesk: zendesk.Options{
		RateLimit: -1, IncrementalRateLimit: -1, Faults: zendesk.Faults{Latency: time.Millisecond}}})
	clean := sandboxPipeline(t, url)
	if code, _, stderr := run(t, context.Background(), "extract", "-p", clean); code != 0 {
		t.Fatalf("clean extract: %s", stderr)
	}
	perRun := sb.Stats().RequestsTotal
	crashed := sandboxPipeline(t, url)
	kills := 0
	for _, share := range []float64{0.05, 0.15, 0.25, 0.35, 0.45} {
		start := sb.Stats().RequestsTotal
		cmd := child("extract", "-p", crashed)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if !killAfter(sb, start+int64(share*float64(perRun)), cmd, done) {
			break // it finished: a resumed run needs fewer requests than a whole one
		}
		kills++
	}
	if kills == 0 {
		t.Fatal("the extract always finished before it could be killed")
	}
	if kills == 5 {
		out, err := child("extract", "-p", crashed).CombinedOutput()
		if err != nil {
			t.Fatalf("extract after %d kills: %v\n%s", kills, err, out)
		}
		if !strings.Contains(string(out), "resumed") {
			t.Errorf("the last run did not resume the killed snapshot:\n%s", out)
		}
	}
	a, b := openStaging(t, clean), openStaging(t, crashed)
	for _, tbl := range schema.Tables {
		if x, y := tableDigest(t, a, tbl), tableDigest(t, b, tbl); x != y {
			t.Errorf("after %d kills %s differs:\n clean   %s\n killed  %s", kills, tbl.Entity, x, y)
		}
	}
	for _, raw := range []string{"raw_tickets", "raw_contacts", "raw_agents", "raw_companies"} {
		if n := count(t, b, `SELECT count(*) FROM (SELECT source_id, updated_at FROM `+raw+` GROUP BY ALL HAVING count(*) > 1)`); n != 0 {
			t.Errorf("%s: %d records staged twice", raw, n)
		}
	}
	if n := count(t, b, `SELECT count(*) FROM snapshots`); n != 1 {
		t.Errorf("%d snapshots, want the killed one resumed every time", n)
	}
	t.Logf("%d kills, then a clean finish", kills)
}

// killAfter SIGKILLs cmd once the sandbox has served target requests; false if it ended first.
func killAfter(sb *sandbox.Server, target int64, cmd *exec.Cmd, done <-chan error) bool {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return false
		case <-tick.C:
			if sb.Stats().RequestsTotal >= target {
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				return true
			}
		}
	}
}
