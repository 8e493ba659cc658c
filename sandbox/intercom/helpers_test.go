package intercom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is an injectable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a simulator mounted under /intercom on an httptest server, the
// way the sandbox mounts it.
type env struct {
	t     *testing.T
	srv   *Server
	http  *httptest.Server
	base  string // http://127.0.0.1:P/intercom
	clock *clock
}

// start is 2026-03-01 10:00:03 UTC: 3 s into a 10 s window.
var start = time.Date(2026, 3, 1, 10, 0, 3, 0, time.UTC)

// newEnv starts a strict simulator with the options changed by adjust.
func newEnv(t *testing.T, adjust func(o *Options)) *env {
	t.Helper()
	c := &clock{now: start}
	opts := DefaultOptions()
	opts.Now = c.Now
	opts.Admins = []Admin{{ID: "101", Name: "Ada Agent", Email: "ada@example.test"}, {ID: "102", Name: "Bo Agent", Email: "bo@example.test"}}
	opts.Teams = []Team{{ID: "201", Name: "Billing", AdminIDs: []string{"101"}}}
	if adjust != nil {
		adjust(&opts)
	}
	srv := New(opts)
	mux := http.NewServeMux()
	mux.Handle("/intercom/", http.StripPrefix("/intercom", srv))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return &env{t: t, srv: srv, http: hs, base: hs.URL + "/intercom", clock: c}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
	json   map[string]any
}

// errorCode is the first error's code of an error.list.
func (r response) errorCode() string {
	errs, _ := r.json["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	code, _ := errs[0].(map[string]any)["code"].(string)
	return code
}

func (r response) errorMessage() string {
	errs, _ := r.json["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	msg, _ := errs[0].(map[string]any)["message"].(string)
	return msg
}

func (r response) str(key string) string { s, _ := r.json[key].(string); return s }

// list returns r.json[key] as a list of objects.
func (r response) list(key string) []map[string]any {
	raw, _ := r.json[key].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, v := range raw {
		out = append(out, v.(map[string]any))
	}
	return out
}

// do sends an authenticated request with Intercom-Version 2.15; body is
// marshalled unless it is a string.
func (e *env) do(method, path string, body any) response {
	e.t.Helper()
	return e.send(method, path, body, map[string]string{
		"Authorization": "Bearer " + DefaultToken, "Intercom-Version": Version,
	})
}

func (e *env) send(method, path string, body any, headers map[string]string) response {
	e.t.Helper()
	resp, err := e.sendRaw(http.DefaultClient, method, path, body, headers)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func (e *env) sendRaw(client *http.Client, method, path string, body any, headers map[string]string) (response, error) {
	var rd io.Reader
	if body != nil {
		raw, ok := body.(string)
		if !ok {
			b, err := json.Marshal(body)
			if err != nil {
				return response{}, err
			}
			raw = string(b)
		}
		rd = strings.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		return response{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	out := response{status: resp.StatusCode, header: resp.Header, body: b}
	if len(bytes.TrimSpace(b)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		_ = dec.Decode(&out.json)
	}
	return out, nil
}

// ok fails the test unless the answer is 200, and returns it.
func (e *env) ok(method, path string, body any) response {
	e.t.Helper()
	r := e.do(method, path, body)
	if r.status != http.StatusOK {
		e.t.Fatalf("%s %s: %d %s", method, path, r.status, r.body)
	}
	return r
}

// expectError checks status and error code of an error.list.
func expectError(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status || r.errorCode() != code || r.json["type"] != "error.list" || r.str("request_id") == "" {
		t.Fatalf("want %d %s, got %d %s", status, code, r.status, r.body)
	}
}

// Builders of the objects most tests need.

func (e *env) contact(externalID string) string {
	e.t.Helper()
	return e.ok("POST", "/contacts", map[string]any{"role": "user", "external_id": externalID,
		"email": externalID + "@customer.test", "name": "Customer " + externalID}).str("id")
}

func (e *env) conversation(contactID, body string, createdAt int64) string {
	e.t.Helper()
	return e.ok("POST", "/conversations", map[string]any{"from": map[string]any{"type": "user", "id": contactID},
		"body": body, "created_at": createdAt}).str("conversation_id")
}

func (e *env) ticketType(name, category string) string {
	e.t.Helper()
	return e.ok("POST", "/ticket_types", map[string]any{"name": name, "category": category}).str("id")
}

func (e *env) ticket(typeID, contactID, title string, createdAt int64) string {
	e.t.Helper()
	return e.ok("POST", "/tickets", map[string]any{"ticket_type_id": typeID, "contacts": []any{map[string]any{"id": contactID}},
		"ticket_attributes": map[string]any{titleAttribute: title, descriptionAttribute: "desc of " + title},
		"created_at":        createdAt}).str("id")
}

func adminReply(adminID, body string, createdAt int64) map[string]any {
	return map[string]any{"message_type": "comment", "type": "admin", "admin_id": adminID, "body": body, "created_at": createdAt}
}

func num(v any) int64 {
	n, _ := v.(json.Number).Int64()
	return n
}

func jsonPath(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			panic(fmt.Sprintf("%v is not an object at %q", v, k))
		}
		v = m[k]
	}
	return v
}

func jsonMarshal(v any) ([]byte, error) {
	if s, ok := v.(string); ok {
		return []byte(s), nil
	}
	return json.Marshal(v)
}
