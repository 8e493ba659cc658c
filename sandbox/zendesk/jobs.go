package zendesk

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"time"

	"github.com/deskport/deskport/sandbox/gen"
)

// Zendesk's bulk writes (POST /api/v2/users/create_or_update_many.json and
// /api/v2/imports/tickets/create_many.json) answer at once with a
// queued job status and do the work in the background; the caller polls
// GET /api/v2/job_statuses/{id}.json until the job is completed, then reads one result per
// record, in the order they were sent. The simulator applies the writes when the request
// arrives (so a dropped answer still leaves them applied, as on a real account) and reports the
// job as working until Options.JobDuration has passed.

// maxBulkUsers is the most users one create_or_update_many takes.
const maxBulkUsers = 100

// job is one bulk job as GET /api/v2/job_statuses/{id}.json shows it.
type job struct {
	id      string
	total   int
	done    time.Time // when it reads completed
	results []map[string]any
}

// jobState holds the jobs submitted so far.
type jobState struct {
	jobs map[string]*job
	next uint64
}

func (s *Server) registerJobs() {
	s.handle("POST /api/v2/users/create_or_update_many.json", route{write: true}, s.createOrUpdateManyUsers)
	s.handle("POST /api/v2/imports/tickets/create_many.json", route{write: true}, s.importManyTickets)
	s.handle("GET /api/v2/job_statuses/{file}", route{}, s.showJobStatus)
}

// createOrUpdateManyUsers applies each user as create_or_update does and queues a job whose
// results say, per user, Created, Updated or Failed with the reason. One invalid user fails only
// itself.
func (s *Server) createOrUpdateManyUsers(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Users []*userInput `json:"users"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if !bulkSize(w, "users", len(body.Users), maxBulkUsers) {
		return
	}
	results := make([]map[string]any, len(body.Users))
	var createdIDs []int64
	_ = s.acct.Write(func(ids *gen.NewIDs) error {
		for i, in := range body.Users {
			if in == nil {
				results[i] = map[string]any{"index": i, "status": "Failed", "success": false, "error": "UserCreateError", "details": "User: is missing"}
				continue
			}
			u, created, err := s.upsertUser(in, ids)
			if err != nil {
				name := "UserCreateError"
				if s.matchUser(in) >= 0 { // refused, so nothing changed: it matches as it did
					name = "UserUpdateError"
				}
				results[i] = map[string]any{"index": i, "status": "Failed", "success": false, "error": name, "details": err.Error()}
				continue
			}
			res := map[string]any{"index": i, "id": u.ID, "status": "Updated", "action": "update", "success": true}
			if created {
				res["status"], res["action"] = "Created", "create"
				createdIDs = append(createdIDs, u.ID)
			}
			if u.ExternalID != "" {
				res["external_id"] = u.ExternalID
			}
			if u.Email != "" {
				res["email"] = u.Email
			}
			results[i] = res
		}
		return nil
	})
	for _, id := range createdIDs {
		s.created("user", id, false)
	}
	j := s.queueJob(results)
	writeJSON(w, r, http.StatusOK, map[string]any{"job_status": s.jobJSON(r, j, "queued")})
}

// maxBulkTickets is the most tickets one create_many import takes.
const maxBulkTickets = 100

// importManyTickets imports each ticket as the single import does (archive_immediately applies
// to every closed one) and queues a job whose results say, per ticket, Created with its id or
// Failed with the reason. One invalid ticket fails only itself.
func (s *Server) importManyTickets(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Tickets []*importInput `json:"tickets"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if !bulkSize(w, "tickets", len(body.Tickets), maxBulkTickets) {
		return
	}
	archive := r.URL.Query().Get("archive_immediately") == "true"
	results := make([]map[string]any, len(body.Tickets))
	type made struct {
		id  int64
		dup bool
	}
	var created []made
	_ = s.acct.Write(func(ids *gen.NewIDs) error {
		for i, in := range body.Tickets {
			if in == nil {
				results[i] = map[string]any{"index": i, "status": "Failed", "success": false, "error": "TicketImportFailed", "details": "Ticket: is missing"}
				continue
			}
			t, dup, err := s.applyImport(in, ids, archive)
			if err != nil {
				results[i] = map[string]any{"index": i, "status": "Failed", "success": false, "error": "TicketImportFailed", "details": err.Error()}
				continue
			}
			results[i] = map[string]any{"index": i, "id": t.ID, "status": "Created", "action": "create", "success": true, "external_id": t.ExternalID}
			created = append(created, made{t.ID, dup})
		}
		return nil
	})
	for _, c := range created {
		s.created("ticket", c.id, c.dup)
	}
	j := s.queueJob(results)
	writeJSON(w, r, http.StatusOK, map[string]any{"job_status": s.jobJSON(r, j, "queued")})
}

// bulkSize checks a bulk write's record count: none, or more than max, is a 400 (written here).
func bulkSize(w http.ResponseWriter, key string, n, max int) bool {
	switch {
	case n == 0:
		writeInvalid(w, http.StatusBadRequest, invalid{key: {"is missing or empty"}})
		return false
	case n > max:
		writeError(w, http.StatusBadRequest, "TooManyValues", fmt.Sprintf("%s: %d given, at most %d a request", key, n, max))
		return false
	}
	return true
}

// queueJob keeps results as a new job's and returns it.
func (s *Server) queueJob(results []map[string]any) *job {
	s.writes.mu.Lock()
	defer s.writes.mu.Unlock()
	if s.writes.jobs.jobs == nil {
		s.writes.jobs.jobs = map[string]*job{}
	}
	s.writes.jobs.next++
	h := fnv.New128a()
	fmt.Fprintf(h, "job %d", s.writes.jobs.next)
	j := &job{id: fmt.Sprintf("%x", h.Sum(nil)), total: len(results), done: s.opts.Now().Add(s.opts.JobDuration), results: results}
	s.writes.jobs.jobs[j.id] = j
	return j
}

// showJobStatus answers a job's status: working until it is done, then completed with its
// results.
func (s *Server) showJobStatus(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	s.writes.mu.Lock()
	j := s.writes.jobs.jobs[id]
	s.writes.mu.Unlock()
	if !ok || j == nil {
		writeError(w, http.StatusNotFound, "RecordNotFound", "Not found")
		return
	}
	status := "completed"
	if s.opts.Now().Before(j.done) {
		status = "working"
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"job_status": s.jobJSON(r, j, status)})
}

// jobJSON renders j in the given status; results and progress only once it is completed.
func (s *Server) jobJSON(r *http.Request, j *job, status string) map[string]any {
	out := map[string]any{"id": j.id, "url": s.base(r, r.Host) + "/api/v2/job_statuses/" + j.id + ".json",
		"total": j.total, "progress": nil, "status": status, "message": nil, "results": nil}
	if status == "completed" {
		out["progress"], out["results"] = j.total, j.results
		out["message"] = "Completed at " + j.done.UTC().Format(time.RFC3339)
	}
	return out
}
