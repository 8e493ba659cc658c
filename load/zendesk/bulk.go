package zendesk

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/deskport/deskport/load"
)

// Users go to Zendesk up to 100 a call through create_or_update_many, a bulk job: the POST
// answers a queued job status at once, and the job's results, read by polling
// GET /api/v2/job_statuses/{id}.json, say per user (in the order sent) Created, Updated or Failed
// with the reason. The call matches users by external_id then email, as create_or_update does,
// so sending it again after a lost answer changes nothing more.

// maxBulkUsers is the most users one create_or_update_many takes.
const maxBulkUsers = 100

// jobPoll is the first wait before reading a job's status and jobPollMax the longest between two
// reads; jobTimeout bounds the wait for one job. Tests shorten them.
var (
	jobPoll    = 250 * time.Millisecond
	jobPollMax = 5 * time.Second
	jobTimeout = 10 * time.Minute
)

var _ load.ManyTarget = (*Client)(nil)

// ManySize says which kinds go several to a call: users, 100 at a time.
func (c *Client) ManySize(kind string) int {
	if kind == kindUser {
		return maxBulkUsers
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
	if len(results) != len(users) {
		return nil, fmt.Errorf("zendesk: create_or_update_many (ops %s): the job has %d results for %d users", name, len(results), len(users))
	}
	for k, res := range results {
		pos := k
		if res.Index != nil && *res.Index >= 0 && *res.Index < len(users) {
			pos = *res.Index
		}
		i := sent[pos]
		switch {
		case res.Status == "Failed":
			out[i].Err = &load.OpError{Status: 422, Code: or(res.Error, "Failed"),
				Message: fmt.Sprintf("op %s: create_or_update_many: %s", ops[i].ID, or(res.Details, "the user was not saved"))}
		case res.ID != 0:
			out[i].TargetID = strconv.FormatInt(res.ID, 10)
		default:
			out[i].Err = fmt.Errorf("zendesk: create_or_update_many: op %s: result %q without an id", ops[i].ID, res.Status)
		}
	}
	return out, nil
}

// runUserJob submits the users and waits for the job's results.
func (c *Client) runUserJob(ctx context.Context, name string, users []object) ([]jobResult, error) {
	const path = "/api/v2/users/create_or_update_many.json"
	var submitted struct {
		JobStatus jobStatus `json:"job_status"`
	}
	cl := &call{method: "POST", route: path, path: path, body: map[string]any{"users": users}, idempotent: true, op: name}
	if _, err := c.do(ctx, cl, &submitted); err != nil {
		return nil, err
	}
	if submitted.JobStatus.ID == "" {
		return nil, fmt.Errorf("zendesk: %s: the answer has no job_status id", cl.where())
	}
	return c.awaitJob(ctx, name, submitted.JobStatus)
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
