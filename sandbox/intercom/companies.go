package intercom

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

func (s *Server) registerCompanies() {
	s.handle("POST /companies", s.upsertCompany)
	s.handle("GET /companies", s.retrieveCompanies)
	s.handle("GET /companies/{id}", s.getCompany)
	s.handle("PUT /companies/{id}", s.updateCompany)
	s.handle("DELETE /companies/{id}", s.deleteCompany)
	s.handle("POST /companies/list", s.listCompanies)
}

// companyListCap is how far page-number pagination reaches; beyond it
// Intercom points to the scroll API.
const companyListCap = 10000

// companyRequest is create_or_update_company_request.
type companyRequest struct {
	Name             *string        `json:"name"`
	CompanyID        *string        `json:"company_id"`
	Plan             *string        `json:"plan"`
	Size             *int64         `json:"size"`
	Website          *string        `json:"website"`
	Industry         *string        `json:"industry"`
	CustomAttributes map[string]any `json:"custom_attributes"`
	RemoteCreatedAt  *int64         `json:"remote_created_at"`
	MonthlySpend     *json.Number   `json:"monthly_spend"`
}

// upsertCompany creates a company or updates the one with the same
// company_id (which never changes).
func (s *Server) upsertCompany(c *call) (any, error) {
	var req companyRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	spend, err := s.checkCompany(req)
	if err != nil {
		return nil, err
	}
	co, ok := s.st.companies.get(s.st.companyByCompanyID[str(req.CompanyID)])
	if !ok {
		co = s.newCompany(c, str(req.CompanyID))
	}
	setCompany(c, co, req, spend)
	return s.renderCompany(co), nil
}

func (s *Server) newCompany(c *call, companyID string) *Company {
	if companyID == "" {
		companyID = s.st.numericID("company_id", 0) // Intercom generates one
	}
	co := &Company{ID: s.st.hexID("company", 0x6762f07a), CompanyID: companyID, CreatedAt: c.now}
	s.st.companies.add(s.st.nextSeq(), co.ID, co)
	s.st.companyByCompanyID[co.CompanyID] = co.ID
	s.stats.created("company")
	return co
}

func (s *Server) updateCompany(c *call) (any, error) {
	co, ok := s.st.companies.get(c.id())
	if !ok {
		return nil, companyNotFound()
	}
	var req companyRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	spend, err := s.checkCompany(req)
	if err != nil {
		return nil, err
	}
	req.CompanyID = nil // immutable
	setCompany(c, co, req, spend)
	return s.renderCompany(co), nil
}

func (s *Server) checkCompany(req companyRequest) (*int64, error) {
	spend, err := monthlySpend(req.MonthlySpend)
	if err != nil {
		return nil, err
	}
	return spend, s.st.checkCustomAttributes("company", req.CustomAttributes)
}

func setCompany(c *call, co *Company, req companyRequest, spend *int64) {
	setIf(&co.Name, req.Name)
	setIf(&co.Plan, req.Plan)
	setIf(&co.Size, req.Size)
	setIf(&co.Website, req.Website)
	setIf(&co.Industry, req.Industry)
	setIf(&co.RemoteCreatedAt, req.RemoteCreatedAt)
	setIf(&co.MonthlySpend, spend)
	co.CustomAttributes = mergeAttributes(co.CustomAttributes, req.CustomAttributes)
	co.UpdatedAt = c.now
}

// monthlySpend truncates floats to whole numbers, up to 2^31-1, as
// documented.
func monthlySpend(n *json.Number) (*int64, error) {
	if n == nil {
		return nil, nil
	}
	f, err := n.Float64()
	if err != nil || f > math.MaxInt32 || f < 0 {
		return nil, invalid("monthly_spend must be a number between 0 and 2147483647").onField("monthly_spend")
	}
	v := int64(f)
	return &v, nil
}

// retrieveCompanies finds one company by company_id or name, or lists the
// companies of a tag, or all (of those with a contact).
func (s *Server) retrieveCompanies(c *call) (any, error) {
	q := c.query()
	if q.Has("company_id") || q.Has("name") {
		co := s.st.findCompany(q.Get("company_id"), q.Get("name"))
		if co == nil {
			return nil, companyNotFound()
		}
		return obj{"type": "list", "data": []obj{s.renderCompany(co)}, "total_count": 1,
			"pages": obj{"type": "pages", "page": 1, "per_page": 15, "total_pages": 1}}, nil
	}
	tagID := q.Get("tag_id")
	return s.companyPage(c, func(co *Company) bool {
		return len(co.ContactIDs) > 0 && (tagID == "" || slices.Contains(co.TagIDs, tagID))
	}, false)
}

func (st *state) findCompany(companyID, name string) *Company {
	if companyID != "" {
		co, _ := st.companies.get(st.companyByCompanyID[companyID])
		return co
	}
	for _, e := range st.companies.order {
		if e.v.Name == name {
			return e.v
		}
	}
	return nil
}

// listCompanies is POST /companies/list: companies with a contact, newest
// first unless order=asc.
func (s *Server) listCompanies(c *call) (any, error) {
	return s.companyPage(c, func(co *Company) bool { return len(co.ContactIDs) > 0 }, c.query().Get("order") != "asc")
}

// companyPage pages with page and per_page (default 15).
func (s *Server) companyPage(c *call, keep func(*Company) bool, newestFirst bool) (any, error) {
	perPage, err := perPageParam(c.query(), 15)
	if err != nil {
		return nil, err
	}
	page, err := intParam(c.query(), "page", 1, 1, math.MaxInt32)
	if err != nil {
		return nil, err
	}
	all := entries(&s.st.companies, keep)
	if newestFirst {
		slices.Reverse(all)
	}
	reachable := all[:min(len(all), companyListCap)]
	from, to := min((page-1)*perPage, len(reachable)), min(page*perPage, len(reachable))
	data := make([]obj, 0, to-from)
	for _, e := range reachable[from:to] {
		data = append(data, s.renderCompany(e.v))
	}
	return obj{"type": "list", "data": data, "total_count": len(all),
		"pages": obj{"type": "pages", "page": page, "per_page": perPage, "total_pages": totalPages(len(reachable), perPage)}}, nil
}

func (s *Server) getCompany(c *call) (any, error) {
	co, ok := s.st.companies.get(c.id())
	if !ok {
		return nil, companyNotFound()
	}
	return s.renderCompany(co), nil
}

// deleteCompany detaches the company from its contacts and removes it
// (Intercom archives it asynchronously; the effect seen through the API
// is the same).
func (s *Server) deleteCompany(c *call) (any, error) {
	co, ok := s.st.companies.get(c.id())
	if !ok {
		return nil, companyNotFound()
	}
	for _, contactID := range co.ContactIDs {
		if ct, ok := s.st.contacts.get(contactID); ok {
			ct.CompanyIDs = slices.DeleteFunc(ct.CompanyIDs, func(id string) bool { return id == co.ID })
		}
	}
	delete(s.st.companyByCompanyID, co.CompanyID)
	s.st.companies.remove(co.ID)
	return obj{"id": co.ID, "object": "company", "deleted": true}, nil
}

func companyNotFound() *apiError { return notFound("company_not_found", "Company Not Found") }

func (s *Server) renderCompany(co *Company) obj {
	return obj{
		"type": "company", "id": co.ID, "name": co.Name, "app_id": s.opts.WorkspaceID,
		"plan": s.renderPlan(co.Plan), "company_id": co.CompanyID,
		"remote_created_at": co.RemoteCreatedAt, "created_at": co.CreatedAt, "updated_at": co.UpdatedAt,
		"last_request_at": 0, "size": co.Size, "website": co.Website, "industry": co.Industry,
		"monthly_spend": co.MonthlySpend, "session_count": 0, "user_count": len(co.ContactIDs),
		"custom_attributes": emptyObject(co.CustomAttributes),
		"tags":              obj{"type": "tag.list", "tags": s.renderTags(co.TagIDs)},
		"segments":          obj{"type": "segment.list", "segments": []obj{}},
	}
}

// renderPlan turns the plan name of the request into the plan object of
// the response, with a stable id per name.
func (s *Server) renderPlan(name string) obj {
	if name == "" {
		return obj{}
	}
	id, ok := s.st.planIDs[name]
	if !ok {
		id = strconv.Itoa(len(s.st.planIDs) + 1)
		s.st.planIDs[name] = id
	}
	return obj{"type": "plan", "id": id, "name": name}
}
