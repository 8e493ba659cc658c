package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/load"
)

// Users go to Zendesk up to 100 a call through create_or_update_many, a bulk job: the POST
// answers a queued job status at once, and the job's results, read by polling
// GET /api/v2/job_statuses/{id}.json, say per user (in the order sent) Created, Updated or Failed
// with the reason. The call matches users by external_id then email, as create_or_update does,
// so sending it again after a lost answer changes nothing more.

// maxBulkUsers is the most users one create_or_update_many takes, maxBulkTickets the most
// tickets one create_many import takes.
const (
	maxBulkUsers   = 100
	maxBulkTickets = 100
)

// jobPoll is the first wait before reading a job's status and jobPollMax the longest between two
// reads; jobTimeout bounds the wait for one job. Tests shorten them.
var (
	jobPoll    = 250 * time.Millisecond
	jobPollMax = 5 * time.Second
	jobTimeout = 10 * time.Minute
)

var _ load.ManyTarget = (*Client)(nil)

// ManySize says which kinds go several to a call: users and ticket imports, 100 at a time.
func (c *Client) ManySize(kind string) int {
	switch kind {
	case kindUser:
		return maxBulkUsers
	case kindTicketImport:
		return maxBulkTickets
	}
	return 1
}

// jobStatus is a bulk job as Zendesk shows it.
type jobStatus struct {
	ID      string      `json:"id"`
	Status  string      `json:"status"` // queued, working, completed, failed, killed
	Message string      `json:"message"`
	Total   int         `json:"total"`
	Results []jobResult `json:"results"`
}

// jobResult is one record's line in a completed job.
type jobResult struct {
	Index   *int   `json:"index"`
	ID      int64  `json:"id"`
	Status  string `json:"status"` // Created, Updated, Failed
	Error   string `json:"error"`
	Details string `json:"details"`
}

// ExecuteMany creates or updates the users of ops in one bulk job. An op whose payload cannot be
// sent fails alone and is left out of the call.
func (c *Client) ExecuteMany(ctx context.Context, ops []load.Op, refs []load.Refs, files load.Files) ([]load.Outcome, error) {
	if len(ops) > 0 && ops[0].Kind == kindTicketImport {
		return c.importMany(ctx, ops, refs, files)
	}
	out := make([]load.Outcome, len(ops))
	var users []object
	var sent []int // index in ops of each user sent
	for i, op := range ops {
		x := &exec{c: c, op: op, refs: refs[i], files: files}
		if op.Kind != kindUser {
			out[i].Err = x.invalid("kind %q does not go through create_or_update_many", op.Kind)
			continue
		}
		u, err := x.userPayload()
		if err != nil {
			out[i].Err = x.fail(err)
			continue
		}
		users = append(users, u)
		sent = append(sent, i)
	}
	if len(users) == 0 {
		return out, nil
	}
	name := fmt.Sprintf("%s…%s", ops[sent[0]].ID, ops[sent[len(sent)-1]].ID)
	results, err := c.runUserJob(ctx, name, users)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			return nil, ae.opError()
		}
		return nil, err
	}
	if err := settleJob(out, ops, sent, results, "create_or_update_many"); err != nil {
		return nil, err
	}
	return out, nil
}

// settleJob gives each op sent (sent[k] is the index in ops of the k-th record of the call) its
// outcome from the job's results, which come in the order sent.
func settleJob(out []load.Outcome, ops []load.Op, sent []int, results []jobResult, call string) error {
	if len(results) != len(sent) {
		return fmt.Errorf("zendesk: %s (ops %s…%s): the job has %d results for %d records", call, ops[sent[0]].ID, ops[sent[len(sent)-1]].ID, len(results), len(sent))
	}
	for k, res := range results {
		pos := k
		if res.Index != nil && *res.Index >= 0 && *res.Index < len(sent) {
			pos = *res.Index
		}
		i := sent[pos]
		switch {
		case res.Status == "Failed":
			out[i].Err = &load.OpError{Status: 422, Code: or(res.Error, "Failed"),
				Message: fmt.Sprintf("op %s: %s: %s", ops[i].ID, call, or(res.Details, "the record was not saved"))}
		case res.ID != 0:
			out[i].TargetID = strconv.FormatInt(res.ID, 10)
		default:
			out[i].Err = fmt.Errorf("zendesk: %s: op %s: result %q without an id", call, ops[i].ID, res.Status)
		}
	}
	return nil
}

// runUserJob submits the users and waits for the job's results.
func (c *Client) runUserJob(ctx context.Context, name string, users []object) ([]jobResult, error) {
	const path = "/api/v2/users/create_or_update_many.json"
	return c.runJob(ctx, &call{method: "POST", route: path, path: path, body: map[string]any{"users": users}, idempotent: true, op: name})
}

// runJob submits a bulk call and waits for its job's results.
func (c *Client) runJob(ctx context.Context, cl *call) ([]jobResult, error) {
	var submitted struct {
		JobStatus jobStatus `json:"job_status"`
	}
	if _, err := c.do(ctx, cl, &submitted); err != nil {
		return nil, err
	}
	if submitted.JobStatus.ID == "" {
		return nil, fmt.Errorf("zendesk: %s: the answer has no job_status id", cl.where())
	}
	return c.awaitJob(ctx, cl.op, submitted.JobStatus)
}

// awaitJob polls the job until it is completed, waiting longer between reads as it runs.
func (c *Client) awaitJob(ctx context.Context, name string, js jobStatus) ([]jobResult, error) {
	deadline := time.Now().Add(jobTimeout)
	wait := jobPoll
	for {
		switch js.Status {
		case "completed":
			return js.Results, nil
		case "failed", "killed":
			return nil, fmt.Errorf("zendesk: job %s (ops %s) %s: %s", js.ID, name, js.Status, js.Message)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("zendesk: job %s (ops %s) still %s after %s", js.ID, name, js.Status, jobTimeout)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, jobPollMax)
		var out struct {
			JobStatus jobStatus `json:"job_status"`
		}
		cl := &call{method: "GET", route: "/api/v2/job_statuses/{id}.json", path: "/api/v2/job_statuses/" + js.ID + ".json", op: name}
		if _, err := c.do(ctx, cl, &out); err != nil {
			return nil, err
		}
		js = out.JobStatus
	}
}

// userPayload is the user object the op sends, its organization resolved.
func (x *exec) userPayload() (object, error) {
	p, err := x.payload()
	if err != nil {
		return nil, err
	}
	u, err := x.inner(p, "user")
	if err != nil {
		return nil, err
	}
	if str(u, "external_id") == "" && str(u, "email") == "" {
		return nil, x.invalid("user has neither external_id nor email: create_or_update could not match it")
	}
	if err := x.resolve(u, "organization_ref", "organization_id", false); err != nil {
		return nil, err
	}
	return u, nil
}

// or is s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// maxImportBody bounds the JSON of one create_many import: a batch of long threads is split
// into several calls rather than sent as one huge request.
const maxImportBody = 8 << 20

// prepareConcurrency is how many tickets' files upload at once while a batch is prepared.
const prepareConcurrency = 4

// importMany imports the tickets of ops through create_many, up to 100 a call: each ticket's
// files are uploaded first (a few tickets at a time), then the tickets go in calls that share
// archive_immediately and stay under maxImportBody. A ticket that cannot be prepared fails alone
// and is left out. Imports are not idempotent, so when a call gets no answer every op not settled
// yet is left to the runner, which looks each up before sending it alone.
func (c *Client) importMany(ctx context.Context, ops []load.Op, refs []load.Refs, files load.Files) ([]load.Outcome, error) {
	out := make([]load.Outcome, len(ops))
	prepared := make([]preparedImport, len(ops))
	var wg sync.WaitGroup
	sem := make(chan struct{}, prepareConcurrency)
	for i, op := range ops {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			x := &exec{c: c, op: op, refs: refs[i], files: files}
			t, archive, err := x.prepareImport(ctx)
			if err != nil {
				out[i].Err = x.fail(err)
				return
			}
			body, err := httpx.MarshalJSON(t)
			if err != nil {
				out[i].Err = x.invalid("ticket: %v", err)
				return
			}
			prepared[i] = preparedImport{ticket: body, archive: archive, ok: true}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	calls := importCalls(prepared)
	for _, group := range calls {
		tickets := make([]json.RawMessage, len(group))
		for k, i := range group {
			tickets[k] = prepared[i].ticket
		}
		name := fmt.Sprintf("%s…%s", ops[group[0]].ID, ops[group[len(group)-1]].ID)
		const path = "/api/v2/imports/tickets/create_many.json"
		results, err := c.runJob(ctx, &call{method: "POST", route: path, path: path, query: archiveQuery(prepared[group[0]].archive),
			body: map[string]any{"tickets": tickets}, op: name})
		if err == nil {
			err = settleJob(out, ops, group, results, "imports/tickets/create_many")
		}
		if err == nil {
			continue
		}
		var ae *apiError
		if errors.As(err, &ae) {
			oe := ae.opError()
			if len(calls) == 1 {
				return nil, oe // the runner knows what a refusal, a 429 or a 5xx of the whole call means
			}
			if !oe.Retryable {
				// Refused as a whole, so nothing of it was applied; its tickets go alone, where
				// only a bad one fails.
				oe = &load.OpError{Status: oe.Status, Code: "bulk_refused", Message: oe.Message, Retryable: true}
			}
			err = oe
		} else if len(calls) == 1 {
			return nil, err
		}
		for _, i := range group {
			out[i].Err = err
		}
	}
	return out, nil
}

// preparedImport is one ticket ready to import: its JSON and whether to archive it.
type preparedImport struct {
	ticket  json.RawMessage
	archive bool
	ok      bool
}

// importCalls splits the prepared tickets (indexes into prepared, in order) into calls: one
// archive_immediately value each, at most maxBulkTickets tickets and maxImportBody bytes.
func importCalls(prepared []preparedImport) [][]int {
	var calls [][]int
	for _, archive := range []bool{false, true} {
		var cur []int
		size := 0
		for i, p := range prepared {
			if !p.ok || p.archive != archive {
				continue
			}
			if len(cur) > 0 && (len(cur) == maxBulkTickets || size+len(p.ticket) > maxImportBody) {
				calls = append(calls, cur)
				cur, size = nil, 0
			}
			cur = append(cur, i)
			size += len(p.ticket)
		}
		if len(cur) > 0 {
			calls = append(calls, cur)
		}
	}
	return calls
}
