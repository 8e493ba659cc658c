package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Sentinels callers branch on with errors.Is.
var (
	// ErrCredentials is a 401 or 403: the credentials were rejected or lack the permission.
	ErrCredentials = errors.New("credentials rejected")
	// ErrNotFound is a 404.
	ErrNotFound = errors.New("not found")
	// ErrRateLimited is a 429 that outlived the retries.
	ErrRateLimited = errors.New("rate limited")
)

// snippetLimit bounds how much of an error body is kept: enough for the API's message.
const snippetLimit = 512

// StatusError is a response with a non-2xx status. URL has its query (secrets redacted) and never
// user info, so the error can be logged and names the endpoint exactly.
type StatusError struct {
	Method string
	URL    string
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Is lets errors.Is(err, ErrCredentials) and friends match by status.
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrCredentials:
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	}
	return false
}

// CheckResponse returns nil for a 2xx response. Otherwise it reads a snippet of the body, closes
// it and returns a *StatusError.
func CheckResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, snippetLimit))
	e := &StatusError{Status: resp.StatusCode, Body: Snippet(b, snippetLimit)}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		e.URL = RedactURL(resp.Request.URL)
	}
	return e
}

// Snippet makes a body printable in a message: at most limit bytes, cut at a rune boundary, on
// one line.
func Snippet(b []byte, limit int) string {
	if len(b) > limit {
		b = b[:limit]
	}
	for len(b) > 0 && !utf8.Valid(b) {
		b = b[:len(b)-1]
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// UnwrapURLError drops the *url.Error wrapper of a transport error, whose text repeats the URL
// (query included); callers name the endpoint themselves, redacted.
func UnwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// secretParams are query parameters whose values are never printed.
var secretParams = []string{"access_token", "token", "api_key", "apikey", "key", "password", "secret", "client_secret", "signature", "sig"}

// RedactURL renders u without user info and with secret-looking query values replaced.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		changed := false
		for name := range q {
			if isSecretParam(name) {
				q[name] = []string{"REDACTED"}
				changed = true
			}
		}
		if changed {
			c.RawQuery = q.Encode()
		}
	}
	return c.String()
}

func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range secretParams {
		if n == s {
			return true
		}
	}
	return false
}
