package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/schema"
)

// The Guide (Help Center) streams. Categories and sections are short lists read whole each run;
// articles come from the Help Center's incremental export by start_time, so a delta reads only
// what changed. Each record's translations (and an article's attachments) are read with it and
// written in the same durable page, so a resumed stream never leaves an article without them.
const (
	streamKBCategories = "kb_categories"
	streamKBSections   = "kb_sections"
	streamKBArticles   = "kb_articles"
)

const hcPath = "/api/v2/help_center/"

// hcEnvelope is a Help Center page: the shared envelope fields plus the Guide's record lists.
type hcEnvelope struct {
	envelope
	Categories   []json.RawMessage `json:"categories"`
	Sections     []json.RawMessage `json:"sections"`
	Articles     []json.RawMessage `json:"articles"`
	Translations []json.RawMessage `json:"translations"`
	Attachments  []json.RawMessage `json:"article_attachments"`
}

// wantsGuide reports whether any knowledge base entity is requested.
func (r *run) wantsGuide() (categories, sections, articles bool) {
	w := r.req.Wants
	tr := w(schema.KBTranslations)
	return w(schema.KBCategories) || tr, w(schema.KBSections) || tr,
		w(schema.KBArticles) || tr || w(schema.KBAttachments)
}

// startGuide starts the Guide's streams in g. They spend the plan's budget, not the incremental
// exports' one.
func (r *run) startGuide(g *group) {
	categories, sections, articles := r.wantsGuide()
	r.start(g, categories, streamKBCategories, nil, r.fetchKBCategories)
	r.start(g, sections, streamKBSections, nil, r.fetchKBSections)
	r.start(g, articles, streamKBArticles, nil, r.fetchKBArticles)
}

// noHelpCenter ends a Guide stream on a 404 of its list: the account has no Help Center, which is
// no reason to fail the tickets' extract. Any other error stops the stream.
func (r *run) noHelpCenter(cur cursor, err error) (*result, error) {
	if !errors.Is(err, httpx.ErrNotFound) {
		return nil, err
	}
	r.src.logf("zendesk: the account has no Help Center (404): no knowledge base to extract")
	cur.Done = true
	return &result{next: cur}, nil
}

func (r *run) getHC(ctx context.Context, path string, q url.Values) (*hcEnvelope, error) {
	return getDecoded(ctx, r.src.api, path, q, func(body []byte) (*hcEnvelope, error) {
		var env hcEnvelope
		err := json.Unmarshal(body, &env)
		return &env, err
	})
}

func (r *run) fetchKBCategories(ctx context.Context, cur cursor) (*result, error) {
	env, err := r.getHC(ctx, hcPath+"categories.json", listQuery(cur))
	if err != nil {
		return r.noHelpCenter(cur, err)
	}
	res := &result{next: nextListCursor(cur, &env.envelope)}
	for _, raw := range env.Categories {
		row, err := mapKBCategory(raw)
		if err != nil {
			res.skips = append(res.skips, badRecord(schema.KBCategories, raw, err))
			continue
		}
		res.rows.kbCategories = append(res.rows.kbCategories, row)
		if err := r.addTranslations(ctx, "categories", row.SourceID, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (r *run) fetchKBSections(ctx context.Context, cur cursor) (*result, error) {
	env, err := r.getHC(ctx, hcPath+"sections.json", listQuery(cur))
	if err != nil {
		return r.noHelpCenter(cur, err)
	}
	res := &result{next: nextListCursor(cur, &env.envelope)}
	for _, raw := range env.Sections {
		row, err := mapKBSection(raw)
		if err != nil {
			res.skips = append(res.skips, badRecord(schema.KBSections, raw, err))
			continue
		}
		res.rows.kbSections = append(res.rows.kbSections, row)
		if err := r.addTranslations(ctx, "sections", row.SourceID, res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// fetchKBArticles reads a page of the incremental article export, with each new article's
// translations and attachments. The export has no end_of_stream: a null next_page ends it.
func (r *run) fetchKBArticles(ctx context.Context, cur cursor) (*result, error) {
	env, err := r.getHC(ctx, hcPath+"incremental/articles.json", timeQuery(cur))
	if err != nil {
		return r.noHelpCenter(cur, err)
	}
	res := &result{}
	repeated := repeats(cur)
	var items []stamped
	for _, raw := range env.Articles {
		row, err := mapKBArticle(raw)
		if err != nil {
			res.skips = append(res.skips, badRecord(schema.KBArticles, raw, err))
			continue
		}
		it := stamped{row.SourceID, row.UpdatedAt.Unix()}
		items = append(items, it)
		if repeated(it) {
			continue
		}
		res.rows.kbArticles = append(res.rows.kbArticles, row)
		if err := r.addTranslations(ctx, "articles", row.SourceID, res); err != nil {
			return nil, err
		}
		if err := r.addKBAttachments(ctx, row.SourceID, res); err != nil {
			return nil, err
		}
	}
	env.EndOfStream = env.NextPage == ""
	res.next = nextTimeCursor(cur, &env.envelope, items, len(res.rows.kbArticles))
	return res, nil
}

// addTranslations reads every page of one record's translations into res. A record gone since
// its list was read (404) is a skip.
func (r *run) addTranslations(ctx context.Context, kind, parentID string, res *result) error {
	if !r.req.Wants(schema.KBTranslations) {
		return nil
	}
	path := hcPath + kind + "/" + parentID + "/translations.json"
	cur := cursor{V: cursorVersion}
	for !cur.Done {
		env, err := r.getHC(ctx, path, listQuery(cur))
		if errors.Is(err, httpx.ErrNotFound) {
			res.skips = append(res.skips, extract.Skip{Entity: schema.KBTranslations, SourceID: parentID, Reason: kind + " translations: 404 not found"})
			return nil
		}
		if err != nil {
			return err
		}
		for _, raw := range env.Translations {
			row, err := mapKBTranslation(raw)
			if err != nil {
				res.skips = append(res.skips, badRecord(schema.KBTranslations, raw, err))
				continue
			}
			res.rows.kbTranslations = append(res.rows.kbTranslations, row)
		}
		cur = nextListCursor(cur, &env.envelope)
	}
	return nil
}

// addKBAttachments reads an article's attachments (one page: the endpoint does not paginate).
func (r *run) addKBAttachments(ctx context.Context, articleID string, res *result) error {
	if !r.req.Wants(schema.KBAttachments) {
		return nil
	}
	env, err := r.getHC(ctx, hcPath+"articles/"+articleID+"/attachments.json", url.Values{})
	if errors.Is(err, httpx.ErrNotFound) {
		res.skips = append(res.skips, extract.Skip{Entity: schema.KBAttachments, SourceID: articleID, Reason: "article attachments: 404 not found"})
		return nil
	}
	if err != nil {
		return err
	}
	for _, raw := range env.Attachments {
		row, err := mapKBAttachment(raw, articleID)
		if err != nil {
			res.skips = append(res.skips, badRecord(schema.KBAttachments, raw, err))
			continue
		}
		res.rows.kbAttachments = append(res.rows.kbAttachments, row)
	}
	return nil
}

type kbCategoryJSON struct {
	ID          id      `json:"id"`
	CategoryID  id      `json:"category_id"`
	ParentID    id      `json:"parent_section_id"`
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Locale      string  `json:"locale"`
	Position    int64   `json:"position"`
	CreatedAt   isoTime `json:"created_at"`
	UpdatedAt   isoTime `json:"updated_at"`
}

func mapKBCategory(raw json.RawMessage) (schema.KBCategory, error) {
	var c kbCategoryJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		return schema.KBCategory{}, err
	}
	if c.ID == "" {
		return schema.KBCategory{}, errNoID
	}
	return schema.KBCategory{SourceID: string(c.ID), Name: c.Name, Description: str(c.Description),
		Locale: c.Locale, Position: c.Position, CreatedAt: c.CreatedAt.Time, UpdatedAt: c.UpdatedAt.Time,
		Raw: compact(raw)}, nil
}

func mapKBSection(raw json.RawMessage) (schema.KBSection, error) {
	var c kbCategoryJSON
	if err := json.Unmarshal(raw, &c); err != nil {
		return schema.KBSection{}, err
	}
	if c.ID == "" {
		return schema.KBSection{}, errNoID
	}
	return schema.KBSection{SourceID: string(c.ID), CategoryID: string(c.CategoryID), ParentSectionID: string(c.ParentID),
		Name: c.Name, Description: str(c.Description), Locale: c.Locale, Position: c.Position,
		CreatedAt: c.CreatedAt.Time, UpdatedAt: c.UpdatedAt.Time, Raw: compact(raw)}, nil
}

type kbArticleJSON struct {
	ID           id       `json:"id"`
	AuthorID     id       `json:"author_id"`
	SectionID    id       `json:"section_id"`
	Title        *string  `json:"title"`
	Name         *string  `json:"name"`
	Body         *string  `json:"body"`
	Draft        bool     `json:"draft"`
	Position     int64    `json:"position"`
	SourceLocale string   `json:"source_locale"`
	Locale       string   `json:"locale"`
	LabelNames   []string `json:"label_names"`
	CreatedAt    isoTime  `json:"created_at"`
	UpdatedAt    isoTime  `json:"updated_at"`
}

func mapKBArticle(raw json.RawMessage) (schema.KBArticle, error) {
	var a kbArticleJSON
	if err := json.Unmarshal(raw, &a); err != nil {
		return schema.KBArticle{}, err
	}
	if a.ID == "" {
		return schema.KBArticle{}, errNoID
	}
	title := str(a.Title)
	if a.Title == nil {
		title = str(a.Name)
	}
	locale := a.SourceLocale
	if locale == "" {
		locale = a.Locale
	}
	return schema.KBArticle{SourceID: string(a.ID), SectionID: string(a.SectionID), Title: title,
		BodyHTML: str(a.Body), State: draftState(a.Draft), AuthorID: string(a.AuthorID), Position: a.Position,
		SourceLocale: locale, Labels: a.LabelNames, CreatedAt: a.CreatedAt.Time, UpdatedAt: a.UpdatedAt.Time,
		Raw: compact(raw)}, nil
}

func draftState(draft bool) string {
	if draft {
		return schema.StateDraft
	}
	return schema.StatePublished
}

type kbTranslationJSON struct {
	ID         id      `json:"id"`
	SourceID   id      `json:"source_id"`
	SourceType string  `json:"source_type"`
	Locale     string  `json:"locale"`
	Title      string  `json:"title"`
	Body       *string `json:"body"`
	Draft      bool    `json:"draft"`
	CreatedAt  isoTime `json:"created_at"`
	UpdatedAt  isoTime `json:"updated_at"`
}

// mapKBTranslation links the translation to its parent by source_id/source_type, the source's
// own relation: a translation's id is never its article's.
func mapKBTranslation(raw json.RawMessage) (schema.KBTranslation, error) {
	var t kbTranslationJSON
	if err := json.Unmarshal(raw, &t); err != nil {
		return schema.KBTranslation{}, err
	}
	switch {
	case t.ID == "":
		return schema.KBTranslation{}, errNoID
	case t.SourceID == "" || t.Locale == "":
		return schema.KBTranslation{}, errors.New("translation has no source_id or locale")
	}
	return schema.KBTranslation{SourceID: string(t.ID), ParentType: strings.ToLower(t.SourceType),
		ParentID: string(t.SourceID), Locale: t.Locale, Title: t.Title, BodyHTML: str(t.Body),
		State: draftState(t.Draft), CreatedAt: t.CreatedAt.Time, UpdatedAt: t.UpdatedAt.Time, Raw: compact(raw)}, nil
}

type kbAttachmentJSON struct {
	ID          id      `json:"id"`
	ArticleID   id      `json:"article_id"`
	FileName    string  `json:"file_name"`
	ContentURL  string  `json:"content_url"`
	ContentType string  `json:"content_type"`
	Size        int64   `json:"size"`
	Inline      bool    `json:"inline"`
	CreatedAt   isoTime `json:"created_at"`
	UpdatedAt   isoTime `json:"updated_at"`
}

func mapKBAttachment(raw json.RawMessage, articleID string) (schema.KBAttachment, error) {
	var a kbAttachmentJSON
	if err := json.Unmarshal(raw, &a); err != nil {
		return schema.KBAttachment{}, err
	}
	if a.ID == "" {
		return schema.KBAttachment{}, errNoID
	}
	if a.ArticleID != "" {
		articleID = string(a.ArticleID)
	}
	return schema.KBAttachment{SourceID: string(a.ID), ArticleID: articleID, FileName: a.FileName,
		ContentType: a.ContentType, Size: a.Size, ContentURL: a.ContentURL, Inline: a.Inline,
		CreatedAt: a.CreatedAt.Time, UpdatedAt: a.UpdatedAt.Time, Raw: compact(raw)}, nil
}
