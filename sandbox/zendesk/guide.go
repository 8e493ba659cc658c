package zendesk

import (
	"cmp"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"

	"github.com/deskport/deskport/sandbox/gen"
)

// The Guide (Help Center) endpoints, from source-apis.md: categories > sections (nested through
// parent_section_id) > articles, translations of each, article attachments, and the incremental
// article export by start_time. Lists page like every list (cursor or offset).

func (s *Server) registerGuide() {
	const hc = "GET /api/v2/help_center/"
	s.handle(hc+"categories.json", route{}, s.hcCategories)
	s.handle(hc+"sections.json", route{}, s.hcSections)
	s.handle(hc+"categories/{id}/sections.json", route{}, s.hcSections)
	s.handle(hc+"articles.json", route{}, s.hcArticles)
	s.handle(hc+"sections/{id}/articles.json", route{}, s.hcArticles)
	s.handle(hc+"incremental/articles.json", route{}, s.hcIncrementalArticles)
	s.handle(hc+"{kind}/{id}/translations.json", route{}, s.hcTranslations)
	s.handle(hc+"articles/{id}/attachments.json", route{}, s.hcAttachments)
	s.handle("GET /hc/article_attachments/{id}/{name}", route{public: true}, s.hcAttachmentFile)
}

func (s *Server) hcCategories(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	g := &s.acct.Guide
	base := s.base(r, r.Host)
	s.serveList(w, r, list{key: "categories", n: len(g.Categories),
		id:     func(p int) int64 { return g.Categories[p].ID },
		render: func(p int) any { return hcCategory(base, g, &g.Categories[p]) }})
}

// hcSections lists every section, or a category's (its nested sections included, as Zendesk does).
func (s *Server) hcSections(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	g := &s.acct.Guide
	var pos []int
	for i, sec := range g.Sections {
		if r.PathValue("id") == "" || strconv.FormatInt(sec.CategoryID, 10) == r.PathValue("id") {
			pos = append(pos, i)
		}
	}
	if r.PathValue("id") != "" && !slices.ContainsFunc(g.Categories, func(c gen.KBCategory) bool {
		return strconv.FormatInt(c.ID, 10) == r.PathValue("id")
	}) {
		notFound(w)
		return
	}
	base := s.base(r, r.Host)
	s.serveList(w, r, list{key: "sections", n: len(pos),
		id:     func(p int) int64 { return g.Sections[pos[p]].ID },
		render: func(p int) any { return hcSection(base, g, &g.Sections[pos[p]]) }})
}

func (s *Server) hcArticles(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	g := &s.acct.Guide
	var pos []int
	for i, a := range g.Articles {
		if r.PathValue("id") == "" || strconv.FormatInt(a.SectionID, 10) == r.PathValue("id") {
			pos = append(pos, i)
		}
	}
	if r.PathValue("id") != "" && g.Section(parseID(r.PathValue("id"))) == nil {
		notFound(w)
		return
	}
	base := s.base(r, r.Host)
	s.serveList(w, r, list{key: "articles", n: len(pos),
		id:     func(p int) int64 { return g.Articles[pos[p]].ID },
		render: func(p int) any { return hcArticle(base, &g.Articles[pos[p]]) }})
}

func parseID(raw string) int64 {
	n, _ := strconv.ParseInt(raw, 10, 64)
	return n
}

// hcIncrementalArticles is the Help Center's incremental export: articles updated at or after
// start_time, by updated_at then id, {articles, count, end_time, next_page}; next_page is null on
// the last page. Like the Support exports, a page never splits a second, so it can overflow.
func (s *Server) hcIncrementalArticles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, start, err := s.timeExportParams(q)
	if err != nil {
		badRequest(w, err)
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	g := &s.acct.Guide
	order := make([]timed, len(g.Articles))
	for i, a := range g.Articles {
		order[i] = timed{ts: a.UpdatedAt.Unix(), id: a.ID, i: i}
	}
	slices.SortFunc(order, func(a, b timed) int { return cmp.Or(cmp.Compare(a.ts, b.ts), cmp.Compare(a.id, b.id)) })
	lo, hi, end, eos := timePage(len(order), func(i int) timed { return order[i] }, start, n)
	base := s.base(r, r.Host)
	items := make([]any, 0, hi-lo)
	for _, t := range order[lo:hi] {
		items = append(items, hcArticle(base, &g.Articles[t.i]))
	}
	var next any
	if !eos {
		next = s.pageURL(r, withParams(q, []string{"start_time"}, "start_time", strconv.FormatInt(end, 10)))
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"articles": items, "count": len(items), "end_time": end, "next_page": next})
}

// hcTranslations lists the translations of an article, section or category, the source locale's
// included.
func (s *Server) hcTranslations(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	g := &s.acct.Guide
	id := parseID(r.PathValue("id"))
	var tr []gen.KBTranslation
	var typ string
	switch r.PathValue("kind") {
	case "articles":
		if a := guideArticle(g, id); a != nil {
			tr, typ = a.Translations, "Article"
		}
	case "sections":
		if sec := g.Section(id); sec != nil {
			tr, typ = sec.Translations, "Section"
		}
	case "categories":
		for i := range g.Categories {
			if g.Categories[i].ID == id {
				tr, typ = g.Categories[i].Translations, "Category"
			}
		}
	}
	if typ == "" {
		notFound(w)
		return
	}
	base := s.base(r, r.Host)
	s.serveList(w, r, list{key: "translations", n: len(tr),
		id:     func(p int) int64 { return tr[p].ID },
		render: func(p int) any { return hcTranslation(base, typ, id, &tr[p]) }})
}

func guideArticle(g *gen.Guide, id int64) *gen.KBArticle {
	for i := range g.Articles {
		if g.Articles[i].ID == id {
			return &g.Articles[i]
		}
	}
	return nil
}

// hcAttachments lists an article's attachments in one page: {article_attachments}.
func (s *Server) hcAttachments(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	a := guideArticle(&s.acct.Guide, parseID(r.PathValue("id")))
	if a == nil {
		notFound(w)
		return
	}
	base, files := s.base(r, r.Host), s.fileBase(r)
	items := make([]any, 0, len(a.Attachments))
	for i := range a.Attachments {
		f := &a.Attachments[i]
		items = append(items, map[string]any{
			"id": f.ID, "url": fmt.Sprintf("%s/api/v2/help_center/articles/attachments/%d.json", base, f.ID),
			"article_id": a.ID, "file_name": f.FileName, "display_file_name": f.FileName, "locale": a.Locale,
			"content_url":   fmt.Sprintf("%s/hc/article_attachments/%d/%s", files, f.ID, f.FileName),
			"relative_path": fmt.Sprintf("/hc/article_attachments/%d/%s", f.ID, f.FileName),
			"content_type":  f.ContentType, "size": len(f.Content), "inline": f.Inline,
			"created_at": ts(f.CreatedAt), "updated_at": ts(f.CreatedAt),
		})
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"article_attachments": items})
}

// hcAttachmentFile serves an article attachment; like Zendesk's it is public.
func (s *Server) hcAttachmentFile(w http.ResponseWriter, r *http.Request) {
	s.acct.RLock()
	defer s.acct.RUnlock()
	id := parseID(r.PathValue("id"))
	for _, a := range s.acct.Guide.Articles {
		for _, f := range a.Attachments {
			if f.ID == id {
				w.Header().Set("Content-Type", f.ContentType)
				w.Header().Set("Content-Length", strconv.Itoa(len(f.Content)))
				w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.FileName}))
				_, _ = w.Write(f.Content)
				return
			}
		}
	}
	http.NotFound(w, r)
}

func hcCategory(base string, g *gen.Guide, c *gen.KBCategory) map[string]any {
	return map[string]any{
		"id": c.ID, "url": fmt.Sprintf("%s/api/v2/help_center/categories/%d.json", base, c.ID),
		"html_url": fmt.Sprintf("%s/hc/%s/categories/%d", gen.HelpCenterURL, g.Locales[0], c.ID),
		"position": c.Position, "name": c.Name, "description": c.Description,
		"locale": g.Locales[0], "source_locale": g.Locales[0], "outdated": false,
		"created_at": ts(c.CreatedAt), "updated_at": ts(c.UpdatedAt),
	}
}

func hcSection(base string, g *gen.Guide, sec *gen.KBSection) map[string]any {
	return map[string]any{
		"id": sec.ID, "url": fmt.Sprintf("%s/api/v2/help_center/sections/%d.json", base, sec.ID),
		"html_url":    fmt.Sprintf("%s/hc/%s/sections/%d", gen.HelpCenterURL, g.Locales[0], sec.ID),
		"category_id": sec.CategoryID, "parent_section_id": nullID(sec.ParentID),
		"position": sec.Position, "sorting": "manual", "name": sec.Name, "description": sec.Description,
		"locale": g.Locales[0], "source_locale": g.Locales[0], "outdated": false, "theme_template": "section_page",
		"created_at": ts(sec.CreatedAt), "updated_at": ts(sec.UpdatedAt),
	}
}

func hcArticle(base string, a *gen.KBArticle) map[string]any {
	return map[string]any{
		"id": a.ID, "url": fmt.Sprintf("%s/api/v2/help_center/articles/%d.json", base, a.ID),
		"html_url":  gen.ArticleURL(a.ID, a.Locale),
		"author_id": a.AuthorID, "comments_disabled": false, "draft": a.Draft, "promoted": a.Promoted,
		"position": a.Position, "vote_sum": 0, "vote_count": 0, "section_id": nullID(a.SectionID),
		"created_at": ts(a.CreatedAt), "updated_at": ts(a.UpdatedAt), "edited_at": ts(a.UpdatedAt),
		"name": a.Title, "title": a.Title, "source_locale": a.Locale, "locale": a.Locale, "outdated": false,
		"outdated_locales": []string{}, "permission_group_id": 360000000201, "user_segment_id": nil,
		"label_names": strs(a.Labels), "body": a.Body,
	}
}

func hcTranslation(base, typ string, parent int64, t *gen.KBTranslation) map[string]any {
	return map[string]any{
		"id": t.ID, "url": fmt.Sprintf("%s/api/v2/help_center/translations/%d.json", base, t.ID),
		"source_id": parent, "source_type": typ, "locale": t.Locale, "title": t.Title, "body": t.Body,
		"outdated": false, "draft": t.Draft, "hidden": false,
		"created_at": ts(t.CreatedAt), "updated_at": ts(t.UpdatedAt),
	}
}
