package httpx

import (
	"net/http"
	"net/url"
	"testing"
)

// recorder is a base transport that records the requests it is given.
type recorder struct{ got []*http.Request }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = append(r.got, req)
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: req, Header: http.Header{}}, nil
}

func TestAuthScopedToBaseHost(t *testing.T) {
	base, _ := url.Parse("https://acme.zendesk.com/prefix")
	tests := []struct {
		url      string
		preset   string
		wantAuth string
	}{
		{"https://acme.zendesk.com/api/v2/tickets.json", "", "Bearer s3cret"},
		{"https://ACME.zendesk.com:443/api/v2/tickets.json", "", "Bearer s3cret"},
		{"http://acme.zendesk.com/api/v2/tickets.json", "", ""},       // scheme differs
		{"https://acme.zendesk.com:8443/api/v2/tickets.json", "", ""}, // port differs
		{"https://other.zendesk.com/api/v2/tickets.json", "", ""},
		{"https://acme.zendesk.com.evil.example/x", "", ""},
		{"https://zdusercontent.com/attachments/token/abc/?name=a.png", "", ""},
		{"https://cdn.example/x", "Basic leaked", ""}, // a caller's header never leaves either
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			rec := &recorder{}
			a := NewAuth(rec, base, "Bearer s3cret")
			req, _ := http.NewRequest(http.MethodGet, tt.url, nil)
			if tt.preset != "" {
				req.Header.Set("Authorization", tt.preset)
			}
			if _, err := a.RoundTrip(req); err != nil {
				t.Fatal(err)
			}
			if got := rec.got[0].Header.Get("Authorization"); got != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got, tt.wantAuth)
			}
			if req.Header.Get("Authorization") != tt.preset {
				t.Errorf("the caller's request was modified")
			}
		})
	}
}
