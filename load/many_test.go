package load

import (
	"cmp"
	"context"
	"fmt"
	"testing"
)

// manyFake is a fakeTarget that also writes contacts several to a call, with create_or_update's
// effect: a contact sent again is matched, never created twice.
type manyFake struct {
	*fakeTarget
	size       int
	manyCalls  int
	loseCall   int             // many-calls applied whose answer is then lost
	throttle   int             // many-calls refused with a 429 before anything is applied
	refuseWith map[string]bool // a call holding one of these ops is refused as a whole
	retryOnce  map[string]bool // these ops fail with a retryable reason in their first many-call
}

func (m *manyFake) ManySize(kind string) int {
	if kind == "contact" {
		return m.size
	}
	return 1
}

func (m *manyFake) ExecuteMany(_ context.Context, ops []Op, _ []Refs, _ Files) ([]Outcome, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.manyCalls++
	if m.throttle > 0 {
		m.throttle--
		return nil, &OpError{Status: 429, Code: "rate_limited", Message: "slow down", Retryable: true}
	}
	for _, op := range ops {
		if op.Kind != "contact" {
			return nil, fmt.Errorf("many-call of a %s", op.Kind)
		}
		if m.refuseWith[op.ID] {
			return nil, &OpError{Status: 400, Code: "bad_request", Message: "the call as a whole"}
		}
	}
	out := make([]Outcome, len(ops))
	for i, op := range ops {
		switch {
		case m.permanent[op.ID]:
			out[i].Err = &OpError{Status: 422, Code: "invalid", Message: "bad " + op.ID}
		case m.retryOnce[op.ID]:
			delete(m.retryOnce, op.ID)
			out[i].Err = &OpError{Code: "busy", Message: "later", Retryable: true}
		default:
			if _, ok := m.created[op.ID]; !ok {
				m.created[op.ID] = "t-" + op.ID
				m.order = append(m.order, op.ID)
			}
			out[i].TargetID = m.created[op.ID]
		}
	}
	if m.loseCall > 0 {
		m.loseCall--
		return nil, fmt.Errorf("connection reset after write")
	}
	return out, nil
}

func contactsPlan(n int) []planRow {
	var plan []planRow
	for i := 1; i <= n; i++ {
		plan = append(plan, planRow{id: fmt.Sprintf("contact:%d", i), kind: "contact", entity: "contacts",
			source: fmt.Sprint(i), batch: "1-contact-00000", stage: 1})
	}
	return append(plan, planRow{id: "ticket:10", kind: "ticket", entity: "tickets", source: "10",
		batch: "2-ticket-00000", stage: 2, refs: []string{"contact:1"}})
}

func TestManyTargetWritesABatchInFewCalls(t *testing.T) {
	cases := []struct {
		name        string
		size        int // ops a call [2]
		setup       func(*manyFake)
		manyCalls   int
		singleCalls int // Execute and Reconcile calls
		failed      []string
	}{
		{name: "five contacts two a call", manyCalls: 3, singleCalls: 1},
		{name: "a refused record fails alone", setup: func(m *manyFake) { m.permanent["contact:4"] = true },
			manyCalls: 3, singleCalls: 1, failed: []string{"contact:4"}},
		// The call was applied: each contact is found by a look-up, none is sent again.
		{name: "a lost answer looks each op up", size: 5, setup: func(m *manyFake) { m.loseCall = 1 },
			manyCalls: 1, singleCalls: 5 + 1},
		{name: "a 429 sends the call again", setup: func(m *manyFake) { m.throttle = 1 },
			manyCalls: 4, singleCalls: 1},
		{name: "a call refused as a whole sends its ops alone", setup: func(m *manyFake) { m.refuseWith["contact:3"] = true },
			manyCalls: 3, singleCalls: 3},
		// Its failure may have left it applied: a look-up finds nothing, then it is sent alone.
		{name: "an op that may pass later is tried alone", setup: func(m *manyFake) { m.retryOnce["contact:5"] = true },
			manyCalls: 3, singleCalls: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := newPlanDB(t, contactsPlan(5))
			m := &manyFake{fakeTarget: newFake(), size: cmp.Or(tc.size, 2), refuseWith: map[string]bool{}, retryOnce: map[string]bool{}}
			if tc.setup != nil {
				tc.setup(m)
			}
			res, err := Run(context.Background(), db, Options{Target: m, System: "fake", Workspace: "ws1",
				Backoff: 1, Partitions: 2, Concurrency: 4})
			if err != nil {
				t.Fatal(err)
			}
			if m.manyCalls != tc.manyCalls || m.calls != tc.singleCalls {
				t.Errorf("%d many-calls and %d single calls, want %d and %d", m.manyCalls, m.calls, tc.manyCalls, tc.singleCalls)
			}
			if res.Loaded != 6-len(tc.failed) || res.Failed != len(tc.failed) {
				t.Errorf("result %+v, want %d failed", res, len(tc.failed))
			}
			got := outcomes(t, db)
			for _, id := range tc.failed {
				if got[id] != EventFailed {
					t.Errorf("%s: %s, want failed", id, got[id])
				}
			}
			if len(m.order) != len(m.created) {
				t.Errorf("%d creates for %d objects", len(m.order), len(m.created))
			}
		})
	}
}

// An op whose earlier attempt was interrupted takes the one-op path, which looks in the target
// first, rather than a many-call.
func TestManyTargetLeavesInterruptedOpsToReconcile(t *testing.T) {
	db := newPlanDB(t, contactsPlan(3))
	exec(t, db, `INSERT INTO load_events VALUES (1, 'crashed', 'contact:2', 'contact', 'contacts', '2',
		'1-contact-00000', 'attempted', NULL, NULL, NULL, NULL, false, now())`)
	m := &manyFake{fakeTarget: newFake(), size: 10}
	m.created["contact:2"] = "t-contact:2"
	res, err := Run(context.Background(), db, Options{Target: m, System: "fake", Workspace: "ws1", Backoff: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loaded != 4 || res.Reconciled != 1 || m.manyCalls != 1 {
		t.Errorf("result %+v after %d many-calls: want contact:2 reconciled and one many-call for the others", res, m.manyCalls)
	}
}
