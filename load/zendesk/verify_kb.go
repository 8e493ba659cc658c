package zendesk

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
)

// The Guide's rows of the verify table: a category's name; a section's name, category and parent
// section; an article's title, section, locale, draft state, author and body; a translation of
// an article, found by its locale among the article's translations.

func (v *verification) category(ctx context.Context) error {
	var p struct {
		Category struct {
			Name string `json:"name"`
		} `json:"category"`
	}
	if !v.payload(&p) {
		return nil
	}
	var got struct {
		Category struct {
			Name string `json:"name"`
		} `json:"category"`
	}
	if err := v.get(ctx, "/api/v2/help_center/categories/{id}.json", "/api/v2/help_center/categories/"+v.Rec.TargetID+".json", &got); err != nil {
		return err
	}
	v.Check("name", p.Category.Name, got.Category.Name)
	return nil
}

func (v *verification) section(ctx context.Context) error {
	var p struct {
		CategoryRef      string `json:"category_ref"`
		ParentSectionRef string `json:"parent_section_ref"`
		Section          struct {
			Name string `json:"name"`
		} `json:"section"`
	}
	if !v.payload(&p) {
		return nil
	}
	var got struct {
		Section struct {
			Name            string `json:"name"`
			CategoryID      anyID  `json:"category_id"`
			ParentSectionID anyID  `json:"parent_section_id"`
		} `json:"section"`
	}
	if err := v.get(ctx, "/api/v2/help_center/sections/{id}.json", "/api/v2/help_center/sections/"+v.Rec.TargetID+".json", &got); err != nil {
		return err
	}
	v.Check("name", p.Section.Name, got.Section.Name)
	v.Check("category", v.id(p.CategoryRef, ""), got.Section.CategoryID)
	v.Check("parent_section", orNone(anyID(v.id(p.ParentSectionRef, ""))), orNone(got.Section.ParentSectionID))
	return nil
}

func (v *verification) article(ctx context.Context) error {
	var p struct {
		SectionRef string `json:"section_ref"`
		AuthorRef  string `json:"author_ref"`
		AuthorID   anyID  `json:"author_id"`
		Article    struct {
			Title  string `json:"title"`
			Body   string `json:"body"`
			Locale string `json:"locale"`
			Draft  bool   `json:"draft"`
		} `json:"article"`
	}
	if !v.payload(&p) {
		return nil
	}
	var got struct {
		Article struct {
			Title        string `json:"title"`
			Body         string `json:"body"`
			SourceLocale string `json:"source_locale"`
			Draft        bool   `json:"draft"`
			SectionID    anyID  `json:"section_id"`
			AuthorID     anyID  `json:"author_id"`
		} `json:"article"`
	}
	if err := v.get(ctx, "/api/v2/help_center/articles/{id}.json", "/api/v2/help_center/articles/"+v.Rec.TargetID+".json", &got); err != nil {
		return err
	}
	a, g := p.Article, got.Article
	v.Check("title", a.Title, g.Title)
	v.Check("section", v.id(p.SectionRef, ""), orNone(g.SectionID))
	if a.Locale != "" {
		v.Check("locale", strings.ToLower(a.Locale), strings.ToLower(g.SourceLocale))
	}
	v.Check("draft", a.Draft, g.Draft)
	if author := v.id(p.AuthorRef, p.AuthorID); author != "" {
		v.Check("author", author, g.AuthorID)
	}
	if w, b := text(a.Body), text(g.Body); w != b {
		v.Differ("body", w, b)
	}
	return nil
}

func (v *verification) translation(ctx context.Context) error {
	var p struct {
		ArticleRef  string `json:"article_ref"`
		Translation struct {
			Locale string `json:"locale"`
			Title  string `json:"title"`
			Body   string `json:"body"`
			Draft  bool   `json:"draft"`
		} `json:"translation"`
	}
	if !v.payload(&p) {
		return nil
	}
	article := v.id(p.ArticleRef, "")
	if article == "" {
		v.Differ("article", p.ArticleRef+" loaded", "not loaded")
		return nil
	}
	type translationJSON struct {
		Locale string `json:"locale"`
		Title  string `json:"title"`
		Body   string `json:"body"`
		Draft  bool   `json:"draft"`
	}
	want := p.Translation
	locale := strings.ToLower(want.Locale)
	var found *translationJSON
	err := v.x.pages(ctx, "/api/v2/help_center/articles/{id}/translations.json", "/api/v2/help_center/articles/"+article+"/translations.json",
		url.Values{"page[size]": {"100"}}, "translations", func(raw json.RawMessage) error {
			var t translationJSON
			if err := json.Unmarshal(raw, &t); err != nil {
				return err
			}
			if found == nil && strings.ToLower(t.Locale) == locale {
				found = &t
			}
			return nil
		})
	if err != nil {
		return err
	}
	field := "translations." + locale
	if found == nil {
		v.Differ(field, "a "+locale+" translation of article "+article, "missing")
		return nil
	}
	v.Check(field+".title", want.Title, found.Title)
	v.Check(field+".draft", want.Draft, found.Draft)
	if w, b := text(want.Body), text(found.Body); w != b {
		v.Differ(field+".body", w, b)
	}
	return nil
}
