package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Guide is a knowledge base: categories > sections (nesting through ParentID) > articles, with
// translations of each. It has what real ones have and migrations trip over: articles without a
// section, sections nested five deep, a locale Intercom does not support, links between
// articles (one to an article that no longer exists), drafts and attachments.
type Guide struct {
	Locales    []string // the first is the help center's default
	Categories []KBCategory
	Sections   []KBSection
	Articles   []KBArticle
}

// KBTranslation is one locale's title and body of an article, section or category; the source
// locale has one too, as Zendesk lists it. Its id is its own, not its parent's.
type KBTranslation struct {
	ID        int64
	Locale    string
	Title     string
	Body      string // articles only
	Draft     bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// KBCategory is a top-level group of sections.
type KBCategory struct {
	ID           int64
	Name         string
	Description  string
	Position     int
	Translations []KBTranslation
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// KBSection is a section of a category; ParentID (0 = none) nests it in another section.
type KBSection struct {
	ID           int64
	CategoryID   int64
	ParentID     int64
	Name         string
	Description  string
	Position     int
	Translations []KBTranslation
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// KBFile is an article attachment; Content is derived from ID.
type KBFile struct {
	ID          int64
	FileName    string
	ContentType string
	Inline      bool
	Content     []byte
	CreatedAt   time.Time
}

// KBArticle is an article; SectionID 0 means it has no section (its section was deleted).
type KBArticle struct {
	ID           int64
	SectionID    int64
	AuthorID     int64
	Title        string
	Body         string // HTML in the source locale
	Draft        bool
	Promoted     bool
	Position     int
	Labels       []string
	Locale       string // source_locale
	Translations []KBTranslation
	Attachments  []KBFile
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// HelpCenterURL is the public address of the generated help center; article bodies link to
// each other under it (/hc/<locale>/articles/<id>-<slug>), as Zendesk bodies do.
const HelpCenterURL = "https://deskport-demo.zendesk.com"

// GuideLocales are the generated locales; "is" (Icelandic) is one Intercom does not support.
var GuideLocales = []string{"en-us", "de", "fr", "is"}

var (
	kbCategoryNames = []string{"Getting started", "Billing & payments", "Troubleshooting"}
	kbSectionNames  = [][]string{
		{"Your account", "First steps"},
		{"Invoices", "Plans"},
		{"Devices", "Connectivity"},
	}
	// kbDeepChain nests under the first section of the last category, down to depth five.
	kbDeepChain  = []string{"Mobile", "Android", "Android 14", "Pixel phones"}
	kbTopics     = []string{"reset your password", "export data", "change your plan", "pair a device", "read an invoice", "invite teammates", "set up SSO", "fix sync errors", "update the app", "cancel a subscription"}
	kbLabels     = []string{"faq", "how-to", "billing", "mobile", "security"}
	kbLocaleWord = map[string]string{"en-us": "", "de": "Anleitung: ", "fr": "Guide : ", "is": "Leiðbeiningar: "}
)

// kbIDs are the knowledge base's id sequences, apart from the tickets' so that adding a Guide
// leaves the rest of a seeded account as it was.
type kbIDs struct{ category, section, article, translation, file idSeq }

func newKBIDs() kbIDs {
	seq := func(low, kind int64) idSeq { return idSeq{Low: low, High: maxExactFloat + 1 + kind*1_000_000_000} }
	return kbIDs{seq(360_020_000_000, 10), seq(360_030_000_000, 11), seq(360_040_000_000, 12),
		seq(360_050_000_000, 13), seq(360_060_000_000, 14)}
}

// genGuide builds a Guide of n articles (none when n is 0) written by the given agents. It has its
// own random stream, derived from the seed.
func genGuide(seed int64, n int, authors []int64) Guide {
	if n <= 0 || len(authors) == 0 {
		return Guide{}
	}
	r := rand.New(rand.NewPCG(uint64(seed)^0x6b62, uint64(seed)+0x9e37))
	ids := newKBIDs()
	g := Guide{Locales: GuideLocales}
	for ci, name := range kbCategoryNames {
		c := KBCategory{ID: ids.category.next(r), Name: name, Description: "All about " + strings.ToLower(name) + ".", Position: ci}
		c.CreatedAt, c.UpdatedAt = createdUpdated(r, 0)
		c.Translations = nameTranslations(r, &ids, name, c.CreatedAt)
		g.Categories = append(g.Categories, c)
		for si, sname := range kbSectionNames[ci] {
			g.Sections = append(g.Sections, newSection(r, &ids, c.ID, 0, sname, si))
		}
	}
	parent := g.Sections[len(g.Sections)-2] // "Devices"
	for _, name := range kbDeepChain {
		s := newSection(r, &ids, parent.CategoryID, parent.ID, name, 0)
		g.Sections = append(g.Sections, s)
		parent = s
	}
	g.Articles = genArticles(r, &ids, n, g.Sections, authors)
	return g
}

func newSection(r *rand.Rand, ids *kbIDs, category, parent int64, name string, pos int) KBSection {
	s := KBSection{ID: ids.section.next(r), CategoryID: category, ParentID: parent, Name: name,
		Description: name + " articles.", Position: pos}
	s.CreatedAt, s.UpdatedAt = createdUpdated(r, 0)
	s.Translations = nameTranslations(r, ids, name, s.CreatedAt)
	return s
}

// nameTranslations gives a category or section its source name and a German one.
func nameTranslations(r *rand.Rand, ids *kbIDs, name string, at time.Time) []KBTranslation {
	return []KBTranslation{
		{ID: ids.translation.next(r), Locale: "en-us", Title: name, CreatedAt: at, UpdatedAt: at},
		{ID: ids.translation.next(r), Locale: "de", Title: name + " (DE)", CreatedAt: at, UpdatedAt: at},
	}
}

// genArticles spreads n articles over the sections, every one of them holding at least one when
// n allows; about one in ten has no section.
func genArticles(r *rand.Rand, ids *kbIDs, n int, sections []KBSection, authors []int64) []KBArticle {
	out := make([]KBArticle, n)
	for i := range out {
		out[i].ID = ids.article.next(r)
	}
	orphans := max(1, n/10)
	for i := range out {
		a := &out[i]
		if i < n-orphans {
			a.SectionID = sections[i%len(sections)].ID
		}
		a.AuthorID = authors[i%len(authors)]
		a.Title = fmt.Sprintf("How to %s (%d)", kbTopics[i%len(kbTopics)], i+1)
		a.Draft = i%4 == 3
		a.Promoted = i%7 == 0
		a.Position = i / len(sections)
		a.Labels = []string{kbLabels[i%len(kbLabels)]}
		a.Locale = "en-us"
		a.CreatedAt, a.UpdatedAt = createdUpdated(r, 0)
		a.Body = articleBody(r, out, i)
		a.Translations = articleTranslations(r, ids, a, i)
		if i%5 == 0 {
			a.Attachments = []KBFile{kbFile(r, ids, a.CreatedAt)}
		}
	}
	return out
}

// articleBody is HTML with a link to the previous article in a third of them, and one link to an
// article that does not exist.
func articleBody(r *rand.Rand, all []KBArticle, i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>%s</p>", pick(r, kbSentences))
	if i%3 == 1 {
		prev := all[i-1]
		fmt.Fprintf(&b, `<p>See also <a href="%s">the previous guide</a>.</p>`, ArticleURL(prev.ID, "en-us"))
	}
	if i == 2 {
		fmt.Fprintf(&b, `<p>This used to be <a href="%s">here</a>.</p>`, ArticleURL(360_049_999_999, "en-us"))
	}
	fmt.Fprintf(&b, "<ul><li>%s</li><li>%s</li></ul>", pick(r, kbSentences), pick(r, kbSentences))
	return b.String()
}

var kbSentences = []string{
	"Open Settings and choose the option you need.", "Changes take effect within a few minutes.",
	"Only admins can change this setting.", "Contact support if the problem persists.",
	"Größere Dateien brauchen länger — bitte Geduld.", "Ce réglage s’applique à toute l’équipe.",
}

// ArticleURL is the help center address of an article in a locale.
func ArticleURL(id int64, locale string) string {
	return fmt.Sprintf("%s/hc/%s/articles/%d", HelpCenterURL, locale, id)
}

// articleTranslations: the source locale, German always, French every other article and
// Icelandic every third.
func articleTranslations(r *rand.Rand, ids *kbIDs, a *KBArticle, i int) []KBTranslation {
	out := []KBTranslation{{ID: ids.translation.next(r), Locale: a.Locale, Title: a.Title, Body: a.Body,
		Draft: a.Draft, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}}
	for _, loc := range GuideLocales[1:] {
		if (loc == "fr" && i%2 != 0) || (loc == "is" && i%3 != 0) {
			continue
		}
		out = append(out, KBTranslation{ID: ids.translation.next(r), Locale: loc, Title: kbLocaleWord[loc] + a.Title,
			Body: "<p>[" + loc + "]</p>" + a.Body, Draft: a.Draft, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt})
	}
	return out
}

func kbFile(r *rand.Rand, ids *kbIDs, at time.Time) KBFile {
	k := fileKinds[r.IntN(len(fileKinds))]
	id := ids.file.next(r)
	return KBFile{ID: id, FileName: "guide-" + pad4(int(id%10000)) + k.ext, ContentType: k.mime,
		Content: Content(id, k.magic, 64+r.IntN(512)), CreatedAt: at}
}

// SectionDepth is how deep a section sits: 1 for a section directly in its category.
func (g *Guide) SectionDepth(id int64) int {
	depth := 0
	for id != 0 && depth < 64 {
		s := g.Section(id)
		if s == nil {
			break
		}
		depth++
		id = s.ParentID
	}
	return depth
}

// Section returns the section with that id, or nil.
func (g *Guide) Section(id int64) *KBSection {
	for i := range g.Sections {
		if g.Sections[i].ID == id {
			return &g.Sections[i]
		}
	}
	return nil
}
