package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskport/deskport/load"
)

// testToken is the access token of every test; no error may ever contain it.
const testToken = "tok-hunter2-s3cret"

func init() {
	resetMargin = 20 * time.Millisecond
	retryDelay = time.Millisecond
}

// recorded is one request the fake received.
type recorded struct {
	Method string
	Path   string // below the base URL, escaped as sent
	Query  string
	Header http.Header
	Body   []byte
	Length int64 // the request's Content-Length; -1 when it was sent chunked
}

// fakeIntercom is a small Intercom of our own (never sandbox/): canned answers per route, which a
// test replaces with on, and a record of every request. It checks the headers every request must
// carry.
type fakeIntercom struct {
	t   *testing.T
	srv *httptest.Server
	mux *http.ServeMux

	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	reqs     []recorded
}

// basePath is the path prefix of the fake's base URL: the client must keep it.
const basePath = "/api"

func newFake(t *testing.T) *fakeIntercom {
	t.Helper()
	f := &fakeIntercom{t: t, mux: http.NewServeMux(), handlers: map[string]http.HandlerFunc{}}
	for pattern, h := range defaultRoutes() {
		f.on(pattern, h)
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIntercom) baseURL() string { return f.srv.URL + basePath }

// client builds a client of the fake.
func (f *fakeIntercom) client() *Client {
	f.t.Helper()
	c, err := New(Config{BaseURL: f.baseURL(), Token: testToken})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// on answers pattern ("POST /tickets/{id}/reply", below the base path) with h.
func (f *fakeIntercom) on(pattern string, h http.HandlerFunc) {
	f.mu.Lock()
	_, known := f.handlers[pattern]
	f.handlers[pattern] = h
	f.mu.Unlock()
	if !known {
		f.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			h := f.handlers[pattern]
			f.mu.Unlock()
			h(w, r)
		})
	}
}

func (f *fakeIntercom) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("%s %s: reading the body: %v", r.Method, r.URL.Path, err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	for name, want := range map[string]string{"Intercom-Version": Version, "Accept": "application/json", "Authorization": "Bearer " + testToken} {
		if got := r.Header.Get(name); got != want {
			f.t.Errorf("%s %s: %s = %q, want %q", r.Method, r.URL.Path, name, got, want)
		}
	}
	if len(body) > 0 && r.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("%s %s: Content-Type = %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	path, ok := strings.CutPrefix(r.URL.EscapedPath(), basePath) // recorded as sent
	if !ok {
		f.t.Errorf("%s %s: outside the base path", r.Method, r.URL.Path)
	}
	length := r.ContentLength
	if len(r.TransferEncoding) > 0 {
		length = -1
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{Method: r.Method, Path: path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, Length: length})
	f.mu.Unlock()
	r.URL.Path = strings.TrimPrefix(r.URL.Path, basePath)
	r.URL.RawPath = strings.TrimPrefix(r.URL.RawPath, basePath)
	if _, pattern := f.mux.Handler(r); pattern == "" {
		writeError(w, 404, "not_found", fmt.Sprintf("the fake has no route for %s %s", r.Method, path))
		return
	}
	f.mux.ServeHTTP(w, r)
}

// requests returns what the fake received so far.
func (f *fakeIntercom) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"type": "error.list", "request_id": "req-1",
		"errors": []map[string]any{{"code": code, "message": message}}})
}

func answer(v any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, v) }
}

func answerRaw(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}
}

func fail(status int, code, message string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { writeError(w, status, code, message) }
}

// failFirst answers the first n requests with status, then hands over to next.
func failFirst(n int, status int, header map[string]string, next http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n--
		failing := n >= 0
		mu.Unlock()
		if failing {
			for k, v := range header {
				w.Header().Set(k, v)
			}
			writeError(w, status, statusCode(status), http.StatusText(status))
			return
		}
		next(w, r)
	}
}

// defaultRoutes answer every call the client makes with a plausible Intercom answer.
func defaultRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /me": answer(map[string]any{"type": "admin", "id": "991267459", "email": "Ciaran@Example.com", "name": "Ciaran Lee",
			"app": map[string]any{"type": "app", "id_code": "ws123", "name": "Acme", "region": "US"}}),
		"POST /ticket_types":                 answer(map[string]any{"type": "ticket_type", "id": "70", "name": "Question"}),
		"POST /ticket_types/{id}/attributes": answer(map[string]any{"type": "ticket_type_attribute", "id": "157", "ticket_type_id": 70}),
		"POST /companies":                    answer(map[string]any{"type": "company", "id": "6762f0761bb69f9f2193bae2", "company_id": "org-1"}),
		"POST /contacts":                     answer(map[string]any{"type": "contact", "id": "6762f0dd1bb69f9f2193bb83", "external_id": "u-1"}),
		"POST /contacts/{id}/companies":      answer(map[string]any{"type": "company", "id": "6762f0761bb69f9f2193bae2"}),
		"POST /tags":                         answer(map[string]any{"type": "tag", "id": "81", "name": "vip"}),
		"POST /tickets":                      answer(map[string]any{"type": "ticket", "id": "494", "ticket_id": "22"}),
		"PUT /tickets/{id}":                  answer(map[string]any{"type": "ticket", "id": "494"}),
		"PUT /contacts/{id}":                 answer(map[string]any{"type": "contact", "id": "6650a1b2c3d4e5f600000007"}),
		"PUT /conversations/{id}":            answer(map[string]any{"type": "conversation", "id": "363"}),
		"POST /conversations": answer(map[string]any{"type": "user_message", "id": "403918330", "created_at": 1734537501,
			"body": "Hello", "message_type": "inapp", "conversation_id": "363"}),
		"POST /conversations/{id}/parts": answer(map[string]any{"type": "conversation", "id": "363", "state": "closed"}),
		"POST /tickets/{id}/reply":       replyTicket,
		"POST /conversations/{id}/reply": replyConversation,
		"POST /tickets/{id}/tags":        answer(map[string]any{"type": "tag", "id": "81"}),
		"POST /conversations/{id}/tags":  answer(map[string]any{"type": "tag", "id": "81"}),
		"POST /contacts/{id}/tags":       answer(map[string]any{"type": "tag", "id": "81"}),
		"POST /data_attributes": answer(map[string]any{"type": "data_attribute", "id": 13001, "model": "contact",
			"name": "source_phone", "data_type": "string"}),
		"GET /data_attributes": answer(map[string]any{"type": "list", "data": []any{
			map[string]any{"type": "data_attribute", "id": 12002, "model": "contact", "name": "phone", "data_type": "string"},
			map[string]any{"type": "data_attribute", "id": 13001, "model": "contact", "name": "source_phone", "data_type": "string", "custom": true},
			map[string]any{"type": "data_attribute", "id": 13002, "model": "conversation", "name": "Topic", "data_type": "string", "custom": true},
			map[string]any{"type": "data_attribute", "id": 13003, "model": "company", "name": "Old", "data_type": "string", "archived": true}}}),
		"POST /help_center/collections": answer(map[string]any{"id": "9100001", "name": "Getting started", "parent_id": nil}),
		"POST /articles":                answer(map[string]any{"type": "article", "id": "8800001", "title": "Sign in"}),
		"GET /articles/{id}": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"type": "article", "id": r.PathValue("id"), "url": "https://intercom.help/acme/en/articles/" + r.PathValue("id")})
		},
		"PUT /articles/{id}": answer(map[string]any{"type": "article", "id": "8800001"}),
	}
}

// replyTicket answers a ticket reply with the ticket_part it made, as the spec's ticket_reply.
func replyTicket(w http.ResponseWriter, r *http.Request) {
	p := partFrom(r, "tp-9")
	p["type"] = "ticket_part"
	writeJSON(w, 200, p)
}

// replyConversation answers a conversation reply with the conversation: an older part, ours,
// and a later state part.
func replyConversation(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{"type": "conversation", "id": r.PathValue("id"),
		"conversation_parts": map[string]any{"type": "conversation_part.list", "total_count": 3,
			"conversation_parts": []any{
				map[string]any{"type": "conversation_part", "id": "cp-1", "part_type": "comment", "body": "<p>earlier</p>",
					"created_at": 1, "author": map[string]any{"type": "admin", "id": "1"}},
				partFrom(r, "cp-2"),
				map[string]any{"type": "conversation_part", "id": "cp-3", "part_type": "close", "created_at": 1999999999,
					"author": map[string]any{"type": "admin", "id": "1"}},
			}}})
}

// partFrom is the part a reply request makes, as Intercom would show it.
func partFrom(r *http.Request, id string) map[string]any {
	var req struct {
		MessageType     string   `json:"message_type"`
		Type            string   `json:"type"`
		AdminID         string   `json:"admin_id"`
		IntercomUserID  string   `json:"intercom_user_id"`
		Body            string   `json:"body"`
		CreatedAt       int64    `json:"created_at"`
		AttachmentURLs  []string `json:"attachment_urls"`
		AttachmentFiles []struct {
			Name string `json:"name"`
		} `json:"attachment_files"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	author := map[string]any{"type": "admin", "id": req.AdminID}
	if req.Type == "user" {
		author = map[string]any{"type": "user", "id": req.IntercomUserID}
	}
	var atts []any
	for _, u := range req.AttachmentURLs {
		atts = append(atts, map[string]any{"type": "upload", "name": "from-url-" + path.Base(u)})
	}
	for _, f := range req.AttachmentFiles {
		atts = append(atts, map[string]any{"type": "upload", "name": f.Name})
	}
	return map[string]any{"type": "conversation_part", "id": id, "part_type": req.MessageType, "body": "<p>" + req.Body + "</p>",
		"created_at": req.CreatedAt, "author": author, "attachments": atts}
}

// memFiles is a file store in memory; its readers do not say their size (sent chunked).
type memFiles struct {
	mu    sync.Mutex
	files map[string]string // source id → content
	opens int
}

func (m *memFiles) Open(ctx context.Context, a load.Attachment) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.opens++
	content, ok := m.files[a.SourceID]
	if !ok {
		return nil, errors.New("no such file")
	}
	return io.NopCloser(strings.NewReader(content)), nil
}
