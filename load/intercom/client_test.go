package intercom

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/load"
)

func op(id, kind, payload string) load.Op {
	return load.Op{ID: id, Kind: kind, Payload: json.RawMessage(payload)}
}

var (
	contactOp = op("contact:1", "contact", `{"role":"user","external_id":"zd-1","email":"a@example.com","name":"A"}`)
	ticketOp  = op("ticket:12", "ticket", `{"ticket_type_id":"70","contact_ref":"contact:1","created_at":1700000000,
		"ticket_attributes":{"_default_title_":"Printer on fire","_default_description_":"It burns"}}`)
	stateOp = op("ticket_state:12", "ticket_state", `{"parent":"ticket","parent_ref":"ticket:12","ticket_state_id":"8324"}`)
	tagOp   = op("tag:vip", "tag", `{"name":"VIP"}`)
	refs    = load.Refs{"contact:1": "6762f0dd1bb69f9f2193bb83", "ticket:12": "494"}
)

// TestHeadersOnEveryRequest: the fake checks Intercom-Version, Accept and the bearer token of
// every request it gets (serve); this walks every kind of call through it.
func TestHeadersOnEveryRequest(t *testing.T) {
	f := newFake(t)
	f.on("GET /admins", answer(map[string]any{"type": "admin.list", "admins": []any{}}))
	f.on("GET /teams", answer(map[string]any{"type": "team.list", "teams": []any{}}))
	f.on("GET /ticket_types", answer(map[string]any{"type": "list", "data": []any{}}))
	f.on("GET /ticket_states", answer(map[string]any{"type": "list", "data": []any{}}))
	f.on("GET /contacts/find_by_external_id/{external_id}", fail(404, "not_found", "User Not Found"))
	c := f.client()
	ctx := t.Context()
	if _, err := c.Directory(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Check(ctx, "ws123"); err != nil {
		t.Fatal(err)
	}
	for _, o := range []load.Op{contactOp, ticketOp, stateOp, tagOp} {
		if _, err := c.Execute(ctx, o, refs, nil); err != nil {
			t.Fatalf("%s: %v", o.ID, err)
		}
	}
	if _, _, err := c.Reconcile(ctx, contactOp, refs); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 12 {
		t.Errorf("%d requests, want 12", len(reqs))
	}
	for _, r := range reqs {
		if r.Header.Get("Intercom-Version") != "2.15" {
			t.Errorf("%s %s without Intercom-Version 2.15", r.Method, r.Path)
		}
	}
	stats := c.Stats()
	for _, route := range []string{"GET /me", "POST /tickets", "PUT /tickets/{id}", "GET /contacts/find_by_external_id/{external_id}"} {
		if stats[route].Calls == 0 {
			t.Errorf("no calls counted for %s in %v", route, stats)
		}
	}
}

// windowServer is Intercom's rate limit: limit requests a window, windows ending on whole unix
// seconds, X-RateLimit-Reset in unix seconds. Past the limit it answers 429 and counts it.
type windowServer struct {
	mu        sync.Mutex
	limit     int
	remaining int
	resetAt   time.Time
	served    int
	over      int
}

func (s *windowServer) wrap(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		now := time.Now()
		if !now.Before(s.resetAt) {
			s.remaining, s.resetAt = s.limit, time.Unix(now.Unix()+1, 0)
		}
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.limit))
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(s.resetAt.Unix(), 10))
		if s.remaining == 0 {
			s.over++
			s.mu.Unlock()
			w.Header().Set("X-RateLimit-Remaining", "0")
			writeError(w, 429, "rate_limit_exceeded", "Exceeded rate limit of 2 in 10_seconds")
			return
		}
		s.remaining--
		s.served++
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(s.remaining))
		s.mu.Unlock()
		next(w, r)
	}
}

// TestPacingFollowsHeaders: once X-RateLimit-Remaining says 0, nothing is sent before
// X-RateLimit-Reset, however many requests are waiting.
func TestPacingFollowsHeaders(t *testing.T) {
	f := newFake(t)
	srv := &windowServer{limit: 2}
	f.on("GET /tags", srv.wrap(answer(map[string]any{"type": "list", "data": []any{}})))
	c := f.client()
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			errs <- c.do(t.Context(), &call{method: http.MethodGet, route: "/tags", path: "/tags"}, nil)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if srv.over != 0 || srv.served != n {
		t.Errorf("served %d, %d sent past the limit before the reset; want %d and 0", srv.served, srv.over, n)
	}
	if !c.Pacer().Exhausted("") {
		t.Errorf("the pacer never had to wait for a reset")
	}
}

// TestRetryRules: a 429 is retried whatever the method (Intercom did not apply the request); a
// 5xx on a create is not (it may have been applied: the loader reconciles), but on a read, a PUT,
// or a POST that is safe to repeat, it is.
func TestRetryRules(t *testing.T) {
	okTags := answer(map[string]any{"type": "list", "data": []any{map[string]any{"id": "81", "name": "vip"}}})
	tests := []struct {
		name      string
		route     string
		handler   http.HandlerFunc
		run       func(c *Client) (string, error)
		wantID    string
		wantErr   *load.OpError // status, code, retryable
		wantCalls int
	}{
		{
			name: "429 on a create retried", route: "POST /contacts",
			handler: failFirst(2, 429, map[string]string{"Retry-After": "0"}, answer(map[string]any{"id": "c9"})),
			run:     func(c *Client) (string, error) { return c.Execute(t.Context(), contactOp, refs, nil) },
			wantID:  "c9", wantCalls: 3,
		},
		{
			name: "500 on a create not retried", route: "POST /tickets",
			handler: failFirst(1, 500, nil, answer(map[string]any{"id": "494"})),
			run:     func(c *Client) (string, error) { return c.Execute(t.Context(), ticketOp, refs, nil) },
			wantErr: &load.OpError{Status: 500, Code: "server_error", Retryable: true}, wantCalls: 1,
		},
		{
			name: "503 on a create not retried", route: "POST /contacts",
			handler: failFirst(1, 503, map[string]string{"Retry-After": "0"}, answer(map[string]any{"id": "c9"})),
			run:     func(c *Client) (string, error) { return c.Execute(t.Context(), contactOp, refs, nil) },
			wantErr: &load.OpError{Status: 503, Code: "server_error", Retryable: true}, wantCalls: 1,
		},
		{
			name: "500 on a GET retried", route: "GET /contacts/find_by_external_id/{external_id}",
			handler: failFirst(2, 500, nil, answer(map[string]any{"id": "c9", "external_id": "zd-1"})),
			run: func(c *Client) (string, error) {
				id, _, err := c.Reconcile(t.Context(), contactOp, refs)
				return id, err
			},
			wantID: "c9", wantCalls: 3,
		},
		{
			name: "502 on a PUT retried", route: "PUT /tickets/{id}",
			handler: failFirst(1, 502, nil, answer(map[string]any{"id": "494"})),
			run:     func(c *Client) (string, error) { return c.Execute(t.Context(), stateOp, refs, nil) },
			wantID:  "494", wantCalls: 2,
		},
		{
			name: "500 on POST /tags retried (create-or-return)", route: "POST /tags",
			handler: failFirst(1, 500, nil, answer(map[string]any{"id": "81"})),
			run:     func(c *Client) (string, error) { return c.Execute(t.Context(), tagOp, refs, nil) },
			wantID:  "81", wantCalls: 2,
		},
		{
			name: "5xx on a GET until the attempts run out", route: "GET /tags",
			handler: fail(503, "service_unavailable", "Sorry, the API service is temporarily unavailable"),
			run: func(c *Client) (string, error) {
				id, _, err := c.Reconcile(t.Context(), tagOp, refs)
				return id, err
			},
			wantErr: &load.OpError{Status: 503, Code: "service_unavailable", Retryable: true}, wantCalls: 5,
		},
		{
			name: "GET /tags answers", route: "GET /tags", handler: okTags,
			run: func(c *Client) (string, error) {
				id, _, err := c.Reconcile(t.Context(), tagOp, refs)
				return id, err
			},
			wantID: "81", wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.on(tt.route, tt.handler)
			id, err := tt.run(f.client())
			calls := 0
			for _, r := range f.requests() {
				if strings.HasPrefix(tt.route, r.Method+" ") {
					calls++
				}
			}
			if calls != tt.wantCalls {
				t.Errorf("%d calls, want %d", calls, tt.wantCalls)
			}
			if tt.wantErr == nil {
				if err != nil || id != tt.wantID {
					t.Fatalf("got %q, %v; want %q", id, err, tt.wantID)
				}
				return
			}
			var oe *load.OpError
			if !errors.As(err, &oe) {
				t.Fatalf("error %v (%T), want a *load.OpError", err, err)
			}
			if oe.Status != tt.wantErr.Status || oe.Code != tt.wantErr.Code || oe.Retryable != tt.wantErr.Retryable {
				t.Errorf("got %+v, want %+v", oe, tt.wantErr)
			}
		})
	}
}

// TestOpErrors: what Intercom says becomes the op's failure: its status, first error code and
// message, named by endpoint and op.
func TestOpErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    load.OpError
	}{
		{"400 with Intercom's errors", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 400, map[string]any{"type": "error.list", "errors": []any{
				map[string]any{"code": "parameter_invalid", "message": "Ticket type is not valid"},
				map[string]any{"code": "other", "message": "second"}}})
		}, load.OpError{Status: 400, Code: "parameter_invalid", Message: "POST /tickets (op ticket:12): Ticket type is not valid"}},
		{"404", fail(404, "not_found", "Contact Not Found"),
			load.OpError{Status: 404, Code: "not_found", Message: "POST /tickets (op ticket:12): Contact Not Found"}},
		{"408", fail(408, "request_timeout", "The server timed out"),
			load.OpError{Status: 408, Code: "request_timeout", Message: "POST /tickets (op ticket:12): The server timed out", Retryable: true}},
		{"a proxy's HTML", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			fmt.Fprint(w, "<html>\n<body>Bad   gateway</body></html>")
		}, load.OpError{Status: 502, Code: "server_error", Message: "POST /tickets (op ticket:12): <html> <body>Bad gateway</body></html>", Retryable: true}},
		{"403 without a body", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) },
			load.OpError{Status: 403, Code: "forbidden", Message: "POST /tickets (op ticket:12): Forbidden"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.on("POST /tickets", tt.handler)
			_, err := f.client().Execute(t.Context(), ticketOp, refs, nil)
			var oe *load.OpError
			if !errors.As(err, &oe) {
				t.Fatalf("error %v (%T), want a *load.OpError", err, err)
			}
			if *oe != tt.want {
				t.Errorf("got  %+v\nwant %+v", *oe, tt.want)
			}
		})
	}
}

// TestNetworkErrorIsPlain: no answer at all is transient and not an OpError; it names the
// endpoint and the op.
func TestNetworkErrorIsPlain(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c, err := New(Config{BaseURL: base, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Execute(t.Context(), contactOp, refs, nil)
	var oe *load.OpError
	if err == nil || errors.As(err, &oe) {
		t.Fatalf("error %v, want a plain error", err)
	}
	if !strings.Contains(err.Error(), "POST /contacts (op contact:1)") {
		t.Errorf("error %q does not name the endpoint and the op", err)
	}
}

// TestContactConflict: a 409 on a contact create is ours when the contact with our external_id
// exists (an earlier attempt's answer was lost); anyone else's contact is a conflict.
func TestContactConflict(t *testing.T) {
	conflict := fail(409, "conflict", "A contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83")
	tests := []struct {
		name     string
		lookup   http.HandlerFunc
		wantID   string
		wantCode string
	}{
		{"ours from an earlier attempt", answer(map[string]any{"type": "contact", "id": "6762f0dd1bb69f9f2193bb83", "external_id": "zd-1"}), "6762f0dd1bb69f9f2193bb83", ""},
		{"someone else's, no external id of ours", fail(404, "not_found", "User Not Found"), "", "conflict"},
		{"a contact with another external id", answer(map[string]any{"type": "contact", "id": "x", "external_id": "zd-1-other"}), "", "conflict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.on("POST /contacts", conflict)
			f.on("GET /contacts/find_by_external_id/{external_id}", tt.lookup)
			id, err := f.client().Execute(t.Context(), contactOp, refs, nil)
			reqs := f.requests()
			if len(reqs) != 2 || reqs[1].Path != "/contacts/find_by_external_id/zd-1" {
				t.Errorf("requests %v, want the create then the lookup by external_id", reqs)
			}
			if tt.wantCode == "" {
				if err != nil || id != tt.wantID {
					t.Fatalf("got %q, %v; want %q", id, err, tt.wantID)
				}
				return
			}
			var oe *load.OpError
			if !errors.As(err, &oe) || oe.Code != tt.wantCode || oe.Status != 409 || oe.Retryable {
				t.Fatalf("error %v, want a permanent 409 %s", err, tt.wantCode)
			}
			if !strings.Contains(oe.Message, "6762f0dd1bb69f9f2193bb83") || !strings.Contains(oe.Message, "contact:1") {
				t.Errorf("message %q names neither the existing contact nor the op", oe.Message)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		me        http.HandlerFunc
		workspace string
		wantErr   []string // substrings; nil: no error
		creds     bool     // errors.Is(err, httpx.ErrCredentials)
	}{
		{"the pipeline's workspace", nil, "ws123", nil, false},
		{"another workspace", nil, "ws999", []string{`"ws123"`, `"ws999"`, "Acme"}, false},
		{"no workspace in the pipeline", nil, "", []string{"ws123", "workspace_id"}, false},
		{"token rejected", fail(401, "unauthorized", "Access Token Invalid"), "ws123", []string{"access token was rejected", "Access Token Invalid", "401"}, true},
		{"not an Intercom host", answer(map[string]any{"type": "admin", "id": "1"}), "ws123", []string{"app.id_code"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			if tt.me != nil {
				f.on("GET /me", tt.me)
			}
			err := f.client().Check(t.Context(), tt.workspace)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if errors.Is(err, httpx.ErrCredentials) != tt.creds {
				t.Errorf("errors.Is(err, ErrCredentials) = %v", !tt.creds)
			}
		})
	}
}

func TestDirectory(t *testing.T) {
	f := newFake(t)
	f.on("GET /admins", answer(map[string]any{"type": "admin.list", "admins": []any{
		map[string]any{"type": "admin", "id": "991267466", "name": "Ciaran7", "email": "Admin7@Email.com"},
		map[string]any{"type": "admin", "id": "99", "name": "Bot", "email": "bot@example.com"},
	}}))
	f.on("GET /teams", answer(map[string]any{"type": "team.list", "teams": []any{
		map[string]any{"type": "team", "id": "12", "name": "Billing"}, map[string]any{"type": "team", "id": "3", "name": "Support"},
	}}))
	f.on("GET /ticket_types", answer(map[string]any{"type": "list", "data": []any{
		map[string]any{"type": "ticket_type", "id": "70", "name": "Question", "category": "Customer", "archived": false,
			"ticket_type_attributes": map[string]any{"type": "list", "data": []any{
				map[string]any{"id": "175", "name": "_default_description_", "data_type": "string", "ticket_type_id": 70},
				map[string]any{"id": "174", "name": "_default_title_", "data_type": "string", "ticket_type_id": 70},
				map[string]any{"id": "176", "name": "Old", "data_type": "string", "ticket_type_id": 70, "archived": true},
			}}},
		map[string]any{"type": "ticket_type", "id": "9", "name": "Retired", "category": "Tracker", "archived": true},
		map[string]any{"type": "ticket_type", "id": 8, "name": "Bug", "category": "Back-office",
			"ticket_type_attributes": map[string]any{"type": "list", "data": []any{
				map[string]any{"id": 100, "name": "_default_title_", "data_type": "string", "ticket_type_id": 8}}}},
	}}))
	f.on("GET /ticket_states", answer(map[string]any{"type": "list", "data": []any{
		map[string]any{"type": "ticket_state", "id": "8324", "category": "resolved", "internal_label": "Resolved", "external_label": "Resolved"},
		map[string]any{"type": "ticket_state", "id": "8321", "category": "submitted", "internal_label": "Submitted"},
	}}))
	d, err := f.client().Directory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &load.Directory{
		Workspace:   load.Workspace{ID: "ws123", Name: "Acme", Region: "US", MeAdminID: "991267459", MeEmail: "ciaran@example.com"},
		Admins:      []load.Admin{{ID: "99", Name: "Bot", Email: "bot@example.com"}, {ID: "991267466", Name: "Ciaran7", Email: "admin7@email.com"}},
		Teams:       []load.Team{{ID: "3", Name: "Support"}, {ID: "12", Name: "Billing"}},
		TicketTypes: []load.TicketType{{ID: "8", Name: "Bug", Category: "Back-office"}, {ID: "70", Name: "Question", Category: "Customer"}},
		TicketTypeAttributes: []load.TicketTypeAttribute{
			{TicketTypeID: "8", ID: "100", Name: "_default_title_", DataType: "string"},
			{TicketTypeID: "70", ID: "174", Name: "_default_title_", DataType: "string"},
			{TicketTypeID: "70", ID: "175", Name: "_default_description_", DataType: "string"},
		},
		TicketStates: []load.TicketState{{ID: "8321", Category: "submitted", InternalLabel: "Submitted"}, {ID: "8324", Category: "resolved", InternalLabel: "Resolved"}},
		// Conversation attributes and archived ones are left out.
		DataAttributes: []load.DataAttribute{{Model: "contact", Name: "phone", DataType: "string"},
			{Model: "contact", Name: "source_phone", DataType: "string"}},
	}
	gotJSON, _ := json.MarshalIndent(d, "", " ")
	wantJSON, _ := json.MarshalIndent(want, "", " ")
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("directory\n%s\nwant\n%s", gotJSON, wantJSON)
	}
}

// TestTokenNeverInErrors: a server (or proxy) that echoes the Authorization header in its errors
// does not get the token into ours, whatever the call.
func TestTokenNeverInErrors(t *testing.T) {
	f := newFake(t)
	echo := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			writeError(w, status, "unauthorized", "bad header "+r.Header.Get("Authorization"))
		}
	}
	for _, route := range []string{"GET /me", "POST /contacts", "POST /tickets", "PUT /tickets/{id}", "POST /tags", "GET /tags",
		"GET /contacts/find_by_external_id/{external_id}", "POST /tickets/search", "POST /tickets/{id}/reply"} {
		f.on(route, echo(401))
	}
	f.on("POST /companies", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(502)
		fmt.Fprint(w, "proxy error for "+r.Header.Get("Authorization"))
	})
	c := f.client()
	ctx := t.Context()
	var errs []error
	errs = append(errs, c.Check(ctx, "ws123"))
	_, err := c.Directory(ctx)
	errs = append(errs, err)
	part := op("part:1", "part", `{"parent":"ticket","parent_ref":"ticket:12","message_type":"note","author_type":"admin","admin_id":"1","body":"x"}`)
	company := op("company:1", "company", `{"company_id":"c1","name":"C"}`)
	for _, o := range []load.Op{contactOp, ticketOp, stateOp, tagOp, part, company} {
		_, err := c.Execute(ctx, o, refs, nil)
		errs = append(errs, err)
		_, _, err = c.Reconcile(ctx, o, refs)
		errs = append(errs, err)
	}
	_, err = New(Config{BaseURL: "https://api.intercom.io", Token: testToken + "\n" + testToken})
	errs = append(errs, err)
	_, err = New(Config{BaseURL: "ftp://" + testToken + "@x", Token: testToken})
	errs = append(errs, err)
	failed := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		failed++
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(text, testToken) {
				t.Errorf("the token is in an error: %s", text)
			}
		}
	}
	if failed < 10 {
		t.Errorf("only %d calls failed; the test does not test much", failed)
	}
	for _, v := range []any{c, Config{Token: testToken}, *c} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, testToken) {
				t.Errorf("%s of %T shows the token: %s", verb, v, s)
			}
		}
	}
}

func TestNewChecksConfig(t *testing.T) {
	tests := []struct {
		cfg     Config
		wantErr string
	}{
		{Config{Token: "t"}, ""},
		{Config{BaseURL: "https://api.eu.intercom.io/", Token: "Bearer t"}, ""},
		{Config{BaseURL: "https://api.intercom.io"}, "no access token"},
		{Config{BaseURL: "api.intercom.io", Token: "t"}, "want an http or https URL"},
		{Config{BaseURL: "https://user:pw@api.intercom.io", Token: "t"}, "must not contain credentials"},
		{Config{BaseURL: "https://api.intercom.io?x=1", Token: "t"}, "query"},
		{Config{Token: "t", Concurrency: -1}, "concurrency"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("New(%v): %v", tt.cfg, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("New(%v) = %v, want an error with %q", tt.cfg, err, tt.wantErr)
		}
	}
}
