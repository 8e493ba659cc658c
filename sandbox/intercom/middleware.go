package intercom

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
)

// Version is the only Intercom-Version the simulator speaks.
const Version = "2.15"

// maxBody bounds a request body: ten base64 attachments of a few MB each
// fit, a runaway client does not exhaust memory.
const maxBody = 256 << 20

// call is one API request as an endpoint sees it.
type call struct {
	r    *http.Request
	body []byte
	now  int64 // unix seconds by the server's clock
}

// endpoint serves one route under the state lock; it returns the response
// body or an error (an *apiError, or anything else for a 500).
type endpoint func(c *call) (any, error)

// noContent is a 200 without a body (DELETE /tags/{id}).
type noContent struct{}

func (s *Server) handle(pattern string, h endpoint) { s.handleOn(s.mux, pattern, h) }

// handleFirst registers a route that Go's mux cannot hold beside the
// others (/contacts/find_by_external_id/{x} against /contacts/{id}/tags):
// it is looked up before them.
func (s *Server) handleFirst(pattern string, h endpoint) { s.handleOn(s.first, pattern, h) }

func (s *Server) handleOn(mux *http.ServeMux, pattern string, h endpoint) {
	method, _, _ := strings.Cut(pattern, " ")
	s.writes[pattern] = method != http.MethodGet
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.serveEndpoint(w, r, h) })
}

// muxFor returns the mux owning the request's route and its pattern
// ("" if there is none).
func (s *Server) muxFor(r *http.Request) (*http.ServeMux, string) {
	if _, pattern := s.first.Handler(r); pattern != "" {
		return s.first, pattern
	}
	_, pattern := s.mux.Handler(r)
	return s.mux, pattern
}

// ServeHTTP runs every request through the chain a real workspace shows:
// latency, authentication, rate limit (and 429 storms), the version
// header, strict validation, injected errors, then the endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveOAuth(w, r) {
		return
	}
	_, pattern := s.muxFor(r)
	route := pattern
	if route == "" {
		route = r.Method + " (unmatched)"
	}
	s.stats.request(route)
	rec := &recorder{ResponseWriter: w}
	s.serve(rec, r, pattern)
	if rec.status != 0 {
		s.stats.status(rec.status)
	}
}

func (s *Server) serve(w *recorder, r *http.Request, pattern string) {
	if !sleep(r.Context(), s.latency.get()) {
		return
	}
	if !s.authorized(r) {
		s.stats.unauthorized()
		s.writeError(w, newError(http.StatusUnauthorized, "unauthorized", "Access Token Invalid"))
		return
	}
	if !s.admit(w) {
		return
	}
	if v := r.Header.Get("Intercom-Version"); v != "" && v != Version {
		s.writeError(w, badRequest("intercom_version_invalid",
			"The sandbox simulates Intercom-Version %s only, not %q", Version, v))
		return
	}
	if e := s.prepare(r, pattern); e != nil {
		s.writeError(w, e)
		return
	}
	s.dispatch(w, r, pattern)
}

// admit spends budget, or answers 429 (a storm or a spent window).
func (s *Server) admit(w http.ResponseWriter) bool {
	now := s.opts.Now()
	if s.faults.Roll(s.faults.Get().ThrottleRate) {
		s.stats.fault(FaultThrottle)
		s.tooMany(w, s.limits.exhausted(now))
		return false
	}
	b, ok := s.limits.take(now)
	b.setHeaders(w.Header())
	if !ok {
		s.tooMany(w, b)
	}
	return ok
}

func (s *Server) tooMany(w http.ResponseWriter, b budgetState) {
	s.stats.rateLimited()
	b.setHeaders(w.Header())
	limit := b.limit
	if limit < 0 {
		limit = DefaultRateLimit // a storm on an unlimited simulator: name Intercom's limit
	}
	s.writeError(w, newError(http.StatusTooManyRequests, "rate_limit_exceeded", "%s",
		exceededMessage(limit, s.opts.RateWindow)))
}

// prepare reads the body (leaving it readable again), validates the
// request in strict mode and answers 404 for routes the simulator lacks.
func (s *Server) prepare(r *http.Request, pattern string) *apiError {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return badRequest("parameter_invalid", "reading the request body: %v", err)
	}
	if len(body) > maxBody {
		return newError(http.StatusRequestEntityTooLarge, "parameter_invalid", "request body over %d bytes", maxBody)
	}
	resetBody(r, body)
	if s.opts.Strict {
		if e := s.strictCheck(r, body); e != nil {
			return e
		}
	}
	if pattern == "" && s.opts.Strict {
		// The description has it (strict mode let it through): say so
		// rather than pretend Intercom lacks it.
		return notFound("not_found", r.Method+" "+r.URL.Path+" is in the 2.15 description but not simulated by the sandbox")
	}
	if pattern == "" {
		return notFound("not_found", "Resource Not Found")
	}
	return nil
}

func (s *Server) strictCheck(r *http.Request, body []byte) *apiError {
	err := validateRequest(r)
	resetBody(r, body)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errNotInSpec):
		return notFound("not_found", "Resource Not Found")
	}
	s.stats.strictError()
	return invalid("%s", validationMessage(err))
}

func resetBody(r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
}

// dispatch injects server-side faults, then runs the endpoint.
func (s *Server) dispatch(w *recorder, r *http.Request, pattern string) {
	f := s.faults.Get()
	switch {
	case s.faults.Roll(f.ErrorRate):
		s.stats.fault(FaultError)
		s.writeError(w, newError(http.StatusInternalServerError, "server_error", "Something went wrong (injected)"))
	case s.faults.Roll(f.TimeoutRate):
		s.stats.fault(FaultTimeout)
		if sleep(r.Context(), maxHold) {
			s.writeError(w, newError(http.StatusGatewayTimeout, "request_timeout", "The request timed out (injected)"))
		}
	case s.writes[pattern] && s.faults.Roll(f.DropAfterWriteRate):
		s.stats.fault(FaultDropAfterWrite)
		s.serveRoute(&recorder{ResponseWriter: discard{}}, r)
		s.stats.dropped()
		dropConnection(w)
	default:
		s.serveRoute(w, r)
	}
}

// serveRoute runs the request's route; the mux that owns it sets the path
// values.
func (s *Server) serveRoute(w http.ResponseWriter, r *http.Request) {
	mux, _ := s.muxFor(r)
	mux.ServeHTTP(w, r)
}

// serveEndpoint runs an endpoint under the state lock. The body is
// marshalled under the lock too: responses may share maps with the state.
func (s *Server) serveEndpoint(w http.ResponseWriter, r *http.Request, h endpoint) {
	body, _ := io.ReadAll(r.Body) // already bounded and buffered by prepare
	c := &call{r: r, body: body, now: s.opts.Now().Unix()}
	s.mu.Lock()
	out, err := h(c)
	var payload []byte
	if err == nil {
		payload, err = marshal(out)
	}
	s.mu.Unlock()
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		s.writeError(w, ae)
	case err != nil:
		s.writeError(w, newError(http.StatusInternalServerError, "server_error", "%v", err))
	default:
		writeRaw(w, payload)
	}
}

func marshal(v any) ([]byte, error) {
	if _, ok := v.(noContent); ok {
		return nil, nil
	}
	return json.Marshal(v)
}

func writeRaw(w http.ResponseWriter, body []byte) {
	if body != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// authorized accepts "Bearer <token>" only, as Intercom does: the
// workspace's token or one the OAuth flow issued.
func (s *Server) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && (subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.Token)) == 1 || s.oauth.issued(tok))
}

// sleep waits d or until the client gives up; false means it gave up.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
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

// dropConnection closes the connection without a response, as when a load
// balancer dies after the backend committed the write.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2: abort the stream instead
	}
	_ = conn.Close()
}

// recorder remembers the status written through it.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection to hijack it.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// discard swallows the response of a write whose answer is dropped.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
