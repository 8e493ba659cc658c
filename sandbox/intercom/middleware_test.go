package intercom

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuthenticationAndVersion(t *testing.T) {
	e := newEnv(t, nil)
	for _, tc := range []struct {
		name    string
		headers map[string]string
		status  int
		code    string
	}{
		{"bearer and version", map[string]string{"Authorization": "Bearer " + DefaultToken, "Intercom-Version": "2.15"}, 200, ""},
		{"no version header", map[string]string{"Authorization": "Bearer " + DefaultToken}, 200, ""},
		{"no token", map[string]string{"Intercom-Version": "2.15"}, 401, "unauthorized"},
		{"wrong token", map[string]string{"Authorization": "Bearer nope"}, 401, "unauthorized"},
		{"basic auth", map[string]string{"Authorization": "Basic " + DefaultToken}, 401, "unauthorized"},
		{"other version", map[string]string{"Authorization": "Bearer " + DefaultToken, "Intercom-Version": "2.14"}, 400, "intercom_version_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.send("GET", "/me", nil, tc.headers)
			if tc.status == 200 {
				if r.status != 200 {
					t.Fatalf("%d %s", r.status, r.body)
				}
				return
			}
			expectError(t, r, tc.status, tc.code)
			if tc.status == 401 {
				if r.errorMessage() != "Access Token Invalid" || r.header.Get("X-RateLimit-Limit") != "" {
					t.Fatalf("401: %s %v", r.body, r.header)
				}
			}
		})
	}
	if st := e.srv.Stats(); st.Unauthorized != 3 || st.StatusCounts["401"] != 3 || st.RequestsByRoute["GET /me"] != 6 {
		t.Fatalf("stats %+v", st)
	}
}

func TestWorkspaceDirectory(t *testing.T) {
	e := newEnv(t, nil)
	me := e.ok("GET", "/me", nil)
	if me.str("id") != "991267000" || me.str("email") != DefaultAdminEmail ||
		jsonPath(me.json, "app", "id_code") != DefaultWorkspaceID || jsonPath(me.json, "app", "region") != "US" {
		t.Fatalf("me %s", me.body)
	}
	admins := e.ok("GET", "/admins", nil)
	if admins.str("type") != "admin.list" || len(admins.list("admins")) != 3 {
		t.Fatalf("admins %s", admins.body)
	}
	if got := e.ok("GET", "/admins/101", nil); num(got.json["team_ids"].([]any)[0]) != 201 {
		t.Fatalf("admin team_ids %s", got.body)
	}
	expectError(t, e.do("GET", "/admins/999", nil), 404, "admin_not_found")
	teams := e.ok("GET", "/teams", nil)
	if teams.str("type") != "team.list" || teams.list("teams")[0]["name"] != "Billing" {
		t.Fatalf("teams %s", teams.body)
	}
	expectError(t, e.do("GET", "/teams/999", nil), 404, "team_not_found")
	states := e.ok("GET", "/ticket_states", nil).list("data")
	var categories []string
	for _, s := range states {
		categories = append(categories, s["category"].(string))
	}
	if strings.Join(categories, ",") != "submitted,in_progress,waiting_on_customer,resolved" {
		t.Fatalf("ticket states %v", categories)
	}
}

func TestCustomAdminsKeepTheirOrder(t *testing.T) {
	s := New(Options{Admins: []Admin{{Name: "Me", Email: DefaultAdminEmail}, {Name: "Other", Email: "o@x.test"}}})
	admins := s.Admins()
	if len(admins) != 2 || admins[0].Name != "Me" || admins[0].ID == admins[1].ID {
		t.Fatalf("admins %+v", admins)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RateLimit = 3 })
	windowEnd := strconv.FormatInt(start.Truncate(10*time.Second).Add(10*time.Second).Unix(), 10)
	for i, want := range []string{"2", "1", "0"} {
		r := e.do("GET", "/admins", nil)
		if r.status != 200 || r.header.Get("X-RateLimit-Limit") != "3" || r.header.Get("X-RateLimit-Remaining") != want ||
			r.header.Get("X-RateLimit-Reset") != windowEnd {
			t.Fatalf("request %d: %d %v", i, r.status, r.header)
		}
	}
	r := e.do("POST", "/contacts", map[string]any{"role": "user", "external_id": "x"})
	expectError(t, r, 429, "rate_limit_exceeded")
	if r.errorMessage() != "Exceeded rate limit of 3 in 10_seconds" || r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("429: %s %v", r.body, r.header)
	}
	if len(e.srv.Contacts()) != 0 {
		t.Fatal("a 429 applied the write")
	}
	// Errors carry the headers too; the next window starts afresh.
	e.clock.Advance(7 * time.Second)
	r = e.do("GET", "/admins/404", nil)
	if r.status != 404 || r.header.Get("X-RateLimit-Remaining") != "2" || r.header.Get("X-RateLimit-Reset") == windowEnd {
		t.Fatalf("next window: %d %v", r.status, r.header)
	}
	if st := e.srv.Stats(); st.RateLimitedTotal != 1 || st.StatusCounts["429"] != 1 {
		t.Fatalf("stats %+v", st)
	}
	e.srv.SetRateLimit(-1)
	if r := e.do("GET", "/admins", nil); r.status != 200 || r.header.Get("X-RateLimit-Limit") != "" {
		t.Fatalf("unlimited: %d %v", r.status, r.header)
	}
}

func TestFaults(t *testing.T) {
	t.Run("error", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.Faults.ErrorRate = 1 })
		expectError(t, e.do("POST", "/contacts", map[string]any{"role": "user", "external_id": "a"}), 500, "server_error")
		if len(e.srv.Contacts()) != 0 || e.srv.Stats().FaultsInjected[FaultError] != 1 {
			t.Fatal("an injected error applied the write or was not counted")
		}
	})
	t.Run("throttle", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.Faults.ThrottleRate = 1 })
		r := e.do("GET", "/me", nil)
		expectError(t, r, 429, "rate_limit_exceeded")
		if r.header.Get("X-RateLimit-Limit") != "1666" || r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Reset") == "" {
			t.Fatalf("storm headers %v", r.header)
		}
		e.srv.SetFaults(Faults{})
		if r := e.do("GET", "/me", nil); r.status != 200 || r.header.Get("X-RateLimit-Remaining") != "1665" {
			t.Fatalf("after the storm: %d %v (a storm spends no budget)", r.status, r.header)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.Faults.TimeoutRate = 1 })
		client := &http.Client{Timeout: 150 * time.Millisecond}
		_, err := e.sendRaw(client, "POST", "/contacts", map[string]any{"role": "user", "external_id": "t"},
			map[string]string{"Authorization": "Bearer " + DefaultToken})
		if err == nil || len(e.srv.Contacts()) != 0 {
			t.Fatalf("timeout: err %v, contacts %d", err, len(e.srv.Contacts()))
		}
	})
	t.Run("drop after write", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.Faults.DropAfterWriteRate = 1 })
		if r := e.do("GET", "/me", nil); r.status != 200 {
			t.Fatalf("reads are never dropped: %d", r.status)
		}
		_, err := e.sendRaw(http.DefaultClient, "POST", "/contacts", map[string]any{"role": "user", "external_id": "d"},
			map[string]string{"Authorization": "Bearer " + DefaultToken})
		if err == nil {
			t.Fatal("the client saw a response")
		}
		if cs := e.srv.Contacts(); len(cs) != 1 || cs[0].ExternalID != "d" {
			t.Fatalf("the write was not applied: %+v", cs)
		}
		st := e.srv.Stats()
		if st.DroppedResponses != 1 || st.FaultsInjected[FaultDropAfterWrite] != 1 || st.Created["contact"] != 1 {
			t.Fatalf("stats %+v", st)
		}
	})
}

func TestLatencyRespectsCancellation(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.SetLatency(5 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.base+"/me", nil)
	req.Header.Set("Authorization", "Bearer "+DefaultToken)
	began := time.Now()
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(began) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(began))
	}
}

func TestStrictValidation(t *testing.T) {
	e := newEnv(t, nil)
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"wrong type", "POST", "/contacts", `{"role":5}`, 400, "parameter_invalid"},
		{"none of email, external_id, role", "POST", "/contacts", map[string]any{"name": "x"}, 400, "parameter_invalid"},
		{"valid contact", "POST", "/contacts", map[string]any{"role": "lead", "name": "x"}, 200, ""},
		{"non-integer conversation id", "GET", "/conversations/abc", nil, 400, "parameter_invalid"},
		{"wrong enum", "POST", "/ticket_types", map[string]any{"name": "x", "category": "Other"}, 400, "parameter_invalid"},
		{"too many attachment urls", "POST", "/conversations", map[string]any{"from": map[string]any{"type": "user", "id": "x"}, "body": "b",
			"attachment_urls": strings.Split(strings.Repeat("https://a.test/f.png ", 11), " ")[:11]}, 400, "parameter_invalid"},
		{"not in the description", "GET", "/nope", nil, 404, "not_found"},
		{"in the description, not simulated", "GET", "/segments", nil, 404, "not_found"},
		// Known spec errors: accepted although the description rejects them.
		{"mixed search group", "POST", "/contacts/search", map[string]any{"query": map[string]any{"operator": "AND", "value": []any{
			map[string]any{"field": "role", "operator": "=", "value": "user"},
			map[string]any{"operator": "OR", "value": []any{map[string]any{"field": "email", "operator": "~", "value": "a"}}},
		}}}, 200, ""},
		{"boolean company attribute", "POST", "/companies", map[string]any{"company_id": "c1", "custom_attributes": map[string]any{}}, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.body)
			if tc.status == 200 {
				if r.status != 200 {
					t.Fatalf("%d %s", r.status, r.body)
				}
				return
			}
			expectError(t, r, tc.status, tc.code)
		})
	}
	if st := e.srv.Stats(); st.StrictErrors != 5 || st.Created["contact"] != 1 {
		t.Fatalf("strict_errors %d, created %v", st.StrictErrors, st.Created)
	}
	if r := e.do("GET", "/segments", nil); !strings.Contains(r.errorMessage(), "not simulated") {
		t.Fatalf("unsimulated route message: %s", r.body)
	}
}

func TestLenientModeChecksTheRulesItself(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Strict = false })
	expectError(t, e.do("POST", "/contacts", `{"role":5}`), 400, "parameter_invalid")
	expectError(t, e.do("GET", "/nope", nil), 404, "not_found")
	if e.srv.Stats().StrictErrors != 0 {
		t.Fatal("strict errors counted in lenient mode")
	}
	// The description's own examples send ids as numbers.
	tt := e.ticketType("Bug", "Customer")
	ct := e.contact("n1")
	n, _ := strconv.Atoi(tt)
	e.ok("POST", "/tickets", map[string]any{"ticket_type_id": n, "contacts": []any{map[string]any{"id": ct}}})
}

func TestConcurrentWritesAndReads(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.RateLimit = -1 })
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				id := strconv.Itoa(i*100 + j)
				r, err := e.sendRaw(http.DefaultClient, "POST", "/contacts", map[string]any{"role": "user", "external_id": id},
					map[string]string{"Authorization": "Bearer " + DefaultToken})
				if err != nil || r.status != 200 {
					t.Errorf("create %s: %v %d", id, err, r.status)
				}
				_ = e.srv.Contacts()
				_ = e.srv.Stats()
			}
		}()
	}
	wg.Wait()
	if n := len(e.srv.Contacts()); n != 80 {
		t.Fatalf("%d contacts", n)
	}
}
