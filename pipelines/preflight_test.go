package pipelines

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/deskport/deskport/load"
)

// memQueries is a preflight query runner over an in-memory DuckDB holding the given statements'
// tables.
func memQueries(t *testing.T, stmts ...string) *stagingQueries {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one connection: the in-memory database is per connection
	t.Cleanup(func() { db.Close() })
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return &stagingQueries{ctx: context.Background(), db: db}
}

func findCheck(name string) dataCheck {
	for _, c := range dataChecks {
		if c.check == name {
			return c
		}
	}
	panic("no check " + name)
}

// Each check answers from the transform's record when there is one, and computes it from the
// canonical tables when not.
func TestDataCheckSources(t *testing.T) {
	contacts := `CREATE TABLE contacts AS SELECT * FROM (VALUES ('1', '+14155550100', 'en-US'), ('2', 'call me', 'tlh'),
		('3', '+44 (20) 7946-0958', 'pt_BR'), ('4', NULL, NULL), ('5', '12345', 'xx')) t(source_id, phone, locale)`
	notes := `CREATE TABLE plan_notes AS SELECT * FROM (VALUES ('contacts', '5', 'phone_invalid', 'n'),
		('agents', '9', 'agent_unmatched', 'n')) t(entity, source_id, code, note)`
	agents := `CREATE TABLE agents AS SELECT * FROM (VALUES ('8', 'Ada@x.test'), ('9', 'bo@x.test')) t(source_id, email)`
	dir := &load.Directory{Admins: []load.Admin{{ID: "1", Email: "ada@x.test"}}}
	cases := []struct {
		name, check string
		stmts       []string
		dir         *load.Directory
		from        string
		examples    []string
		answered    bool
	}{
		{name: "phones from contacts", check: "invalid phones", stmts: []string{contacts}, from: "contacts", examples: []string{"2", "5"}, answered: true},
		{name: "phones from plan_notes", check: "invalid phones", stmts: []string{contacts, notes}, from: "plan_notes", examples: []string{"5"}, answered: true},
		{name: "agents from the live directory", check: "unmapped agents", stmts: []string{agents}, dir: dir, from: "agents", examples: []string{"9"}, answered: true},
		{name: "agents without a directory", check: "unmapped agents", stmts: []string{agents}},
		{name: "agents from plan_notes", check: "unmapped agents", stmts: []string{agents, notes}, dir: dir, from: "plan_notes", examples: []string{"9"}, answered: true},
		{name: "locales", check: "locales Intercom lacks", stmts: []string{contacts}, from: "contacts",
			examples: []string{"tlh (1 contacts)", "xx (1 contacts)"}, answered: true},
		{name: "nothing staged", check: "invalid phones"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := memQueries(t, c.stmts...)
			f, ok := findCheck(c.check).run(q, c.dir)
			if q.err != nil {
				t.Fatal(q.err)
			}
			if ok != c.answered {
				t.Fatalf("answered %v, want %v: %+v", ok, c.answered, f)
			}
			if !ok {
				return
			}
			if f.From != c.from || !slices.Equal(f.Examples, c.examples) || f.Count != int64(len(c.examples)) || f.Severity != Warning {
				t.Errorf("got %+v", f)
			}
		})
	}
}

func TestSupportedLocale(t *testing.T) {
	for l, want := range map[string]bool{"en": true, "en-US": true, "pt_BR": true, "PT-br": true, "zh-CN": true,
		"zh": false, "zh-HK": false, "tlh": false, "": false, "nb": true, "no": false} {
		if supportedLocale(l) != want {
			t.Errorf("%q: %v", l, !want)
		}
	}
}

// The estimate rounds up to whole rate-limit windows.
func TestEstimate(t *testing.T) {
	cases := []struct {
		ops, loaded int64
		limit       int
		windows     int64
	}{
		{ops: 0, limit: 1666, windows: 1},
		{ops: 1660, limit: 1666, windows: 1},
		{ops: 1661, limit: 1666, windows: 2},
		{ops: 10000, loaded: 4000, limit: 500, windows: 13},
	}
	for _, c := range cases {
		e := Estimate{PlanOps: c.ops, Loaded: c.loaded, RateLimit: c.limit, Window: intercomWindow}
		e.finish()
		if e.Calls != c.ops-c.loaded+e.Reads || e.Duration != intercomWindow*time.Duration(c.windows) {
			t.Errorf("%+v: %d calls in %s", c, e.Calls, e.Duration)
		}
	}
}
