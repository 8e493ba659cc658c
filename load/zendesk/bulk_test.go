package zendesk

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/load"
	sim "github.com/deskport/deskport/sandbox/zendesk"
)

func userOp(i int, email string) load.Op {
	return load.Op{ID: fmt.Sprintf("user:%d", i), Kind: kindUser, Entity: "contacts", SourceID: fmt.Sprint(i),
		Payload: []byte(fmt.Sprintf(`{"user": {"name": "Person %d", "email": %q, "role": "end-user", "external_id": "ic-contact:%d"}}`, i, email, i))}
}

// ExecuteMany sends the users in one job, waits for it while it works, and gives each op its own
// outcome: a user Zendesk refused fails alone with the reason, one without a key never leaves.
func TestExecuteManyUsers(t *testing.T) {
	defer func(p, m time.Duration) { jobPoll, jobPollMax = p, m }(jobPoll, jobPollMax)
	jobPoll, jobPollMax = 20*time.Millisecond, 40*time.Millisecond
	e := newEnv(t, sim.Options{JobDuration: 150 * time.Millisecond})
	ops := []load.Op{userOp(1, "a@example.com"), userOp(2, "not an address"), userOp(3, "c@example.com"),
		{ID: "user:4", Kind: kindUser, Payload: []byte(`{"user": {"name": "No key"}}`)}, userOp(1, "a@example.com")}
	ops[4].ID = "user:1-again"
	out, err := e.client.ExecuteMany(t.Context(), ops, make([]load.Refs, len(ops)), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"", "not properly formatted", "", "neither external_id nor email", ""} {
		o := out[i]
		switch {
		case want == "" && (o.Err != nil || o.TargetID == ""):
			t.Errorf("%s: %+v, want a target id", ops[i].ID, o)
		case want != "" && (o.Err == nil || !strings.Contains(o.Err.Error(), want) || !strings.Contains(o.Err.Error(), ops[i].ID)):
			t.Errorf("%s: %+v, want a failure naming the op and %q", ops[i].ID, o, want)
		}
	}
	if out[0].TargetID != out[4].TargetID {
		t.Errorf("the same external_id twice gave users %s and %s", out[0].TargetID, out[4].TargetID)
	}
	var posts, polls int
	for _, r := range e.rec.take() {
		switch {
		case r.Method == "POST" && r.Path == "/api/v2/users/create_or_update_many.json":
			posts++
			if strings.Contains(string(r.Body), "No key") {
				t.Errorf("a user without a key was sent: %s", r.Body)
			}
		case r.Method == "GET" && strings.HasPrefix(r.Path, "/api/v2/job_statuses/"):
			polls++
		default:
			t.Errorf("unexpected request %s %s", r.Method, r.Path)
		}
	}
	if posts != 1 || polls < 2 {
		t.Errorf("%d posts and %d status reads: want one post, polled while the job works", posts, polls)
	}
	if st := e.sim.Stats(); st.Created["user"] != 2 {
		t.Errorf("%d users created, want 2", st.Created["user"])
	}
}

// Through load.Run, a batch of users costs one create_or_update_many and its status read, not a
// call per user.
func TestRunSendsUsersInBulk(t *testing.T) {
	e := newEnv(t, sim.Options{})
	var ops []planOp
	for i := range 10 {
		o := userOp(i, fmt.Sprintf("p%d@example.com", i))
		ops = append(ops, planOp{step: step{o.ID, o.Kind, nil, string(o.Payload)}, stage: 1})
	}
	db := planDB(t, e, ops) // 5 ops a batch
	res, err := load.Run(t.Context(), db, load.Options{Target: e.client, System: "zendesk", Workspace: "sandbox",
		Backoff: time.Millisecond, Partitions: 2, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loaded != 10 {
		t.Fatalf("result %+v", res)
	}
	calls := map[string]int{}
	for _, r := range e.rec.take() {
		path := r.Path
		if strings.HasPrefix(path, "/api/v2/job_statuses/") {
			path = "/api/v2/job_statuses/{id}.json"
		}
		calls[r.Method+" "+path]++
	}
	want := map[string]int{"GET /api/v2/users/me.json": 1, "POST /api/v2/users/create_or_update_many.json": 2, "GET /api/v2/job_statuses/{id}.json": 2}
	if fmt.Sprint(calls) != fmt.Sprint(want) {
		t.Errorf("calls %v, want %v", calls, want)
	}
}

// Through load.Run, a batch of tickets is imported by create_many, one call for the closed ones
// (archived at once) and one for the others, their files uploaded first.
func TestRunImportsTicketsInBulk(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ops := faultPlan(2)[:4] // two organizations and two users
	for _, o := range faultPlan(2) {
		if o.kind == kindTicketImport {
			ops = append(ops, o)
		}
	}
	for i := range ops {
		ops[i].stage = map[string]int{"organization": 1, "user": 2, "ticket_import": 3}[ops[i].kind]
	}
	db := planDB(t, e, ops)
	db.Exec(`UPDATE plan_ops SET batch_id = stage || '-' || kind`) // one batch a kind
	files := &memFiles{files: map[string]string{"f0": "f000", "f5": "f005"}}
	res, err := load.Run(t.Context(), db, load.Options{Target: e.client, System: "zendesk", Workspace: "sandbox", Files: files,
		Backoff: time.Millisecond, Partitions: 2, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loaded != len(ops) {
		logFailures(t, db)
		t.Fatalf("result %+v", res)
	}
	calls := map[string]int{}
	for _, r := range e.rec.take() {
		path := r.Path
		if strings.HasPrefix(path, "/api/v2/job_statuses/") {
			path = "/api/v2/job_statuses/{id}.json"
		}
		calls[r.Method+" "+path+"?"+r.Query]++
	}
	for call, n := range map[string]int{
		"POST /api/v2/imports/tickets/create_many.json?":                         1,
		"POST /api/v2/imports/tickets/create_many.json?archive_immediately=true": 1,
		"POST /api/v2/imports/tickets.json?":                                     0,
		"POST /api/v2/uploads.json?filename=f0.txt":                              1,
		"POST /api/v2/uploads.json?filename=f5.txt":                              1,
	} {
		if calls[call] != n {
			t.Errorf("%d × %s, want %d (all calls %v)", calls[call], call, n, calls)
		}
	}
	w := e.sim.Written()
	archived := 0
	for _, tk := range w.Tickets {
		if tk.Archived {
			archived++
		}
	}
	if len(w.Tickets) != 6 || archived != 2 {
		t.Errorf("%d tickets, %d archived: want 6, the 2 closed ones archived", len(w.Tickets), archived)
	}
}

func TestImportCallsSplitByArchiveCountAndSize(t *testing.T) {
	small, big := json.RawMessage(`{}`), json.RawMessage(make([]byte, maxImportBody/2+1))
	many := func(n int, p preparedImport) []preparedImport {
		out := make([]preparedImport, n)
		for i := range out {
			out[i] = p
		}
		return out
	}
	cases := []struct {
		name     string
		prepared []preparedImport
		want     []int // tickets per call
	}{
		{"archive apart", []preparedImport{{small, false, true}, {small, true, true}, {small, false, true}}, []int{2, 1}},
		{"not prepared left out", []preparedImport{{small, false, true}, {nil, false, false}}, []int{1}},
		{"a hundred a call", many(250, preparedImport{small, false, true}), []int{100, 100, 50}},
		{"under the body bound", many(3, preparedImport{big, true, true}), []int{1, 1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			for _, c := range importCalls(tc.prepared) {
				got = append(got, len(c))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("calls of %v tickets, want %v", got, tc.want)
			}
		})
	}
}
