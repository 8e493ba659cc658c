package transform

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// updateGolden rewrites the expected plans from the current output: go test ./transform -update
var updateGolden = flag.Bool("update", false, "rewrite testdata/cases/*/plan.golden")

// TestGolden runs every case folder under testdata/cases: input.sql fills a fresh staging store
// (raw tables and target directory), settings.json (optional) overrides DefaultSettings, and the
// plan is compared with plan.golden.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "cases", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			db := newStore(t)
			loadFixture(t, db, filepath.Join(dir, "input.sql"))
			res, err := Run(context.Background(), db, caseSettings(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join(dir, "plan.golden"), renderResult(res)+renderPlan(t, db))
		})
	}
}

func loadFixture(t *testing.T, db *sql.DB, path string) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(context.Background(), string(text)); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func caseSettings(t *testing.T, dir string) Settings {
	t.Helper()
	s := DefaultSettings()
	data, err := os.ReadFile(filepath.Join(dir, "settings.json"))
	if os.IsNotExist(err) {
		return s
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("settings.json: %v", err)
	}
	return s
}

// renderResult is the Result without its hashes, which change with every golden change anyway
// (determinism_test.go checks them).
func renderResult(r *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "== result ==\nops %d\n", r.Ops())
	for _, k := range slices.Sorted(maps.Keys(r.OpsByStage)) {
		fmt.Fprintf(&b, "stage %d: %d\n", k, r.OpsByStage[k])
	}
	for _, l := range r.Summary() {
		fmt.Fprintf(&b, "%s\n", l)
	}
	return b.String()
}

// renderPlan is the plan as the loader and the report see it: ops with payloads, skips, mapping
// and notes, in table order.
func renderPlan(t *testing.T, db *sql.DB) string {
	t.Helper()
	sections := []struct{ title, query string }{
		{"plan_ops (seq stage batch op_id entity source_id chain refs / payload)", `
			SELECT seq, stage, batch_id, op_id, entity, source_id, chain,
				CAST(to_json(refs) AS TEXT) || chr(10) || '    ' || CAST(payload AS TEXT)
			FROM plan_ops ORDER BY seq`},
		{"plan_skips (entity source_id reason)", `SELECT * FROM plan_skips`},
		{"transform_mapping (kind source_id source_name target_id matched)", `
			SELECT kind, source_id, source_name, target_id, CAST(matched AS TEXT) FROM transform_mapping`},
		{"transform_notes (entity source_id note)", `SELECT * FROM transform_notes`},
		{"plan_notes (entity source_id code note)", `SELECT * FROM plan_notes`},
		{"plan_meta", `SELECT * FROM plan_meta WHERE key NOT LIKE '%_hash'`},
	}
	var b strings.Builder
	for _, s := range sections {
		fmt.Fprintf(&b, "== %s ==\n%s", s.title, dump(t, db, s.query))
	}
	return b.String()
}

// compareGolden compares got with the golden file, or rewrites it under -update.
func compareGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./transform -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run go test ./transform -update and review the diff)\n--- got:\n%s--- want:\n%s", golden, got, want)
	}
}

// TestGoldenCasesComplete keeps testdata tidy: every case has its input and its expected plan.
func TestGoldenCasesComplete(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "cases", "*"))
	for _, dir := range dirs {
		for _, f := range []string{"input.sql", "plan.golden"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil && !*updateGolden {
				t.Errorf("%s has no %s", dir, f)
			}
		}
	}
}
