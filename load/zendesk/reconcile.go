package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/deskport/deskport/load"
)

// maxPages bounds how far a reconciling list pages (100 records a page).
const maxPages = 200

// Reconcile looks in Zendesk for what an earlier attempt of op created, when its answer was lost:
//
//   - organization: GET /api/v2/organizations/search.json?external_id= (by name when it has none);
//   - user: GET /api/v2/users/search.json?external_id=;
//   - ticket_import: GET /api/v2/tickets.json?external_id=, and for an archived import (closed,
//     archive_immediately), which that list leaves out, GET /api/v2/search.json with
//     type:ticket external_id:X;
//   - kb_category: the categories listed, matched by name; kb_section: the category's sections,
//     matched by name and parent section; kb_article: the section's articles, matched by title;
//     kb_translation: the article's translations, matched by locale.
//
// An op whose payload or references do not allow a lookup is reported not found: nothing can have
// been sent for it, and Execute says what is wrong.
func (c *Client) Reconcile(ctx context.Context, op load.Op, refs load.Refs) (string, bool, error) {
	x := &exec{c: c, op: op, refs: refs}
	p, err := x.payload()
	if err != nil {
		return "", false, nil
	}
	var id int64
	switch op.Kind {
	case kindOrganization:
		id, err = x.findOrganization(ctx, p)
	case kindUser:
		id, err = x.findByExternalID(ctx, p, "user", "/api/v2/users/search.json", "users")
	case kindTicketImport:
		id, err = x.findTicket(ctx, p)
	case kindKBCategory:
		id, err = x.findCategory(ctx, p)
	case kindKBSection:
		id, err = x.findSection(ctx, p)
	case kindKBArticle:
		id, err = x.findArticle(ctx, p)
	case kindKBTranslation:
		id, err = x.findTranslation(ctx, p)
	default:
		return "", false, nil
	}
	if load.NothingSent(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, x.fail(err)
	}
	if id == 0 {
		return "", false, nil
	}
	return strconv.FormatInt(id, 10), true, nil
}

// record is the part of a listed record reconciling compares.
type record struct {
	ID              int64  `json:"id"`
	ExternalID      string `json:"external_id"`
	Name            string `json:"name"`
	Title           string `json:"title"`
	Locale          string `json:"locale"`
	ParentSectionID *int64 `json:"parent_section_id"`
}

// list reads every page of a list endpoint (cursor or offset pagination) and returns the first
// record match accepts.
func (x *exec) list(ctx context.Context, route, path string, query url.Values, key string, match func(record) bool) (int64, error) {
	if query == nil {
		query = url.Values{}
	}
	for range maxPages {
		var page map[string]json.RawMessage
		cl := &call{method: "GET", route: route, path: path, query: query, op: x.op.ID}
		if _, err := x.c.do(ctx, cl, &page); err != nil {
			return 0, err
		}
		var recs []record
		if err := json.Unmarshal(page[key], &recs); err != nil {
			return 0, fmt.Errorf("zendesk: %s: the answer has no %s list: %w", cl.where(), key, err)
		}
		for _, r := range recs {
			if match(r) {
				return r.ID, nil
			}
		}
		next := nextPage(page)
		if next == nil {
			return 0, nil
		}
		path, query = strings.TrimPrefix(next.Path, x.c.base.Path), next.Query()
	}
	return 0, fmt.Errorf("zendesk: GET %s (op %s): more than %d pages", route, x.op.ID, maxPages)
}

// nextPage reads the next page's URL (links.next with meta.has_more, or next_page); only its path
// and query are used, on the client's own host.
func nextPage(page map[string]json.RawMessage) *url.URL {
	var meta struct {
		HasMore bool `json:"has_more"`
	}
	var links struct {
		Next string `json:"next"`
	}
	var next string
	if json.Unmarshal(page["meta"], &meta) == nil && meta.HasMore && json.Unmarshal(page["links"], &links) == nil {
		next = links.Next
	} else {
		_ = json.Unmarshal(page["next_page"], &next)
	}
	if next == "" {
		return nil
	}
	u, err := url.Parse(next)
	if err != nil {
		return nil
	}
	return u
}

func (x *exec) findOrganization(ctx context.Context, p object) (int64, error) {
	org, err := x.inner(p, "organization")
	if err != nil {
		return 0, err
	}
	const path = "/api/v2/organizations/search.json"
	if ext := str(org, "external_id"); ext != "" {
		return x.list(ctx, path, path, url.Values{"external_id": {ext}}, "organizations",
			func(r record) bool { return r.ExternalID == ext })
	}
	name := str(org, "name")
	return x.list(ctx, path, path, url.Values{"name": {name}}, "organizations",
		func(r record) bool { return strings.EqualFold(r.Name, name) })
}

// findByExternalID looks a user or ticket up by the external_id the plan gave it.
func (x *exec) findByExternalID(ctx context.Context, p object, key, path, listKey string) (int64, error) {
	o, err := x.inner(p, key)
	if err != nil {
		return 0, err
	}
	ext := str(o, "external_id")
	if ext == "" {
		return 0, x.invalid("%s has no external_id", key)
	}
	return x.list(ctx, path, path, url.Values{"external_id": {ext}}, listKey,
		func(r record) bool { return r.ExternalID == ext })
}

func (x *exec) findCategory(ctx context.Context, p object) (int64, error) {
	cat, err := x.inner(p, "category")
	if err != nil {
		return 0, err
	}
	name := str(cat, "name")
	const path = "/api/v2/help_center/categories.json"
	return x.list(ctx, path, path, url.Values{"page[size]": {"100"}}, "categories",
		func(r record) bool { return r.Name == name })
}

func (x *exec) findSection(ctx context.Context, p object) (int64, error) {
	sec, err := x.inner(p, "section")
	if err != nil {
		return 0, err
	}
	catID, err := x.refID(str(p, "category_ref"))
	if err != nil {
		return 0, err
	}
	var parent int64
	if ref := str(p, "parent_section_ref"); ref != "" {
		if parent, err = x.refID(ref); err != nil {
			return 0, err
		}
	}
	name := str(sec, "name")
	return x.list(ctx, "/api/v2/help_center/categories/{id}/sections.json",
		fmt.Sprintf("/api/v2/help_center/categories/%d/sections.json", catID), url.Values{"page[size]": {"100"}}, "sections",
		func(r record) bool {
			got := int64(0)
			if r.ParentSectionID != nil {
				got = *r.ParentSectionID
			}
			return r.Name == name && got == parent
		})
}

func (x *exec) findArticle(ctx context.Context, p object) (int64, error) {
	art, err := x.inner(p, "article")
	if err != nil {
		return 0, err
	}
	secID, err := x.refID(str(p, "section_ref"))
	if err != nil {
		return 0, err
	}
	title := str(art, "title")
	return x.list(ctx, "/api/v2/help_center/sections/{id}/articles.json",
		fmt.Sprintf("/api/v2/help_center/sections/%d/articles.json", secID), url.Values{"page[size]": {"100"}}, "articles",
		func(r record) bool { return r.Title == title })
}

func (x *exec) findTranslation(ctx context.Context, p object) (int64, error) {
	tr, err := x.inner(p, "translation")
	if err != nil {
		return 0, err
	}
	artID, err := x.refID(str(p, "article_ref"))
	if err != nil {
		return 0, err
	}
	locale := strings.ToLower(str(tr, "locale"))
	return x.list(ctx, "/api/v2/help_center/articles/{id}/translations.json",
		fmt.Sprintf("/api/v2/help_center/articles/%d/translations.json", artID), nil, "translations",
		func(r record) bool { return strings.ToLower(r.Locale) == locale })
}

// findTicket looks an imported ticket up by external_id. The ticket list leaves archived tickets
// out, so an import sent with archive_immediately is looked for by search too, which has them.
func (x *exec) findTicket(ctx context.Context, p object) (int64, error) {
	id, err := x.findByExternalID(ctx, p, "ticket", "/api/v2/tickets.json", "tickets")
	var archive bool
	_ = json.Unmarshal(p["archive_immediately"], &archive)
	if err != nil || id != 0 || !archive {
		return id, err
	}
	t, _ := x.inner(p, "ticket")
	ext := str(t, "external_id")
	q := url.Values{"query": {fmt.Sprintf("type:ticket external_id:%q", ext)}}
	const path = "/api/v2/search.json"
	return x.list(ctx, path, path, q, "results", func(r record) bool { return r.ExternalID == ext })
}
