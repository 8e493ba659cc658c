package httpx

import (
	"net/http"
	"net/url"
	"strings"
)

// Auth adds an Authorization header to requests whose scheme and host are the API base's, and to
// no other: attachment and pagination URLs can point at other hosts, which must never see the
// source's credentials.
type Auth struct {
	next   http.RoundTripper
	scheme string
	host   string
	value  string // the header value; a secret, never printed
}

var _ http.RoundTripper = (*Auth)(nil)

// NewAuth scopes the header value to base's scheme and host.
func NewAuth(next http.RoundTripper, base *url.URL, value string) *Auth {
	return &Auth{next: next, scheme: strings.ToLower(base.Scheme), host: canonicalHost(base), value: value}
}

// RoundTrip implements http.RoundTripper.
func (a *Auth) RoundTrip(req *http.Request) (*http.Response, error) {
	if a.value == "" || !a.sameOrigin(req.URL) {
		if req.Header.Get("Authorization") != "" && !a.sameOrigin(req.URL) {
			// A caller-set header bound for another host is dropped too: that is the one rule here.
			req = req.Clone(req.Context())
			req.Header.Del("Authorization")
		}
		return a.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", a.value)
	return a.next.RoundTrip(r)
}

func (a *Auth) sameOrigin(u *url.URL) bool {
	return strings.ToLower(u.Scheme) == a.scheme && canonicalHost(u) == a.host
}

// canonicalHost lower-cases the host and drops the scheme's default port.
func canonicalHost(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	switch {
	case port == "",
		port == "443" && strings.EqualFold(u.Scheme, "https"),
		port == "80" && strings.EqualFold(u.Scheme, "http"):
		return host
	}
	return host + ":" + port
}
