package intercom

import (
	"slices"
	"strings"
)

func (s *Server) registerTags() {
	s.handle("GET /tags", s.listTags)
	s.handle("POST /tags", s.createTag)
	s.handle("GET /tags/{id}", s.getTag)
	s.handle("DELETE /tags/{id}", s.deleteTag)
}

// tagRequest is create_or_update_tag_request; companies and users belong
// to the other request shapes of POST /tags, which are not simulated.
type tagRequest struct {
	Name      *string `json:"name"`
	ID        *string `json:"id"`
	Companies []any   `json:"companies"`
	Users     []any   `json:"users"`
}

func (s *Server) listTags(c *call) (any, error) {
	data := make([]obj, 0, s.st.tags.len())
	for _, e := range s.st.tags.order {
		data = append(data, renderTag(e.v))
	}
	return obj{"type": "list", "data": data}, nil
}

// createTag returns the tag of that name (case-insensitively) or creates
// it, which makes it idempotent by name; with an id it renames that tag.
func (s *Server) createTag(c *call) (any, error) {
	var req tagRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(str(req.Name))
	switch {
	case req.Companies != nil || req.Users != nil:
		return nil, invalid("tagging companies or users through POST /tags is not simulated by the sandbox")
	case name == "":
		return nil, invalid("invalid tag parameters").onField("name")
	case req.ID != nil:
		return s.renameTag(*req.ID, name)
	}
	if id, ok := s.st.tagByName[strings.ToLower(name)]; ok {
		tag, _ := s.st.tags.get(id)
		return renderTag(tag), nil
	}
	tag := &Tag{ID: s.st.numericID("tag", 7000000), Name: name, CreatedAt: c.now}
	s.st.tags.add(s.st.nextSeq(), tag.ID, tag)
	s.st.tagByName[strings.ToLower(name)] = tag.ID
	s.stats.created("tag")
	return renderTag(tag), nil
}

func (s *Server) renameTag(id, name string) (any, error) {
	tag, ok := s.st.tags.get(id)
	if !ok {
		return nil, resourceNotFound()
	}
	if other, taken := s.st.tagByName[strings.ToLower(name)]; taken && other != id {
		return nil, invalid("A tag named '%s' already exists", name).onField("name")
	}
	delete(s.st.tagByName, strings.ToLower(tag.Name))
	tag.Name = name
	s.st.tagByName[strings.ToLower(name)] = id
	return renderTag(tag), nil
}

func (s *Server) getTag(c *call) (any, error) {
	tag, ok := s.st.tags.get(c.id())
	if !ok {
		return nil, resourceNotFound()
	}
	return renderTag(tag), nil
}

// deleteTag refuses tags still applied to something, as the reference
// describes; the answer to a deletion has no body.
func (s *Server) deleteTag(c *call) (any, error) {
	tag, ok := s.st.tags.get(c.id())
	if !ok {
		return nil, resourceNotFound()
	}
	if s.st.tagInUse(tag.ID) {
		return nil, badRequest("tag_has_dependent_objects", "Unable to delete Tag with dependent objects. Tag '%s' is applied to contacts, companies, conversations or tickets.", tag.Name)
	}
	delete(s.st.tagByName, strings.ToLower(tag.Name))
	s.st.tags.remove(tag.ID)
	return noContent{}, nil
}

func (st *state) tagInUse(id string) bool {
	has := func(ids []string) bool { return slices.Contains(ids, id) }
	for _, e := range st.contacts.order {
		if has(e.v.TagIDs) {
			return true
		}
	}
	for _, e := range st.companies.order {
		if has(e.v.TagIDs) {
			return true
		}
	}
	for _, e := range st.conversations.order {
		if has(e.v.TagIDs) {
			return true
		}
	}
	for _, e := range st.tickets.order {
		if has(e.v.TagIDs) {
			return true
		}
	}
	return false
}

// tagFromRequest reads {id, admin_id} of a tagging request; conversations
// and tickets name the admin who tags.
func (s *Server) tagFromRequest(c *call, needAdmin bool) (*Tag, error) {
	var req idRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if needAdmin {
		if err := s.st.checkAdmin(str(req.AdminID)); err != nil {
			return nil, err
		}
	}
	tag, ok := s.st.tags.get(str(req.ID))
	if !ok {
		return nil, notFound("not_found", "Tag not found")
	}
	return tag, nil
}

// applyTag adds a tag once; tagging twice is a no-op.
func (s *Server) applyTag(ids []string, tagID string) []string {
	if slices.Contains(ids, tagID) {
		return ids
	}
	s.stats.created("tagging")
	return append(ids, tagID)
}

func renderTag(t *Tag) obj { return obj{"type": "tag", "id": t.ID, "name": t.Name} }

func (s *Server) renderTags(ids []string) []obj {
	out := make([]obj, 0, len(ids))
	for _, id := range ids {
		if t, ok := s.st.tags.get(id); ok {
			out = append(out, renderTag(t))
		}
	}
	return out
}

// checkAdmin answers 400 admin_not_found for an unknown or missing admin.
func (st *state) checkAdmin(id string) error {
	if _, ok := st.admin(id); !ok {
		return adminNotFound().onField("admin_id")
	}
	return nil
}
