package zendesk

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskport/deskport/load"
	sim "github.com/deskport/deskport/sandbox/zendesk"
)

func TestCredentials(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(testEmail+"/token:"+testToken))
	tests := []struct {
		name    string
		cfg     Config
		header  string // the Authorization sent; "" means New fails
		wantErr string
	}{
		{"email and API token", Config{Email: testEmail, Token: testToken}, basic, ""},
		{"bearer token", Config{OAuthToken: sim.DefaultOAuthToken}, "Bearer " + sim.DefaultOAuthToken, ""},
		{"email without token", Config{Email: testEmail}, "", "token is not"},
		{"nothing", Config{}, "", "no credentials"},
		{"token with a line break", Config{Email: testEmail, Token: "abc\ndef"}, "", "white space"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, sim.Options{})
			tc.cfg.BaseURL, tc.cfg.HTTPClient = e.url, &http.Client{Transport: e.rec}
			c, err := New(tc.cfg)
			if tc.header == "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "abc") {
					t.Fatalf("New: %v, want an error about %q that does not repeat the token", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Check(t.Context(), "sandbox"); err != nil {
				t.Fatalf("Check: %v", err)
			}
			if got := e.rec.take()[0].Auth; got != tc.header {
				t.Errorf("Authorization %q, want %q", got, tc.header)
			}
			if s := fmt.Sprintf("%v %+v %#v", tc.cfg, *c, c); strings.Contains(s, testToken) || strings.Contains(s, sim.DefaultOAuthToken) {
				t.Errorf("printing leaks a secret: %s", s)
			}
		})
	}
}

func TestCheckAndDirectory(t *testing.T) {
	e := newEnv(t, sim.Options{})
	if err := e.client.Check(t.Context(), "other"); err == nil || !strings.Contains(err.Error(), `"sandbox"`) {
		t.Errorf("Check of another workspace: %v", err)
	}
	bad, _ := New(Config{BaseURL: e.url, Email: testEmail, Token: "wrong-token", HTTPClient: &http.Client{Transport: e.rec}})
	if err := bad.Check(t.Context(), "sandbox"); err == nil || strings.Contains(err.Error(), "wrong-token") || !strings.Contains(err.Error(), "401") {
		t.Errorf("Check with a wrong token: %v", err)
	}
	d, err := e.client.Directory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	acct := e.sim.Account()
	acct.RLock()
	agents, groups := 0, len(acct.Groups)
	for _, u := range acct.Users {
		if u.Role != "end-user" {
			agents++
		}
	}
	acct.RUnlock()
	if d.Workspace.ID != "sandbox" || d.Workspace.MeEmail != testEmail || d.Workspace.MeAdminID == "" {
		t.Errorf("workspace %+v", d.Workspace)
	}
	if len(d.Admins) != agents || len(d.Teams) != groups || len(d.TicketStates) != 6 || len(d.TicketTypeAttributes) == 0 {
		t.Errorf("directory: %d admins (want %d), %d teams (want %d), %d states, %d fields",
			len(d.Admins), agents, len(d.Teams), groups, len(d.TicketStates), len(d.TicketTypeAttributes))
	}
	var attrs, options []string
	for _, a := range d.DataAttributes {
		attrs = append(attrs, a.Model+":"+a.Name+":"+a.DataType)
	}
	for _, o := range d.FieldOptions {
		options = append(options, o.Model+":"+o.Field+"="+o.Value)
	}
	wantAttrs := "[contact:subscription_plan:dropdown contact:seats:integer contact:vip:checkbox contact:renewal_date:date company:industry:text company:account_tier:dropdown]"
	if fmt.Sprint(attrs) != wantAttrs || len(options) != 6 || options[0] != "contact:subscription_plan=free" {
		t.Errorf("user and organization fields %v with options %v, want %s", attrs, options, wantAttrs)
	}
}

func TestWorkspaceFromBaseURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://acme.zendesk.com":       "acme",
		"https://acme.zendesk.com/":      "acme",
		"http://127.0.0.1:8080/zendesk":  "sandbox",
		"https://support.acme.example":   "support.acme.example",
		"http://localhost:9000/zendesk/": "sandbox",
	} {
		c, err := New(Config{BaseURL: raw, Email: testEmail, Token: testToken})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Workspace(); got != want {
			t.Errorf("%s: workspace %q, want %q", raw, got, want)
		}
	}
}

// TestRefusalsAndServerErrors: a 422 fails the op for good with Zendesk's message; a 5xx is
// retryable. A create is sent once (its answer may have been applied: the loader reconciles);
// create_or_update, idempotent, is sent again by the transport.
func TestRefusalsAndServerErrors(t *testing.T) {
	tests := []struct {
		name      string
		faults    sim.Faults
		op        step
		status    int
		retryable bool
		sends     int
		message   string
	}{
		{"422 duplicate", sim.Faults{}, step{"organization:dup", "organization", nil, `{"organization": {"name": "Dup"}}`}, 422, false, 1, "Name: has already been taken"},
		{"5xx on a create", sim.Faults{ErrorRate: 1}, stepOrg, 0, true, 1, "(injected)"},
		{"5xx on create_or_update", sim.Faults{ErrorRate: 1}, step{"user:u9", "user", nil, `{"user": {"name": "U", "external_id": "ic:u9"}}`}, 0, true, 5, "(injected)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, sim.Options{})
			if _, err := e.client.Execute(t.Context(), step{"organization:first", "organization", nil, `{"organization": {"name": "Dup"}}`}.op(e), nil, nil); err != nil {
				t.Fatal(err)
			}
			e.rec.take()
			e.sim.SetFaults(tc.faults)
			_, err := e.client.Execute(t.Context(), tc.op.op(e), load.Refs{}, nil)
			var oe *load.OpError
			if !errors.As(err, &oe) {
				t.Fatalf("got %v, want a *load.OpError", err)
			}
			if oe.Retryable != tc.retryable || (tc.status != 0 && oe.Status != tc.status) || (tc.status == 0 && oe.Status < 500) ||
				!strings.Contains(oe.Message, tc.message) || !strings.Contains(oe.Message, tc.op.id) {
				t.Errorf("got %+v, want status %d retryable %v with %q and the op", oe, tc.status, tc.retryable, tc.message)
			}
			if n := len(e.rec.take()); n != tc.sends {
				t.Errorf("sent %d times, want %d", n, tc.sends)
			}
		})
	}
}

// TestRateLimitPacing: at 4 requests a one-second window, a dozen concurrent creates are spread
// over the windows by the rate-limit headers, with no 429 after the first window.
func TestRateLimitPacing(t *testing.T) {
	e := newEnv(t, sim.Options{RateLimit: 4, RateWindow: time.Second})
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		wg.Go(func() {
			s := step{fmt.Sprintf("organization:%d", i), "organization", nil, fmt.Sprintf(`{"organization": {"name": "Org %d", "external_id": "ic:%d"}}`, i, i)}
			if _, err := e.client.Execute(t.Context(), s.op(e), nil, nil); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := e.sim.Stats()
	if st.Created["organization"] != 12 {
		t.Errorf("%d created, want 12", st.Created["organization"])
	}
	if st.RateLimitedTotal > 1 {
		t.Errorf("%d requests answered 429; pacing should leave at most the first window's", st.RateLimitedTotal)
	}
	if el := time.Since(start); el < 2*time.Second {
		t.Errorf("12 requests at 4 a second took %v: the limit was not applied", el)
	}
}

// TestImportReadBack: an imported ticket keeps its times, authors, visibility and files.
func TestImportReadBack(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "execute", "ticket_import.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tc executeCase
	if err := json.Unmarshal(data, &tc); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, sim.Options{})
	refs := load.Refs{}
	for _, o := range tc.Ops {
		id, err := e.client.Execute(t.Context(), load.Op{ID: o.ID, Kind: o.Kind, Payload: e.fill(o.Payload)}, refs, &memFiles{files: tc.Files})
		if err != nil {
			t.Fatalf("%s: %v", o.ID, err)
		}
		refs[o.ID] = id
	}
	w := e.sim.Written()
	if len(w.Tickets) != 2 || len(w.Users) != 1 {
		t.Fatalf("written: %d tickets, %d users", len(w.Tickets), len(w.Users))
	}
	tk := w.Tickets[0]
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	if !tk.CreatedAt.Equal(at("2024-01-02T03:04:05Z")) || !tk.UpdatedAt.Equal(at("2024-01-06T00:00:00Z")) ||
		!tk.SolvedAt.Equal(at("2024-01-05T00:00:00Z")) || !tk.Archived || tk.Status != "closed" || tk.ExternalID != "intercom-conversation:t1" {
		t.Errorf("ticket: created %v updated %v solved %v archived %v status %s", tk.CreatedAt, tk.UpdatedAt, tk.SolvedAt, tk.Archived, tk.Status)
	}
	user := w.Users[0].ID
	agent := e.people["agent"]
	want := []struct {
		author  int64
		public  bool
		created string
		files   []string
	}{
		{user, true, "2024-01-02T03:04:05Z", []string{"smoke.txt:smoke"}},
		{agent, false, "2024-01-03T00:00:00Z", nil},
		{agent, true, "2024-01-04T00:00:00Z", []string{"log file.csv:a,b\n1,2\n"}},
	}
	if len(tk.Comments) != len(want) {
		t.Fatalf("%d comments, want %d", len(tk.Comments), len(want))
	}
	for i, c := range tk.Comments {
		var files []string
		for _, a := range c.Attachments {
			files = append(files, a.FileName+":"+string(a.Content))
		}
		if c.AuthorID != want[i].author || c.Public != want[i].public || !c.CreatedAt.Equal(at(want[i].created)) ||
			strings.Join(files, "|") != strings.Join(want[i].files, "|") {
			t.Errorf("comment %d: author %d public %v at %v files %q; want %+v", i, c.AuthorID, c.Public, c.CreatedAt, files, want[i])
		}
	}
	if tk.Comments[0].HTMLBody != "<p>It <b>burns</b> & smokes</p>" {
		t.Errorf("html body %q", tk.Comments[0].HTMLBody)
	}
	if w.Tickets[1].Archived {
		t.Errorf("an open ticket was archived")
	}
}
