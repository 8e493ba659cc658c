package cli

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/deskport/deskport/internal/oauthflow"
	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/intercom"
	"github.com/deskport/deskport/schema"
)

// variant writes a copy of the pipeline file with its target block changed by edit and its
// staging file set, and returns its path.
func variant(t *testing.T, file, staging string, edit func(target string) string) string {
	t.Helper()
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(text)
	i := strings.Index(s, "\ntarget:")
	s = s[:i] + edit(s[i:]) + "\nstaging: " + staging + "\n"
	out := filepath.Join(t.TempDir(), "variant.yaml")
	if err := os.WriteFile(out, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTarget(s string) string { return s }

func TestPreflight(t *testing.T) {
	const limit = 400
	sb, url := startSandbox(t, sandbox.Options{Seed: 5, Tickets: 60, Intercom: intercom.Options{RateLimit: limit, Strict: true}})
	base := sandboxPipeline(t, url)
	ctx := context.Background()
	for _, stage := range []string{"extract", "transform"} {
		if code, _, stderr := run(t, ctx, stage, "-p", base); code != 0 {
			t.Fatalf("%s: %s", stage, stderr)
		}
	}
	planned := stagingPath(base)
	extracted := filepath.Join(t.TempDir(), "extracted.yaml")
	copyFile(t, base, extracted)
	if code, _, stderr := run(t, ctx, "extract", "-p", extracted); code != 0 {
		t.Fatal(stderr)
	}
	empty := filepath.Join(t.TempDir(), "empty.duckdb")
	db, err := schema.Open(ctx, empty)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ops := int64(count(t, openStaging(t, base), `SELECT count(*) FROM plan_ops`))

	cases := []struct {
		name    string
		staging string
		target  func(string) string
		env     map[string]string
		code    int
		want    []string // lines of the text output
		check   func(t *testing.T, r *pipelines.PreflightReport)
	}{
		{name: "ready", staging: planned, target: sameTarget, code: 0,
			want: []string{"ok       credentials: zendesk accepts them", "ok       workspace: sandbox1",
				"warning  invalid phones:", "warning  unmapped agents:", "[ ] Phone number validation",
				"where: Settings > Workspace > Security > Attachments", "[ ] Active campaigns",
				"at 400 requests per 10s (the target's X-RateLimit-Limit)", "0 blocking"},
			check: func(t *testing.T, r *pipelines.PreflightReport) {
				e := r.Estimate
				if e.PlanOps != ops || e.Calls != ops+e.Reads || !e.Measured || e.RateLimit != limit ||
					e.Duration != time.Duration(math.Ceil(float64(e.Calls)/limit))*10*time.Second {
					t.Errorf("estimate %+v for %d plan ops", e, ops)
				}
				checkInvalidPhones(t, sb, r)
			}},
		{name: "another workspace", staging: planned, code: exitBlocked,
			target: func(s string) string {
				return strings.Replace(s, "credentials: sandbox", "workspace_id: acme-prod\n  credentials: sandbox", 1)
			},
			want: []string{`blocking workspace: the credentials reach workspace "sandbox1" (deskport sandbox), but the pipeline names "acme-prod"`,
				`blocking plan's workspace: the plan was made with the directory of workspace "sandbox1", not "acme-prod"`}},
		{name: "token rejected", staging: planned, code: exitBlocked, env: map[string]string{"IC_TOKEN": "not-a-token"},
			target: func(s string) string {
				return strings.Replace(s, "credentials: sandbox", "workspace_id: sandbox1\n  credentials: {token_env: IC_TOKEN}", 1)
			},
			want: []string{"blocking credentials: intercom: the access token was rejected", "1 blocking"}},
		{name: "token variable unset", staging: planned, code: exitBlocked,
			target: func(s string) string {
				return strings.Replace(s, "credentials: sandbox", "workspace_id: sandbox1\n  credentials: {token_env: IC_TOKEN}", 1)
			},
			want: []string{"blocking credentials:", "target.credentials.token_env: environment variable IC_TOKEN is not set"}},
		{name: "extracted, not transformed", staging: stagingPath(extracted), target: sameTarget, code: exitBlocked,
			want: []string{"blocking plan: no plan in", "run deskport transform", "warning  invalid phones:",
				"not in international (E.164) form", "warning  unmapped agents:", "have no admin of their email"},
			check: func(t *testing.T, r *pipelines.PreflightReport) { checkInvalidPhones(t, sb, r) }},
		{name: "empty staging file", staging: empty, target: sameTarget, code: exitBlocked,
			want: []string{"blocking plan: no plan in"}},
		{name: "no staging file", staging: filepath.Join(t.TempDir(), "none.duckdb"), target: sameTarget, code: exitBlocked,
			want: []string{"blocking plan: no staging file at", "run deskport extract"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := variant(t, base, c.staging, c.target)
			getenv := func(k string) string { return c.env[k] }
			code, out, stderr := run2(t, getenv, "preflight", "-p", file)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, out, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, secret := range c.env {
				if strings.Contains(out+stderr, secret) {
					t.Errorf("a credential was printed")
				}
			}
			if c.check == nil {
				return
			}
			_, js, _ := run2(t, getenv, "preflight", "-p", file, "--format", "json")
			var r pipelines.PreflightReport
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				t.Fatalf("--format json: %v\n%s", err, js)
			}
			c.check(t, &r)
		})
	}
}

// checkInvalidPhones: the contacts preflight names for invalid phones have phones libphonenumber
// cannot validate (read as US numbers when they have no country code).
func checkInvalidPhones(t *testing.T, sb *sandbox.Server, r *pipelines.PreflightReport) {
	t.Helper()
	phones := map[string]string{}
	for _, u := range sb.Account().Users {
		phones[strconv.FormatInt(u.ID, 10)] = u.Phone
	}
	for _, f := range r.Findings {
		if f.Check != "invalid phones" {
			continue
		}
		if f.Count == 0 || len(f.Examples) == 0 {
			t.Fatalf("no invalid phone found: %+v", f)
		}
		for _, id := range f.Examples {
			if n, err := phonenumbers.Parse(phones[id], "US"); err == nil && phonenumbers.IsValidNumber(n) {
				t.Errorf("contact %s has phone %q, which is valid", id, phones[id])
			}
		}
		return
	}
	t.Error("no invalid phones check")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// After a load, preflight counts only what is left to send, and a pipeline naming a workspace
// connected with deskport auth passes with the stored token; auth status --check tells a
// working token from a revoked one.
func TestPreflightAfterLoadWithStoredToken(t *testing.T) {
	_, base := startSandbox(t, sandbox.Options{Seed: 6, Tickets: 20})
	vars, getenv := authEnv(t)
	if code, _, errOut := runAuthFlow(t, getenv, nil, "auth", "intercom",
		"--base-url", base+sandbox.IntercomPath, "--client-id", intercom.DefaultOAuthClientID); code != 0 {
		t.Fatal(errOut)
	}
	file := variant(t, sandboxPipeline(t, base), filepath.Join(t.TempDir(), "s.duckdb"), func(s string) string {
		return strings.Replace(s, "credentials: sandbox", "credentials: {oauth: sandbox1}", 1)
	})
	for _, stage := range []string{"extract", "transform", "load"} {
		if code, _, errOut := run2(t, getenv, stage, "-p", file); code != 0 {
			t.Fatalf("%s: %s", stage, errOut)
		}
	}
	code, js, errOut := run2(t, getenv, "preflight", "-p", file, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, js, errOut)
	}
	var r pipelines.PreflightReport
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	if e := r.Estimate; e.PlanOps == 0 || e.Loaded != e.PlanOps || e.Calls != e.Reads {
		t.Errorf("estimate after a full load: %+v", e)
	}

	store := &oauthflow.Store{Path: filepath.Join(vars["XDG_CONFIG_HOME"], "deskport", "credentials.json")}
	revoked := oauthflow.Credential{System: "intercom", WorkspaceID: "gone1", BaseURL: base + sandbox.IntercomPath, Token: "dG9rOmrevoked"}
	if err := store.Put(revoked); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run2(t, getenv, "auth", "status", "--check")
	if code != 0 {
		t.Fatal(errOut)
	}
	for _, want := range []string{"sandbox1", "works", "gone1", "rejected"} {
		if !strings.Contains(out, want) {
			t.Errorf("status --check lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, revoked.Token) {
		t.Error("a token was printed")
	}
}
