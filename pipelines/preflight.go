package pipelines

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/schema"
)

// Severity says whether a preflight finding stops the load.
type Severity int

const (
	// OK: checked, nothing to do.
	OK Severity = iota
	// Info: worth knowing, nothing to do.
	Info
	// Warning: the load runs, but some records will be changed, skipped or refused; read why.
	Warning
	// Blocking: the load must not run until this is fixed.
	Blocking
)

func (s Severity) String() string {
	return [...]string{"ok", "info", "warning", "blocking"}[s]
}

// MarshalText names the severity in JSON output.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	for v := OK; v <= Blocking; v++ {
		if v.String() == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q", b)
}

// Finding is one line of the preflight: a check and what it found.
type Finding struct {
	Section  string   `json:"section"` // source, target, plan, data
	Check    string   `json:"check"`
	Severity Severity `json:"severity"`
	Detail   string   `json:"detail"`
	// Count is how many records the finding concerns (data checks), Examples a few of their
	// source ids, and From the table it was read from.
	Count    int64    `json:"count,omitempty"`
	Examples []string `json:"examples,omitempty"`
	From     string   `json:"from,omitempty"`
}

// Setting is a target setting the API can neither read nor change: the user checks it by hand.
type Setting struct {
	Name  string `json:"name"`
	Why   string `json:"why"`
	Where string `json:"where"`
}

// Estimate is the load's API calls and how long the target's rate limit makes them take.
type Estimate struct {
	PlanOps int64 `json:"plan_ops"`
	Loaded  int64 `json:"loaded"` // ops already loaded by earlier runs: not sent again
	// Writes are the calls the ops left to load make: one an op on Intercom; on Zendesk a bulk
	// call and its job's read per 100 users or tickets, and each comment's file's upload.
	Writes    int64 `json:"writes"`
	Reads     int64 `json:"reads"`
	Calls     int64 `json:"calls"`
	RateLimit int   `json:"rate_limit"` // requests per window
	// Measured is true when RateLimit is the target's X-RateLimit-Limit header, false when it is
	// the documented default (the answer had none).
	Measured bool `json:"measured"`
	// LimitSource says where RateLimit comes from: the header that gave it, or the default.
	LimitSource string        `json:"rate_limit_source"`
	Window      time.Duration `json:"window_ns"`
	Duration    time.Duration `json:"duration_ns"`
}

// PreflightReport is everything preflight found.
type PreflightReport struct {
	Findings []Finding `json:"findings"`
	Settings []Setting `json:"settings"`
	Estimate Estimate  `json:"estimate"`
}

// Blocked reports whether a finding stops the load.
func (r *PreflightReport) Blocked() bool { return r.count(Blocking) > 0 }

// Warnings counts the findings of severity Warning.
func (r *PreflightReport) Warnings() int { return r.count(Warning) }

// Blocking counts the findings of severity Blocking.
func (r *PreflightReport) Blocking() int { return r.count(Blocking) }

func (r *PreflightReport) count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

func (r *PreflightReport) add(f Finding) { r.Findings = append(r.Findings, f) }

// PreflightOptions are the preflight command's inputs besides the pipeline file.
type PreflightOptions struct {
	Getenv     func(string) string
	HTTPClient *http.Client // base client for both sides; nil means a default one
}

// intercomWindow and intercomDefaultLimit are Intercom's rate-limit window and a private app's
// budget in it (10,000 calls a minute spread over 10-second windows), used when the target's
// answer carries no X-RateLimit-Limit.
const (
	intercomWindow       = 10 * time.Second
	intercomDefaultLimit = 1666
)

// Preflight connects to both sides and checks the staged data and the plan against the target,
// without writing anything anywhere. Problems are findings, not errors: the error is only for
// what stops the preflight itself from running.
func Preflight(ctx context.Context, p *Pipeline, opts PreflightOptions) (*PreflightReport, error) {
	r := &PreflightReport{}
	r.add(p.checkSource(ctx, opts))
	dir, limit := p.checkTarget(ctx, r, opts)
	if err := p.checkStaging(ctx, r, dir); err != nil {
		return nil, err
	}
	r.Settings = targetSettings(p.Target.System)
	rates := rateProfileOf(p.Target.System)
	r.Estimate.RateLimit, r.Estimate.Measured, r.Estimate.Window = limit, limit > 0, rates.window
	r.Estimate.LimitSource = "the target's " + rates.headers[0]
	if limit <= 0 {
		r.Estimate.RateLimit, r.Estimate.LimitSource = rates.defaultLimit, rates.defaultNote
	}
	r.Estimate.finish()
	return r, nil
}

// rateProfile is how a target states its rate limit: the header giving the budget, the window
// it is counted over, and the documented budget when no answer carries the header.
type rateProfile struct {
	headers      []string
	window       time.Duration
	defaultLimit int
	defaultNote  string
}

// rateProfileOf is the target's profile: Intercom's budget per 10-second window, Zendesk's per
// minute (Enterprise's 700 when no answer says).
func rateProfileOf(system string) rateProfile {
	if system == "zendesk" {
		return rateProfile{headers: []string{"X-Rate-Limit", "ratelimit-limit"}, window: time.Minute, defaultLimit: 700,
			defaultNote: "Zendesk Enterprise's limit: the target sent no X-Rate-Limit"}
	}
	return rateProfile{headers: []string{"X-RateLimit-Limit"}, window: intercomWindow, defaultLimit: intercomDefaultLimit,
		defaultNote: "Intercom's default for an app: the target sent no X-RateLimit-Limit"}
}

// finish adds the reads and the duration: each window admits RateLimit calls.
func (e *Estimate) finish() {
	// The load's workspace check (GET /me), and the five directory reads of the transform that
	// should precede it.
	e.Reads = 6
	if e.Writes == 0 {
		e.Writes = e.PlanOps - e.Loaded
	}
	e.Calls = e.Writes + e.Reads
	windows := math.Ceil(float64(e.Calls) / float64(e.RateLimit))
	e.Duration = time.Duration(windows) * e.Window
}

// sourceProbes are read-only endpoints that show whether a source accepts its credentials, per
// system: fetched through the source's own client, so the credentials go to its host only.
var sourceProbes = map[string]string{"zendesk": "/api/v2/users/me.json"}

// checkSource confirms the source accepts its credentials.
func (p *Pipeline) checkSource(ctx context.Context, opts PreflightOptions) Finding {
	f := Finding{Section: "source", Check: "credentials"}
	src, err := p.newSource(ExtractOptions{Getenv: opts.Getenv, HTTPClient: opts.HTTPClient})
	if err != nil {
		f.Severity, f.Detail = Blocking, err.Error()
		return f
	}
	path, ok := sourceProbes[p.Source.System]
	dl, isDL := src.(extract.Downloader)
	if !ok || !isDL {
		f.Severity, f.Detail = Info, fmt.Sprintf("%s: credentials are read, but deskport has no read-only probe for this system yet; extract shows whether they work", p.Source.System)
		return f
	}
	who, err := probeZendeskUser(ctx, dl, p.Source.BaseURL+path)
	if err != nil {
		f.Severity, f.Detail = Blocking, err.Error()
		return f
	}
	f.Detail = who
	return f
}

// probeZendeskUser reads Zendesk's current user: an agent or admin can read tickets, an end user
// or the anonymous user (no id: the credentials were not taken) cannot.
func probeZendeskUser(ctx context.Context, dl extract.Downloader, url string) (string, error) {
	body, err := dl.Download(ctx, url)
	if err != nil {
		return "", fmt.Errorf("GET /api/v2/users/me.json: %w", err)
	}
	defer body.Close()
	var me struct {
		User struct {
			ID    *json.Number `json:"id"`
			Email string       `json:"email"`
			Role  string       `json:"role"`
		} `json:"user"`
	}
	if err := json.NewDecoder(io.LimitReader(body, 1<<20)).Decode(&me); err != nil {
		return "", fmt.Errorf("GET /api/v2/users/me.json: unreadable answer: %v", err)
	}
	switch {
	case me.User.ID == nil:
		return "", errors.New("zendesk answered as the anonymous user: the email and API token were not accepted")
	case me.User.Role != "admin" && me.User.Role != "agent":
		return "", fmt.Errorf("the credentials belong to %s, a Zendesk %s: use an agent's or admin's", me.User.Email, me.User.Role)
	}
	return fmt.Sprintf("zendesk accepts them: %s (%s)", me.User.Email, me.User.Role), nil
}

// checkTarget reads the target's directory (which proves the credentials and the read
// permissions), compares its workspace with the pipeline's, and returns the directory and the
// rate limit its first answer announced.
func (p *Pipeline) checkTarget(ctx context.Context, r *PreflightReport, opts PreflightOptions) (*load.Directory, int) {
	rec := &limitRecorder{next: baseRoundTripper(opts.HTTPClient), headers: rateProfileOf(p.Target.System).headers}
	client := &http.Client{Transport: rec}
	if opts.HTTPClient != nil {
		client.Timeout = opts.HTTPClient.Timeout
	}
	cred := Finding{Section: "target", Check: "credentials"}
	target, err := p.newTarget(opts.Getenv, client, 1)
	if err != nil {
		cred.Severity, cred.Detail = Blocking, err.Error()
		r.add(cred)
		return nil, 0
	}
	dir, err := target.Directory(ctx)
	if err != nil {
		cred.Severity, cred.Detail = Blocking, err.Error()
		r.add(cred)
		return nil, rec.get()
	}
	w := dir.Workspace
	cred.Detail = fmt.Sprintf("accepted: workspace %s (%s, region %s), acting as %s", w.ID, w.Name, w.Region, w.MeEmail)
	r.add(cred)
	r.add(p.checkWorkspace(w))
	r.add(Finding{Section: "target", Check: "permissions", Severity: Info, Detail: permissionsNote(p.Target.System)})
	return dir, rec.get()
}

// checkWorkspace compares the workspace the credentials reach with the pipeline's.
func (p *Pipeline) checkWorkspace(w load.Workspace) Finding {
	f := Finding{Section: "target", Check: "workspace"}
	want, err := p.targetWorkspace()
	switch {
	case err != nil:
		f.Severity, f.Detail = Blocking, err.Error()+fmt.Sprintf(" (these credentials reach %s)", w.ID)
	case want != w.ID:
		f.Severity, f.Detail = Blocking, fmt.Sprintf("the credentials reach workspace %q (%s), but the pipeline names %q", w.ID, w.Name, want)
	default:
		f.Detail = fmt.Sprintf("%s, as target.workspace_id says", w.ID)
	}
	return f
}

// permissionsNote says what the directory reads showed of the credentials' permissions.
func permissionsNote(system string) string {
	if system == "zendesk" {
		return "reading agents, groups, ticket, user and organization fields works, as an agent or admin; the Ticket Import API and Guide writes need an admin, which shows on the first write"
	}
	return "reading admins, teams, ticket types and ticket states works; Intercom shows no scopes through its API, so write permissions show on the first write (Developer Hub > your app > Authentication lists them)"
}

// limitRecorder keeps the first rate-limit budget the target sends in one of headers (the
// directory's first read comes first).
type limitRecorder struct {
	next    http.RoundTripper
	headers []string
	mu      sync.Mutex
	limit   int
}

func (l *limitRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	for _, h := range l.headers {
		if n, perr := strconv.Atoi(resp.Header.Get(h)); perr == nil && n > 0 {
			l.mu.Lock()
			if l.limit == 0 {
				l.limit = n
			}
			l.mu.Unlock()
			break
		}
	}
	return resp, err
}

func (l *limitRecorder) get() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limit
}

func baseRoundTripper(c *http.Client) http.RoundTripper {
	if c != nil && c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// checkStaging checks that a plan exists and was made for this workspace, then runs the data
// checks and counts the plan for the estimate.
func (p *Pipeline) checkStaging(ctx context.Context, r *PreflightReport, dir *load.Directory) error {
	plan := Finding{Section: "plan", Check: "plan"}
	if _, err := os.Stat(p.Staging); err != nil {
		plan.Severity, plan.Detail = Blocking, fmt.Sprintf("no staging file at %s: run deskport extract -p %s, then transform", p.Staging, p.Path)
		r.add(plan)
		return nil
	}
	db, err := schema.OpenReadOnly(ctx, p.Staging)
	if err != nil {
		return err
	}
	defer db.Close()
	q := &stagingQueries{ctx: ctx, db: db}
	p.checkPlan(q, r, plan)
	for _, c := range dataChecks {
		if f, ok := c.run(q, dir); ok {
			r.add(f)
		}
	}
	return q.err
}

// checkPlan reports the plan (or its absence), the workspace whose directory it was made with,
// and fills the estimate's counts.
func (p *Pipeline) checkPlan(q *stagingQueries, r *PreflightReport, plan Finding) {
	if !q.has("plan_ops") || q.count(`SELECT count(*) FROM plan_ops`) == 0 {
		plan.Severity, plan.Detail = Blocking, fmt.Sprintf("no plan in %s: run deskport transform -p %s", p.Staging, p.Path)
		r.add(plan)
		return
	}
	e := &r.Estimate
	e.PlanOps = q.count(`SELECT count(*) FROM plan_ops`)
	if q.has("load_outcomes") {
		e.Loaded = q.count(`SELECT count(*) FROM plan_ops o JOIN load_outcomes l USING (op_id) WHERE l.event = 'loaded'`)
	}
	if p.Target.System == "zendesk" {
		todo := `SELECT kind, payload FROM plan_ops`
		if q.has("load_outcomes") {
			todo += ` p WHERE NOT EXISTS (SELECT 1 FROM load_outcomes l WHERE l.op_id = p.op_id AND l.event = 'loaded')`
		}
		e.Writes = q.count(fmt.Sprintf(zendeskWritesQuery, todo))
	}
	plan.Detail = fmt.Sprintf("%s: %d operations, %d loaded by earlier runs", short12(q.text(`SELECT value FROM plan_meta WHERE key = 'plan_hash'`)), e.PlanOps, e.Loaded)
	r.add(plan)
	want, err := p.targetWorkspace()
	if err != nil || !q.has("target_workspace") {
		return
	}
	if planned := q.text(`SELECT id FROM target_workspace`); planned != want {
		r.add(Finding{Section: "plan", Check: "plan's workspace", Severity: Blocking,
			Detail: fmt.Sprintf("the plan was made with the directory of workspace %q, not %q: run deskport transform -p %s again", planned, want, p.Path)})
	}
}

// zendeskWritesQuery counts the calls a Zendesk load makes for the ops not loaded yet: users and
// ticket imports go 100 to a bulk call with at least one read of its job (closed tickets, archived
// at once, in calls of their own), each comment's file is uploaded before its ticket, and
// everything else is one call.
const zendeskWritesQuery = `WITH todo AS (%s),
bulk AS (
    SELECT kind, coalesce(CAST(payload ->> '$.archive_immediately' AS BOOLEAN), false) AS archived, count(*) AS n
    FROM todo WHERE kind IN ('user', 'ticket_import') GROUP BY ALL)
SELECT CAST(coalesce((SELECT sum(2 * ceil(n / 100)) FROM bulk), 0)
    + coalesce((SELECT sum(coalesce(list_sum(list_transform(
            from_json(payload -> '$.ticket.comments', '["JSON"]'), c -> coalesce(json_array_length(c -> 'attachments'), 0))), 0))
        FROM todo WHERE kind = 'ticket_import'), 0)
    + (SELECT count(*) FROM todo WHERE kind NOT IN ('user', 'ticket_import')) AS BIGINT)`

func short12(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// stagingQueries runs the preflight's read-only queries and keeps the first error.
type stagingQueries struct {
	ctx context.Context
	db  *sql.DB
	err error
}

// has reports whether a table or view exists.
func (q *stagingQueries) has(name string) bool {
	return q.count(`SELECT count(*) FROM information_schema.tables WHERE table_name = ?`, name) > 0
}

func (q *stagingQueries) count(query string, args ...any) int64 {
	var n sql.NullInt64
	q.scan(&n, query, args...)
	return n.Int64
}

func (q *stagingQueries) text(query string, args ...any) string {
	var s sql.NullString
	q.scan(&s, query, args...)
	return s.String
}

func (q *stagingQueries) scan(dst any, query string, args ...any) {
	if q.err != nil {
		return
	}
	err := q.db.QueryRowContext(q.ctx, query, args...).Scan(dst)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		q.err = fmt.Errorf("preflight query %q: %w", queryHead(query), err)
	}
}

// ids returns the first column of a query's rows.
func (q *stagingQueries) ids(query string, args ...any) []string {
	if q.err != nil {
		return nil
	}
	rows, err := q.db.QueryContext(q.ctx, query, args...)
	if err != nil {
		q.err = fmt.Errorf("preflight query %q: %w", queryHead(query), err)
		return nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			q.err = err
			return nil
		}
		out = append(out, s.String)
	}
	if err := rows.Err(); err != nil {
		q.err = err
	}
	return out
}

func queryHead(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i > 0 {
		return s[:i] + " …"
	}
	return s
}
