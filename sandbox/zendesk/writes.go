package zendesk

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// The write endpoints Zendesk offers a migration into it (source-apis.md: the Ticket Import API,
// create_or_update for users, uploads, organizations and the Guide writes). Writes change the
// served account, so everything written is read back through the read endpoints; they spend the
// same rate limit and meet the same faults as reads, plus DropAfterWriteRate: the write is
// applied and the connection closed without an answer.

// maxJSONBody bounds a write's JSON body (a ticket import carries every comment).
const maxJSONBody = 32 << 20

// maxUploadBody is Zendesk's limit on one uploaded file.
const maxUploadBody = 50 << 20

// writeState is what the simulator keeps beside the account about writes: uploads waiting for a
// ticket, fields the account has no column for, and what was created (for Written).
type writeState struct {
	mu       sync.Mutex
	uploads  map[string]gen.Attachment // token → file, consumed by the comment that references it
	nextTok  int64
	solvedAt map[int64]time.Time // ticket id → solved_at given at import
	archived map[int64]bool      // tickets imported with archive_immediately (closed ones)
	created  map[string][]int64  // kind → ids created through the API, in order
	jobs     jobState            // bulk jobs (jobs.go)
}

// init makes the maps on first use, so the zero Server field is ready; the caller holds mu.
func (w *writeState) init() {
	if w.uploads == nil {
		w.uploads, w.solvedAt, w.archived, w.created = map[string]gen.Attachment{}, map[int64]time.Time{}, map[int64]bool{}, map[string][]int64{}
	}
}

// registerWrites declares the write endpoints and the lookups a loader reconciles with.
func (s *Server) registerWrites() {
	wr := route{write: true}
	s.handle("POST /api/v2/organizations.json", wr, s.createOrganization)
	s.handle("GET /api/v2/organizations/search.json", route{}, s.searchOrganizations)
	s.handle("POST /api/v2/users/create_or_update.json", wr, s.createOrUpdateUser)
	s.handle("GET /api/v2/users/search.json", route{}, s.searchUsers)
	s.registerJobs()
	s.registerProfileFields()
	s.handle("POST /api/v2/uploads.json", wr, s.upload)
	s.handle("POST /api/v2/imports/tickets.json", wr, s.importTicket)
	s.handle("GET /api/v2/tickets.json", route{}, s.listTickets)
	s.handle("GET /api/v2/search.json", route{}, s.search)
	const hc = "POST /api/v2/help_center/"
	s.handle(hc+"categories.json", wr, s.createCategory)
	s.handle(hc+"categories/{id}/sections.json", wr, s.createSection)
	s.handle(hc+"sections/{id}/articles.json", wr, s.createArticle)
	s.handle(hc+"articles/{id}/translations.json", wr, s.createTranslation)
	s.registerDeletes()
}

// invalid is a RecordInvalid refusal: field → complaints, as Zendesk's details list them.
type invalid map[string][]string

func (v invalid) add(field, format string, args ...any) {
	v[field] = append(v[field], fmt.Sprintf(format, args...))
}

func (v invalid) Error() string {
	fields := make([]string, 0, len(v))
	for f := range v {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	var parts []string
	for _, f := range fields {
		parts = append(parts, f+": "+strings.Join(v[f], ", "))
	}
	return strings.Join(parts, "; ")
}

// orNil is v as an error, nil when it holds nothing.
func (v invalid) orNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// writeInvalid answers 422 with Zendesk's validation envelope.
func writeInvalid(w http.ResponseWriter, status int, v invalid) {
	details := map[string][]map[string]string{}
	for f, msgs := range v {
		for _, m := range msgs {
			details[f] = append(details[f], map[string]string{"description": fieldLabel(f) + ": " + m, "error": "InvalidValue"})
		}
	}
	body, _ := json.Marshal(map[string]any{"error": "RecordInvalid", "description": "Record validation errors", "details": details})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fieldLabel is how Zendesk names a field in a description: "external_id" → "External id".
func fieldLabel(f string) string {
	f = strings.ReplaceAll(f, "_", " ")
	if f == "" {
		return f
	}
	return strings.ToUpper(f[:1]) + f[1:]
}

// writeFailure answers err: a RecordInvalid as 422, a missing parent as 404.
func writeFailure(w http.ResponseWriter, err error) {
	switch e := err.(type) {
	case invalid:
		writeInvalid(w, http.StatusUnprocessableEntity, e)
	case notFoundError:
		writeError(w, http.StatusNotFound, "RecordNotFound", string(e))
	default:
		writeError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
	}
}

// notFoundError is a write whose parent (category, section, article) does not exist.
type notFoundError string

func (e notFoundError) Error() string { return string(e) }

// decodeBody reads a JSON write body into v; false means the answer (400) is written.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, "InvalidRequest", "could not read the body: "+err.Error())
		return false
	case len(b) > maxJSONBody:
		writeError(w, http.StatusRequestEntityTooLarge, "RequestTooLarge", "body over 32 MB")
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidJSON", "the body is not valid JSON: "+err.Error())
		return false
	}
	return true
}

// parseTime reads an ISO-8601 timestamp a write may set; "" is the zero time.
func parseTime(v invalid, field, raw string) time.Time {
	if raw == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		v.add(field, "is not an ISO-8601 time (%q)", raw)
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// now is the server's clock, as Zendesk stores times: UTC seconds.
func (s *Server) now() time.Time { return s.opts.Now().UTC().Truncate(time.Second) }

// created records a create for Stats and Written.
func (s *Server) created(kind string, id int64, duplicate bool) {
	s.writes.mu.Lock()
	s.writes.init()
	s.writes.created[kind] = append(s.writes.created[kind], id)
	s.writes.mu.Unlock()
	s.stats.created(kind, duplicate)
}

// discard swallows the answer of a write whose connection is dropped after it is applied.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (*discard) Write(b []byte) (int, error) { return len(b), nil }
func (*discard) WriteHeader(int)             {}
