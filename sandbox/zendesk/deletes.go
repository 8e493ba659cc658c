package zendesk

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/deskport/deskport/sandbox/gen"
)

// The deletes a rollback of a migration into Zendesk makes, and the reads that show what is left:
// one record by id, many by id, a user's or organization's related counts, and totals.
//
//   - Tickets: DELETE /api/v2/tickets/{id}.json (204) soft-deletes: the status becomes deleted (an
//     audit records it), the ticket leaves the lists, search and show (404), and stays in the
//     incremental export as deleted. DELETE /api/v2/deleted_tickets/{id}.json deletes a soft-deleted
//     ticket for good: it answers a queued job status, and the ticket is gone from the account.
//     Archived tickets can be deleted too [?].
//   - Users: DELETE /api/v2/users/{id}.json (200, the user with active false) moves the user to the
//     deleted users: it leaves the lists and search, and create_or_update no longer matches it;
//     show still answers it, inactive. DELETE /api/v2/deleted_users/{id}.json (200) deletes it for
//     good; show then answers 404. The credentials' own user cannot be deleted (403).
//   - Organizations: DELETE /api/v2/organizations/{id}.json (204); its members lose it.
//   - Guide: DELETE /api/v2/help_center/articles/{id}.json archives the article (it leaves every
//     list and show); sections take their nested sections and articles with them, categories
//     everything in them; DELETE /api/v2/help_center/translations/{id}.json deletes a translation,
//     except the source locale's (400).
//
// Every route meets the faults and rate limits of the others; a delete's answer may be dropped
// after it is applied (DropAfterWriteRate), and sending it again then answers 404.

// deleteState holds the users deleted but not yet deleted for good.
type deleteState struct {
	mu    sync.Mutex
	users map[int64]gen.User
}

// registerDeletes declares the deletes and the reads that check them.
func (s *Server) registerDeletes() {
	wr := route{write: true}
	s.handle("DELETE /api/v2/tickets/{file}", wr, s.deleteTicket)
	s.handle("DELETE /api/v2/deleted_tickets/{file}", wr, s.destroyTicket)
	s.handle("DELETE /api/v2/users/{file}", wr, s.deleteUser)
	s.handle("DELETE /api/v2/deleted_users/{file}", wr, s.destroyUser)
	s.handle("DELETE /api/v2/organizations/{file}", wr, s.deleteOrganization)
	const hc = "/api/v2/help_center/"
	s.handle("DELETE "+hc+"articles/{file}", wr, s.deleteArticle)
	s.handle("DELETE "+hc+"sections/{file}", wr, s.deleteSection)
	s.handle("DELETE "+hc+"categories/{file}", wr, s.deleteCategory)
	s.handle("DELETE "+hc+"translations/{file}", wr, s.deleteTranslation)

	s.handle("GET /api/v2/tickets/show_many.json", route{}, s.showManyTickets)
	s.handle("GET /api/v2/tickets/count.json", route{}, s.countTickets)
	s.handle("GET /api/v2/users/{file}", route{}, s.showUser)
	s.handle("GET /api/v2/users/show_many.json", route{}, s.showManyUsers)
	s.handle("GET /api/v2/users/count.json", route{}, s.countUsers)
	s.handle("GET /api/v2/users/{id}/related.json", route{}, s.userRelated)
	s.handle("GET /api/v2/organizations/{file}", route{}, s.showOrganization)
	s.handle("GET /api/v2/organizations/show_many.json", route{}, s.showManyOrganizations)
	s.handle("GET /api/v2/organizations/count.json", route{}, s.countOrganizations)
	s.handle("GET /api/v2/organizations/{id}/related.json", route{}, s.organizationRelated)
	s.handle("GET "+hc+"articles/{file}", route{}, s.showArticle)
	s.handle("GET "+hc+"sections/{file}", route{}, s.showSection)
	s.handle("GET "+hc+"categories/{file}", route{}, s.showCategory)
}

// fileID reads the id of a {file} path value such as "123.json"; 0 when it is not one.
func fileID(r *http.Request) int64 {
	raw, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// refusal is a delete Zendesk refuses with a status of its own (403, 400).
type refusal struct {
	status      int
	name, descr string
}

func (e refusal) Error() string { return e.descr }

// deleted answers a delete: 204, or the refusal.
func (s *Server) deleted(w http.ResponseWriter, r *http.Request, kind string, err error) {
	if s.failDelete(w, err) {
		return
	}
	s.stats.deleted(kind)
	w.WriteHeader(http.StatusNoContent)
}

// failDelete writes err's answer and reports whether there was one.
func (s *Server) failDelete(w http.ResponseWriter, err error) bool {
	var ref refusal
	switch {
	case err == nil:
		return false
	case errors.As(err, &ref):
		writeError(w, ref.status, ref.name, ref.descr)
	default:
		writeFailure(w, err)
	}
	return true
}

func notFoundID(what string, id int64) error {
	return notFoundError(what + " " + strconv.FormatInt(id, 10) + " does not exist")
}

// deleteTicket soft-deletes a ticket, archived or not.
func (s *Server) deleteTicket(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	err := s.acct.Write(func(ids *gen.NewIDs) error {
		t := s.acct.TicketByID(id)
		if t == nil || t.Status == gen.StatusDeleted {
			return notFoundID("ticket", id)
		}
		now := s.now()
		t.Changes = append(t.Changes, gen.Change{AuditID: ids.Audit(), ID: ids.Audit(), AuthorID: s.meID(),
			Field: "status", From: t.Status, To: gen.StatusDeleted, At: now})
		t.Status, t.UpdatedAt, t.GeneratedAt = gen.StatusDeleted, later(now, t.UpdatedAt), later(now, t.GeneratedAt)
		return nil
	})
	s.deleted(w, r, "ticket", err)
}

// destroyTicket deletes a soft-deleted ticket for good, answering a job status as Zendesk does.
func (s *Server) destroyTicket(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	err := s.acct.Write(func(*gen.NewIDs) error {
		i := slices.IndexFunc(s.acct.Tickets, func(t gen.Ticket) bool { return t.ID == id })
		if i < 0 || s.acct.Tickets[i].Status != gen.StatusDeleted {
			return notFoundID("deleted ticket", id)
		}
		s.acct.Tickets = slices.Delete(s.acct.Tickets, i, i+1)
		s.writes.mu.Lock()
		defer s.writes.mu.Unlock()
		s.writes.init()
		delete(s.writes.archived, id)
		delete(s.writes.solvedAt, id)
		return nil
	})
	if s.failDelete(w, err) {
		return
	}
	s.stats.deleted("ticket_permanently")
	j := s.queueJob([]map[string]any{{"id": id, "action": "delete", "status": "Deleted", "success": true}})
	writeJSON(w, r, http.StatusOK, map[string]any{"job_status": s.jobJSON(r, j, "queued")})
}

// deleteUser moves a user to the deleted users and answers it, inactive.
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	var u gen.User
	err := s.acct.Write(func(*gen.NewIDs) error {
		i := slices.IndexFunc(s.acct.Users, func(u gen.User) bool { return u.ID == id })
		if i < 0 {
			return notFoundID("user", id)
		}
		if id == s.meID() {
			return refusal{http.StatusForbidden, "PermissionDenied", "you cannot delete yourself"}
		}
		u = s.acct.Users[i]
		u.Active, u.UpdatedAt = false, later(s.now(), u.UpdatedAt)
		s.acct.Users = slices.Delete(s.acct.Users, i, i+1)
		s.dels.mu.Lock()
		defer s.dels.mu.Unlock()
		if s.dels.users == nil {
			s.dels.users = map[int64]gen.User{}
		}
		s.dels.users[id] = u
		return nil
	})
	if s.failDelete(w, err) {
		return
	}
	s.stats.deleted("user")
	s.acct.RLock()
	defer s.acct.RUnlock()
	writeJSON(w, r, http.StatusOK, map[string]any{"user": s.renderer(r, s.indexes()).userJSON(&u)})
}

// destroyUser deletes a deleted user for good.
func (s *Server) destroyUser(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	s.dels.mu.Lock()
	u, ok := s.dels.users[id]
	delete(s.dels.users, id)
	s.dels.mu.Unlock()
	if !ok {
		notFound(w)
		return
	}
	s.stats.deleted("user_permanently")
	s.acct.RLock()
	defer s.acct.RUnlock()
	writeJSON(w, r, http.StatusOK, map[string]any{"deleted_user": s.renderer(r, s.indexes()).userJSON(&u)})
}

// deletedUser is a user deleted but not yet for good, or false.
func (s *Server) deletedUser(id int64) (gen.User, bool) {
	s.dels.mu.Lock()
	defer s.dels.mu.Unlock()
	u, ok := s.dels.users[id]
	return u, ok
}

// deleteOrganization deletes an organization; its members lose it.
func (s *Server) deleteOrganization(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	err := s.acct.Write(func(*gen.NewIDs) error {
		i := slices.IndexFunc(s.acct.Organizations, func(o gen.Organization) bool { return o.ID == id })
		if i < 0 {
			return notFoundID("organization", id)
		}
		s.acct.Organizations = slices.Delete(s.acct.Organizations, i, i+1)
		for k := range s.acct.Users {
			if s.acct.Users[k].OrganizationID == id {
				s.acct.Users[k].OrganizationID = 0
			}
		}
		return nil
	})
	s.deleted(w, r, "organization", err)
}

// deleteArticle archives an article: it leaves every list and show.
func (s *Server) deleteArticle(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	err := s.acct.Write(func(*gen.NewIDs) error {
		g := &s.acct.Guide
		i := slices.IndexFunc(g.Articles, func(a gen.KBArticle) bool { return a.ID == id })
		if i < 0 {
			return notFoundID("article", id)
		}
		g.Articles = slices.Delete(g.Articles, i, i+1)
		return nil
	})
	s.deleted(w, r, "article", err)
}

// deleteSection deletes a section with the sections nested in it and their articles.
func (s *Server) deleteSection(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	err := s.acct.Write(func(*gen.NewIDs) error {
		g := &s.acct.Guide
		if g.Section(id) == nil {
			return notFoundID("section", id)
		}
		gone := map[int64]bool{id: true}
		for grew := true; grew; {
			grew = false
			for _, sec := range g.Sections {
				if !gone[sec.ID] && gone[sec.ParentID] {
					gone[sec.ID], grew = true, true
				}
			}
		}
		dropGuide(g, gone)
		return nil
	})
	s.deleted(w, r, "section", err)
}

// deleteCategory deletes a category with its sections and their articles.
func (s *Server) deleteCategory(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	err := s.acct.Write(func(*gen.NewIDs) error {
		g := &s.acct.Guide
		i := slices.IndexFunc(g.Categories, func(c gen.KBCategory) bool { return c.ID == id })
		if i < 0 {
			return notFoundID("category", id)
		}
		g.Categories = slices.Delete(g.Categories, i, i+1)
		gone := map[int64]bool{}
		for _, sec := range g.Sections {
			if sec.CategoryID == id {
				gone[sec.ID] = true
			}
		}
		dropGuide(g, gone)
		return nil
	})
	s.deleted(w, r, "category", err)
}

// dropGuide removes the sections in gone and their articles.
func dropGuide(g *gen.Guide, gone map[int64]bool) {
	g.Sections = slices.DeleteFunc(g.Sections, func(sec gen.KBSection) bool { return gone[sec.ID] })
	g.Articles = slices.DeleteFunc(g.Articles, func(a gen.KBArticle) bool { return a.SectionID != 0 && gone[a.SectionID] })
}

// deleteTranslation deletes one translation of an article, section or category; the source
// locale's stays (it is the record itself).
func (s *Server) deleteTranslation(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	err := s.acct.Write(func(*gen.NewIDs) error {
		g := &s.acct.Guide
		defaultLocale := ""
		if len(g.Locales) > 0 {
			defaultLocale = g.Locales[0]
		}
		drop := func(list *[]gen.KBTranslation, source string) (bool, error) {
			i := slices.IndexFunc(*list, func(t gen.KBTranslation) bool { return t.ID == id })
			if i < 0 {
				return false, nil
			}
			if strings.EqualFold((*list)[i].Locale, source) {
				return true, refusal{http.StatusBadRequest, "InvalidAction", "the source locale's translation cannot be deleted"}
			}
			*list = slices.Delete(*list, i, i+1)
			return true, nil
		}
		for i := range g.Articles {
			if found, err := drop(&g.Articles[i].Translations, g.Articles[i].Locale); found {
				return err
			}
		}
		for i := range g.Sections {
			if found, err := drop(&g.Sections[i].Translations, defaultLocale); found {
				return err
			}
		}
		for i := range g.Categories {
			if found, err := drop(&g.Categories[i].Translations, defaultLocale); found {
				return err
			}
		}
		return notFoundID("translation", id)
	})
	s.deleted(w, r, "translation", err)
}

// idsParam reads show_many's ids=1,2,3 (at most 100); false means the answer (400) is written.
func idsParam(w http.ResponseWriter, r *http.Request) (map[int64]bool, bool) {
	raw := strings.Split(r.URL.Query().Get("ids"), ",")
	if len(raw) > maxPageSize {
		writeError(w, http.StatusBadRequest, "TooManyValues", "ids: at most 100 a request")
		return nil, false
	}
	out := map[int64]bool{}
	for _, s := range raw {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "InvalidParameter", "ids: "+s+" is not an id")
			return nil, false
		}
		out[id] = true
	}
	if len(out) == 0 {
		writeError(w, http.StatusBadRequest, "InvalidParameter", "ids is required")
		return nil, false
	}
	return out, true
}

// showManyTickets answers the tickets of ids that are not deleted, archived ones included.
func (s *Server) showManyTickets(w http.ResponseWriter, r *http.Request) {
	ids, ok := idsParam(w, r)
	if !ok {
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	rd := s.renderer(r, s.indexes())
	out := []ticketJSON{}
	for i := range s.acct.Tickets {
		if t := &s.acct.Tickets[i]; ids[t.ID] && t.Status != gen.StatusDeleted {
			out = append(out, rd.ticket(t))
		}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"tickets": out, "count": len(out), "next_page": nil, "previous_page": nil})
}

// countJSON is the envelope of the count endpoints.
func (s *Server) countJSON(w http.ResponseWriter, r *http.Request, n int) {
	writeJSON(w, r, http.StatusOK, map[string]any{"count": map[string]any{"value": n, "refreshed_at": ts(s.now())}})
}

// countTickets counts the tickets that are not deleted, archived ones included.
func (s *Server) countTickets(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	n := 0
	for _, t := range s.acct.Tickets {
		if t.Status != gen.StatusDeleted {
			n++
		}
	}
	s.countJSON(w, r, n)
}

// showUser answers a user; a deleted one (not yet for good) answers inactive.
func (s *Server) showUser(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	rd := s.renderer(r, ix)
	if i, ok := ix.userIdx[id]; ok {
		writeJSON(w, r, http.StatusOK, map[string]any{"user": rd.userJSON(&s.acct.Users[i])})
		return
	}
	if u, ok := s.deletedUser(id); ok {
		writeJSON(w, r, http.StatusOK, map[string]any{"user": rd.userJSON(&u)})
		return
	}
	notFound(w)
}

// showManyUsers answers the users of ids, deleted ones (not yet for good) inactive.
func (s *Server) showManyUsers(w http.ResponseWriter, r *http.Request) {
	ids, ok := idsParam(w, r)
	if !ok {
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	rd := s.renderer(r, ix)
	out := []userJSON{}
	for _, i := range ix.usersByID {
		if u := &s.acct.Users[i]; ids[u.ID] {
			out = append(out, rd.userJSON(u))
			delete(ids, u.ID)
		}
	}
	for id := range ids {
		if u, ok := s.deletedUser(id); ok {
			out = append(out, rd.userJSON(&u))
		}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"users": out, "count": len(out), "next_page": nil, "previous_page": nil})
}

// countUsers counts the users, of a role when ?role= names one.
func (s *Server) countUsers(w http.ResponseWriter, r *http.Request) {
	roles := append(r.URL.Query()["role"], r.URL.Query()["role[]"]...)
	s.acct.RLock()
	defer s.acct.RUnlock()
	n := 0
	for _, u := range s.acct.Users {
		if len(roles) == 0 || slices.Contains(roles, u.Role) {
			n++
		}
	}
	s.countJSON(w, r, n)
}

// userRelated counts the tickets a user requests, is assigned or is copied on (deleted tickets
// left out, archived ones counted).
func (s *Server) userRelated(w http.ResponseWriter, r *http.Request) {
	id := parseID(r.PathValue("id"))
	s.acct.RLock()
	defer s.acct.RUnlock()
	if _, ok := s.indexes().userIdx[id]; !ok {
		if _, ok := s.deletedUser(id); !ok {
			notFound(w)
			return
		}
	}
	var requested, assigned, ccd int
	for _, t := range s.acct.Tickets {
		if t.Status == gen.StatusDeleted {
			continue
		}
		if t.RequesterID == id {
			requested++
		}
		if t.AssigneeID == id {
			assigned++
		}
		if slices.Contains(t.CollaboratorIDs, id) {
			ccd++
		}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"user_related": map[string]any{
		"requested_tickets": requested, "assigned_tickets": assigned, "ccd_tickets": ccd, "organization_subscriptions": 0}})
}

func (s *Server) showOrganization(w http.ResponseWriter, r *http.Request) {
	id := fileID(r)
	s.acct.RLock()
	defer s.acct.RUnlock()
	i := slices.IndexFunc(s.acct.Organizations, func(o gen.Organization) bool { return o.ID == id })
	if i < 0 {
		notFound(w)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"organization": s.renderer(r, s.indexes()).organization(&s.acct.Organizations[i])})
}

func (s *Server) showManyOrganizations(w http.ResponseWriter, r *http.Request) {
	ids, ok := idsParam(w, r)
	if !ok {
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	ix := s.indexes()
	rd := s.renderer(r, ix)
	out := []organizationJSON{}
	for _, i := range ix.orgsByID {
		if o := &s.acct.Organizations[i]; ids[o.ID] {
			out = append(out, rd.organization(o))
		}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"organizations": out, "count": len(out), "next_page": nil, "previous_page": nil})
}

func (s *Server) countOrganizations(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	s.countJSON(w, r, len(s.acct.Organizations))
}

// organizationRelated counts an organization's members and its tickets that are not deleted.
func (s *Server) organizationRelated(w http.ResponseWriter, r *http.Request) {
	id := parseID(r.PathValue("id"))
	s.acct.RLock()
	defer s.acct.RUnlock()
	if !s.orgExists(id) {
		notFound(w)
		return
	}
	var users, tickets int
	for _, u := range s.acct.Users {
		if u.OrganizationID == id {
			users++
		}
	}
	for _, t := range s.acct.Tickets {
		if t.OrganizationID == id && t.Status != gen.StatusDeleted {
			tickets++
		}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"organization_related": map[string]any{"users_count": users, "tickets_count": tickets}})
}

func (s *Server) showArticle(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	a := guideArticle(&s.acct.Guide, fileID(r))
	if a == nil {
		notFound(w)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"article": hcArticle(s.base(r, r.Host), a)})
}

func (s *Server) showSection(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	g := &s.acct.Guide
	sec := g.Section(fileID(r))
	if sec == nil {
		notFound(w)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"section": hcSection(s.base(r, r.Host), g, sec)})
}

func (s *Server) showCategory(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	g := &s.acct.Guide
	id := fileID(r)
	i := slices.IndexFunc(g.Categories, func(c gen.KBCategory) bool { return c.ID == id })
	if i < 0 {
		notFound(w)
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"category": hcCategory(s.base(r, r.Host), g, &g.Categories[i])})
}
