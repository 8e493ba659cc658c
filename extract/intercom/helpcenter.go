package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/schema"
)

// Stream names; each saves its own cursor.
const (
	streamCollections = "kb_collections"
	streamArticles    = "kb_articles"
)

// cursorVersion versions the cursor below: {"v":1,"page":N,"done":true}. The collections are
// written in one durable page (done); articles page by page (page is the next one to read).
const cursorVersion = 1

type cursor struct {
	V    int  `json:"v"`
	Page int  `json:"page,omitempty"`
	Done bool `json:"done,omitempty"`
}

func readCursor(ctx context.Context, sink extract.Sink, stream string) (cursor, error) {
	b, err := sink.Cursor(ctx, stream)
	if err != nil || len(b) == 0 {
		return cursor{V: cursorVersion, Page: 1}, err
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.V != cursorVersion {
		return cursor{}, fmt.Errorf("intercom: %s: saved cursor %s is not one this build reads", stream, b)
	}
	return c, nil
}

// id is an Intercom id: a string in most places, an integer in others (parent_id, author_id).
type id string

func (v *id) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*v = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = id(s)
	default:
		n, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			return fmt.Errorf("id %s is not an integer", b)
		}
		*v = id(strconv.FormatInt(n, 10))
	}
	return nil
}

func unix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

type listPage struct {
	Data  []json.RawMessage `json:"data"`
	Pages struct {
		TotalPages int `json:"total_pages"`
	} `json:"pages"`
}

type collectionJSON struct {
	ID                id                         `json:"id"`
	ParentID          id                         `json:"parent_id"`
	Name              string                     `json:"name"`
	Description       *string                    `json:"description"`
	Order             int64                      `json:"order"`
	DefaultLocale     string                     `json:"default_locale"`
	CreatedAt         int64                      `json:"created_at"`
	UpdatedAt         int64                      `json:"updated_at"`
	TranslatedContent map[string]json.RawMessage `json:"translated_content"`
	raw               json.RawMessage
}

// tree is every collection by id, to tell a category from a section and find a section's
// category.
type tree map[id]*collectionJSON

func (t tree) depth(c id) int {
	d := 0
	for ; c != "" && d <= 10; d++ {
		col, ok := t[c]
		if !ok {
			break
		}
		c = col.ParentID
	}
	return d
}

func (t tree) top(c id) id {
	for i := 0; i < 10; i++ {
		col, ok := t[c]
		if !ok || col.ParentID == "" {
			return c
		}
		c = col.ParentID
	}
	return c
}

// Extract reads the ticketing side (extractDesk), then the help centers (logged), every
// collection, then the articles page by page.
func (s *Source) Extract(ctx context.Context, req extract.Request, sink extract.Sink, progress extract.Progress) error {
	w := &writer{sink: sink, progress: progress, wants: req.Wants}
	if err := s.extractDesk(ctx, req, w); err != nil {
		return err
	}
	if !wantsAny(req.Wants, kbEntities) {
		return nil
	}
	var centers struct {
		Data []struct {
			ID         id     `json:"id"`
			Identifier string `json:"identifier"`
		} `json:"data"`
	}
	if err := s.get(ctx, "/help_center/help_centers", url.Values{}, &centers); err != nil {
		return err
	}
	s.logf("intercom: %d help center(s)", len(centers.Data))
	t, err := s.collections(ctx)
	if err != nil {
		return err
	}
	if err := s.stageCollections(ctx, w, t); err != nil {
		return err
	}
	return s.stageArticles(ctx, w, t)
}

// collections reads every page of the collections: they are few, and articles need all of them.
func (s *Source) collections(ctx context.Context) (tree, error) {
	t := tree{}
	for page := 1; ; page++ {
		var p listPage
		q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
		if err := s.get(ctx, "/help_center/collections", q, &p); err != nil {
			return nil, err
		}
		for _, raw := range p.Data {
			c := &collectionJSON{raw: raw}
			if err := json.Unmarshal(raw, c); err != nil || c.ID == "" {
				return nil, fmt.Errorf("intercom: GET /help_center/collections page %d: a collection cannot be read: %v", page, err)
			}
			t[c.ID] = c
		}
		if page >= p.Pages.TotalPages || len(p.Data) == 0 {
			return t, nil
		}
	}
}

func (s *Source) stageCollections(ctx context.Context, w *writer, t tree) error {
	cur, err := readCursor(ctx, w.sink, streamCollections)
	if err != nil || cur.Done {
		return err
	}
	var rows rowSet
	for _, key := range slices.Sorted(maps.Keys(t)) {
		c := t[key]
		locale := localeOr(c.DefaultLocale)
		desc := ""
		if c.Description != nil {
			desc = *c.Description
		}
		parentType := "category"
		if t.depth(c.ID) == 1 {
			rows.categories = append(rows.categories, schema.KBCategory{SourceID: string(c.ID), Name: c.Name,
				Description: desc, Locale: locale, Position: c.Order, CreatedAt: unix(c.CreatedAt), UpdatedAt: unix(c.UpdatedAt), Raw: c.raw})
		} else {
			parentType = "section"
			parent := c.ParentID
			if t.depth(parent) < 2 {
				parent = "" // a second-level collection is a top-level section of its category
			}
			rows.sections = append(rows.sections, schema.KBSection{SourceID: string(c.ID), CategoryID: string(t.top(c.ID)),
				ParentSectionID: string(parent), Name: c.Name, Description: desc, Locale: locale, Position: c.Order,
				CreatedAt: unix(c.CreatedAt), UpdatedAt: unix(c.UpdatedAt), Raw: c.raw})
		}
		rows.translations = append(rows.translations, translations(parentType, string(c.ID), c.TranslatedContent, c.CreatedAt, c.UpdatedAt)...)
	}
	return w.write(ctx, streamCollections, &rows, cursor{V: cursorVersion, Done: true})
}

func localeOr(l string) string {
	if l == "" {
		return "en" // a help center that is not multilingual does not say; Intercom's default
	}
	return l
}

// translations reads a translated_content object: one row per locale, the "type" key aside.
// A translation has no id of its own in Intercom: it is <parent id>:<locale>.
func translations(parentType, parentID string, content map[string]json.RawMessage, created, updated int64) []schema.KBTranslation {
	var out []schema.KBTranslation
	for loc, raw := range content {
		var c struct {
			Name        string `json:"name"`
			Title       string `json:"title"`
			Description string `json:"description"`
			Body        string `json:"body"`
			State       string `json:"state"`
		}
		if loc == "type" || json.Unmarshal(raw, &c) != nil || (c.Name == "" && c.Title == "") {
			continue
		}
		tr := schema.KBTranslation{SourceID: parentID + ":" + loc, ParentType: parentType, ParentID: parentID,
			Locale: loc, Title: c.Title, BodyHTML: c.Body, State: c.State,
			CreatedAt: unix(created), UpdatedAt: unix(updated), Raw: raw}
		if parentType != "article" {
			tr.Title, tr.BodyHTML, tr.State = c.Name, c.Description, schema.StatePublished
		}
		out = append(out, tr)
	}
	return out
}

type articleJSON struct {
	ID                id                         `json:"id"`
	Title             string                     `json:"title"`
	Body              *string                    `json:"body"`
	AuthorID          id                         `json:"author_id"`
	State             string                     `json:"state"`
	ParentID          id                         `json:"parent_id"`
	DefaultLocale     string                     `json:"default_locale"`
	CreatedAt         int64                      `json:"created_at"`
	UpdatedAt         int64                      `json:"updated_at"`
	TranslatedContent map[string]json.RawMessage `json:"translated_content"`
}

// stageArticles writes each page of GET /articles with its translations, the cursor naming the
// next page.
func (s *Source) stageArticles(ctx context.Context, w *writer, t tree) error {
	cur, err := readCursor(ctx, w.sink, streamArticles)
	if err != nil {
		return err
	}
	for !cur.Done {
		var p listPage
		q := url.Values{"page": {strconv.Itoa(cur.Page)}, "per_page": {strconv.Itoa(perPage)}}
		if err := s.get(ctx, "/articles", q, &p); err != nil {
			return err
		}
		var rows rowSet
		for _, raw := range p.Data {
			if err := rows.addArticle(raw, t); err != nil {
				rows.skips = append(rows.skips, extract.Skip{Entity: schema.KBArticles, SourceID: recordID(raw), Reason: "unreadable record: " + err.Error()})
			}
		}
		next := cursor{V: cursorVersion, Page: cur.Page + 1, Done: cur.Page >= p.Pages.TotalPages || len(p.Data) == 0}
		if err := w.write(ctx, streamArticles, &rows, next); err != nil {
			return err
		}
		cur = next
	}
	return nil
}

func (r *rowSet) addArticle(raw json.RawMessage, t tree) error {
	var a articleJSON
	if err := json.Unmarshal(raw, &a); err != nil {
		return err
	}
	if a.ID == "" {
		return fmt.Errorf("article has no id")
	}
	row := schema.KBArticle{SourceID: string(a.ID), Title: a.Title, State: a.State, AuthorID: string(a.AuthorID),
		SourceLocale: localeOr(a.DefaultLocale), CreatedAt: unix(a.CreatedAt), UpdatedAt: unix(a.UpdatedAt), Raw: raw}
	if a.Body != nil {
		row.BodyHTML = *a.Body
	}
	switch d := t.depth(a.ParentID); {
	case a.ParentID == "":
	case d == 1: // directly in a top-level collection: a category, no section
		row.CategoryID = string(a.ParentID)
	default:
		row.SectionID, row.CategoryID = string(a.ParentID), string(t.top(a.ParentID))
	}
	r.articles = append(r.articles, row)
	r.translations = append(r.translations, translations("article", row.SourceID, a.TranslatedContent, a.CreatedAt, a.UpdatedAt)...)
	return nil
}

// recordID is a bad record's id when it has one, for the skip.
func recordID(raw json.RawMessage) string {
	var r struct {
		ID id `json:"id"`
	}
	_ = json.Unmarshal(raw, &r)
	return string(r.ID)
}
