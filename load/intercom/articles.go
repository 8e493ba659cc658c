package intercom

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/load"
)

// The knowledge base's op kinds (docs/load-plan.md).
const (
	kindCollection    = "collection"
	kindArticle       = "article"
	kindArticleUpdate = "article_update"
)

// maxListPages bounds how far a reconciling list of collections or articles pages (150 a page).
const maxListPages = 1000

type collectionPayload struct {
	Name              string          `json:"name"`
	Description       *string         `json:"description"`
	ParentRef         string          `json:"parent_ref"`
	TranslatedContent json.RawMessage `json:"translated_content"`
}

// createCollection is POST /help_center/collections; parent_id is a string in 2.15.
type createCollection struct {
	Name              string          `json:"name"`
	Description       *string         `json:"description,omitempty"`
	ParentID          string          `json:"parent_id,omitempty"`
	TranslatedContent json.RawMessage `json:"translated_content,omitempty"`
}

func (x *exec) collection(ctx context.Context) (string, error) {
	req, err := x.collectionRequest()
	if err != nil {
		return "", err
	}
	return x.post(ctx, &call{method: http.MethodPost, route: "/help_center/collections", path: "/help_center/collections", body: req})
}

func (x *exec) collectionRequest() (*createCollection, error) {
	var p collectionPayload
	if err := x.decode(&p); err != nil {
		return nil, err
	}
	if p.Name == "" {
		return nil, x.invalid("name is missing")
	}
	req := &createCollection{Name: p.Name, Description: p.Description, TranslatedContent: p.TranslatedContent}
	if p.ParentRef != "" {
		id, err := x.ref("parent_ref", p.ParentRef)
		if err != nil {
			return nil, err
		}
		req.ParentID = id
	}
	return req, nil
}

type articlePayload struct {
	Title             string          `json:"title"`
	Body              string          `json:"body"`
	AuthorID          json.Number     `json:"author_id"`
	State             string          `json:"state"`
	ParentType        string          `json:"parent_type"`
	ParentRef         string          `json:"parent_ref"`
	TranslatedContent json.RawMessage `json:"translated_content"`
}

// createArticle is POST /articles; author_id and parent_id are integers in 2.15.
type createArticle struct {
	Title             string          `json:"title"`
	Body              string          `json:"body,omitempty"`
	AuthorID          json.Number     `json:"author_id"`
	State             string          `json:"state,omitempty"`
	ParentID          *int64          `json:"parent_id,omitempty"`
	ParentType        string          `json:"parent_type,omitempty"`
	TranslatedContent json.RawMessage `json:"translated_content,omitempty"`
}

func (x *exec) article(ctx context.Context) (string, error) {
	req, err := x.articleRequest()
	if err != nil {
		return "", err
	}
	return x.post(ctx, &call{method: http.MethodPost, route: "/articles", path: "/articles", body: req})
}

func (x *exec) articleRequest() (*createArticle, error) {
	var p articlePayload
	if err := x.decode(&p); err != nil {
		return nil, err
	}
	switch {
	case p.Title == "":
		return nil, x.invalid("title is missing")
	case p.AuthorID == "":
		return nil, x.invalid("author_id is missing (no admin for the author and no default admin)")
	}
	req := &createArticle{Title: p.Title, Body: p.Body, AuthorID: p.AuthorID, State: p.State,
		ParentType: p.ParentType, TranslatedContent: p.TranslatedContent}
	if p.ParentRef != "" {
		id, err := x.ref("parent_ref", p.ParentRef)
		if err != nil {
			return nil, err
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, x.invalid("parent collection id %q is not an integer", id)
		}
		req.ParentID = &n
	}
	return req, nil
}

// linkPayload is one internal link of an article_update: the source href and the op of the
// article it points at.
type linkPayload struct {
	Href string `json:"href"`
	Ref  string `json:"ref"`
}

type articleUpdatePayload struct {
	ArticleRef string `json:"article_ref"`
	// Title and State come with an edit at the source (a delta); the link pass sends neither.
	Title             string                     `json:"title"`
	State             string                     `json:"state"`
	Body              string                     `json:"body"`
	TranslatedContent map[string]json.RawMessage `json:"translated_content"`
	Links             []linkPayload              `json:"links"`
}

type updateArticle struct {
	Title             string                     `json:"title,omitempty"`
	State             string                     `json:"state,omitempty"`
	Body              string                     `json:"body"`
	TranslatedContent map[string]json.RawMessage `json:"translated_content,omitempty"`
}

// articleUpdate rewrites an article's content, with its internal links: each href becomes the
// URL Intercom gave the article it points at, in the body and every translation, then PUT
// /articles/{id}. It serves the load's link pass and a delta's edit (which also sets the title
// and state). A PUT sent twice has the effect of once.
func (x *exec) articleUpdate(ctx context.Context) (string, error) {
	var p articleUpdatePayload
	if err := x.decode(&p); err != nil {
		return "", err
	}
	id, err := x.ref("article_ref", p.ArticleRef)
	if err != nil {
		return "", err
	}
	swap, err := x.linkTargets(ctx, p.Links)
	if err != nil {
		return "", err
	}
	req := updateArticle{Title: p.Title, State: p.State, Body: rewriteLinks(p.Body, swap),
		TranslatedContent: map[string]json.RawMessage{}}
	for loc, raw := range p.TranslatedContent {
		req.TranslatedContent[loc] = rewriteContent(raw, swap)
	}
	path := "/articles/" + url.PathEscape(id)
	if err := x.send(ctx, &call{method: http.MethodPut, route: "/articles/{id}", path: path, body: req}, nil); err != nil {
		return "", err
	}
	return id, nil
}

// linkTargets maps each href onto the new article's URL, read from Intercom.
func (x *exec) linkTargets(ctx context.Context, links []linkPayload) (map[string]string, error) {
	urls := map[string]string{} // target id → URL
	swap := map[string]string{}
	for _, l := range links {
		target, err := x.ref("links.ref", l.Ref)
		if err != nil {
			return nil, err
		}
		if _, ok := urls[target]; !ok {
			var a struct {
				URL string `json:"url"`
			}
			path := "/articles/" + url.PathEscape(target)
			if err := x.send(ctx, &call{method: http.MethodGet, route: "/articles/{id}", path: path}, &a); err != nil {
				return nil, err
			}
			if a.URL == "" {
				return nil, &load.OpError{Code: "link_target_without_url", Retryable: true,
					Message: "op " + x.op.ID + ": article " + target + " has no URL yet"}
			}
			urls[target] = a.URL
		}
		swap[l.Href] = urls[target]
	}
	return swap, nil
}

// rewriteLinks swaps every href="<old>" for the new URL; only whole attribute values are
// replaced, so a link that merely starts like another is left alone.
func rewriteLinks(html string, swap map[string]string) string {
	for old, repl := range swap {
		html = strings.ReplaceAll(html, `href="`+old+`"`, `href="`+repl+`"`)
	}
	return html
}

// rewriteContent rewrites the body of one translated_content entry ("type" passes as it is).
func rewriteContent(raw json.RawMessage, swap map[string]string) json.RawMessage {
	var content map[string]any
	if json.Unmarshal(raw, &content) != nil {
		return raw
	}
	body, ok := content["body"].(string)
	if !ok {
		return raw
	}
	content["body"] = rewriteLinks(body, swap)
	out, err := httpx.MarshalJSON(content)
	if err != nil {
		return raw
	}
	return out
}

// listed is a collection or an article as GET lists them.
type listed struct {
	ID       flexID `json:"id"`
	Name     string `json:"name"`
	Title    string `json:"title"`
	ParentID flexID `json:"parent_id"`
}

// findCollection lists collections and matches name and parent: a collection created before a
// lost answer is found, not made twice.
func (x *exec) findCollection(ctx context.Context) (string, error) {
	req, err := x.collectionRequest()
	if err != nil {
		return "", err
	}
	return x.findListed(ctx, "/help_center/collections", func(l listed) bool {
		return l.Name == req.Name && string(l.ParentID) == req.ParentID
	})
}

// findArticle lists articles and matches title and parent collection.
func (x *exec) findArticle(ctx context.Context) (string, error) {
	req, err := x.articleRequest()
	if err != nil {
		return "", err
	}
	parent := ""
	if req.ParentID != nil {
		parent = strconv.FormatInt(*req.ParentID, 10)
	}
	return x.findListed(ctx, "/articles", func(l listed) bool {
		return l.Title == req.Title && string(l.ParentID) == parent
	})
}

// findListed pages through a page-numbered list for the first item match accepts.
func (x *exec) findListed(ctx context.Context, path string, match func(listed) bool) (string, error) {
	for page := 1; page <= maxListPages; page++ {
		var out struct {
			Data  []listed `json:"data"`
			Pages struct {
				TotalPages int `json:"total_pages"`
			} `json:"pages"`
		}
		q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {"150"}}
		if err := x.send(ctx, &call{method: http.MethodGet, route: path, path: path, query: q}, &out); err != nil {
			return "", err
		}
		for _, l := range out.Data {
			if match(l) {
				return string(l.ID), nil
			}
		}
		if page >= out.Pages.TotalPages || len(out.Data) == 0 {
			return "", nil
		}
	}
	return "", nil
}
