package transform

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestKBMovesGolden renders, for each knowledge base case, what the report lists: every article
// whose place changed with its old and new path, where each article lands, and every internal
// link with whether it resolves. One case per hierarchy policy (kb_keep, kb_default_folder).
func TestKBMovesGolden(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "cases", "kb_*"))
	if len(dirs) < 2 {
		t.Fatalf("want a knowledge base case per policy, found %v", dirs)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			db := newStore(t)
			loadFixture(t, db, filepath.Join(dir, "input.sql"))
			if _, err := Run(context.Background(), db, caseSettings(t, dir)); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, s := range []struct{ title, query string }{
				{"plan_kb_moves (article_id title old_path new_path reason)", `SELECT * FROM plan_kb_moves`},
				{"plan_kb_articles (op_id path state locales)", `
					SELECT op_id, path, state, CAST(to_json(locales) AS TEXT) FROM plan_kb_articles`},
				{"plan_kb_collections (op_id level parent_ref name locales)", `
					SELECT op_id, level, coalesce(parent_ref, '-'), name, CAST(to_json(locales) AS TEXT) FROM plan_kb_collections`},
				{"plan_kb_links (op_id href target resolved)", `
					SELECT op_id, href, target_article_id, CAST(resolved AS TEXT) FROM plan_kb_links`},
			} {
				b.WriteString("== " + s.title + " ==\n" + dump(t, db, s.query))
			}
			compareGolden(t, filepath.Join(dir, "moves.golden"), b.String())
		})
	}
}

// TestKBBadHierarchy: a policy the SQL does not know fails the transform with its name.
func TestKBBadHierarchy(t *testing.T) {
	db := newStore(t)
	loadFixture(t, db, filepath.Join("testdata", "cases", "kb_keep", "input.sql"))
	s := DefaultSettings()
	s.KBHierarchy = "flatten"
	_, err := Run(context.Background(), db, s)
	if err == nil || !strings.Contains(err.Error(), "kb hierarchy flatten") {
		t.Fatalf("err = %v, want one naming the kb hierarchy", err)
	}
}

// TestKBPlanIsDeterministic: the same knowledge base written in another row order gives the same
// plan hash, and a second run over the same store the same again.
func TestKBPlanIsDeterministic(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join("testdata", "cases", "kb_keep")
	var hashes []string
	for _, reverse := range []bool{false, true} {
		db := newStore(t)
		loadFixture(t, db, filepath.Join(dir, "input.sql"))
		if reverse {
			for _, tbl := range []string{"raw_kb_categories", "raw_kb_sections", "raw_kb_articles", "raw_kb_translations", "raw_kb_attachments"} {
				q := "CREATE TEMP TABLE shuffled AS SELECT * FROM " + tbl + " ORDER BY source_id DESC; DELETE FROM " + tbl +
					"; INSERT INTO " + tbl + " SELECT * FROM shuffled ORDER BY source_id DESC; DROP TABLE shuffled"
				if _, err := db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
		}
		for range 2 {
			res, err := Run(ctx, db, caseSettings(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			hashes = append(hashes, res.PlanHash)
		}
	}
	for _, h := range hashes[1:] {
		if h != hashes[0] {
			t.Fatalf("plan hashes differ: %v", hashes)
		}
	}
	// The knowledge base is in the hash: another policy is another plan.
	db := newStore(t)
	loadFixture(t, db, filepath.Join(dir, "input.sql"))
	s := caseSettings(t, dir)
	s.KBHierarchy = KBDefaultFolder
	if res, err := Run(ctx, db, s); err != nil || res.PlanHash == hashes[0] {
		t.Fatalf("default_folder plan hash %v (err %v) equals keep's", res, err)
	}
}
