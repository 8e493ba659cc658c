package intercom

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
)

// The knowledge base's rows of the verify table: an article's place in the hierarchy, state,
// title, body and translations; a collection's name and parent.
func init() {
	verifiers["article"] = (*verification).article
	verifiers["collection"] = (*verification).collection
}

// kbContent is one locale of translated_content, as planned and as read back.
type kbContent struct {
	Title string `json:"title"`
	Name  string `json:"name"`
	Body  string `json:"body"`
	State string `json:"state"`
}

// kbContents is translated_content by locale; its "type" member is left out.
type kbContents map[string]kbContent

func (c *kbContents) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*c = kbContents{}
	for loc, v := range raw {
		var one kbContent
		if json.Unmarshal(v, &one) == nil {
			(*c)[loc] = one
		}
	}
	return nil
}

// articleJSON is an article as GET /articles/{id} returns it.
type articleJSON struct {
	Title             string     `json:"title"`
	Body              string     `json:"body"`
	State             string     `json:"state"`
	AuthorID          flexID     `json:"author_id"`
	ParentID          flexID     `json:"parent_id"`
	TranslatedContent kbContents `json:"translated_content"`
}

func (v *verification) article(ctx context.Context) error {
	var p articlePayload
	if !v.payload(v.Rec.Op, &p) {
		return nil
	}
	want := kbContents{}
	if len(p.TranslatedContent) > 0 {
		_ = json.Unmarshal(p.TranslatedContent, &want)
	}
	// The link update sends the body and translations again, links pointing into the target.
	for _, u := range v.attached("article_update") {
		var up articleUpdatePayload
		if !v.payload(u.Op, &up) {
			continue
		}
		p.Body = up.Body
		for loc, raw := range up.TranslatedContent {
			var c kbContent
			if json.Unmarshal(raw, &c) == nil {
				want[loc] = c
			}
		}
	}
	var got articleJSON
	if err := v.get(ctx, "/articles/{id}", "/articles/"+url.PathEscape(v.Rec.TargetID), &got); err != nil {
		return err
	}
	v.Check("title", p.Title, got.Title)
	v.Check("state", p.State, got.State)
	v.Check("section", v.ref(p.ParentRef), got.ParentID)
	if p.AuthorID != "" {
		v.Check("author", p.AuthorID, got.AuthorID)
	}
	if !sameBody(p.Body, got.Body) {
		v.Differ("body", bodyText(p.Body), bodyText(got.Body))
	}
	for _, loc := range slices.Sorted(maps.Keys(want)) {
		w, g := want[loc], got.TranslatedContent[loc]
		field := "translated_content." + loc
		v.Check(field+".title", w.Title, g.Title)
		if w.State != "" {
			v.Check(field+".state", w.State, g.State)
		}
		if !sameBody(w.Body, g.Body) {
			v.Differ(field+".body", bodyText(w.Body), bodyText(g.Body))
		}
	}
	return nil
}

func (v *verification) collection(ctx context.Context) error {
	var p collectionPayload
	if !v.payload(v.Rec.Op, &p) {
		return nil
	}
	var got struct {
		Name              string     `json:"name"`
		ParentID          flexID     `json:"parent_id"`
		TranslatedContent kbContents `json:"translated_content"`
	}
	if err := v.get(ctx, "/help_center/collections/{id}", "/help_center/collections/"+url.PathEscape(v.Rec.TargetID), &got); err != nil {
		return err
	}
	v.Check("name", p.Name, got.Name)
	v.Check("parent", v.ref(p.ParentRef), got.ParentID)
	want := kbContents{}
	if len(p.TranslatedContent) > 0 {
		_ = json.Unmarshal(p.TranslatedContent, &want)
	}
	for _, loc := range slices.Sorted(maps.Keys(want)) {
		v.Check("translated_content."+loc+".name", want[loc].Name, got.TranslatedContent[loc].Name)
	}
	return nil
}
