package intercom

import (
	"encoding/json"
	"fmt"
	"strings"
)

// articleRequest is create_article_request and update_article_request.
type articleRequest struct {
	Title             *string                    `json:"title"`
	Description       *string                    `json:"description"`
	Body              *string                    `json:"body"`
	AuthorID          *json.Number               `json:"author_id"`
	State             *string                    `json:"state"`
	ParentID          *json.Number               `json:"parent_id"`
	ParentType        *string                    `json:"parent_type"`
	TranslatedContent map[string]json.RawMessage `json:"translated_content"`
}

func (s *Server) createArticle(c *call) (any, error) {
	var req articleRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	switch {
	case strings.TrimSpace(str(req.Title)) == "":
		return nil, badRequest("parameter_missing", "title is a required parameter").onField("title")
	case req.AuthorID == nil:
		return nil, badRequest("parameter_missing", "author_id is a required parameter").onField("author_id")
	}
	a := &Article{State: "draft", CreatedAt: c.now, UpdatedAt: c.now}
	if err := s.applyArticle(a, req); err != nil {
		return nil, err
	}
	if s.siblingArticle(a) {
		s.stats.duplicate("article")
	}
	a.ID = s.st.numericID("article", 8800000)
	s.st.helpCenter().articles.add(s.st.nextSeq(), a.ID, a)
	s.stats.created("article")
	return s.renderArticle(a), nil
}

// applyArticle checks and applies a request: the author must be a teammate, the parent a
// collection, every locale one the Help Center supports.
func (s *Server) applyArticle(a *Article, req articleRequest) error {
	tr, err := translations(req.TranslatedContent)
	if err != nil {
		return err
	}
	if req.AuthorID != nil {
		if _, ok := s.st.admin(req.AuthorID.String()); !ok {
			return badRequest("parameter_invalid", "author_id %s is not a teammate of this workspace", req.AuthorID).onField("author_id")
		}
		a.AuthorID = req.AuthorID.String()
	}
	if err := s.applyArticleParent(a, req); err != nil {
		return err
	}
	if req.State != nil {
		if *req.State != "published" && *req.State != "draft" {
			return invalid("state must be published or draft").onField("state")
		}
		a.State = *req.State
	}
	if req.Title != nil {
		a.Title = strings.TrimSpace(*req.Title)
	}
	if req.Description != nil {
		a.Description = *req.Description
	}
	if req.Body != nil {
		a.Body = *req.Body
	}
	for loc, cr := range tr {
		if cr.AuthorID != nil {
			if _, ok := s.st.admin(cr.AuthorID.String()); !ok {
				return badRequest("parameter_invalid", "translated_content.%s.author_id is not a teammate", loc).onField("translated_content")
			}
		}
		if a.Translations == nil {
			a.Translations = map[string]Content{}
		}
		a.Translations[loc] = Content{Title: str(cr.Title), Description: str(cr.Description), Body: str(cr.Body),
			AuthorID: numberText(cr.AuthorID), State: str(cr.State)}
	}
	return nil
}

func (s *Server) applyArticleParent(a *Article, req articleRequest) error {
	if req.ParentType != nil && *req.ParentType != "collection" && *req.ParentType != "section" {
		return invalid("parent_type must be collection or section").onField("parent_type")
	}
	if req.ParentID == nil {
		return nil
	}
	if _, ok := s.st.helpCenter().collections.get(req.ParentID.String()); !ok {
		return notFound("not_found", "Parent collection not found")
	}
	a.ParentID, a.ParentType = req.ParentID.String(), "collection"
	if req.ParentType != nil {
		a.ParentType = *req.ParentType
	}
	return nil
}

func numberText(n *json.Number) string {
	if n == nil {
		return ""
	}
	return n.String()
}

func (s *Server) siblingArticle(a *Article) bool {
	for _, e := range s.st.helpCenter().articles.order {
		if e.v.ParentID == a.ParentID && e.v.Title == a.Title {
			return true
		}
	}
	return false
}

func (s *Server) getArticle(c *call) (any, error) {
	a, ok := s.st.helpCenter().articles.get(c.id())
	if !ok {
		return nil, resourceNotFound()
	}
	return s.renderArticle(a), nil
}

func (s *Server) updateArticle(c *call) (any, error) {
	a, ok := s.st.helpCenter().articles.get(c.id())
	if !ok {
		return nil, resourceNotFound()
	}
	var req articleRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	next := a.clone()
	if err := s.applyArticle(&next, req); err != nil {
		return nil, err
	}
	next.UpdatedAt = c.now
	*a = next
	return s.renderArticle(a), nil
}

func (s *Server) deleteArticle(c *call) (any, error) {
	hc := s.st.helpCenter()
	a, ok := hc.articles.get(c.id())
	if !ok {
		return nil, resourceNotFound()
	}
	hc.articles.remove(a.ID)
	return obj{"id": a.ID, "object": "article", "deleted": true}, nil
}

func (s *Server) listArticles(c *call) (any, error) {
	return pageByNumber(c, entries(&s.st.helpCenter().articles, nil), func(a *Article) obj { return s.renderArticle(a) })
}

// ArticleURL is where the simulated Help Center publishes an article.
func (s *Server) ArticleURL(id string) string {
	return fmt.Sprintf("https://intercom.help/%s/en/articles/%s", s.opts.WorkspaceID, id)
}

func (s *Server) renderArticle(a *Article) obj {
	o := obj{"type": "article", "id": a.ID, "workspace_id": s.opts.WorkspaceID, "title": a.Title,
		"description": nilIfEmpty(a.Description), "body": nilIfEmpty(a.Body), "author_id": mustInt(a.AuthorID),
		"state": a.State, "created_at": a.CreatedAt, "updated_at": a.UpdatedAt, "url": s.ArticleURL(a.ID),
		"parent_id": nil, "parent_ids": []any{}, "parent_type": nil, "default_locale": "en",
		"tags": obj{"type": "tag.list", "tags": []any{}}}
	if a.ParentID != "" {
		o["parent_id"], o["parent_ids"], o["parent_type"] = mustInt(a.ParentID), s.parentIDs(a.ParentID), a.ParentType
	}
	if len(a.Translations) > 0 {
		tc := obj{"type": "article_translated_content"}
		for loc, v := range a.Translations {
			tc[loc] = obj{"type": "article_content", "title": v.Title, "description": v.Description, "body": v.Body,
				"author_id": mustInt(v.AuthorID), "state": v.State, "created_at": a.CreatedAt, "updated_at": a.UpdatedAt,
				"url": s.ArticleURL(a.ID)}
		}
		o["translated_content"] = tc
	}
	return o
}

// parentIDs lists the article's collection and its ancestors, nearest first.
func (s *Server) parentIDs(id string) []any {
	var out []any
	for id != "" && len(out) < maxCollectionDepth+1 {
		out = append(out, mustInt(id))
		col, ok := s.st.helpCenter().collections.get(id)
		if !ok {
			break
		}
		id = col.ParentID
	}
	return out
}
