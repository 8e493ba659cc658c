package zendesk

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/deskport/deskport/sandbox/gen"
)

func guideEnv(t *testing.T) (*env, *gen.Account) {
	acct := gen.Generate(gen.Options{Seed: 5, Tickets: 5, Articles: 25})
	return newEnv(t, acct, unlimited(Options{SameHostNextPages: true})), acct
}

// TestGuideEndpoints walks each Guide list with its real envelope and checks the records link up.
func TestGuideEndpoints(t *testing.T) {
	e, acct := guideEnv(t)
	g := acct.Guide
	cases := []struct {
		path, key string
		want      int
		fields    []string
	}{
		{"/api/v2/help_center/categories.json", "categories", len(g.Categories), []string{"id", "name", "position", "locale"}},
		{"/api/v2/help_center/sections.json?page[size]=100", "sections", len(g.Sections), []string{"id", "category_id", "parent_section_id"}},
		{fmt.Sprintf("/api/v2/help_center/categories/%d/sections.json", g.Categories[2].ID), "sections", 6, []string{"id"}},
		{"/api/v2/help_center/articles.json?per_page=10", "articles", 10, []string{"id", "section_id", "draft", "source_locale", "label_names", "body"}},
		{fmt.Sprintf("/api/v2/help_center/articles/%d/translations.json", g.Articles[0].ID), "translations", len(g.Articles[0].Translations), []string{"id", "source_id", "source_type", "locale", "title", "body", "draft"}},
		{fmt.Sprintf("/api/v2/help_center/sections/%d/translations.json", g.Sections[0].ID), "translations", 2, []string{"source_type"}},
		{fmt.Sprintf("/api/v2/help_center/articles/%d/attachments.json", g.Articles[0].ID), "article_attachments", 1, []string{"id", "file_name", "content_url", "content_type", "size"}},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			page := e.get(c.path)
			got := items(page, c.key)
			if len(got) != c.want {
				t.Fatalf("GET %s: %d %s, want %d", c.path, len(got), c.key, c.want)
			}
			requireKeys(t, c.path, got[0], c.fields...)
		})
	}
	if resp, _ := e.do(e.base+"/api/v2/help_center/articles/1/translations.json", demoAuth); resp.StatusCode != http.StatusNotFound {
		t.Errorf("translations of a missing article: %d, want 404", resp.StatusCode)
	}
}

// TestGuideIncrementalArticles reads the incremental export to its end: every article once, and
// next_page null on the last page.
func TestGuideIncrementalArticles(t *testing.T) {
	e, acct := guideEnv(t)
	seen := map[int64]bool{}
	next := e.base + "/api/v2/help_center/incremental/articles.json?start_time=0&per_page=7"
	for pages := 0; next != ""; pages++ {
		if pages > 20 {
			t.Fatal("export does not end")
		}
		page := e.get(next)
		for _, a := range items(page, "articles") {
			seen[id(t, a, "id")] = true
		}
		next, _ = page["next_page"].(string)
	}
	if len(seen) != len(acct.Guide.Articles) {
		t.Errorf("export gave %d articles, want %d", len(seen), len(acct.Guide.Articles))
	}
}
