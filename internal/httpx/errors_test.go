package httpx

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestStatusError(t *testing.T) {
	tests := []struct {
		name     string
		url      string
		status   int
		body     string
		wantText string
		is       []error
		isNot    []error
	}{
		{
			name: "404 names the endpoint with its query", url: "https://acme.zendesk.com/api/v2/tickets/7/comments.json?page%5Bsize%5D=100",
			status: 404, body: `{"error":"RecordNotFound","description":"Not found"}`,
			wantText: `GET https://acme.zendesk.com/api/v2/tickets/7/comments.json?page%5Bsize%5D=100: 404 Not Found: {"error":"RecordNotFound","description":"Not found"}`,
			is:       []error{ErrNotFound}, isNot: []error{ErrCredentials},
		},
		{
			name: "401 drops user info and redacts tokens", url: "https://me:pw@acme.zendesk.com/api/v2/users.json?access_token=abc&x=1",
			status: 401, body: "Couldn't authenticate you",
			wantText: "GET https://acme.zendesk.com/api/v2/users.json?access_token=REDACTED&x=1: 401 Unauthorized: Couldn't authenticate you",
			is:       []error{ErrCredentials}, isNot: []error{ErrNotFound},
		},
		{name: "403", url: "https://a.example/x", status: 403, wantText: "GET https://a.example/x: 403 Forbidden", is: []error{ErrCredentials}},
		{name: "429", url: "https://a.example/x", status: 429, body: "  slow\n down ", wantText: "GET https://a.example/x: 429 Too Many Requests: slow down", is: []error{ErrRateLimited}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(tt.url)
			resp := &http.Response{StatusCode: tt.status, Body: io.NopCloser(strings.NewReader(tt.body)),
				Request: &http.Request{Method: http.MethodGet, URL: u}}
			err := CheckResponse(resp)
			var se *StatusError
			if !errors.As(err, &se) || se.Status != tt.status {
				t.Fatalf("CheckResponse = %v, want a *StatusError %d", err, tt.status)
			}
			if err.Error() != tt.wantText {
				t.Errorf("text = %q\nwant   %q", err.Error(), tt.wantText)
			}
			if strings.Contains(err.Error(), "pw") || strings.Contains(err.Error(), "abc") {
				t.Errorf("secret in error: %q", err)
			}
			for _, target := range tt.is {
				if !errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = false", target)
				}
			}
			for _, target := range tt.isNot {
				if errors.Is(err, target) {
					t.Errorf("errors.Is(err, %v) = true", target)
				}
			}
		})
	}
}

func TestCheckResponseOK(t *testing.T) {
	if err := CheckResponse(&http.Response{StatusCode: 204, Body: http.NoBody}); err != nil {
		t.Fatal(err)
	}
}

func TestStatusErrorSnippetBounded(t *testing.T) {
	u, _ := url.Parse("https://a.example/x")
	resp := &http.Response{StatusCode: 500, Body: io.NopCloser(strings.NewReader(strings.Repeat("é", 1000))),
		Request: &http.Request{Method: http.MethodGet, URL: u}}
	var se *StatusError
	errors.As(CheckResponse(resp), &se)
	if len(se.Body) > snippetLimit || !strings.HasPrefix(se.Body, "éé") || strings.ContainsRune(se.Body, '\uFFFD') {
		t.Errorf("body snippet %d bytes: %q…", len(se.Body), se.Body[:10])
	}
}
