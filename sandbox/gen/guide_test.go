package gen

import (
	"strings"
	"testing"
)

// TestGuideHasWhatMigrationsTripOver checks the knowledge base has each case the hierarchy repair
// and the translation handling must deal with, and that adding it leaves the tickets alone.
func TestGuideHasWhatMigrationsTripOver(t *testing.T) {
	a := Generate(Options{Seed: 3, Tickets: 20, Articles: 30})
	b := Generate(Options{Seed: 3, Tickets: 20})
	if accountHash(t, &Account{Tickets: a.Tickets, Users: a.Users}) != accountHash(t, &Account{Tickets: b.Tickets, Users: b.Users}) {
		t.Fatal("adding a Guide changed the tickets or users")
	}
	g := a.Guide
	if len(g.Articles) != 30 {
		t.Fatalf("%d articles, want 30", len(g.Articles))
	}
	maxDepth, orphans, drafts, links, files := 0, 0, 0, 0, 0
	locales := map[string]bool{}
	inSection := map[int64]int{}
	for _, ar := range g.Articles {
		if ar.SectionID == 0 {
			orphans++
		} else {
			maxDepth = max(maxDepth, g.SectionDepth(ar.SectionID))
			inSection[ar.SectionID]++
		}
		if ar.Draft {
			drafts++
		}
		links += strings.Count(ar.Body, "/hc/en-us/articles/")
		files += len(ar.Attachments)
		for _, tr := range ar.Translations {
			locales[tr.Locale] = true
		}
	}
	cases := []struct {
		what string
		ok   bool
	}{
		{"an article five sections deep", maxDepth == 5},
		{"sectionless articles", orphans > 0},
		{"drafts", drafts > 0 && drafts < len(g.Articles)},
		{"links between articles", links > 1},
		{"attachments", files > 0},
		{"four locales", len(locales) == 4 && locales["is"]},
		{"every section holds an article", len(inSection) == len(g.Sections)},
	}
	for _, c := range cases {
		if !c.ok {
			t.Errorf("generated Guide lacks %s", c.what)
		}
	}
	if accountHash(t, a) != accountHash(t, Generate(Options{Seed: 3, Tickets: 20, Articles: 30})) {
		t.Error("the Guide is not deterministic")
	}
}

// An id freed by a delete is never handed out again, as Zendesk never reuses one.
func TestKBIDsAreNotReusedAfterADelete(t *testing.T) {
	a := Generate(Options{Seed: 3, Tickets: 1, Articles: 4})
	create := func() int64 {
		var id int64
		if err := a.Write(func(ids *NewIDs) error {
			id = ids.KB()
			a.Guide.Categories = append(a.Guide.Categories, KBCategory{ID: id, Name: "c"})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := create()
	a.Guide.Categories = a.Guide.Categories[:len(a.Guide.Categories)-1] // deleted
	if second := create(); second == first {
		t.Errorf("id %d handed out again after its record was deleted", first)
	}
}
