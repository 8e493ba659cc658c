package cli

import (
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	icsim "github.com/deskport/deskport/sandbox/intercom"
)

// stagingOnlyPipeline writes a pipeline that extracts the Intercom simulator at url into
// staging and loads nowhere, as pipelines/examples/intercom-to-staging.yaml does.
func stagingOnlyPipeline(t *testing.T, url string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "intercom.yaml")
	text := fmt.Sprintf("version: 1\nsource:\n  system: intercom\n  base_url: %s\n  credentials: sandbox\ntarget:\n  system: none\n", url)
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestIntercomToStagingAndExport: a staging-only pipeline extracts a seeded Intercom workspace,
// extract names the truncated conversation, export writes each canonical table in both formats
// with as many rows as staging holds (read back with DuckDB), status reads it, and transform
// refuses the pipeline.
func TestIntercomToStagingAndExport(t *testing.T) {
	ctx := context.Background()
	srv := icsim.New(icsim.Options{Strict: true, RateLimit: -1})
	seeded, err := icsim.Seed(srv, icsim.SeedSpec{Contacts: 4, Companies: 3, Conversations: 2, PartsPer: 3, LongThread: 600, Tickets: 2})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	file := stagingOnlyPipeline(t, hs.URL)

	code, out, stderr := run(t, ctx, "extract", "-p", file)
	if code != 0 {
		t.Fatalf("extract: %d %s", code, stderr)
	}
	if want := "tickets " + seeded.LongThread + ": 500 of 600 comments staged"; !strings.Contains(out, want) {
		t.Errorf("extract output lacks %q:\n%s", want, out)
	}
	if code, _, stderr = run(t, ctx, "status", "-p", file); code != 0 {
		t.Errorf("status of a staging-only pipeline: %d %s", code, stderr)
	}
	staged := openStaging(t, file)
	for _, format := range []string{"parquet", "csv"} {
		dir := filepath.Join(t.TempDir(), format)
		code, out, stderr = run(t, ctx, "export", "-p", file, "--format", format, "--out", dir)
		if code != 0 {
			t.Fatalf("export %s: %d %s", format, code, stderr)
		}
		checkExport(t, staged, dir, format, out)
	}
	if code, _, stderr = run(t, ctx, "transform", "-p", file); code == 0 || !strings.Contains(stderr, "target.system is none") {
		t.Errorf("transform of a staging-only pipeline: %d %s", code, stderr)
	}
}

// checkExport reads every exported file back with an in-memory DuckDB and compares its rows
// with the staging table's.
func checkExport(t *testing.T, staged *sql.DB, dir, format, out string) {
	t.Helper()
	reader, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	tables := map[string]int{"tickets": 2 + 1 + 2, "comments": 0, "contacts": 4, "companies": 3, "agents": 0,
		"groups": 0, "attachments": 0, "ticket_fields": 0, "kb_articles": 0, "extract_truncations": 1}
	for table, least := range tables {
		path := filepath.Join(dir, table+"."+format)
		var want, got int
		if err := staged.QueryRow(fmt.Sprintf("SELECT count(*) FROM %q", table)).Scan(&want); err != nil {
			t.Fatal(err)
		}
		fn := map[string]string{"parquet": "read_parquet", "csv": "read_csv"}[format]
		if err := reader.QueryRow(fmt.Sprintf("SELECT count(*) FROM %s('%s')", fn, path)).Scan(&got); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got != want || want < least || !strings.Contains(out, path) {
			t.Errorf("%s: %d rows read back, %d staged (at least %d expected), listed: %v", path, got, want, least, strings.Contains(out, path))
		}
	}
	var comments int
	q := fmt.Sprintf("SELECT count(*) FROM read_parquet('%s') WHERE channel = 'note' AND NOT public", filepath.Join(dir, "comments.parquet"))
	if format == "parquet" {
		if err := reader.QueryRow(q).Scan(&comments); err != nil || comments == 0 {
			t.Errorf("private notes in comments.parquet: %d, %v", comments, err)
		}
	}
}
