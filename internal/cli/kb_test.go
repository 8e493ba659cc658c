package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/gen"
	"github.com/deskport/deskport/sandbox/intercom"
	"github.com/deskport/deskport/schema"
	"github.com/deskport/deskport/transform"
)

// kbPipeline writes a sandbox pipeline file whose options choose the knowledge base policy and
// migrate translations.
func kbPipeline(t *testing.T, url, hierarchy string) string {
	t.Helper()
	file := sandboxPipeline(t, url)
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	opts := fmt.Sprintf("options:\n  kb: {hierarchy: %s, translations: true}", hierarchy)
	out := regexp.MustCompile(`(?m)^options: \{\}$`).ReplaceAllString(string(text), opts)
	if out == string(text) {
		t.Fatal("the sandbox pipeline file has no empty options block to fill")
	}
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestMigrateGuideToIntercom is the knowledge base acceptance: a generated Zendesk Guide with
// sectionless articles, sections five deep, four locales (Icelandic unsupported by Intercom) and
// links between articles arrives in the Intercom simulator with every article once, where the
// policy says, with its state, author and translations; the unsupported locale is reported and
// internal links point at the new articles.
func TestMigrateGuideToIntercom(t *testing.T) {
	for _, hierarchy := range []string{"keep", "default_folder"} {
		t.Run(hierarchy, func(t *testing.T) {
			sb, url := startSandbox(t, sandbox.Options{Seed: 21, Tickets: 10, Articles: 30})
			file := kbPipeline(t, url, hierarchy)
			migrate(t, file)
			db := openStaging(t, file)
			if n := count(t, db, `SELECT count(*) FROM load_outcomes WHERE event = 'failed'`); n != 0 {
				t.Fatalf("%d ops failed: %v", n, failures(t, db))
			}
			ic := sb.Intercom()
			if st := ic.Stats(); st.StrictErrors != 0 || st.Duplicates["article"] != 0 || st.Duplicates["collection"] != 0 {
				t.Errorf("strict errors %d, duplicates %v", st.StrictErrors, st.Duplicates)
			}
			g := sb.Account().Guide
			k := newKBTarget(t, ic)
			if len(k.articles) != len(g.Articles) {
				t.Errorf("%d articles in the target, want %d", len(k.articles), len(g.Articles))
			}
			unsupported := 0
			for i := range g.Articles {
				a := &g.Articles[i]
				got, ok := k.byTitle[a.Title]
				if !ok {
					t.Errorf("article %d %q did not arrive", a.ID, a.Title)
					continue
				}
				k.checkArticle(t, sb, &g, a, got, hierarchy)
				for _, tr := range a.Translations {
					if tr.Locale == "is" {
						unsupported++
					}
				}
			}
			if n := count(t, db, `SELECT count(*) FROM load_outcomes WHERE event = 'skipped' AND entity = 'kb_translations'
				AND message = 'locale not supported by Intercom: is'`); n != unsupported || n == 0 {
				t.Errorf("%d unsupported translations reported in the ledger, want %d", n, unsupported)
			}
			k.checkLinks(t, ic, &g)
			checkKBReports(t, file, &g, hierarchy)
		})
	}
}

// kbCountsQuery is the README's "articles per state, language and category" over staging.
const kbCountsQuery = `SELECT coalesce(t.state, a.state) AS state, coalesce(t.locale, a.source_locale) AS language,
	coalesce(c.name, '(no category)') AS category, count(DISTINCT a.source_id) AS articles
FROM kb_articles a
LEFT JOIN kb_translations t ON t.parent_type = 'article' AND t.parent_id = a.source_id
LEFT JOIN kb_sections s ON s.source_id = a.section_id
LEFT JOIN kb_categories c ON c.source_id = coalesce(a.category_id, s.category_id)
GROUP BY ALL ORDER BY ALL`

// checkKBReports: report --kb-moves lists every moved article with its old and new path, the
// totals count the knowledge base per entity, and deskport sql answers the counts per state,
// language and category.
func checkKBReports(t *testing.T, file string, g *gen.Guide, hierarchy string) {
	t.Helper()
	code, out, stderr := run(t, context.Background(), "report", "-p", file, "--kb-moves", "--format", "csv")
	if code != 0 {
		t.Fatalf("report --kb-moves: %d %s", code, stderr)
	}
	moved := 0
	for _, a := range g.Articles {
		if a.SectionID == 0 || g.SectionDepth(a.SectionID) > 1 {
			moved++
			if !strings.Contains(out, strconv.FormatInt(a.ID, 10)+","+a.Title+",") {
				t.Errorf("report --kb-moves lacks article %d:\n%s", a.ID, out)
			}
		}
	}
	if lines := strings.Count(strings.TrimSpace(out), "\n"); lines != moved {
		t.Errorf("report --kb-moves has %d moves, want %d (%s):\n%s", lines, moved, hierarchy, out)
	}
	code, out, stderr = run(t, context.Background(), "report", "-p", file)
	if code != 0 || !strings.Contains(out, "kb_articles") || !strings.Contains(out, "kb_translations") {
		t.Errorf("report totals lack the knowledge base (%d %s):\n%s", code, stderr, out)
	}
	code, out, stderr = run(t, context.Background(), "sql", "-p", file, "--format", "csv", kbCountsQuery)
	if code != 0 || !strings.Contains(out, "draft,is,Troubleshooting,") || !strings.Contains(out, "published,en-us,(no category),") {
		t.Errorf("deskport sql counts (%d %s):\n%s", code, stderr, out)
	}
}

// kbTarget is the Intercom Help Center after the load.
type kbTarget struct {
	articles    []intercom.Article
	byTitle     map[string]intercom.Article
	collections map[string]intercom.Collection
	adminOf     map[string]string
	me          string
}

func newKBTarget(t *testing.T, ic *intercom.Server) *kbTarget {
	k := &kbTarget{articles: ic.Articles(), byTitle: map[string]intercom.Article{},
		collections: map[string]intercom.Collection{}, adminOf: map[string]string{}}
	for _, a := range k.articles {
		if _, dup := k.byTitle[a.Title]; dup {
			t.Errorf("article %q arrived twice", a.Title)
		}
		k.byTitle[a.Title] = a
	}
	for _, c := range ic.Collections() {
		k.collections[c.ID] = c
	}
	for i, a := range ic.Admins() {
		k.adminOf[strings.ToLower(a.Email)] = a.ID
		if i == 0 {
			k.me = a.ID
		}
	}
	return k
}

// path is where the article sits: its collection's parent's name > its collection's name.
func (k *kbTarget) path(a intercom.Article) string {
	sec, ok := k.collections[a.ParentID]
	if !ok {
		return "(none)"
	}
	top, ok := k.collections[sec.ParentID]
	if !ok || top.ParentID != "" {
		return "(not two levels)"
	}
	return top.Name + " > " + sec.Name
}

// wantPath is where the policy puts a source article.
func wantPath(g *gen.Guide, a *gen.KBArticle, hierarchy string) string {
	const fallback = "Source default category > Source default folder"
	if a.SectionID == 0 || (hierarchy == "default_folder" && g.SectionDepth(a.SectionID) > 1) {
		return fallback
	}
	var names []string
	s := g.Section(a.SectionID)
	for ; s.ParentID != 0; s = g.Section(s.ParentID) {
		names = append([]string{s.Name}, names...)
	}
	names = append([]string{s.Name}, names...)
	for _, c := range g.Categories {
		if c.ID == s.CategoryID {
			return c.Name + " > " + strings.Join(names, " / ")
		}
	}
	return fallback
}

func (k *kbTarget) checkArticle(t *testing.T, sb *sandbox.Server, g *gen.Guide, a *gen.KBArticle, got intercom.Article, hierarchy string) {
	t.Helper()
	if p, want := k.path(got), wantPath(g, a, hierarchy); p != want {
		t.Errorf("article %d: in %q, want %q", a.ID, p, want)
	}
	if want := map[bool]string{true: "draft", false: "published"}[a.Draft]; got.State != want {
		t.Errorf("article %d: state %s, want %s", a.ID, got.State, want)
	}
	wantAuthor := k.me
	for _, u := range sb.Account().Users {
		if u.ID == a.AuthorID {
			if id, ok := k.adminOf[strings.ToLower(u.Email)]; ok {
				wantAuthor = id
			}
		}
	}
	if got.AuthorID != wantAuthor {
		t.Errorf("article %d: author %s, want %s", a.ID, got.AuthorID, wantAuthor)
	}
	var wantLocales []string
	for _, tr := range a.Translations {
		if tr.Locale == "de" || tr.Locale == "fr" {
			wantLocales = append(wantLocales, tr.Locale)
		}
	}
	var gotLocales []string
	for loc, c := range got.Translations {
		gotLocales = append(gotLocales, loc)
		if c.Title == "" || c.Body == "" {
			t.Errorf("article %d: %s translation without title or body", a.ID, loc)
		}
	}
	slices.Sort(wantLocales)
	slices.Sort(gotLocales)
	if !slices.Equal(gotLocales, wantLocales) {
		t.Errorf("article %d: translations %v, want %v", a.ID, gotLocales, wantLocales)
	}
}

// checkLinks: a link to another article now points at that article in Intercom; the link to an
// article that never existed is left as it was.
func (k *kbTarget) checkLinks(t *testing.T, ic *intercom.Server, g *gen.Guide) {
	t.Helper()
	rewritten := 0
	for i, a := range g.Articles {
		got := k.byTitle[a.Title]
		if i%3 == 1 {
			prev := k.byTitle[g.Articles[i-1].Title]
			if !strings.Contains(got.Body, ic.ArticleURL(prev.ID)) || strings.Contains(got.Body, gen.ArticleURL(g.Articles[i-1].ID, "en-us")) {
				t.Errorf("article %d: link to %d not rewritten: %s", a.ID, g.Articles[i-1].ID, got.Body)
			}
			rewritten++
		}
		if i == 2 && !strings.Contains(got.Body, gen.ArticleURL(360_049_999_999, "en-us")) {
			t.Errorf("article %d: the link to a missing article changed: %s", a.ID, got.Body)
		}
	}
	if rewritten == 0 {
		t.Error("no article had a link to rewrite")
	}
}

// TestGuideLoadSurvivesLostAnswers: with a third of the answers dropped after the write, every
// collection and article is found by the reconciling look-up rather than created again, and a
// replay of what failed completes the load with each once.
func TestGuideLoadSurvivesLostAnswers(t *testing.T) {
	sb, url := startSandbox(t, sandbox.Options{Seed: 22, Tickets: 5, Articles: 25})
	file := kbPipeline(t, url, "keep")
	for _, stage := range []string{"extract", "transform"} {
		if code, out, stderr := run(t, context.Background(), stage, "-p", file); code != 0 {
			t.Fatalf("%s: %d\n%s%s", stage, code, out, stderr)
		}
	}
	sb.Intercom().SetFaults(intercom.Faults{DropAfterWriteRate: 0.3, ErrorRate: 0.05})
	p, err := pipelines.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pipelines.RunLoad(context.Background(), p, pipelines.LoadOptions{Getenv: os.Getenv,
		MaxAttempts: 2, AttemptTimeout: 20 * time.Second, Backoff: 5 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	sb.Intercom().SetFaults(intercom.Faults{})
	if code, out, stderr := run(t, context.Background(), "replay", "-p", file, "--failed"); code != 0 {
		t.Fatalf("replay: %d\n%s%s", code, out, stderr)
	}
	db := openStaging(t, file)
	reconciled := count(t, db, `SELECT count(*) FROM load_events WHERE code = 'reconciled' AND kind IN ('collection', 'article')`)
	if reconciled == 0 {
		t.Error("no collection or article was found by reconciling: the faults did not reach them")
	}
	checkLoadedOnce(t, sb, file)
	ic := sb.Intercom()
	for kind, want := range map[string]int{"collection": len(ic.Collections()), "article": len(ic.Articles())} {
		if n := count(t, db, `SELECT count(*) FROM plan_ops WHERE kind = ?`, kind); n != want {
			t.Errorf("%s: the plan has %d, the target %d", kind, n, want)
		}
	}
	t.Logf("%d collections and articles reconciled", reconciled)
}

// helpCenterPost creates a Help Center object in the Intercom simulator and returns its id.
func helpCenterPost(t *testing.T, base, path string, body map[string]any) string {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+intercom.DefaultToken)
	req.Header.Set("Intercom-Version", "2.15")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %v", path, resp.StatusCode, err)
	}
	return out.ID
}

// TestIntercomHelpCenterReadBack is the acceptance for an Intercom Help Center read out into
// staging: collections at every level become categories and (nested) sections, articles keep
// their translated_content as translations, and an article sitting directly in a collection
// becomes category > a section made in it > article under keep, the default category and folder
// under default_folder.
func TestIntercomHelpCenterReadBack(t *testing.T) {
	_, url := startSandbox(t, sandbox.Options{Seed: 23, Tickets: 1})
	api := url + "/intercom"
	billing := helpCenterPost(t, api, "/help_center/collections", map[string]any{"name": "Billing",
		"translated_content": map[string]any{"type": "group_translated_content", "de": map[string]any{"type": "group_content", "name": "Abrechnung"}}})
	guides := helpCenterPost(t, api, "/help_center/collections", map[string]any{"name": "Guides"})
	setup := helpCenterPost(t, api, "/help_center/collections", map[string]any{"name": "Setup", "parent_id": guides})
	advanced := helpCenterPost(t, api, "/help_center/collections", map[string]any{"name": "Advanced", "parent_id": setup})
	article := func(title, parent string) {
		body := map[string]any{"title": title, "body": "<p>" + title + "</p>", "author_id": 991267000, "state": "published",
			"translated_content": map[string]any{"type": "article_translated_content",
				"fr": map[string]any{"type": "article_content", "title": title + " (fr)", "body": "<p>fr</p>", "author_id": 991267000, "state": "draft"}}}
		if parent != "" {
			n, _ := strconv.ParseInt(parent, 10, 64)
			body["parent_id"], body["parent_type"] = n, "collection"
		}
		helpCenterPost(t, api, "/articles", body)
	}
	article("Refunds", billing)
	article("Install", setup)
	article("Tuning", advanced)
	article("Loose", "")

	// The plan is for Zendesk, whose Guide nests sections: a collection three deep stays a
	// category > section > section path under both policies, a full path either way.
	cases := map[string]map[string]string{
		"keep": {"Refunds": "Billing > Billing", "Install": "Guides > Setup", "Tuning": "Guides > Setup > Advanced",
			"Loose": "Source default category > Source default folder"},
		"default_folder": {"Refunds": "Source default category > Source default folder", "Install": "Guides > Setup",
			"Tuning": "Guides > Setup > Advanced", "Loose": "Source default category > Source default folder"},
	}
	for hierarchy, want := range cases {
		t.Run(hierarchy, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "helpcenter.yaml")
			// The way back to a help desk with a three-level knowledge base: the plan for Zendesk is
			// made offline, over a target directory written here.
			text := fmt.Sprintf("version: 1\nsource:\n  system: intercom\n  base_url: %s\n  credentials: sandbox\n"+
				"target:\n  system: zendesk\n  base_url: "+url+"/zendesk\n  credentials: sandbox\n"+
				"options:\n  kb: {hierarchy: %s, translations: true}\n", api, hierarchy)
			if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, out, stderr := run(t, context.Background(), "extract", "-p", file); code != 0 {
				t.Fatalf("extract: %d\n%s%s", code, out, stderr)
			}
			writeDirectory(t, strings.TrimSuffix(file, ".yaml")+".duckdb")
			if code, out, stderr := run(t, context.Background(), "transform", "-p", file, "--offline"); code != 0 {
				t.Fatalf("transform: %d\n%s%s", code, out, stderr)
			}
			db, err := schema.OpenReadOnly(context.Background(), strings.TrimSuffix(file, ".yaml")+".duckdb")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			staged := []struct {
				query string
				want  int
			}{
				{`SELECT count(*) FROM kb_categories`, 2},
				{`SELECT count(*) FROM kb_sections WHERE source_id = '` + advanced + `' AND parent_section_id = '` + setup + `' AND category_id = '` + guides + `'`, 1},
				{`SELECT count(*) FROM kb_sections WHERE source_id = '` + setup + `' AND parent_section_id IS NULL`, 1},
				{`SELECT count(*) FROM kb_articles WHERE title = 'Refunds' AND category_id = '` + billing + `' AND section_id IS NULL`, 1},
				{`SELECT count(*) FROM kb_translations WHERE parent_type = 'article' AND locale = 'fr' AND state = 'draft'`, 4},
				{`SELECT count(*) FROM kb_translations WHERE parent_type = 'category' AND parent_id = '` + billing + `' AND title = 'Abrechnung'`, 1},
			}
			for _, c := range staged {
				if n := count(t, db, c.query); n != c.want {
					t.Errorf("%s: %d, want %d", c.query, n, c.want)
				}
			}
			for title, path := range want {
				var got string
				if err := db.QueryRow(`SELECT path FROM plan_kb_articles WHERE title = ?`, title).Scan(&got); err != nil || got != path {
					t.Errorf("%s: placed in %q (%v), want %q", title, got, err, path)
				}
			}
		})
	}
}

// writeDirectory gives a staging file a target directory of one admin, for an offline transform.
func writeDirectory(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	db, err := schema.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := transform.EnsureDirectory(ctx, db); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO target_workspace VALUES ('acme', 'Acme', 'US', '501', 'admin@acme.example')`,
		`INSERT INTO target_admins VALUES ('501', 'Admin', 'admin@acme.example')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
}
