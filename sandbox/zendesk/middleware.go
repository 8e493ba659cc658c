package zendesk

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP runs every request through the same chain a real account shows:
// stats, injected latency and resets, authentication, rate limits, injected
// errors, then the endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, pattern := s.mux.Handler(r)
	rt, known := s.routes[pattern]
	if !known {
		pattern = r.Method + " (unmatched)"
	}
	s.stats.request(pattern)
	f := s.faults.Get()
	if !sleep(r.Context(), f.Latency) {
		return
	}
	if s.faults.Roll(f.ResetRate) {
		s.stats.fault("resets")
		resetConnection(w)
		return
	}
	switch {
	case !known:
		writeError(w, http.StatusNotFound, "InvalidEndpoint", "Not found")
	case rt.public:
		if r.Header.Get("Authorization") != "" {
			s.stats.leak() // a signed URL needs no credentials: sending them leaks them
		}
		s.mux.ServeHTTP(w, r)
	default:
		s.serveAPI(w, r, rt, f)
	}
}

// serveAPI authenticates, rate-limits and maybe breaks an API request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, rt route, f Faults) {
	if !s.authorized(r) {
		s.stats.unauthorized()
		writeJSON(w, r, http.StatusUnauthorized, map[string]string{"error": "Couldn't authenticate you"})
		return
	}
	if s.faults.Roll(f.ThrottleRate) {
		s.stats.rateLimited()
		s.stats.fault("throttles")
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "APIRateLimitExceeded", "Rate limit storm (injected)")
		return
	}
	b, ok := s.limits.take(s.opts.Now(), rt.incremental)
	b.setHeaders(w.Header())
	if !ok {
		s.stats.rateLimited()
		w.Header().Set("Retry-After", strconv.Itoa(b.reset))
		writeError(w, http.StatusTooManyRequests, "APIRateLimitExceeded",
			"Number of allowed API requests per minute exceeded")
		return
	}
	if s.faults.Roll(f.ErrorRate) {
		s.serverError(w)
		return
	}
	if s.faults.Roll(f.MalformedPages) {
		s.stats.fault("malformed")
		r = r.WithContext(context.WithValue(r.Context(), malformedKey{}, true))
	}
	if rt.write && s.faults.Roll(f.DropAfterWriteRate) {
		s.stats.fault("drop_after_write")
		s.mux.ServeHTTP(&discard{}, r)
		s.stats.dropped()
		resetConnection(w)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// serverError answers 500 or 503 (alternately, from the fault RNG).
func (s *Server) serverError(w http.ResponseWriter) {
	s.stats.fault("errors")
	if s.faults.Roll(0.5) {
		writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "Service temporarily unavailable (injected)")
		return
	}
	writeError(w, http.StatusInternalServerError, "InternalServerError", "Something went wrong (injected)")
}

// authorized accepts Basic "{email}/token:{api_token}" or a Bearer token.
func (s *Server) authorized(r *http.Request) bool {
	c := s.opts.Credentials
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
		return c.OAuthToken != "" && equal(tok, c.OAuthToken)
	}
	user, pass, ok := r.BasicAuth()
	return ok && c.Token != "" && equal(user, c.Email+"/token") && equal(pass, c.Token)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// sleep waits d or until the client gives up; false means it gave up.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// resetConnection closes the connection without a response; with linger 0
// the client sees a TCP reset, as from a dying load balancer.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

type malformedKey struct{}

// writeJSON writes v; a request marked malformed gets half of a successful
// body, which no JSON decoder accepts.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if status == http.StatusOK && r.Context().Value(malformedKey{}) != nil {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// apiError is Zendesk's error body.
type apiError struct {
	Error       string `json:"error"`
	Description string `json:"description,omitempty"`
}

func writeError(w http.ResponseWriter, status int, name, description string) {
	body, _ := json.Marshal(apiError{Error: name, Description: description})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
