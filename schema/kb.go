package schema

import "time"

// The canonical entities of the knowledge base. Every help desk keeps it as category > section >
// article; sections may nest (Zendesk's parent_section_id, Intercom's nested collections), and
// translations hang off any of the three.
const (
	KBCategories   Entity = "kb_categories"
	KBSections     Entity = "kb_sections"
	KBArticles     Entity = "kb_articles"
	KBTranslations Entity = "kb_translations"
	KBAttachments  Entity = "kb_attachments"
)

// Article states.
const (
	StateDraft     = "draft"
	StatePublished = "published"
)

// KBCategory is the top level of a knowledge base (an Intercom top-level collection).
type KBCategory struct {
	SourceID    string
	Name        string
	Description string
	Locale      string // the locale Name and Description are in
	Position    int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Raw         []byte
}

// KBSection groups articles inside a category. ParentSectionID is set for a nested section;
// CategoryID is the category of the whole path, also for nested ones.
type KBSection struct {
	SourceID        string
	CategoryID      string
	ParentSectionID string
	Name            string
	Description     string
	Locale          string
	Position        int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Raw             []byte
}

// KBArticle is one article in its source locale. SectionID and CategoryID are both optional: an
// Intercom article can sit in a collection without a section, and a Zendesk article whose section
// is gone has neither.
type KBArticle struct {
	SourceID     string
	SectionID    string
	CategoryID   string
	Title        string
	BodyHTML     string
	State        string // StateDraft or StatePublished
	AuthorID     string
	Position     int64
	SourceLocale string
	Labels       []string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Raw          []byte
}

// KBTranslation is one locale's variant of an article, section or category. ParentType names
// which (article, section, category) and ParentID is the source's own link to it, whatever the
// translation's own id is.
type KBTranslation struct {
	SourceID   string
	ParentType string
	ParentID   string
	Locale     string
	Title      string
	BodyHTML   string
	State      string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Raw        []byte
}

// KBAttachment is a file attached to an article.
type KBAttachment struct {
	SourceID    string
	ArticleID   string
	FileName    string
	ContentType string
	Size        int64
	ContentURL  string
	Inline      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Raw         []byte
}

// KBTables are the knowledge base's entities, created by migration 3. They are apart from Tables
// because migration 1 builds its tables from that list, and a released migration never changes.
var KBTables = []Table{
	{KBCategories, []Column{
		col("source_id", kindText, func(r *KBCategory) string { return r.SourceID }),
		col("created_at", kindTime, func(r *KBCategory) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *KBCategory) time.Time { return r.UpdatedAt }),
		col("name", kindText, func(r *KBCategory) string { return r.Name }),
		col("description", kindText, func(r *KBCategory) string { return r.Description }),
		col("locale", kindOptText, func(r *KBCategory) string { return r.Locale }),
		col("position", kindInt, func(r *KBCategory) int64 { return r.Position }),
		col("payload", kindRaw, func(r *KBCategory) []byte { return r.Raw }),
	}},
	{KBSections, []Column{
		col("source_id", kindText, func(r *KBSection) string { return r.SourceID }),
		col("created_at", kindTime, func(r *KBSection) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *KBSection) time.Time { return r.UpdatedAt }),
		col("category_id", kindOptText, func(r *KBSection) string { return r.CategoryID }),
		col("parent_section_id", kindOptText, func(r *KBSection) string { return r.ParentSectionID }),
		col("name", kindText, func(r *KBSection) string { return r.Name }),
		col("description", kindText, func(r *KBSection) string { return r.Description }),
		col("locale", kindOptText, func(r *KBSection) string { return r.Locale }),
		col("position", kindInt, func(r *KBSection) int64 { return r.Position }),
		col("payload", kindRaw, func(r *KBSection) []byte { return r.Raw }),
	}},
	{KBArticles, []Column{
		col("source_id", kindText, func(r *KBArticle) string { return r.SourceID }),
		col("created_at", kindTime, func(r *KBArticle) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *KBArticle) time.Time { return r.UpdatedAt }),
		col("section_id", kindOptText, func(r *KBArticle) string { return r.SectionID }),
		col("category_id", kindOptText, func(r *KBArticle) string { return r.CategoryID }),
		col("title", kindText, func(r *KBArticle) string { return r.Title }),
		col("body_html", kindText, func(r *KBArticle) string { return r.BodyHTML }),
		col("state", kindOptText, func(r *KBArticle) string { return r.State }),
		col("author_id", kindOptText, func(r *KBArticle) string { return r.AuthorID }),
		col("position", kindInt, func(r *KBArticle) int64 { return r.Position }),
		col("source_locale", kindOptText, func(r *KBArticle) string { return r.SourceLocale }),
		col("labels", kindTextList, func(r *KBArticle) []string { return r.Labels }),
		col("payload", kindRaw, func(r *KBArticle) []byte { return r.Raw }),
	}},
	{KBTranslations, []Column{
		col("source_id", kindText, func(r *KBTranslation) string { return r.SourceID }),
		col("created_at", kindTime, func(r *KBTranslation) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *KBTranslation) time.Time { return r.UpdatedAt }),
		col("parent_type", kindText, func(r *KBTranslation) string { return r.ParentType }),
		col("parent_id", kindText, func(r *KBTranslation) string { return r.ParentID }),
		col("locale", kindText, func(r *KBTranslation) string { return r.Locale }),
		col("title", kindText, func(r *KBTranslation) string { return r.Title }),
		col("body_html", kindText, func(r *KBTranslation) string { return r.BodyHTML }),
		col("state", kindOptText, func(r *KBTranslation) string { return r.State }),
		col("payload", kindRaw, func(r *KBTranslation) []byte { return r.Raw }),
	}},
	{KBAttachments, []Column{
		col("source_id", kindText, func(r *KBAttachment) string { return r.SourceID }),
		col("created_at", kindTime, func(r *KBAttachment) time.Time { return r.CreatedAt }),
		col("updated_at", kindTime, func(r *KBAttachment) time.Time { return r.UpdatedAt }),
		col("article_id", kindText, func(r *KBAttachment) string { return r.ArticleID }),
		col("file_name", kindText, func(r *KBAttachment) string { return r.FileName }),
		col("content_type", kindOptText, func(r *KBAttachment) string { return r.ContentType }),
		col("size", kindInt, func(r *KBAttachment) int64 { return r.Size }),
		col("content_url", kindOptText, func(r *KBAttachment) string { return r.ContentURL }),
		col("inline", kindBool, func(r *KBAttachment) bool { return r.Inline }),
		col("payload", kindRaw, func(r *KBAttachment) []byte { return r.Raw }),
	}},
}

// AllTables is every canonical entity: the ticketing side, then the knowledge base.
func AllTables() []Table {
	return append(append([]Table(nil), Tables...), KBTables...)
}

// v3Statements adds the knowledge base: one raw table and one canonical view per entity.
func v3Statements() []string {
	var stmts []string
	for _, t := range KBTables {
		stmts = append(stmts, t.rawTableDDL())
	}
	for _, t := range KBTables {
		stmts = append(stmts, t.viewDDL())
	}
	return stmts
}
