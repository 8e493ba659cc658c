package load

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// lifecyclePlan: two tickets of two contacts, each with parts, a state and a tag; contact 1 in a
// company; a ticket type both tickets use.
var lifecyclePlan = []planRow{
	{id: "ticket_type:t", kind: "ticket_type", entity: "ticket_types", source: "t", batch: "1-ticket_type-00000", stage: 1},
	{id: "company:7", kind: "company", entity: "companies", source: "7", batch: "2-company-00000", stage: 2},
	{id: "contact:1", kind: "contact", entity: "contacts", source: "1", batch: "3-contact-00000", stage: 3},
	{id: "contact:2", kind: "contact", entity: "contacts", source: "2", batch: "3-contact-00000", stage: 3},
	{id: "contact:3", kind: "contact", entity: "contacts", source: "3", batch: "3-contact-00000", stage: 3},
	{id: "contact_company:1:7", kind: "contact_company", entity: "company_memberships", source: "1:7", batch: "4-contact_company-00000", stage: 4, refs: []string{"contact:1", "company:7"}},
	{id: "tag:vip", kind: "tag", entity: "tags", source: "vip", batch: "4-tag-00000", stage: 4},
	{id: "ticket:10", kind: "ticket", entity: "tickets", source: "10", batch: "5-ticket-00000", stage: 5, refs: []string{"ticket_type:t", "contact:1"}},
	{id: "ticket:11", kind: "ticket", entity: "tickets", source: "11", batch: "5-ticket-00000", stage: 5, refs: []string{"ticket_type:t", "contact:2"}},
	{id: "part:10:1", kind: "part", entity: "comments", source: "101", batch: "6-part-00000", chain: "ticket:10", stage: 6, refs: []string{"ticket:10", "contact:3"}},
	{id: "part:11:1", kind: "part", entity: "comments", source: "111", batch: "6-part-00001", chain: "ticket:11", stage: 6, refs: []string{"ticket:11", "contact:1"}},
	{id: "ticket_state:10", kind: "ticket_state", entity: "ticket_states", source: "10", batch: "7-ticket_state-00000", stage: 7, refs: []string{"ticket:10"}},
	{id: "tagging:11:vip", kind: "tagging", entity: "taggings", source: "11:vip", batch: "7-tagging-00000", stage: 7, refs: []string{"ticket:11", "tag:vip"}},
}

// TestSampleOpsCloseOverRefsAndAttachments: a sample of one ticket brings what it refers to and
// what hangs off it, and nothing of the other ticket (a commenter's other tickets stay out).
func TestSampleOpsCloseOverRefsAndAttachments(t *testing.T) {
	tests := []struct {
		seed string
		want []string
	}{
		{"ticket:10", []string{"ticket_type:t", "company:7", "contact:1", "contact:3", "contact_company:1:7", "ticket:10", "part:10:1", "ticket_state:10"}},
		{"ticket:11", []string{"ticket_type:t", "company:7", "contact:1", "contact:2", "contact_company:1:7", "tag:vip", "ticket:11", "part:11:1", "tagging:11:vip"}},
	}
	ops := sampleOpsOf(lifecyclePlan)
	for _, tt := range tests {
		got := closeSample(slices.Clone(ops), []string{tt.seed})
		var ids []string
		for _, op := range ops {
			if got[op.id] {
				ids = append(ids, op.id)
			}
		}
		if fmt.Sprint(ids) != fmt.Sprint(tt.want) {
			t.Errorf("sample of %s:\n got %v\nwant %v", tt.seed, ids, tt.want)
		}
	}
}

// sampleOpsOf reads the plan as SampleOps does: an attached op's parent is its first ref here.
func sampleOpsOf(plan []planRow) []sampleOp {
	var out []sampleOp
	for _, p := range plan {
		op := sampleOp{id: p.id, kind: p.kind, sourceID: p.source, refs: p.refs}
		if _, ok := attachedKinds[p.kind]; ok && len(p.refs) > 0 {
			op.parent = p.refs[0]
		}
		out = append(out, op)
	}
	return out
}

// TestSampleOpsIsRepeatable: the same plan gives the same sample, and a larger sample holds the
// smaller one.
func TestSampleOpsIsRepeatable(t *testing.T) {
	db := newPlanDB(t, lifecyclePlan)
	withParents(t, db, lifecyclePlan)
	one, n1, err := SampleOps(context.Background(), db, 1)
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ := SampleOps(context.Background(), db, 1)
	_, n2, _ := SampleOps(context.Background(), db, 2)
	if one != again || n1 == 0 || n2 != len(lifecyclePlan) {
		t.Errorf("sample of 1: %s (%d ops), again %s; sample of 2: %d ops of %d", one, n1, again, n2, len(lifecyclePlan))
	}
	if _, _, err := SampleOps(context.Background(), db, 0); err == nil {
		t.Error("a sample of 0 records was accepted")
	}
}

// undoFake is the fake target with the Intercom-like undo table: records deleted by a call, the
// rest with their parent or not at all.
type undoFake struct {
	*fakeTarget
	mu      sync.Mutex
	deleted []string
	refuse  map[string]bool
}

func (u *undoFake) HowToUndo(op Op) Undo {
	switch op.Kind {
	case "contact", "company", "ticket", "tag":
		return Undo{Delete: true}
	case "part", "ticket_state", "tagging", "contact_company":
		var parent string
		for _, p := range lifecyclePlan {
			if p.id == op.ID {
				parent = p.refs[0]
			}
		}
		return Undo{WithParent: parent, Reason: "goes only with " + parent}
	}
	return Undo{Reason: "cannot delete a " + op.Kind}
}

func (u *undoFake) Delete(_ context.Context, op Op, targetID string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.refuse[op.ID] {
		return &OpError{Status: 400, Code: "tag_has_dependent_objects", Message: "in use"}
	}
	u.deleted = append(u.deleted, op.ID)
	return nil
}

// clock ticks one second a call, so ledger times and run ids are the same on every run.
func clock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(100 * time.Millisecond)
		return t
	}
}

// TestRollbackDeletesNewestFirstAndRecordsIt: children before parents, dependents recorded with
// them, the undeletable reported, and a refused deletion reported with everything it needs kept.
func TestRollbackDeletesNewestFirstAndRecordsIt(t *testing.T) {
	db := newPlanDB(t, lifecyclePlan)
	f := &undoFake{fakeTarget: newFake(), refuse: map[string]bool{"ticket:11": true}}
	res, err := Run(context.Background(), db, Options{Target: f, System: "fake", Workspace: "ws1", Partitions: 1, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := Rollback(context.Background(), db, RollbackOptions{Target: f, System: "fake", Workspace: "ws1", RunID: res.RunID, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, id := range f.deleted {
		pos[id] = i
	}
	for _, order := range [][2]string{{"ticket:10", "contact:3"}} {
		if _, ok := pos[order[1]]; !ok || pos[order[0]] > pos[order[1]] {
			t.Errorf("%s was deleted after %s: %v", order[0], order[1], f.deleted)
		}
	}
	out := outcomes(t, db)
	for _, id := range []string{"ticket:10", "part:10:1", "ticket_state:10", "contact:3"} {
		if out[id] != EventDeleted {
			t.Errorf("%s: last outcome %q, want deleted", id, out[id])
		}
	}
	// What ticket 11 (whose deletion was refused) needs stays: its contact, its tag, the
	// author of its reply (contact 1) with that contact's company.
	for _, id := range []string{"ticket:11", "part:11:1", "tagging:11:vip", "ticket_type:t", "contact:2", "tag:vip", "contact:1", "contact_company:1:7", "company:7"} {
		if out[id] != EventLoaded {
			t.Errorf("%s: last outcome %q, want it still loaded", id, out[id])
		}
	}
	if len(rb.Failed) != 1 || rb.Failed[0].OpID != "ticket:11" {
		t.Errorf("failed deletions: %+v", rb.Failed)
	}
	var kept []string
	for _, k := range rb.Kept {
		kept = append(kept, k.OpID)
	}
	slices.Sort(kept)
	if want := "[company:7 contact:1 contact:2 contact_company:1:7 part:11:1 tag:vip tagging:11:vip ticket_type:t]"; fmt.Sprint(kept) != want {
		t.Errorf("kept %v, want %s", kept, want)
	}
	// A load after the rollback creates the deleted records again, and only those.
	f.created = map[string]string{}
	again := run(t, db, f.fakeTarget, Selection{})
	if again.Loaded != 4 {
		t.Errorf("the load after the rollback loaded %d ops, want the 4 deleted", again.Loaded)
	}
}

// TestReportGolden: the data of the HTML report (totals, failures grouped, records, throughput,
// rate-limit use) of a run with a failure, read from the ledger.
func TestReportGolden(t *testing.T) {
	db := newPlanDB(t, lifecyclePlan)
	f := newFake()
	f.permanent["part:11:1"] = true
	now := clock()
	res, err := Run(context.Background(), db, Options{Target: f, System: "fake", Workspace: "ws1",
		Partitions: 1, Concurrency: 1, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	rates := NewRateLog(now)
	for i := range 5 {
		rates.Observe(100-10*i, 100, true)
	}
	if err := WriteRateLog(context.Background(), db, res.RunID, rates); err != nil {
		t.Fatal(err)
	}
	r, err := ReadReport(context.Background(), db, res.RunID)
	if err != nil {
		t.Fatal(err)
	}
	all, err := ReadReport(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.MarshalIndent(map[string]any{"run": r, "ledger_totals": all.Totals}, "", "  ")
	compareGolden(t, filepath.Join("testdata", "report", "run.golden"), string(got)+"\n")
	if _, err := ReadReport(context.Background(), db, "load-nonsuch"); err == nil || !strings.Contains(err.Error(), "no run") {
		t.Errorf("report of an unknown run: %v", err)
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update to accept):\n%s", path, got)
	}
}

// withParents writes into each attached op's payload the field naming its parent (its first
// ref), as the transform does.
func withParents(t *testing.T, db *sql.DB, plan []planRow) {
	t.Helper()
	for _, p := range plan {
		if field, ok := attachedKinds[p.kind]; ok {
			exec(t, db, `UPDATE plan_ops SET payload = json_object(?, ?) WHERE op_id = ?`, field, p.refs[0], p.id)
		}
	}
}

// fakeVerifier reads tickets and contacts back: it reports the attached ops it was given.
type fakeVerifier struct {
	*fakeTarget
	mu   sync.Mutex
	seen map[string][]string
}

func (f *fakeVerifier) Verifies(kind string) bool { return kind == "ticket" || kind == "contact" }

func (f *fakeVerifier) VerifyRecord(_ context.Context, rec VerifyRecord) ([]Difference, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for _, a := range rec.Attached {
		ids = append(ids, a.ID)
	}
	f.seen[rec.ID] = ids
	if rec.ID == "ticket:11" {
		return []Difference{{Entity: rec.Entity, SourceID: rec.SourceID, OpID: rec.ID, Field: "state", Want: "a", Got: "b"}}, nil
	}
	return nil, nil
}

func (f *fakeVerifier) Counts(_ context.Context, loaded []Loaded) ([]Count, error) {
	return []Count{{Entity: "ops", Migrated: len(loaded), Have: len(loaded)}}, nil
}

// TestVerifyGroupsRecordsAndSamples: each record is read back with the ops hanging off it, a
// sample takes n records per kind, and one difference makes the result not OK.
func TestVerifyGroupsRecordsAndSamples(t *testing.T) {
	db := newPlanDB(t, lifecyclePlan)
	withParents(t, db, lifecyclePlan)
	f := &fakeVerifier{fakeTarget: newFake(), seen: map[string][]string{}}
	run(t, db, f.fakeTarget, Selection{})
	res, err := Verify(context.Background(), db, VerifyOptions{Target: f, System: "fake", All: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ticket:10": "[part:10:1 ticket_state:10]", "ticket:11": "[part:11:1 tagging:11:vip]",
		"contact:1": "[contact_company:1:7]", "contact:2": "[]", "contact:3": "[]",
	}
	for id, attached := range want {
		if got := fmt.Sprint(f.seen[id]); got != attached {
			t.Errorf("%s was read back with %s, want %s", id, got, attached)
		}
	}
	if res.OK() || len(res.Differences) != 1 || res.Differences[0].OpID != "ticket:11" {
		t.Errorf("differences %+v, OK %v", res.Differences, res.OK())
	}
	sampled, err := Verify(context.Background(), db, VerifyOptions{Target: f, System: "fake", Sample: 1})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sampled.Checked) != "map[contact:1 ticket:1]" {
		t.Errorf("a sample of 1 read back %v", sampled.Checked)
	}
}
