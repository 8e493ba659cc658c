package intercom

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// noRedirects stops at the authorize page's answer, as a test of where it
// sends the browser must.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorizeURL is the consent page's URL for the given query.
func (e *env) authorizeURL(q url.Values) string { return e.base + "/oauth?" + q.Encode() }

func TestOAuthAuthorize(t *testing.T) {
	good := url.Values{"client_id": {DefaultOAuthClientID}, "state": {"s-123"},
		"redirect_uri": {"http://127.0.0.1:49152/callback"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for key, vs := range good {
			q[key] = vs
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	cases := []struct {
		name     string
		query    url.Values
		deny     bool
		status   int
		location string // prefix of the redirect
		want     []string
	}{
		{name: "consent", query: good, status: http.StatusFound,
			location: "http://127.0.0.1:49152/callback?", want: []string{"code", "state=s-123"}},
		{name: "registered URL is the default", query: with("redirect_uri", ""), status: http.StatusFound,
			location: "http://127.0.0.1/callback?", want: []string{"code"}},
		{name: "cancelled", query: good, deny: true, status: http.StatusFound,
			location: "http://127.0.0.1:49152/callback?", want: []string{"error=access_denied", "state=s-123"}},
		{name: "unknown app", query: with("client_id", "someone-else"), status: http.StatusBadRequest},
		{name: "unregistered redirect", query: with("redirect_uri", "https://evil.test/callback"), status: http.StatusBadRequest},
		{name: "loopback on another path", query: with("redirect_uri", "http://127.0.0.1:49152/other"), status: http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.srv.SetOAuthConsent(!c.deny)
			resp, err := noRedirects.Get(e.authorizeURL(c.query))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			if resp.StatusCode != c.status || !strings.HasPrefix(loc, c.location) {
				t.Fatalf("got %d to %q, want %d to %q…", resp.StatusCode, loc, c.status, c.location)
			}
			for _, w := range c.want {
				if !strings.Contains(loc, w) {
					t.Errorf("redirect %q lacks %q", loc, w)
				}
			}
			if c.deny && strings.Contains(loc, "code=") {
				t.Errorf("a cancelled installation got a code: %s", loc)
			}
		})
	}
}

// code runs the consent page and returns the code it hands back.
func (e *env) code() string {
	e.t.Helper()
	resp, err := noRedirects.Get(e.authorizeURL(url.Values{"client_id": {DefaultOAuthClientID}, "state": {"x"}}))
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || u.Query().Get("code") == "" {
		e.t.Fatalf("no code in %q", resp.Header.Get("Location"))
	}
	return u.Query().Get("code")
}

func TestOAuthTokenExchange(t *testing.T) {
	form := func(code, secret string) string {
		return url.Values{"code": {code}, "client_id": {DefaultOAuthClientID}, "client_secret": {secret},
			"grant_type": {"authorization_code"}}.Encode()
	}
	cases := []struct {
		name   string
		body   func(e *env, code string) (string, string) // content type, body
		before func(e *env, code string)
		status int
		code   string
	}{
		{name: "form", body: func(_ *env, c string) (string, string) {
			return "application/x-www-form-urlencoded", form(c, DefaultOAuthClientSecret)
		}, status: http.StatusOK},
		{name: "json", body: func(_ *env, c string) (string, string) {
			return "application/json", `{"code":"` + c + `","client_id":"` + DefaultOAuthClientID + `","client_secret":"` + DefaultOAuthClientSecret + `"}`
		}, status: http.StatusOK},
		{name: "wrong secret", body: func(_ *env, c string) (string, string) {
			return "application/x-www-form-urlencoded", form(c, "guess")
		}, status: http.StatusUnauthorized, code: "unauthorized"},
		{name: "missing code", body: func(_ *env, _ string) (string, string) {
			return "application/x-www-form-urlencoded", form("", DefaultOAuthClientSecret)
		}, status: http.StatusBadRequest, code: "parameter_missing"},
		{name: "code used twice", before: func(e *env, c string) {
			e.exchangeForm(form(c, DefaultOAuthClientSecret))
		}, body: func(_ *env, c string) (string, string) {
			return "application/x-www-form-urlencoded", form(c, DefaultOAuthClientSecret)
		}, status: http.StatusBadRequest, code: "parameter_invalid"},
		{name: "expired code", before: func(e *env, _ string) { e.clock.Advance(oauthCodeTTL + time.Second) },
			body: func(_ *env, c string) (string, string) {
				return "application/x-www-form-urlencoded", form(c, DefaultOAuthClientSecret)
			}, status: http.StatusBadRequest, code: "parameter_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			code := e.code()
			if c.before != nil {
				c.before(e, code)
			}
			ct, body := c.body(e, code)
			r := e.send("POST", "/auth/eagle/token", body, map[string]string{"Content-Type": ct})
			if c.status != http.StatusOK {
				expectError(t, r, c.status, c.code)
				return
			}
			tok := r.str("access_token")
			if r.status != http.StatusOK || tok == "" || r.str("token") != tok || r.str("token_type") != "Bearer" {
				t.Fatalf("exchange: %d %s", r.status, r.body)
			}
			me := e.send("GET", "/me", nil, map[string]string{"Authorization": "Bearer " + tok, "Intercom-Version": Version})
			if me.status != http.StatusOK || me.header.Get("X-RateLimit-Limit") == "" {
				t.Fatalf("the issued token does not work on GET /me: %d %s", me.status, me.body)
			}
		})
	}
}

func (e *env) exchangeForm(body string) {
	e.t.Helper()
	r := e.send("POST", "/auth/eagle/token", body, map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if r.status != http.StatusOK {
		e.t.Fatalf("exchange: %d %s", r.status, r.body)
	}
}

// A token nobody issued stays a 401.
func TestOAuthUnknownTokenRejected(t *testing.T) {
	e := newEnv(t, nil)
	r := e.send("GET", "/me", nil, map[string]string{"Authorization": "Bearer dG9rOmnotissued", "Intercom-Version": Version})
	expectError(t, r, http.StatusUnauthorized, "unauthorized")
}
