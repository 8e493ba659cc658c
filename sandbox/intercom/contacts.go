package intercom

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) registerContacts() {
	s.handle("POST /contacts", s.createContact)
	s.handle("GET /contacts", s.listContacts)
	s.handle("GET /contacts/{id}", s.getContact)
	s.handle("PUT /contacts/{id}", s.updateContact)
	s.handle("DELETE /contacts/{id}", s.deleteContact)
	s.handleFirst("GET /contacts/find_by_external_id/{external_id}", s.findContactByExternalID)
	s.handle("POST /contacts/search", s.searchContacts)
	s.handle("POST /contacts/{id}/companies", s.attachCompany)
	s.handle("GET /contacts/{id}/companies", s.listContactCompanies)
	s.handle("POST /contacts/{id}/tags", s.tagContact)
	s.handle("GET /contacts/{id}/tags", s.listContactTags)
}

// contactRequest is create_contact_request and update_contact_request.
type contactRequest struct {
	Role                   *string        `json:"role"`
	ExternalID             *string        `json:"external_id"`
	Email                  *string        `json:"email"`
	Phone                  *string        `json:"phone"`
	Name                   *string        `json:"name"`
	Avatar                 *string        `json:"avatar"`
	SignedUpAt             *int64         `json:"signed_up_at"`
	LastSeenAt             *int64         `json:"last_seen_at"`
	OwnerID                *int64         `json:"owner_id"`
	UnsubscribedFromEmails *bool          `json:"unsubscribed_from_emails"`
	CustomAttributes       map[string]any `json:"custom_attributes"`
}

func (s *Server) createContact(c *call) (any, error) {
	var req contactRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if req.Role == nil && req.Email == nil && req.ExternalID == nil {
		return nil, badRequest("parameter_missing", "email, external_id or role is required")
	}
	ct := &Contact{Role: "user", CreatedAt: c.now}
	if err := s.applyContact(ct, req); err != nil {
		return nil, err
	}
	st := s.st
	ct.ID, ct.UpdatedAt = st.hexID("contact", 0x6762f2d8), c.now
	st.contacts.add(st.nextSeq(), ct.ID, ct)
	st.indexContact(ct)
	s.stats.created("contact")
	return s.renderContact(ct), nil
}

func (s *Server) updateContact(c *call) (any, error) {
	ct, ok := s.st.contacts.get(c.id())
	if !ok {
		return nil, userNotFound()
	}
	var req contactRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	next := ct.clone()
	if err := s.applyContact(&next, req); err != nil {
		return nil, err
	}
	s.st.unindexContact(ct)
	*ct = next
	ct.UpdatedAt = c.now
	s.st.indexContact(ct)
	return s.renderContact(ct), nil
}

// applyContact validates the request against the workspace's rules (the
// ones the description does not state) and copies it onto ct.
func (s *Server) applyContact(ct *Contact, req contactRequest) error {
	if req.Role != nil && *req.Role != "user" && *req.Role != "lead" {
		return invalid("role must be user or lead, not %q", *req.Role).onField("role")
	}
	next := *ct
	setIf(&next.Role, req.Role)
	setIf(&next.ExternalID, req.ExternalID)
	setIf(&next.Email, req.Email)
	setIf(&next.Phone, req.Phone)
	setIf(&next.Name, req.Name)
	setIf(&next.Avatar, req.Avatar)
	setIf(&next.SignedUpAt, req.SignedUpAt)
	setIf(&next.LastSeenAt, req.LastSeenAt)
	setIf(&next.UnsubscribedFromEmails, req.UnsubscribedFromEmails)
	if req.OwnerID != nil {
		next.OwnerID = strconv.FormatInt(*req.OwnerID, 10)
	}
	if err := s.checkContact(&next, req); err != nil {
		return err
	}
	next.CustomAttributes = mergeAttributes(next.CustomAttributes, req.CustomAttributes)
	*ct = next
	return nil
}

func (s *Server) checkContact(ct *Contact, req contactRequest) error {
	if id := s.st.conflictingContact(ct); id != "" {
		return newError(http.StatusConflict, "conflict", "A contact matching those details already exists with id=%s", id)
	}
	if req.Phone != nil && ct.Phone != "" && s.opts.PhoneValidation && !plausiblePhone(ct.Phone) {
		return badRequest("data_invalid", "The phone number %q is invalid", ct.Phone).onField("phone")
	}
	if req.OwnerID != nil {
		if _, ok := s.st.admin(ct.OwnerID); !ok {
			return adminNotFound().onField("owner_id")
		}
	}
	return s.st.checkCustomAttributes("contact", req.CustomAttributes)
}

// conflictingContact finds another contact with the same external_id, or a
// user with the same email (leads may share an email).
func (st *state) conflictingContact(ct *Contact) string {
	if id, ok := st.contactByExternalID[ct.ExternalID]; ok && ct.ExternalID != "" && id != ct.ID {
		return id
	}
	if id, ok := st.userByEmail[strings.ToLower(ct.Email)]; ok && ct.Role == "user" && ct.Email != "" && id != ct.ID {
		return id
	}
	return ""
}

func (st *state) indexContact(ct *Contact) {
	if ct.ExternalID != "" {
		st.contactByExternalID[ct.ExternalID] = ct.ID
	}
	if ct.Role == "user" && ct.Email != "" {
		st.userByEmail[strings.ToLower(ct.Email)] = ct.ID
	}
}

func (st *state) unindexContact(ct *Contact) {
	if st.contactByExternalID[ct.ExternalID] == ct.ID {
		delete(st.contactByExternalID, ct.ExternalID)
	}
	if key := strings.ToLower(ct.Email); st.userByEmail[key] == ct.ID {
		delete(st.userByEmail, key)
	}
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// mergeAttributes applies an update: given keys replace, others stay.
func mergeAttributes(cur, update map[string]any) map[string]any {
	if len(update) == 0 {
		return cur
	}
	out := cloneMap(cur)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range update {
		out[k] = v
	}
	return out
}

func (s *Server) getContact(c *call) (any, error) {
	ct, ok := s.st.contacts.get(c.id())
	if !ok {
		return nil, userNotFound()
	}
	return s.renderContact(ct), nil
}

func (s *Server) findContactByExternalID(c *call) (any, error) {
	id, ok := s.st.contactByExternalID[c.r.PathValue("external_id")]
	if !ok {
		return nil, userNotFound()
	}
	ct, _ := s.st.contacts.get(id)
	return s.renderContact(ct), nil
}

func (s *Server) deleteContact(c *call) (any, error) {
	ct, ok := s.st.contacts.get(c.id())
	if !ok {
		return nil, userNotFound()
	}
	s.st.unindexContact(ct)
	for _, companyID := range ct.CompanyIDs {
		if co, ok := s.st.companies.get(companyID); ok {
			co.ContactIDs = slices.DeleteFunc(co.ContactIDs, func(id string) bool { return id == ct.ID })
		}
	}
	s.st.contacts.remove(ct.ID)
	return obj{"type": "contact", "id": ct.ID, "external_id": nilIfEmpty(ct.ExternalID), "deleted": true}, nil
}

// listContacts pages with a cursor in the query; 10 per page by default
// whatever the description says (a known spec error).
func (s *Server) listContacts(c *call) (any, error) {
	perPage, err := perPageParam(c.query(), 10)
	if err != nil {
		return nil, err
	}
	cur, err := parseCursor(c.query().Get("starting_after"))
	if err != nil {
		return nil, err
	}
	all := entries(&s.st.contacts, nil)
	page, next := pageAfter(all, cur, perPage)
	return obj{"type": "list", "data": s.renderContacts(page), "total_count": len(all),
		"pages": cursorPages(cur, perPage, len(all), next)}, nil
}

func (s *Server) renderContacts(page []entry[Contact]) []obj {
	out := make([]obj, 0, len(page))
	for _, e := range page {
		out = append(out, s.renderContact(e.v))
	}
	return out
}

type idRequest struct {
	ID      *string `json:"id"`
	AdminID *string `json:"admin_id"`
}

func (s *Server) attachCompany(c *call) (any, error) {
	ct, ok := s.st.contacts.get(c.id())
	if !ok {
		return nil, userNotFound()
	}
	var req idRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if str(req.ID) == "" {
		return nil, badRequest("parameter_not_found", "company not specified")
	}
	co, ok := s.st.companies.get(*req.ID)
	if !ok {
		return nil, notFound("company_not_found", "Company Not Found")
	}
	if !slices.Contains(ct.CompanyIDs, co.ID) {
		if len(ct.CompanyIDs) >= 1000 {
			return nil, badRequest("contact_company_limit_exceeded", "Contact has reached the maximum of 1000 company associations")
		}
		ct.CompanyIDs = append(ct.CompanyIDs, co.ID)
		co.ContactIDs = append(co.ContactIDs, ct.ID)
		s.stats.created("contact_company")
	}
	return s.renderCompany(co), nil
}

func (s *Server) listContactCompanies(c *call) (any, error) {
	ct, ok := s.st.contacts.get(c.id())
	if !ok {
		return nil, userNotFound()
	}
	out := make([]obj, 0, len(ct.CompanyIDs))
	for _, id := range ct.CompanyIDs {
		if co, ok := s.st.companies.get(id); ok {
			out = append(out, s.renderCompany(co))
		}
	}
	return obj{"type": "list", "companies": out, "total_count": len(out),
		"pages": obj{"type": "pages", "page": 1, "next": nil, "per_page": 50, "total_pages": 1}}, nil
}

func (s *Server) tagContact(c *call) (any, error) {
	ct, ok := s.st.contacts.get(c.id())
	if !ok {
		return nil, userNotFound()
	}
	tag, err := s.tagFromRequest(c, false)
	if err != nil {
		return nil, err
	}
	ct.TagIDs = s.applyTag(ct.TagIDs, tag.ID)
	return renderTag(tag), nil
}

func (s *Server) listContactTags(c *call) (any, error) {
	ct, ok := s.st.contacts.get(c.id())
	if !ok {
		return nil, userNotFound()
	}
	return obj{"type": "list", "data": s.renderTags(ct.TagIDs)}, nil
}

// renderContact is the contact schema (2.15: owner_id an integer).
func (s *Server) renderContact(ct *Contact) obj {
	return obj{
		"type": "contact", "id": ct.ID, "workspace_id": s.opts.WorkspaceID,
		"external_id": nilIfEmpty(ct.ExternalID), "role": ct.Role, "email": ct.Email,
		"email_domain": emailDomain(ct.Email), "phone": nilIfEmpty(ct.Phone), "name": nilIfEmpty(ct.Name),
		"owner_id": intOrNil(ct.OwnerID), "has_hard_bounced": false, "marked_email_as_spam": false,
		"unsubscribed_from_emails": ct.UnsubscribedFromEmails,
		"created_at":               ct.CreatedAt, "updated_at": ct.UpdatedAt,
		"signed_up_at": tsOrNil(ct.SignedUpAt), "last_seen_at": tsOrNil(ct.LastSeenAt),
		"last_replied_at": nil, "last_contacted_at": nil, "last_email_opened_at": nil, "last_email_clicked_at": nil,
		"language_override": nil, "browser": nil, "browser_version": nil, "browser_language": nil, "os": nil,
		"custom_attributes":      emptyObject(ct.CustomAttributes),
		"avatar":                 obj{"type": "avatar", "image_url": nilIfEmpty(ct.Avatar)},
		"tags":                   addressableList("tag", "/tags/", ct.TagIDs, "/contacts/"+ct.ID+"/tags"),
		"notes":                  addressableList("note", "/notes/", nil, "/contacts/"+ct.ID+"/notes"),
		"companies":              addressableList("company", "/companies/", ct.CompanyIDs, "/contacts/"+ct.ID+"/companies"),
		"location":               obj{"type": "location", "country": nil, "region": nil, "city": nil},
		"social_profiles":        obj{"type": "list", "data": []obj{}},
		"enabled_push_messaging": nil,
	}
}

// addressableList is how a contact embeds its tags, notes and companies:
// the first 10 references, and a url for the rest.
func addressableList(typ, prefix string, ids []string, url string) obj {
	const shown = 10
	data := make([]obj, 0, min(len(ids), shown))
	for _, id := range ids[:min(len(ids), shown)] {
		data = append(data, obj{"type": typ, "id": id, "url": prefix + id})
	}
	return obj{"type": "list", "data": data, "url": url, "total_count": len(ids), "has_more": len(ids) > shown}
}

// checkCustomAttributes rejects attributes no custom data attribute of the
// model defines, and values of the wrong type: Intercom 2.x does not
// create attributes on the fly.
func (st *state) checkCustomAttributes(model string, attrs map[string]any) error {
	if st.opts.AllowUndefinedCustomAttributes {
		return nil
	}
	for _, name := range sortedKeys(attrs) {
		d, ok := st.customAttribute(model, name)
		if !ok {
			return badRequest("parameter_not_found", "Custom attribute '%s' does not exist", name).onField("custom_attributes")
		}
		if !valueFits(d, attrs[name]) {
			return invalid("Custom attribute '%s' expects a %s value", name, d.DataType).onField("custom_attributes")
		}
	}
	return nil
}

// valueFits checks a custom attribute value against its data type; null
// clears any attribute.
func valueFits(d DataAttribute, v any) bool {
	if v == nil {
		return true
	}
	switch d.DataType {
	case "string":
		s, ok := v.(string)
		return ok && (len(d.Options) == 0 || slices.Contains(d.Options, s))
	case "integer":
		n, ok := v.(json.Number)
		_, err := n.Int64()
		return ok && err == nil
	case "float":
		_, ok := v.(json.Number)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "date":
		_, isNum := v.(json.Number)
		_, isStr := v.(string)
		return isNum || isStr
	}
	return true
}
