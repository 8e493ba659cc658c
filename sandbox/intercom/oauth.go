package intercom

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The OAuth app registered for the simulated workspace in the Developer
// Hub. Published demo values, like DefaultToken: they guard generated data
// on loopback only.
const (
	DefaultOAuthClientID     = "sandbox-oauth-client"
	DefaultOAuthClientSecret = "sandbox-oauth-secret"
)

// OAuthRedirectURIs are the redirect URLs the demo app has registered.
// Loopback ones match whatever the port (RFC 8252 §7.3): a command-line
// client listens on a free port it cannot know in advance.
var OAuthRedirectURIs = []string{"http://127.0.0.1/callback", "http://localhost/callback"}

// oauthCodeTTL is how long an authorization code can be exchanged: about
// five minutes at Intercom.
const oauthCodeTTL = 5 * time.Minute

// The paths of the OAuth endpoints. Intercom serves the authorize page on
// app.intercom.com/oauth and the token exchange on the API host; the
// simulator serves both under its own root. Neither takes a bearer token,
// neither is in the REST description, and neither spends the API budget.
const (
	oauthAuthorizePath = "/oauth"
	oauthTokenPath     = "/auth/eagle/token"
)

// oauthState holds the grants of the authorization-code flow.
type oauthState struct {
	mu     sync.Mutex
	codes  map[string]oauthGrant // unexchanged codes
	tokens map[string]bool       // access tokens issued: valid bearer tokens
	deny   bool                  // the signed-in admin refuses at the consent page
}

type oauthGrant struct {
	clientID string
	expires  time.Time
}

func (s *Server) registerOAuth() {
	s.oauth = &oauthState{codes: map[string]oauthGrant{}, tokens: map[string]bool{}}
}

// SetOAuthConsent says whether the admin who opens the authorize page
// installs the app (true, the default) or cancels (false: the redirect
// carries error=access_denied).
func (s *Server) SetOAuthConsent(allow bool) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	s.oauth.deny = !allow
}

// OAuthTokens returns how many access tokens the OAuth flow has issued.
func (s *Server) OAuthTokens() int {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	return len(s.oauth.tokens)
}

// oauthRoute names the OAuth endpoint a request is for ("" for none).
func oauthRoute(r *http.Request) string {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == oauthAuthorizePath:
		return "GET " + oauthAuthorizePath
	case r.Method == http.MethodPost && r.URL.Path == oauthTokenPath:
		return "POST " + oauthTokenPath
	}
	return ""
}

// serveOAuth answers the OAuth endpoints outside the API's chain (no
// bearer token, no rate limit, no strict validation); false means r is
// for another route.
func (s *Server) serveOAuth(w http.ResponseWriter, r *http.Request) bool {
	route := oauthRoute(r)
	if route == "" {
		return false
	}
	s.stats.request(route)
	rec := &recorder{ResponseWriter: w}
	if r.Method == http.MethodGet {
		s.authorize(rec, r)
	} else {
		s.exchange(rec, r)
	}
	s.stats.status(rec.status)
	return true
}

// authorize is the consent page: the admin signed in to the workspace
// installs the app at once (or cancels, see SetOAuthConsent), and the
// browser goes back to the app's redirect URL with a code and the state.
// An unknown app or an unregistered redirect URL is an error page: the
// browser is never sent to a URL the app did not register.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != DefaultOAuthClientID {
		http.Error(w, "Unknown app: client_id does not name an app of the Developer Hub", http.StatusBadRequest)
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect == "" {
		redirect = OAuthRedirectURIs[0]
	}
	target, ok := registeredRedirect(redirect)
	if !ok {
		http.Error(w, "redirect_uri is not one of the app's registered redirect URLs", http.StatusBadRequest)
		return
	}
	back := target.Query()
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	if s.oauth.refuses() {
		back.Set("error", "access_denied")
		back.Set("error_description", "The admin cancelled the installation")
	} else {
		back.Set("code", s.oauth.grant(q.Get("client_id"), s.opts.Now()))
	}
	target.RawQuery = back.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// registeredRedirect parses raw and checks it against OAuthRedirectURIs.
func registeredRedirect(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Fragment != "" {
		return nil, false
	}
	for _, reg := range OAuthRedirectURIs {
		ru, _ := url.Parse(reg)
		if u.Scheme == ru.Scheme && u.Path == ru.Path && sameHost(u, ru) {
			return u, true
		}
	}
	return nil, false
}

// sameHost compares hosts, ignoring the port of a loopback address.
func sameHost(u, reg *url.URL) bool {
	if u.Hostname() != reg.Hostname() {
		return false
	}
	if ip := net.ParseIP(u.Hostname()); (ip != nil && ip.IsLoopback()) || u.Hostname() == "localhost" {
		return true
	}
	return u.Port() == reg.Port()
}

func (o *oauthState) refuses() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.deny
}

func (o *oauthState) grant(clientID string, now time.Time) string {
	code := randomHex(16)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.codes[code] = oauthGrant{clientID: clientID, expires: now.Add(oauthCodeTTL)}
	return code
}

// tokenRequest is the token exchange's body, as a form or as JSON.
type tokenRequest struct {
	Code         string `json:"code"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// exchange turns a code into an access token, once. Intercom's tokens
// never expire and come without a refresh token.
func (s *Server) exchange(w http.ResponseWriter, r *http.Request) {
	req, e := readTokenRequest(r)
	if e != nil {
		s.writeError(w, e)
		return
	}
	if req.ClientID != DefaultOAuthClientID || req.ClientSecret != DefaultOAuthClientSecret {
		s.writeError(w, newError(http.StatusUnauthorized, "unauthorized", "client_id or client_secret is not valid"))
		return
	}
	token, ok := s.oauth.redeem(req, s.opts.Now())
	if !ok {
		s.writeError(w, badRequest("parameter_invalid", "code is not valid: unknown, expired, already used or issued to another app"))
		return
	}
	writeJSON(w, http.StatusOK, obj{"type": "oauth.token", "token_type": "Bearer", "token": token, "access_token": token})
}

func readTokenRequest(r *http.Request) (tokenRequest, *apiError) {
	var req tokenRequest
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/json" {
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<16)).Decode(&req); err != nil {
			return req, badRequest("parameter_invalid", "the body is not a JSON object: %v", err)
		}
	} else {
		r.Body = http.MaxBytesReader(nil, r.Body, 1<<16)
		if err := r.ParseForm(); err != nil {
			return req, badRequest("parameter_invalid", "the body is not a form: %v", err)
		}
		req = tokenRequest{Code: r.PostForm.Get("code"), ClientID: r.PostForm.Get("client_id"),
			ClientSecret: r.PostForm.Get("client_secret")}
	}
	for _, p := range []struct{ name, v string }{{"code", req.Code}, {"client_id", req.ClientID}, {"client_secret", req.ClientSecret}} {
		if strings.TrimSpace(p.v) == "" {
			return req, badRequest("parameter_missing", "%s is required", p.name).onField(p.name)
		}
	}
	return req, nil
}

// redeem spends a code: a code works once, before it expires, for the app
// it was issued to.
func (o *oauthState) redeem(req tokenRequest, now time.Time) (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	g, ok := o.codes[req.Code]
	delete(o.codes, req.Code)
	if !ok || g.clientID != req.ClientID || now.After(g.expires) {
		return "", false
	}
	token := "dG9rOm" + randomHex(24) // Intercom's tokens are opaque base64-looking strings
	o.tokens[token] = true
	return token, true
}

// issued reports whether token came from the OAuth flow.
func (o *oauthState) issued(token string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tokens[token]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
