package zendesk

import (
	"net/http"
	"slices"
	"strings"

	"github.com/deskport/deskport/sandbox/gen"
)

// The Guide writes: categories, sections (nested with parent_section_id), articles and their
// translations. Each create also creates its source locale's translation, as Zendesk does, so
// the translations list holds it and a second translation in that locale is refused.

type hcInput struct {
	Name            string   `json:"name"`
	Title           string   `json:"title"`
	Description     string   `json:"description"`
	Body            string   `json:"body"`
	Locale          string   `json:"locale"`
	Position        int      `json:"position"`
	ParentSectionID int64    `json:"parent_section_id"`
	AuthorID        int64    `json:"author_id"`
	Draft           bool     `json:"draft"`
	Promoted        bool     `json:"promoted"`
	LabelNames      []string `json:"label_names"`
}

// locale is the write's locale, the help center's default when it names none; the first write
// to an empty help center sets that default.
func (s *Server) locale(in string) string {
	g := &s.acct.Guide
	if len(g.Locales) == 0 {
		g.Locales = []string{or(strings.ToLower(in), "en-us")}
	}
	return or(strings.ToLower(in), g.Locales[0])
}

func (s *Server) createCategory(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Category *hcInput `json:"category"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	in := body.Category
	var (
		c   gen.KBCategory
		dup bool
	)
	err := s.acct.Write(func(ids *gen.NewIDs) error {
		if in == nil || strings.TrimSpace(in.Name) == "" {
			return invalid{"name": {"cannot be blank"}}
		}
		g, now := &s.acct.Guide, s.now()
		dup = slices.ContainsFunc(g.Categories, func(o gen.KBCategory) bool { return o.Name == in.Name })
		c = gen.KBCategory{ID: ids.KB(), Name: in.Name, Description: in.Description, Position: in.Position, CreatedAt: now, UpdatedAt: now}
		c.Translations = []gen.KBTranslation{{ID: ids.KB(), Locale: s.locale(in.Locale), Title: in.Name, Body: in.Description, CreatedAt: now, UpdatedAt: now}}
		g.Categories = append(g.Categories, c)
		return nil
	})
	if err != nil {
		writeFailure(w, err)
		return
	}
	s.created("category", c.ID, dup)
	s.acct.RLock()
	defer s.acct.RUnlock()
	writeJSON(w, r, http.StatusCreated, map[string]any{"category": hcCategory(s.base(r, r.Host), &s.acct.Guide, &c)})
}

// createSection creates a section in a category, nested under parent_section_id when given (the
// parent must be in the same category).
func (s *Server) createSection(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Section *hcInput `json:"section"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	in, catID := body.Section, parseID(r.PathValue("id"))
	var (
		sec gen.KBSection
		dup bool
	)
	err := s.acct.Write(func(ids *gen.NewIDs) error {
		g, now := &s.acct.Guide, s.now()
		if !slices.ContainsFunc(g.Categories, func(c gen.KBCategory) bool { return c.ID == catID }) {
			return notFoundError("category " + r.PathValue("id") + " does not exist")
		}
		if in == nil || strings.TrimSpace(in.Name) == "" {
			return invalid{"name": {"cannot be blank"}}
		}
		if in.ParentSectionID != 0 {
			if p := g.Section(in.ParentSectionID); p == nil || p.CategoryID != catID {
				return invalid{"parent_section_id": {"is not a section of this category"}}
			}
		}
		dup = slices.ContainsFunc(g.Sections, func(o gen.KBSection) bool {
			return o.CategoryID == catID && o.ParentID == in.ParentSectionID && o.Name == in.Name
		})
		sec = gen.KBSection{ID: ids.KB(), CategoryID: catID, ParentID: in.ParentSectionID, Name: in.Name,
			Description: in.Description, Position: in.Position, CreatedAt: now, UpdatedAt: now}
		sec.Translations = []gen.KBTranslation{{ID: ids.KB(), Locale: s.locale(in.Locale), Title: in.Name, Body: in.Description, CreatedAt: now, UpdatedAt: now}}
		g.Sections = append(g.Sections, sec)
		return nil
	})
	if err != nil {
		writeFailure(w, err)
		return
	}
	s.created("section", sec.ID, dup)
	s.acct.RLock()
	defer s.acct.RUnlock()
	writeJSON(w, r, http.StatusCreated, map[string]any{"section": hcSection(s.base(r, r.Host), &s.acct.Guide, &sec)})
}

// createArticle creates an article in a section; its author must be an agent (the credentials'
// user when none is given).
func (s *Server) createArticle(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Article *hcInput `json:"article"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	in, secID := body.Article, parseID(r.PathValue("id"))
	var (
		a   gen.KBArticle
		dup bool
	)
	err := s.acct.Write(func(ids *gen.NewIDs) error {
		g, now := &s.acct.Guide, s.now()
		if g.Section(secID) == nil {
			return notFoundError("section " + r.PathValue("id") + " does not exist")
		}
		v := invalid{}
		if in == nil || strings.TrimSpace(in.Title) == "" {
			v.add("title", "cannot be blank")
			return v
		}
		author := in.AuthorID
		if author == 0 {
			author = s.meID()
		}
		if role := s.userRole(author); role != gen.RoleAgent && role != gen.RoleAdmin {
			v.add("author_id", "%d is not an agent", author)
			return v
		}
		dup = slices.ContainsFunc(g.Articles, func(o gen.KBArticle) bool { return o.SectionID == secID && o.Title == in.Title })
		loc := s.locale(in.Locale)
		a = gen.KBArticle{ID: ids.KB(), SectionID: secID, AuthorID: author, Title: in.Title, Body: in.Body,
			Draft: in.Draft, Promoted: in.Promoted, Position: in.Position, Labels: in.LabelNames, Locale: loc,
			CreatedAt: now, UpdatedAt: now}
		a.Translations = []gen.KBTranslation{{ID: ids.KB(), Locale: loc, Title: in.Title, Body: in.Body, Draft: in.Draft, CreatedAt: now, UpdatedAt: now}}
		g.Articles = append(g.Articles, a)
		return nil
	})
	if err != nil {
		writeFailure(w, err)
		return
	}
	s.created("article", a.ID, dup)
	s.acct.RLock()
	defer s.acct.RUnlock()
	writeJSON(w, r, http.StatusCreated, map[string]any{"article": hcArticle(s.base(r, r.Host), &a)})
}

// meID is the user the credentials act as (the first admin, as /users/me answers); the caller
// holds the account's lock.
func (s *Server) meID() int64 {
	for _, u := range s.acct.Users {
		if u.Role == gen.RoleAdmin {
			return u.ID
		}
	}
	return 0
}

// createTranslation adds a locale to an article; a locale it has already is refused with 400, as
// Zendesk does (the translation must be updated instead).
func (s *Server) createTranslation(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Translation *hcInput `json:"translation"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	in, artID := body.Translation, parseID(r.PathValue("id"))
	var tr gen.KBTranslation
	status := http.StatusUnprocessableEntity
	err := s.acct.Write(func(ids *gen.NewIDs) error {
		a := guideArticle(&s.acct.Guide, artID)
		if a == nil {
			return notFoundError("article " + r.PathValue("id") + " does not exist")
		}
		if in == nil || strings.TrimSpace(in.Locale) == "" || strings.TrimSpace(in.Title) == "" {
			return invalid{"translation": {"needs a locale and a title"}}
		}
		loc := strings.ToLower(in.Locale)
		if slices.ContainsFunc(a.Translations, func(t gen.KBTranslation) bool { return strings.EqualFold(t.Locale, loc) }) {
			status = http.StatusBadRequest
			return invalid{"locale": {"has already been taken: the article has a " + loc + " translation"}}
		}
		now := s.now()
		tr = gen.KBTranslation{ID: ids.KB(), Locale: loc, Title: in.Title, Body: in.Body, Draft: in.Draft, CreatedAt: now, UpdatedAt: now}
		a.Translations = append(a.Translations, tr)
		a.UpdatedAt = now
		return nil
	})
	if e, ok := err.(invalid); ok {
		writeInvalid(w, status, e)
		return
	}
	if err != nil {
		writeFailure(w, err)
		return
	}
	s.created("translation", tr.ID, false)
	writeJSON(w, r, http.StatusCreated, map[string]any{"translation": hcTranslation(s.base(r, r.Host), "Article", artID, &tr)})
}
