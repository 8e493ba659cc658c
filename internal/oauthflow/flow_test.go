package oauthflow

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/sandbox/intercom"
)

// simulator serves a strict Intercom simulator at its root.
func simulator(t *testing.T) (*intercom.Server, string) {
	t.Helper()
	sim := intercom.New(intercom.DefaultOptions())
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

// browser opens the consent page the way a user's browser would, following the redirect back
// to the flow's callback; tamper may change the URL first.
func browser(t *testing.T, tamper func(url.Values)) func(string) error {
	return func(authURL string) error {
		u, err := url.Parse(authURL)
		if err != nil {
			return err
		}
		if tamper != nil {
			q := u.Query()
			tamper(q)
			u.RawQuery = q.Encode()
		}
		go func() {
			resp, err := http.Get(u.String())
			if err != nil {
				t.Log(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
		return nil
	}
}

func TestAuthorize(t *testing.T) {
	cases := []struct {
		name    string
		secret  string
		deny    bool
		tamper  func(url.Values)
		timeout time.Duration
		wantErr error  // errors.Is target
		errText string // or a part of the message
	}{
		{name: "success", secret: intercom.DefaultOAuthClientSecret},
		{name: "wrong state", secret: intercom.DefaultOAuthClientSecret, tamper: func(q url.Values) { q.Set("state", "forged") }, wantErr: ErrState},
		{name: "no state", secret: intercom.DefaultOAuthClientSecret, tamper: func(q url.Values) { q.Del("state") }, wantErr: ErrState},
		{name: "cancelled", secret: intercom.DefaultOAuthClientSecret, deny: true, wantErr: ErrDenied, errText: "access_denied"},
		{name: "wrong secret", secret: "not-the-secret", errText: "401 unauthorized"},
		{name: "browser never comes back", secret: intercom.DefaultOAuthClientSecret,
			tamper: func(q url.Values) { q.Set("client_id", "unknown-app") }, timeout: 300 * time.Millisecond,
			wantErr: context.DeadlineExceeded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sim, base := simulator(t)
			sim.SetOAuthConsent(!c.deny)
			authURL, tokenURL, err := IntercomEndpoints(base)
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			f := Flow{AuthURL: authURL, TokenURL: tokenURL, ClientID: intercom.DefaultOAuthClientID, ClientSecret: c.secret,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
			ctx, cancel := context.WithTimeout(context.Background(), orDefault(c.timeout, 10*time.Second))
			defer cancel()
			token, err := f.Authorize(ctx, browser(t, c.tamper))
			if c.wantErr == nil && c.errText == "" {
				if err != nil {
					t.Fatal(err)
				}
				id, err := IdentifyIntercom(ctx, nil, base, token)
				if err != nil || id.WorkspaceID != intercom.DefaultWorkspaceID || id.RateLimit != intercom.DefaultRateLimit {
					t.Fatalf("GET /me with the new token: %+v %v", id, err)
				}
			} else {
				if err == nil || token != "" {
					t.Fatalf("no error (token %q)", token)
				}
				if (c.wantErr != nil && !errors.Is(err, c.wantErr)) || !strings.Contains(err.Error(), c.errText) {
					t.Fatalf("error %v, want %v %q", err, c.wantErr, c.errText)
				}
				if sim.OAuthTokens() != 0 && c.wantErr == ErrState {
					t.Errorf("a code from a forged callback was exchanged")
				}
			}
			for _, secret := range []string{token, c.secret} {
				if secret != "" && (strings.Contains(logs.String(), secret) || (err != nil && strings.Contains(err.Error(), secret))) {
					t.Errorf("a secret reached the logs or the error:\n%s\n%v", logs.String(), err)
				}
			}
		})
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func TestIntercomEndpoints(t *testing.T) {
	cases := []struct{ base, auth, token string }{
		{"https://api.intercom.io", "https://app.intercom.com/oauth", "https://api.intercom.io/auth/eagle/token"},
		{"https://api.eu.intercom.io/", "https://app.eu.intercom.com/oauth", "https://api.eu.intercom.io/auth/eagle/token"},
		{"https://api.au.intercom.io", "https://app.au.intercom.com/oauth", "https://api.au.intercom.io/auth/eagle/token"},
		{"http://127.0.0.1:8089/intercom", "http://127.0.0.1:8089/intercom/oauth", "http://127.0.0.1:8089/intercom/auth/eagle/token"},
	}
	for _, c := range cases {
		a, tk, err := IntercomEndpoints(c.base)
		if err != nil || a != c.auth || tk != c.token {
			t.Errorf("%s: %s %s %v", c.base, a, tk, err)
		}
	}
	if _, _, err := IntercomEndpoints("ftp://x"); err == nil {
		t.Error("ftp accepted")
	}
}

func TestIdentifyRejectedToken(t *testing.T) {
	_, base := simulator(t)
	_, err := IdentifyIntercom(context.Background(), nil, base, "dG9rOmwrong")
	if !errors.Is(err, ErrRejected) || strings.Contains(err.Error(), "dG9rOmwrong") {
		t.Errorf("got %v", err)
	}
}
