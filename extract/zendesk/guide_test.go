package zendesk

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/sandbox/gen"
	sim "github.com/deskport/deskport/sandbox/zendesk"
	"github.com/deskport/deskport/schema"
)

// TestExtractGuide reads a generated Guide from the simulator: every category, section, article,
// translation and attachment once, nesting and the articles without a section as the account
// has them, translations tied to their parent by the source's relation.
func TestExtractGuide(t *testing.T) {
	acct := gen.Generate(gen.Options{Seed: 8, Tickets: 3, Articles: 20})
	srv := sim.New(acct, sim.Options{RateLimit: -1, IncrementalRateLimit: -1, SameHostNextPages: true})
	mux := http.NewServeMux()
	mux.Handle("/zendesk/", http.StripPrefix("/zendesk", srv))
	hs := httptest.NewServer(mux)
	defer hs.Close()
	src, err := New(extract.Config{System: "zendesk", BaseURL: hs.URL + "/zendesk",
		Credentials: map[string]string{"email": sim.DefaultEmail, "token": sim.DefaultToken}})
	if err != nil {
		t.Fatal(err)
	}
	kb := []schema.Entity{schema.KBCategories, schema.KBSections, schema.KBArticles, schema.KBTranslations, schema.KBAttachments}
	sink := newMemSink()
	if err := src.Extract(t.Context(), extract.Request{Entities: kb}, sink, nil); err != nil {
		t.Fatal(err)
	}
	g := acct.Guide
	translations, files := 0, 0
	for _, c := range g.Categories {
		translations += len(c.Translations)
	}
	for _, s := range g.Sections {
		translations += len(s.Translations)
	}
	for _, a := range g.Articles {
		translations += len(a.Translations)
		files += len(a.Attachments)
	}
	want := map[schema.Entity]int{schema.KBCategories: len(g.Categories), schema.KBSections: len(g.Sections),
		schema.KBArticles: len(g.Articles), schema.KBTranslations: translations, schema.KBAttachments: files}
	for e, n := range want {
		if got := len(sink.rows[e]); got != n {
			t.Errorf("%s: %d staged, want %d", e, got, n)
		}
	}
	if _, ok := sink.rows[schema.Tickets]; ok {
		t.Error("tickets staged though only the knowledge base was asked for")
	}
	for _, s := range g.Sections {
		row := sink.rows[schema.KBSections][strconv.FormatInt(s.ID, 10)]
		if got, _ := row["parent_section_id"].(string); got != idText(s.ParentID) {
			t.Errorf("section %d: parent %q, want %q", s.ID, got, idText(s.ParentID))
		}
	}
	for _, a := range g.Articles {
		row := sink.rows[schema.KBArticles][strconv.FormatInt(a.ID, 10)]
		if got, _ := row["section_id"].(string); got != idText(a.SectionID) {
			t.Errorf("article %d: section %q, want %q", a.ID, got, idText(a.SectionID))
		}
		for _, tr := range a.Translations {
			row := sink.rows[schema.KBTranslations][strconv.FormatInt(tr.ID, 10)]
			if row["parent_id"] != strconv.FormatInt(a.ID, 10) || row["parent_type"] != "article" || row["locale"] != tr.Locale {
				t.Errorf("translation %d: %v, want article %d in %s", tr.ID, row, a.ID, tr.Locale)
			}
		}
	}
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
