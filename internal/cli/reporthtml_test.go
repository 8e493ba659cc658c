package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/sandbox/intercom"
)

// chromium finds the headless browser the HTML report is tested in. Without it the test is
// skipped on a developer's machine and fails in CI (CI=true), where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed; .ci/run installs it (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium): the HTML report is not rendered")
	return ""
}

// headless runs chromium on the page with args, a fresh profile each time.
func headless(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--user-data-dir=" + t.TempDir(), "--virtual-time-budget=3000"}, args...)
	cmd := exec.CommandContext(ctx, bin, append(all, "file://"+page)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return out
}

// TestReportHTMLRendersTheLedger: the page of a load renders in Chromium without a network, its
// totals and per-entity record counts are the ledger's, and the screenshot shows it.
func TestReportHTMLRendersTheLedger(t *testing.T) {
	bin := chromium(t)
	// A rate limit far above what the load needs: the answers carry the headers the chart shows.
	_, file := prepared(t, 30, intercom.Options{Strict: true, RateLimit: 100_000})
	if code, out, stderr := run(t, context.Background(), "load", "-p", file); code != 0 {
		t.Fatalf("load: %d\n%s%s", code, out, stderr)
	}
	runID := lastRun(t, file, "load")
	page := filepath.Join(t.TempDir(), "report.html")
	if code, out, stderr := run(t, context.Background(), "report", "-p", file, "--run", runID, "--format", "html", "--out", page); code != 0 {
		t.Fatalf("report: %d\n%s%s", code, out, stderr)
	}
	raw, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//`).Find(raw); m != nil {
		t.Errorf("the page loads something from the network: %s", m)
	}
	db := openStaging(t, file)
	totals, err := load.ReadRunTotals(context.Background(), db, runID)
	if err != nil {
		t.Fatal(err)
	}
	checkExportsHoldTheRows(t, file, runID, totals)
	dom := string(headless(t, bin, page, "--dump-dom"))
	checkTotalsInDOM(t, dom, totals)
	if !strings.Contains(dom, `<tr data-run="`+runID+`">`) {
		t.Errorf("the runs table does not list run %s", runID)
	}
	if got := domRunID(dom); got != runID {
		t.Errorf("the page names run %q, want %q", got, runID)
	}
	for _, id := range []string{"bars", "throughput", "rate"} {
		if !strings.Contains(dom, `<svg id="`+id+`"`) {
			t.Errorf("no %s chart in the rendered page", id)
		}
	}

	shot := filepath.Join(t.TempDir(), "report.png")
	if dir := os.Getenv("REPORT_SCREENSHOT_DIR"); dir != "" {
		shot = filepath.Join(dir, "report.png") // to look at it
	}
	headless(t, bin, page, "--screenshot="+shot, "--window-size=1200,1600", "--hide-scrollbars")
	if st, err := os.Stat(shot); err != nil || st.Size() < 10_000 {
		t.Errorf("screenshot %s: %v (a blank page is a few kB)", shot, err)
	}
}

// checkTotalsInDOM compares each cell of the rendered totals table with the ledger's totals,
// and each entity's record count, computed by the page's script, with its total.
func checkTotalsInDOM(t *testing.T, dom string, totals []load.RunTotals) {
	t.Helper()
	if len(totals) == 0 {
		t.Fatal("the run recorded nothing")
	}
	for _, tt := range totals {
		want := map[string]int{"total": tt.Total, "migrated": tt.Migrated, "failed": tt.Failed,
			"skipped": tt.Skipped, "pending": tt.Pending, "rolled_back": tt.RolledBack}
		row := regexp.MustCompile(`<tr data-entity="` + regexp.QuoteMeta(tt.Entity) + `">(.*?)</tr>`).FindStringSubmatch(dom)
		if row == nil {
			t.Errorf("no totals row for %s in the rendered page", tt.Entity)
			continue
		}
		for col, n := range want {
			cell := regexp.MustCompile(`data-col="` + col + `">(\d+)<`).FindStringSubmatch(row[1])
			if cell == nil || cell[1] != strconv.Itoa(n) {
				t.Errorf("%s %s: the page shows %v, the ledger %d", tt.Entity, col, cell, n)
			}
		}
		count := regexp.MustCompile(`class="count" data-entity="` + regexp.QuoteMeta(tt.Entity) + `">(\d+)<`).FindStringSubmatch(dom)
		if count == nil || count[1] != strconv.Itoa(tt.Total) {
			t.Errorf("%s: the script lists %v records, the ledger has %d", tt.Entity, count, tt.Total)
		}
	}
}

func domRunID(dom string) string {
	m := regexp.MustCompile(`<code id="run-id">([^<]*)</code>`).FindStringSubmatch(dom)
	if m == nil {
		return ""
	}
	return m[1]
}

// checkExportsHoldTheRows: the CSV and JSON exports of the run list one row per record the
// page counts.
func checkExportsHoldTheRows(t *testing.T, file, runID string, totals []load.RunTotals) {
	t.Helper()
	want := 0
	for _, tt := range totals {
		want += tt.Total
	}
	for _, format := range []string{"csv", "json"} {
		code, out, stderr := run(t, context.Background(), "report", "-p", file, "--run", runID, "--records", "--format", format)
		if code != 0 {
			t.Fatalf("report --records --format %s: %d %s", format, code, stderr)
		}
		rows := strings.Count(out, "\n") - 1 // the CSV header
		if format == "json" {
			rows = strings.Count(out, `"op_id"`)
		}
		if rows != want {
			t.Errorf("the %s export holds %d rows; the page counts %d records", format, rows, want)
		}
	}
}

// TestTimeAxisFitsLongSpans: a report over days of runs keeps its bars on the chart.
func TestTimeAxisFitsLongSpans(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		span      time.Duration
		slots, by int
	}{
		{0, 1, 1},
		{9 * time.Second, 10, 1},
		{599 * time.Second, 600, 1},
		{600 * time.Second, 301, 2},
		{72 * time.Hour, 599, 433},
	}
	for _, tt := range tests {
		a := newTimeAxis(start, start.Add(tt.span))
		if a.slots != tt.slots || a.per != tt.by {
			t.Errorf("span %s: %d slots of %d s, want %d of %d", tt.span, a.slots, a.per, tt.slots, tt.by)
		}
		if x, w := a.x(start.Add(tt.span)); x+w > chartW {
			t.Errorf("span %s: the last bar ends at %.1f, past the chart's %d", tt.span, x+w, chartW)
		}
	}
}
