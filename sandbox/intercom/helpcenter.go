package intercom

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The Help Center: help centers, collections (nested through parent_id, at most three levels, as
// intercom-api.md says) and articles with translated_content, as the 2.15 description has them.
// Lists page by number (page, per_page) like the real GET /articles and /help_center/collections.

func (s *Server) registerHelpCenter() {
	s.handle("GET /help_center/help_centers", s.listHelpCenters)
	s.handle("GET /help_center/help_centers/{id}", s.getHelpCenter)
	s.handle("GET /help_center/collections", s.listCollections)
	s.handle("POST /help_center/collections", s.createCollection)
	s.handle("GET /help_center/collections/{id}", s.getCollection)
	s.handle("PUT /help_center/collections/{id}", s.updateCollection)
	s.handle("DELETE /help_center/collections/{id}", s.deleteCollection)
	s.handle("GET /articles", s.listArticles)
	s.handle("POST /articles", s.createArticle)
	s.handle("GET /articles/{id}", s.getArticle)
	s.handle("PUT /articles/{id}", s.updateArticle)
	s.handle("DELETE /articles/{id}", s.deleteArticle)
}

// HelpCenterLocales are the locales a Help Center supports (intercom-api.md).
var HelpCenterLocales = []string{"ar", "bg", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr",
	"he", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "mn", "nb", "nl", "pl", "pt", "ro", "ru", "sl", "sr",
	"sv", "tr", "vi", "pt-BR", "zh-CN", "zh-TW"}

// maxCollectionDepth is how deep collections nest.
const maxCollectionDepth = 3

// HelpCenter is one of the workspace's help centers; the first is the default.
type HelpCenter struct {
	ID          string
	Identifier  string
	DisplayName string
	CreatedAt   int64
}

// Content is one locale's variant of a collection (Name, Description) or an article.
type Content struct {
	Name        string `json:"name,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Body        string `json:"body,omitempty"`
	AuthorID    string `json:"author_id,omitempty"`
	State       string `json:"state,omitempty"`
}

// Collection is a collection or, with a ParentID, a section of one.
type Collection struct {
	ID           string
	HelpCenterID string
	ParentID     string
	Name         string
	Description  string
	Translations map[string]Content
	CreatedAt    int64
	UpdatedAt    int64
}

// Article is a Help Center article; ParentID names its collection (empty: it stands alone).
type Article struct {
	ID           string
	Title        string
	Description  string
	Body         string
	AuthorID     string
	State        string
	ParentID     string
	ParentType   string
	Translations map[string]Content
	CreatedAt    int64
	UpdatedAt    int64
}

// helpCenterState is the Help Center part of the workspace.
type helpCenterState struct {
	centers     []HelpCenter
	collections table[Collection]
	articles    table[Article]
}

func (st *state) helpCenter() *helpCenterState {
	if st.hc == nil {
		st.hc = &helpCenterState{
			centers:     []HelpCenter{{ID: "1000001", Identifier: st.opts.WorkspaceID, DisplayName: st.opts.WorkspaceName + " Help", CreatedAt: st.created}},
			collections: newTable[Collection](), articles: newTable[Article](),
		}
	}
	return st.hc
}

// Collections returns every collection, for tests reading back what was created.
func (s *Server) Collections() []Collection {
	return readAll(s, func(st *state) *table[Collection] { return &st.helpCenter().collections }, Collection.clone)
}

// Articles returns every article.
func (s *Server) Articles() []Article {
	return readAll(s, func(st *state) *table[Article] { return &st.helpCenter().articles }, Article.clone)
}

func (c Collection) clone() Collection { c.Translations = cloneContent(c.Translations); return c }
func (a Article) clone() Article       { a.Translations = cloneContent(a.Translations); return a }

func cloneContent(m map[string]Content) map[string]Content {
	if m == nil {
		return nil
	}
	out := make(map[string]Content, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (s *Server) listHelpCenters(c *call) (any, error) {
	hc := s.st.helpCenter()
	data := make([]obj, 0, len(hc.centers))
	for _, h := range hc.centers {
		data = append(data, s.renderHelpCenter(h))
	}
	return obj{"type": "list", "data": data}, nil
}

func (s *Server) getHelpCenter(c *call) (any, error) {
	for _, h := range s.st.helpCenter().centers {
		if h.ID == c.id() {
			return s.renderHelpCenter(h), nil
		}
	}
	return nil, resourceNotFound()
}

func (s *Server) renderHelpCenter(h HelpCenter) obj {
	return obj{"id": h.ID, "workspace_id": s.opts.WorkspaceID, "created_at": h.CreatedAt, "updated_at": h.CreatedAt,
		"identifier": h.Identifier, "website_turned_on": true, "display_name": h.DisplayName,
		"url": "https://intercom.help/" + h.Identifier, "custom_domain": nil}
}

// contentRequest is one locale of translated_content; author_id is an integer in 2.15.
type contentRequest struct {
	Type        *string      `json:"type"`
	Name        *string      `json:"name"`
	Title       *string      `json:"title"`
	Description *string      `json:"description"`
	Body        *string      `json:"body"`
	AuthorID    *json.Number `json:"author_id"`
	State       *string      `json:"state"`
}

type collectionRequest struct {
	Name              *string                    `json:"name"`
	Description       *string                    `json:"description"`
	ParentID          *string                    `json:"parent_id"`
	HelpCenterID      *json.Number               `json:"help_center_id"`
	TranslatedContent map[string]json.RawMessage `json:"translated_content"`
}

// translations reads translated_content: "type" aside, every key must be a supported locale.
func translations(raw map[string]json.RawMessage) (map[string]contentRequest, error) {
	out := map[string]contentRequest{}
	for k, v := range raw {
		if k == "type" {
			continue
		}
		if !slices.Contains(HelpCenterLocales, k) {
			return nil, invalid("translated_content: %q is not a locale the Help Center supports", k).onField("translated_content")
		}
		var cr contentRequest
		if err := json.Unmarshal(v, &cr); err != nil {
			return nil, invalid("translated_content.%s: %v", k, err).onField("translated_content")
		}
		out[k] = cr
	}
	return out, nil
}

func (s *Server) createCollection(c *call) (any, error) {
	var req collectionRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	if strings.TrimSpace(str(req.Name)) == "" {
		return nil, badRequest("parameter_missing", "Name is a required parameter.").onField("name")
	}
	hc := s.st.helpCenter()
	col := &Collection{HelpCenterID: hc.centers[0].ID, CreatedAt: c.now, UpdatedAt: c.now}
	if req.HelpCenterID != nil && req.HelpCenterID.String() != hc.centers[0].ID {
		return nil, notFound("not_found", "Help Center not found")
	}
	if err := s.applyCollection(col, req); err != nil {
		return nil, err
	}
	if s.siblingCollection(col) {
		s.stats.duplicate("collection")
	}
	col.ID = s.st.numericID("collection", 9100000)
	hc.collections.add(s.st.nextSeq(), col.ID, col)
	s.stats.created("collection")
	return s.renderCollection(col), nil
}

func (s *Server) applyCollection(col *Collection, req collectionRequest) error {
	tr, err := translations(req.TranslatedContent)
	if err != nil {
		return err
	}
	if req.ParentID != nil {
		if err := s.checkParent(col.ID, *req.ParentID); err != nil {
			return err
		}
		col.ParentID = *req.ParentID
	}
	if req.Name != nil {
		col.Name = strings.TrimSpace(*req.Name)
	}
	if req.Description != nil {
		col.Description = *req.Description
	}
	for loc, cr := range tr {
		if col.Translations == nil {
			col.Translations = map[string]Content{}
		}
		col.Translations[loc] = Content{Name: str(cr.Name), Description: str(cr.Description)}
	}
	return nil
}

// checkParent refuses a missing parent and nesting deeper than Intercom allows.
func (s *Server) checkParent(self, parentID string) error {
	if parentID == "" {
		return nil
	}
	depth := 1
	for id := parentID; id != ""; depth++ {
		p, ok := s.st.helpCenter().collections.get(id)
		if !ok {
			return notFound("not_found", "Parent collection not found")
		}
		if p.ID == self {
			return invalid("a collection cannot be its own parent").onField("parent_id")
		}
		id = p.ParentID
	}
	if depth > maxCollectionDepth {
		return invalid("collections can be nested at most %d levels deep", maxCollectionDepth).onField("parent_id")
	}
	return nil
}

// siblingCollection reports whether an equal collection exists: the real API creates it anyway,
// the stats count it so tests see a loader that created one twice.
func (s *Server) siblingCollection(col *Collection) bool {
	for _, e := range s.st.helpCenter().collections.order {
		if e.v.ParentID == col.ParentID && e.v.Name == col.Name {
			return true
		}
	}
	return false
}

func (s *Server) getCollection(c *call) (any, error) {
	col, ok := s.st.helpCenter().collections.get(c.id())
	if !ok {
		return nil, resourceNotFound()
	}
	return s.renderCollection(col), nil
}

func (s *Server) updateCollection(c *call) (any, error) {
	col, ok := s.st.helpCenter().collections.get(c.id())
	if !ok {
		return nil, resourceNotFound()
	}
	var req collectionRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	next := col.clone()
	if err := s.applyCollection(&next, req); err != nil {
		return nil, err
	}
	next.UpdatedAt = c.now
	*col = next
	return s.renderCollection(col), nil
}

func (s *Server) deleteCollection(c *call) (any, error) {
	hc := s.st.helpCenter()
	col, ok := hc.collections.get(c.id())
	if !ok {
		return nil, resourceNotFound()
	}
	hc.collections.remove(col.ID)
	return obj{"id": col.ID, "object": "collection", "deleted": true}, nil
}

// listCollections pages by number, most recently updated first as the description says.
func (s *Server) listCollections(c *call) (any, error) {
	all := entries(&s.st.helpCenter().collections, nil)
	slices.SortStableFunc(all, func(a, b entry[Collection]) int { return int(b.v.UpdatedAt - a.v.UpdatedAt) })
	return pageByNumber(c, all, func(col *Collection) obj { return s.renderCollection(col) })
}

// pageByNumber answers {type: list, data, total_count, pages{type, page, per_page, total_pages}}.
func pageByNumber[T any](c *call, all []entry[T], render func(*T) obj) (any, error) {
	per, err := perPageParam(c.query(), 50)
	if err != nil {
		return nil, err
	}
	page, err := intParam(c.query(), "page", 1, 1, 1<<30)
	if err != nil {
		return nil, err
	}
	from, to := min((page-1)*per, len(all)), min(page*per, len(all))
	data := make([]obj, 0, to-from)
	for _, e := range all[from:to] {
		data = append(data, render(e.v))
	}
	return obj{"type": "list", "data": data, "total_count": len(all),
		"pages": obj{"type": "pages", "page": page, "per_page": per, "total_pages": totalPages(len(all), per)}}, nil
}

func (s *Server) renderCollection(col *Collection) obj {
	o := obj{"id": col.ID, "workspace_id": s.opts.WorkspaceID, "name": col.Name, "description": nilIfEmpty(col.Description),
		"created_at": col.CreatedAt, "updated_at": col.UpdatedAt,
		"url":  fmt.Sprintf("https://intercom.help/%s/en/collections/%s", s.opts.WorkspaceID, col.ID),
		"icon": "book-bookmark", "order": 0, "default_locale": "en", "parent_id": nilIfEmpty(col.ParentID),
		"help_center_id": mustInt(col.HelpCenterID)}
	if len(col.Translations) > 0 {
		tc := obj{"type": "group_translated_content"}
		for loc, v := range col.Translations {
			tc[loc] = obj{"type": "group_content", "name": v.Name, "description": v.Description}
		}
		o["translated_content"] = tc
	}
	return o
}

func mustInt(s string) any {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil
	}
	return n
}
