package intercom

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
)

// apiError is one error of Intercom's error.list, with its HTTP status.
type apiError struct {
	status               int
	code, message, field string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// onField names the request field the error is about.
func (e *apiError) onField(f string) *apiError { e.field = f; return e }

func badRequest(code, format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, code, format, args...)
}

func invalid(format string, args ...any) *apiError {
	return badRequest("parameter_invalid", format, args...)
}

func notFound(code, message string) *apiError {
	return newError(http.StatusNotFound, code, "%s", message)
}

func adminNotFound() *apiError { return badRequest("admin_not_found", "Admin not found") }
func teamNotFound() *apiError  { return badRequest("team_not_found", "Team not found") }
func userNotFound() *apiError  { return notFound("not_found", "User Not Found") }
func resourceNotFound() *apiError {
	return notFound("not_found", "Resource Not Found")
}

// errorList is Intercom's error body.
type errorList struct {
	Type      string      `json:"type"`
	RequestID string      `json:"request_id"`
	Errors    []errorItem `json:"errors"`
}

type errorItem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// requestIDs numbers requests in the uuid-looking shape Intercom uses.
type requestIDs struct{ n atomic.Int64 }

func (r *requestIDs) next() string {
	n := r.n.Add(1)
	return fmt.Sprintf("5a1db0c5-%04x-4000-8000-%012x", n>>48&0xffff, n&0xffffffffffff)
}

func (s *Server) writeError(w http.ResponseWriter, e *apiError) {
	body := errorList{Type: "error.list", RequestID: s.reqIDs.next(),
		Errors: []errorItem{{Code: e.code, Message: e.message, Field: e.field}}}
	writeJSON(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
