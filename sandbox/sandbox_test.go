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
