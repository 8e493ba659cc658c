package zendesk

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/load"
	sim "github.com/deskport/deskport/sandbox/zendesk"
)

// step is one op of a reconcile scenario.
type step struct {
	id, kind string
	refs     []string
	payload  string
}

func (s step) op(e *env) load.Op {
	return load.Op{ID: s.id, Kind: s.kind, Refs: s.refs, Payload: json.RawMessage(e.fill([]byte(s.payload)))}
}

var (
	stepOrg      = step{"organization:c1", "organization", nil, `{"organization": {"name": "Acme", "external_id": "ic:c1"}}`}
	stepUser     = step{"user:u1", "user", []string{"organization:c1"}, `{"user": {"name": "Ann", "email": "ann@acme.test", "external_id": "ic:u1", "organization_ref": "organization:c1"}}`}
	stepCategory = step{"kb_category:c1", "kb_category", nil, `{"category": {"name": "Start", "locale": "en-us"}}`}
	stepSection  = step{"kb_section:s1", "kb_section", []string{"kb_category:c1"}, `{"category_ref": "kb_category:c1", "section": {"name": "Accounts", "locale": "en-us"}}`}
	stepNested   = step{"kb_section:s2", "kb_section", []string{"kb_category:c1", "kb_section:s1"}, `{"category_ref": "kb_category:c1", "parent_section_ref": "kb_section:s1", "section": {"name": "Accounts", "locale": "en-us"}}`}
	stepArticle  = step{"kb_article:a1", "kb_article", []string{"kb_section:s2"}, `{"section_ref": "kb_section:s2", "author_id": "{{agent}}", "article": {"title": "Reset", "body": "<p>x</p>", "locale": "en-us"}}`}
	stepTr       = step{"kb_translation:a1:fr", "kb_translation", []string{"kb_article:a1"}, `{"article_ref": "kb_article:a1", "translation": {"locale": "fr", "title": "Réinitialiser", "body": "<p>x</p>"}}`}
)

func ticketStep(id, status string, archive bool) step {
	p := map[string]any{"ticket": map[string]any{
		"external_id": "ic:" + id, "subject": "Help", "requester_ref": "user:u1", "status": status,
		"created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-03T00:00:00Z",
		"comments": []any{map[string]any{"source_id": "p1", "author_ref": "user:u1", "html_body": "<p>hi</p>", "public": true, "created_at": "2024-01-02T03:04:05Z"}},
	}, "archive_immediately": archive}
	b, _ := json.Marshal(p)
	return step{"ticket_import:" + id, "ticket_import", []string{"user:u1"}, string(b)}
}

// TestReconcileAfterDroppedAnswer: for every kind, the write is applied and its answer lost;
// Reconcile finds what was created, so nothing is created twice. Before the write it finds nothing.
func TestReconcileAfterDroppedAnswer(t *testing.T) {
	tests := []struct {
		name    string
		setup   []step
		op      step
		created string // the simulator's Stats.Created kind
	}{
		{"organization", nil, stepOrg, "organization"},
		{"user", []step{stepOrg}, stepUser, "user"},
		{"ticket", []step{stepOrg, stepUser}, ticketStep("t1", "open", false), "ticket"},
		{"archived ticket", []step{stepOrg, stepUser}, ticketStep("t2", "closed", true), "ticket"},
		{"category", nil, stepCategory, "category"},
		{"section", []step{stepCategory}, stepSection, "section"},
		{"nested section of the same name", []step{stepCategory, stepSection}, stepNested, "section"},
		{"article", []step{stepCategory, stepSection, stepNested}, stepArticle, "article"},
		{"translation", []step{stepCategory, stepSection, stepNested, stepArticle}, stepTr, "translation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, sim.Options{})
			refs := load.Refs{}
			for _, s := range tc.setup {
				id, err := e.client.Execute(t.Context(), s.op(e), refs, nil)
				if err != nil {
					t.Fatalf("setup %s: %v", s.id, err)
				}
				refs[s.id] = id
			}
			op := tc.op.op(e)
			if id, found, err := e.client.Reconcile(t.Context(), op, refs); err != nil || found {
				t.Fatalf("before the write: %q %v %v, want not found", id, found, err)
			}
			before := e.sim.Stats().Created[tc.created]
			e.sim.SetFaults(sim.Faults{DropAfterWriteRate: 1})
			_, err := e.client.Execute(t.Context(), op, refs, nil)
			var oe *load.OpError
			if err == nil || errors.As(err, &oe) {
				t.Fatalf("Execute with a dropped answer: %v, want a transient error", err)
			}
			e.sim.SetFaults(sim.Faults{})
			id, found, err := e.client.Reconcile(t.Context(), op, refs)
			if err != nil || !found || id == "" {
				t.Fatalf("Reconcile: %q %v %v, want found", id, found, err)
			}
			st := e.sim.Stats()
			if n := st.Created[tc.created] - before; n != 1 {
				t.Errorf("%d %s created, want 1", n, tc.created)
			}
			if st.DroppedResponses == 0 {
				t.Errorf("no answer was dropped")
			}
			for kind, n := range st.Duplicates {
				if n != 0 {
					t.Errorf("%d duplicate %s", n, kind)
				}
			}
		})
	}
}

// TestTimedOutCreateIsNotResent: a create whose answer does not come in time is sent once (the
// transport cannot know whether Zendesk applied it); Execute reports a transient error, and
// Reconcile then tells whether it exists, so the loader sends it again only if it does not.
func TestTimedOutCreateIsNotResent(t *testing.T) {
	e := newEnv(t, sim.Options{})
	slow := &http.Transport{ResponseHeaderTimeout: 100 * time.Millisecond}
	t.Cleanup(slow.CloseIdleConnections)
	e.rec.next = slow
	e.sim.SetFaults(sim.Faults{Latency: 400 * time.Millisecond})
	op := stepOrg.op(e)
	_, err := e.client.Execute(t.Context(), op, nil, nil)
	var oe *load.OpError
	if err == nil || errors.As(err, &oe) || !strings.Contains(err.Error(), "no answer") {
		t.Fatalf("Execute: %v, want a transient error naming the lost answer", err)
	}
	if n := len(e.rec.take()); n != 1 {
		t.Errorf("the create was sent %d times, want once", n)
	}
	e.sim.SetFaults(sim.Faults{})
	e.rec.next = http.DefaultTransport
	_, found, err := e.client.Reconcile(t.Context(), op, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The simulator applies a write only once its latency has passed and the client still waits.
	if created := e.sim.Stats().Created["organization"]; found != (created == 1) {
		t.Errorf("Reconcile found %v, but the simulator created %d", found, created)
	}
}
