package zendesk

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t, account(100), unlimited(Options{}))
	for _, tc := range []struct {
		name   string
		auth   string
		status int
	}{
		{"api token", demoAuth, 200},
		{"oauth bearer", "Bearer " + DefaultOAuthToken, 200},
		{"none", "", 401},
		{"wrong token", basic(DefaultEmail+"/token", "nope"), 401},
		{"wrong email", basic("someone@else.test/token", DefaultToken), 401},
		{"password instead of token", basic(DefaultEmail, DefaultToken), 401},
		{"wrong bearer", "Bearer nope", 401},
		{"api token as bearer", "Bearer " + DefaultToken, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(e.base+"/api/v2/groups.json", tc.auth)
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			if tc.status == 401 && string(body) != `{"error":"Couldn't authenticate you"}` {
				t.Fatalf("401 body %s", body)
			}
		})
	}
	if got := e.srv.Stats().Unauthorized; got != 6 {
		t.Fatalf("unauthorized_total = %d", got)
	}
}

func TestCustomCredentials(t *testing.T) {
	e := newEnv(t, account(100), unlimited(Options{Credentials: Credentials{Email: "a@b.test", Token: "t0k"}}))
	if resp, _ := e.do(e.base+"/api/v2/groups.json", basic("a@b.test/token", "t0k")); resp.StatusCode != 200 {
		t.Fatalf("custom credentials: %d", resp.StatusCode)
	}
	if resp, _ := e.do(e.base+"/api/v2/groups.json", demoAuth); resp.StatusCode != 401 {
		t.Fatalf("default credentials still accepted: %d", resp.StatusCode)
	}
}

// expectLimit checks one response's status and rate-limit headers.
func expectLimit(t *testing.T, resp *http.Response, status int, limit, remaining, reset string) {
	t.Helper()
	h := resp.Header
	if resp.StatusCode != status || h.Get("X-Rate-Limit") != limit || h.Get("ratelimit-limit") != limit ||
		h.Get("X-Rate-Limit-Remaining") != remaining || h.Get("ratelimit-remaining") != remaining ||
		h.Get("ratelimit-reset") != reset {
		t.Fatalf("got %d limit %s/%s remaining %s/%s reset %s; want %d %s %s %s", resp.StatusCode,
			h.Get("X-Rate-Limit"), h.Get("ratelimit-limit"), h.Get("X-Rate-Limit-Remaining"),
			h.Get("ratelimit-remaining"), h.Get("ratelimit-reset"), status, limit, remaining, reset)
	}
	if status == http.StatusTooManyRequests && h.Get("Retry-After") != reset {
		t.Fatalf("Retry-After %q, want %s", h.Get("Retry-After"), reset)
	}
}

func TestRateLimits(t *testing.T) {
	e := newEnv(t, account(100), Options{RateLimit: 5, IncrementalRateLimit: 2})
	// The clock stands at 10:00:15: the one-minute window resets in 45 s.
	inc := e.base + "/api/v2/incremental/organizations.json?start_time=0"
	list := e.base + "/api/v2/groups.json"
	get := func(u string) *http.Response { resp, _ := e.do(u, demoAuth); return resp }

	expectLimit(t, get(inc), 200, "2", "1", "45")
	expectLimit(t, get(inc), 200, "2", "0", "45")
	resp, body := e.do(inc, demoAuth)
	expectLimit(t, resp, 429, "2", "0", "45")
	var apiErr apiError
	if err := json.Unmarshal(body, &apiErr); err != nil || apiErr.Error != "APIRateLimitExceeded" {
		t.Fatalf("429 body %s", body)
	}
	// The incremental calls spent 2 of the plan's 5; the 429 spent nothing.
	expectLimit(t, get(list), 200, "5", "2", "45")
	expectLimit(t, get(list), 200, "5", "1", "45")
	e.clock.Advance(44 * time.Second)
	expectLimit(t, get(list), 200, "5", "0", "1")
	expectLimit(t, get(list), 429, "5", "0", "1")
	e.clock.Advance(time.Second) // a new window
	expectLimit(t, get(inc), 200, "2", "1", "60")
	expectLimit(t, get(list), 200, "5", "3", "60")
	if got := e.srv.Stats().RateLimitedTotal; got != 2 {
		t.Fatalf("rate_limited_total = %d", got)
	}
}

func TestFaults(t *testing.T) {
	acct := account(100)
	for _, tc := range []struct {
		name   string
		faults Faults
		check  func(t *testing.T, e *env)
	}{
		{"none", Faults{}, func(t *testing.T, e *env) { e.get("/api/v2/groups.json") }},
		{"errors", Faults{ErrorRate: 1}, func(t *testing.T, e *env) {
			for i := 0; i < 20; i++ {
				if resp, _ := e.do(e.base+"/api/v2/groups.json", demoAuth); resp.StatusCode != 500 && resp.StatusCode != 503 {
					t.Fatalf("status %d", resp.StatusCode)
				}
			}
		}},
		{"resets", Faults{ResetRate: 1}, func(t *testing.T, e *env) {
			req, _ := http.NewRequest(http.MethodGet, e.base+"/api/v2/groups.json", nil)
			req.Header.Set("Authorization", demoAuth)
			if resp, err := e.http.Client().Do(req); err == nil {
				resp.Body.Close()
				t.Fatalf("got %d, want a transport error", resp.StatusCode)
			}
		}},
		{"malformed", Faults{MalformedPages: 1}, func(t *testing.T, e *env) {
			resp, body := e.do(e.base+"/api/v2/groups.json", demoAuth)
			if resp.StatusCode != 200 || json.Valid(body) {
				t.Fatalf("%d valid=%v", resp.StatusCode, json.Valid(body))
			}
		}},
		{"throttle storm", Faults{ThrottleRate: 1}, func(t *testing.T, e *env) {
			if resp, _ := e.do(e.base+"/api/v2/groups.json", demoAuth); resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("status %d", resp.StatusCode)
			}
		}},
		{"latency", Faults{Latency: 50 * time.Millisecond}, func(t *testing.T, e *env) {
			start := time.Now()
			e.get("/api/v2/groups.json")
			if time.Since(start) < 50*time.Millisecond {
				t.Fatal("no latency")
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, acct, unlimited(Options{Faults: tc.faults}))
			tc.check(t, e)
			e.srv.SetFaults(Faults{}) // faults change at runtime
			e.get("/api/v2/groups.json")
		})
	}
}

func TestErrorRateIsAFraction(t *testing.T) {
	e := newEnv(t, account(100), unlimited(Options{Faults: Faults{ErrorRate: 0.3}}))
	failed := 0
	for i := 0; i < 200; i++ {
		if resp, _ := e.do(e.base+"/api/v2/groups.json", demoAuth); resp.StatusCode >= 500 {
			failed++
		}
	}
	if failed < 30 || failed > 90 {
		t.Fatalf("%d of 200 failed at rate 0.3", failed)
	}
	if got := e.srv.Stats().FaultsInjected["errors"]; got != int64(failed) {
		t.Fatalf("faults_injected.errors = %d, want %d", got, failed)
	}
}

func TestStatsByRoute(t *testing.T) {
	e := newEnv(t, account(100), unlimited(Options{}))
	e.get("/api/v2/groups.json")
	e.get("/api/v2/groups.json?page[size]=2")
	e.get("/api/v2/tickets/" + strconv.FormatInt(account(100).Tickets[0].ID, 10) + "/comments.json")
	e.do(e.base+"/api/v2/nothing.json", demoAuth)
	st := e.srv.Stats()
	want := map[string]int64{
		"GET /api/v2/groups.json":                2,
		"GET /api/v2/tickets/{id}/comments.json": 1,
		"GET (unmatched)":                        1,
	}
	for route, n := range want {
		if st.RequestsByRoute[route] != n {
			t.Errorf("%s: %d, want %d (%v)", route, st.RequestsByRoute[route], n, st.RequestsByRoute)
		}
	}
	if st.RequestsTotal != 4 {
		t.Fatalf("requests_total = %d", st.RequestsTotal)
	}
}

func TestNextPagesUseBothHostsDeterministically(t *testing.T) {
	acct := account(2500)
	for _, tc := range []struct {
		name    string
		opts    Options
		foreign bool
	}{
		{"default", Options{}, true},
		{"same host", Options{SameHostNextPages: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, acct, unlimited(tc.opts))
			_, foreign, _ := cursorWalk(t, e, "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=100", "tickets")
			if (foreign > 0) != tc.foreign {
				t.Fatalf("%d pages on another host", foreign)
			}
		})
	}
}

func TestConcurrentReadsAndMutations(t *testing.T) {
	acct := gen.Generate(gen.Options{Seed: 8, Tickets: 300})
	e := newEnv(t, acct, unlimited(Options{}))
	tk := acct.Tickets[0].ID
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			e.srv.AddTicket(gen.TicketInput{Subject: "concurrent"})
			if _, err := e.srv.AddComment(tk, gen.CommentInput{Body: "more"}); err != nil {
				t.Error(err)
			}
		}
	}()
	for i := 0; i < 5; i++ {
		cursorWalk(t, e, "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=200", "tickets")
		e.get("/api/v2/tickets/" + strconv.FormatInt(tk, 10) + "/comments.json?page[size]=100")
	}
	<-done
	if n := acct.Counts().Tickets; n != 350 {
		t.Fatalf("%d tickets", n)
	}
}
