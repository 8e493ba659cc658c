package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox/zendesk"
)

func get(t *testing.T, url string, auth bool) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(DemoEmail+"/token:"+DemoToken)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestSandboxMountsZendeskAndStats(t *testing.T) {
	sb := New(Options{Seed: 3, Tickets: 60, Zendesk: zendesk.Options{SameHostNextPages: true}})
	hs := httptest.NewServer(sb.Handler())
	defer hs.Close()

	for _, tc := range []struct {
		name, path string
		auth       bool
		status     int
		contains   string
	}{
		{"zendesk list", "/zendesk/api/v2/groups.json?page[size]=2", true, 200, hs.URL + "/zendesk/api/v2/groups.json?"},
		{"zendesk auth", "/zendesk/api/v2/groups.json", false, 401, "Couldn't authenticate you"},
		{"zendesk unknown", "/zendesk/api/v2/nope.json", true, 404, "InvalidEndpoint"},
		{"outside the mounts", "/nope", false, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := get(t, hs.URL+tc.path, tc.auth)
			if status != tc.status || !strings.Contains(string(body), tc.contains) {
				t.Fatalf("%d %s", status, body)
			}
		})
	}

	status, body := get(t, hs.URL+"/_sandbox/stats", false)
	var st map[string]any
	if status != 200 || json.Unmarshal(body, &st) != nil {
		t.Fatalf("stats: %d %s", status, body)
	}
	for _, k := range []string{"requests_total", "requests_by_route", "rate_limited_total", "credential_leaks", "zendesk"} {
		if _, ok := st[k]; !ok {
			t.Errorf("stats without %q: %s", k, body)
		}
	}
	s := sb.Stats()
	if s.RequestsTotal != 3 || s.RequestsByRoute["GET /zendesk/api/v2/groups.json"] != 2 || s.Zendesk.RequestsTotal != 3 {
		t.Fatalf("stats %+v", s)
	}
	if sb.Account().Counts().Tickets != 60 || sb.Zendesk() == nil {
		t.Fatal("accessors")
	}
}

func TestSandboxDefaults(t *testing.T) {
	if got := New(Options{}).Account().Counts().Tickets; got != DefaultTickets {
		t.Fatalf("default tickets %d", got)
	}
}

func TestSandboxMountsIntercom(t *testing.T) {
	sb := New(Options{Seed: 3, Tickets: 60})
	hs := httptest.NewServer(sb.Handler())
	defer hs.Close()
	call := func(path string) (int, []byte) {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+DemoIntercomToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	status, body := call("/intercom/me")
	if status != 200 || !strings.Contains(string(body), `"id_code":"`+DemoIntercomWorkspaceID+`"`) {
		t.Fatalf("me: %d %s", status, body)
	}
	if status, _ := call("/intercom/contacts/nope"); status != 404 {
		t.Fatalf("unknown contact: %d", status)
	}

	// Admins mirror the agents but every 4th, so some agents stay unmatched.
	agents, matched := 0, 0
	emails := map[string]bool{}
	for _, a := range sb.Intercom().Admins() {
		emails[a.Email] = true
	}
	for _, u := range sb.Account().Users {
		if u.Role == "agent" || u.Role == "admin" {
			agents++
			if emails[strings.ToLower(u.Email)] {
				matched++
			}
		}
	}
	if matched == 0 || matched == agents || len(sb.Intercom().Admins()) != matched+1 {
		t.Fatalf("%d agents, %d matched, %d admins", agents, matched, len(sb.Intercom().Admins()))
	}
	if teams := sb.Intercom().Teams(); len(teams) != len(sb.Account().Groups)-1 || teams[0].Name != sb.Account().Groups[0].Name {
		t.Fatalf("teams %+v", teams)
	}

	s := sb.Stats()
	if s.Intercom.RequestsTotal != 2 || s.RequestsTotal != 2 || s.RequestsByRoute["GET /intercom/me"] != 1 ||
		s.RequestsByRoute["GET /intercom/contacts/{id}"] != 1 {
		t.Fatalf("stats %+v", s)
	}
}
