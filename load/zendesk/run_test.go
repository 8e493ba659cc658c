package zendesk

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/deskport/deskport/load"
	sim "github.com/deskport/deskport/sandbox/zendesk"
	"github.com/deskport/deskport/schema"
)

// planOp is one row of a test plan.
type planOp struct {
	step
	stage int
	chain string
}

// faultPlan is a small migration of every kind: organizations, their users, tickets (one with a
// file, closed ones archived), and a Guide tree with translations.
func faultPlan(n int) []planOp {
	var ops []planOp
	add := func(stage int, s step) { ops = append(ops, planOp{step: s, stage: stage}) }
	for i := range n {
		add(1, step{fmt.Sprintf("organization:%d", i), "organization", nil,
			fmt.Sprintf(`{"organization": {"name": "Company %d", "external_id": "ic-company:%d", "organization_fields": {"account_tier": "gold"}}}`, i, i)})
		add(2, step{fmt.Sprintf("user:%d", i), "user", []string{fmt.Sprintf("organization:%d", i)},
			fmt.Sprintf(`{"user": {"name": "Person %d", "email": "p%d@example.com", "role": "end-user", "external_id": "ic-contact:%d", "organization_ref": "organization:%d",
				"user_fields": {"subscription_plan": "pro", "seats": %d}}}`, i, i, i, i, i+1)})
	}
	for i := range 3 * n {
		user := fmt.Sprintf("user:%d", i%n)
		status, archive := "open", false
		if i%3 == 0 {
			status, archive = "closed", true
		}
		files := ""
		if i%5 == 0 {
			files = fmt.Sprintf(`, "attachments": [{"source_id": "f%d", "file_name": "f%d.txt", "content_type": "text/plain", "size": 4}]`, i, i)
		}
		add(3, step{fmt.Sprintf("ticket_import:%d", i), "ticket_import", []string{user}, fmt.Sprintf(`{"ticket": {
			"external_id": "ic-conversation:%d", "subject": "Question %d", "requester_ref": %q, "status": %q,
			"created_at": "2024-03-01T10:%02d:00Z", "updated_at": "2024-03-02T10:00:00Z",
			"comments": [
				{"source_id": "c%d-1", "author_ref": %q, "html_body": "<p>Hello %d</p>", "public": true, "created_at": "2024-03-01T10:%02d:00Z"%s},
				{"source_id": "c%d-2", "author_id": "{{agent}}", "html_body": "<p>Answer</p>", "public": true, "created_at": "2024-03-02T10:00:00Z"}]},
			"archive_immediately": %v}`, i, i, user, status, i%60, i, user, i, i%60, files, i, archive)})
	}
	add(10, step{"kb_category:1", "kb_category", nil, `{"category": {"name": "Help", "locale": "en-us"}}`})
	add(11, step{"kb_section:1", "kb_section", []string{"kb_category:1"}, `{"category_ref": "kb_category:1", "section": {"name": "Basics", "locale": "en-us"}}`})
	add(11, step{"kb_section:2", "kb_section", []string{"kb_category:1"}, `{"category_ref": "kb_category:1", "section": {"name": "More", "locale": "en-us"}}`})
	for i := range n {
		sec := fmt.Sprintf("kb_section:%d", 1+i%2)
		add(12, step{fmt.Sprintf("kb_article:%d", i), "kb_article", []string{sec},
			fmt.Sprintf(`{"section_ref": %q, "author_id": "{{agent}}", "article": {"title": "Article %d", "body": "<p>x</p>", "locale": "en-us", "draft": false}}`, sec, i)})
		add(13, step{fmt.Sprintf("kb_translation:%d:de", i), "kb_translation", []string{fmt.Sprintf("kb_article:%d", i)},
			fmt.Sprintf(`{"article_ref": "kb_article:%d", "translation": {"locale": "de", "title": "Artikel %d", "body": "<p>x</p>", "draft": false}}`, i, i)})
	}
	return ops
}

// planDB writes ops as a staging file's plan, 5 ops a batch.
func planDB(t *testing.T, e *env, ops []planOp) *sql.DB {
	t.Helper()
	db, err := schema.Open(context.Background(), filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`CREATE TABLE plan_ops (op_id VARCHAR PRIMARY KEY, seq BIGINT, stage INTEGER, kind VARCHAR,
			entity VARCHAR, source_id VARCHAR, batch_id VARCHAR, chain VARCHAR, refs VARCHAR[], payload JSON)`,
		`CREATE TABLE plan_skips (entity VARCHAR, source_id VARCHAR, reason VARCHAR)`,
		`CREATE TABLE plan_meta (key VARCHAR, value VARCHAR)`,
		`INSERT INTO plan_meta VALUES ('plan_hash', 'zendesk-faults')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for i, o := range ops {
		refs, _ := json.Marshal(o.refs)
		if o.refs == nil {
			refs = []byte("[]")
		}
		batch := fmt.Sprintf("%d-%s-%05d", o.stage, o.kind, i/5)
		if _, err := db.Exec(`INSERT INTO plan_ops VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS JSON)::VARCHAR[], ?)`,
			o.id, i+1, o.stage, o.kind, o.kind+"s", o.id, batch, o.chain, string(refs), string(e.fill([]byte(o.payload)))); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// TestRunUnderFaultsThenReplayFailed: a load through load.Run meets 5% server errors, 5% answers
// dropped after the write and some 429s; what fails is left for the replay, which loads the rest.
// In the end every op is loaded once and the simulator holds no duplicate.
func TestRunUnderFaultsThenReplayFailed(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ops := faultPlan(12)
	db := planDB(t, e, ops)
	e.sim.SetFaults(sim.Faults{ErrorRate: 0.05, DropAfterWriteRate: 0.05, ThrottleRate: 0.02})
	files := &memFiles{files: map[string]string{}}
	for i := range 36 {
		files.files[fmt.Sprintf("f%d", i)] = fmt.Sprintf("f%03d", i)
	}
	opts := load.Options{Target: e.client, System: "zendesk", Workspace: "sandbox", Files: files,
		MaxAttempts: 1, Backoff: time.Millisecond, Partitions: 2, Concurrency: 4}
	first, err := load.Run(t.Context(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	logFailures(t, db)
	st := e.sim.Stats()
	// Which request meets which fault depends on the order of concurrent requests: some fault,
	// not each kind, is certain. Every kind's dropped answer is reconciled in reconcile_test.go.
	if first.Failed == 0 || st.DroppedResponses+st.FaultsInjected["errors"] == 0 {
		t.Fatalf("faults did not bite: %+v, %+v", first, st.FaultsInjected)
	}
	e.sim.SetFaults(sim.Faults{})
	opts.Selection = load.Selection{Failed: true}
	opts.MaxAttempts = 4
	replay, err := load.Run(t.Context(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first %+v; replay %+v", first, replay)
	var unloaded int
	if err := db.QueryRow(`SELECT count(*) FROM plan_ops p LEFT JOIN load_outcomes o USING (op_id)
		WHERE o.event IS DISTINCT FROM 'loaded'`).Scan(&unloaded); err != nil {
		t.Fatal(err)
	}
	if unloaded != 0 {
		t.Errorf("%d ops not loaded after the replay", unloaded)
	}
	want := map[string]int64{}
	for _, o := range ops {
		want[map[string]string{"organization": "organization", "user": "user", "ticket_import": "ticket",
			"kb_category": "category", "kb_section": "section", "kb_article": "article", "kb_translation": "translation"}[o.kind]]++
	}
	st = e.sim.Stats()
	for kind, n := range want {
		if st.Created[kind] != n {
			t.Errorf("%d %s created, want %d", st.Created[kind], kind, n)
		}
	}
	for kind, n := range st.Duplicates {
		if n != 0 {
			t.Errorf("%d duplicate %s", n, kind)
		}
	}
}

// logFailures logs how many ops failed with each code, to read a failing run.
func logFailures(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT code, retryable, count(*), min(message) FROM load_outcomes WHERE event = 'failed' GROUP BY ALL ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, msg string
		var retryable bool
		var n int
		if err := rows.Scan(&code, &retryable, &n, &msg); err != nil {
			t.Fatal(err)
		}
		t.Logf("failed %s (retryable %v): %d, e.g. %s", code, retryable, n, msg)
	}
}
