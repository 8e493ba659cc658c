package load

import (
	"context"
	"testing"
)

// TestSelectionStateInSQLAndGo keeps Selection.wants, which filters the ops a run reads, and
// Selection.stateWhere, which counts them beforehand, choosing the same ops.
func TestSelectionStateInSQLAndGo(t *testing.T) {
	db := newPlanDB(t, nil)
	selections := []Selection{{}, {Failed: true}, {Batch: "b"}, {Entity: "tickets", SourceID: "1"}, {Sample: 5, Only: `["x"]`}}
	events := []string{"", EventAttempted, EventLoaded, EventFailed, EventSkipped, EventDeleted}
	for _, sel := range selections {
		for _, event := range events {
			var inSQL bool
			err := db.QueryRowContext(context.Background(),
				`SELECT `+sel.stateWhere()+` FROM (SELECT nullif(?, '') AS event) s`, event).Scan(&inSQL)
			if err != nil {
				t.Fatal(err)
			}
			if inGo := sel.wants(event); inGo != inSQL {
				t.Errorf("selection %s, last event %q: wants says %v, stateWhere %v", sel, event, inGo, inSQL)
			}
		}
	}
}

func TestChunkLedgerFolding(t *testing.T) {
	l := &chunkLedger{last: map[string]ledgerEvent{}, outcome: map[string]ledgerEvent{}}
	for _, e := range []struct {
		op string
		ledgerEvent
	}{
		{"ticket:1", ledgerEvent{event: EventAttempted}},
		{"ticket:1", ledgerEvent{event: EventLoaded, targetID: "t1"}},
		{"ticket:2", ledgerEvent{event: EventLoaded, targetID: "t2"}},
		{"ticket:2", ledgerEvent{event: EventDeleted}},
		{"ticket:3", ledgerEvent{event: EventLoaded, targetID: "t3"}},
		{"ticket:3", ledgerEvent{event: EventAttempted}},
	} {
		l.add(e.op, e.ledgerEvent)
	}
	got := l.resolve([]string{"ticket:1", "ticket:2", "ticket:3", "ticket:4"})
	want := Refs{"ticket:1": "t1", "ticket:3": "t3"} // a rolled-back op is not loaded; an attempt is no outcome
	if len(got) != len(want) || got["ticket:1"] != "t1" || got["ticket:3"] != "t3" {
		t.Errorf("resolve: %v, want %v", got, want)
	}
	if l.last["ticket:3"].event != EventAttempted || l.last["ticket:2"].event != EventDeleted {
		t.Errorf("last events: %v", l.last)
	}
	tests := []struct {
		e    ledgerEvent
		want bool
	}{
		{ledgerEvent{event: EventFailed, retryable: true, code: "server_error"}, true},
		{ledgerEvent{event: EventFailed, retryable: false, code: "bad_request"}, false},
		{ledgerEvent{event: EventFailed, retryable: true, code: CodeDependencyMissing}, false},
		{ledgerEvent{event: EventFailed, retryable: true, code: CodeDependencyFailed}, false},
		{ledgerEvent{event: EventLoaded}, false},
	}
	for _, tt := range tests {
		if got := tt.e.mayBeApplied(); got != tt.want {
			t.Errorf("%+v: mayBeApplied %v, want %v", tt.e, got, tt.want)
		}
	}
}
