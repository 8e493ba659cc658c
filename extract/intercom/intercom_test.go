package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/deskport/deskport/extract"
	sim "github.com/deskport/deskport/sandbox/intercom"
	"github.com/deskport/deskport/schema"
)

// memSink keeps the rows of each write by entity and source id, the cursors, and can fail the
// failAt-th write of the articles stream.
type memSink struct {
	rows    map[schema.Entity]map[string]map[string]any
	cursors map[string][]byte
	writes  int // of the articles stream
	failAt  int
}

var errSinkDown = errors.New("sink down")

func (s *memSink) Cursor(_ context.Context, stream string) ([]byte, error) {
	return s.cursors[stream], nil
}

func (s *memSink) WritePage(_ context.Context, p extract.Page) error {
	defer func() {
		for _, b := range p.Batches {
			b.Records.Release()
		}
	}()
	if p.Stream == streamArticles {
		if s.writes++; s.writes == s.failAt {
			return errSinkDown
		}
	}
	for _, b := range p.Batches {
		js, err := b.Records.MarshalJSON()
		if err != nil {
			return err
		}
		var rows []map[string]any
		if err := json.Unmarshal(js, &rows); err != nil {
			return err
		}
		if s.rows[b.Entity] == nil {
			s.rows[b.Entity] = map[string]map[string]any{}
		}
		for _, r := range rows {
			s.rows[b.Entity][r["source_id"].(string)] = r
		}
	}
	s.cursors[p.Stream] = p.Cursor
	return nil
}

// helpCenter starts the simulator with collections three deep and articles at each level, one
// standing alone; articles span two pages of 150.
func helpCenter(t *testing.T) (base string, ids map[string]string) {
	t.Helper()
	srv := sim.New(sim.Options{Strict: true, RateLimit: -1})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	post := func(path string, body map[string]any) string {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, hs.URL+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+sim.DefaultToken)
		req.Header.Set("Intercom-Version", Version)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ ID string }
		if json.NewDecoder(resp.Body).Decode(&out); resp.StatusCode != 200 {
			t.Fatalf("POST %s: %d", path, resp.StatusCode)
		}
		return out.ID
	}
	ids = map[string]string{}
	ids["top"] = post("/help_center/collections", map[string]any{"name": "Top"})
	ids["mid"] = post("/help_center/collections", map[string]any{"name": "Mid", "parent_id": ids["top"]})
	ids["low"] = post("/help_center/collections", map[string]any{"name": "Low", "parent_id": ids["mid"]})
	for i := range 160 {
		parent := []string{ids["top"], ids["mid"], ids["low"], ""}[i%4]
		body := map[string]any{"title": "A" + strconv.Itoa(i), "author_id": 991267000, "state": "published"}
		if parent != "" {
			n, _ := strconv.Atoi(parent)
			body["parent_id"], body["parent_type"] = n, "collection"
		}
		if i == 0 {
			body["translated_content"] = map[string]any{"type": "article_translated_content",
				"de": map[string]any{"type": "article_content", "title": "A0 de", "body": "<p>de</p>", "author_id": 991267000, "state": "draft"}}
		}
		ids["article"+strconv.Itoa(i)] = post("/articles", body)
	}
	return hs.URL, ids
}

func source(t *testing.T, base string) *Source {
	src, err := New(extract.Config{System: "intercom", BaseURL: base, Credentials: map[string]string{"token": sim.DefaultToken}})
	if err != nil {
		t.Fatal(err)
	}
	return src.(*Source)
}

// TestExtractHelpCenter: every collection and article once, levels mapped onto categories and
// sections, articles placed by their collection's level; an interrupted extract resumes after its
// last durable page.
func TestExtractHelpCenter(t *testing.T) {
	base, ids := helpCenter(t)
	sink := &memSink{rows: map[schema.Entity]map[string]map[string]any{}, cursors: map[string][]byte{}, failAt: 2}
	if err := source(t, base).Extract(t.Context(), extract.Request{Entities: kbEntities}, sink, nil); !errors.Is(err, errSinkDown) {
		t.Fatalf("first run: %v, want the sink's failure", err)
	}
	if got := len(sink.rows[schema.KBArticles]); got != 150 {
		t.Fatalf("%d articles before the failure, want the first page's 150", got)
	}
	sink.failAt = 0
	if err := source(t, base).Extract(t.Context(), extract.Request{Entities: kbEntities}, sink, nil); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what string
		got  any
		want any
	}{
		{"categories", len(sink.rows[schema.KBCategories]), 1},
		{"sections", len(sink.rows[schema.KBSections]), 2},
		{"articles", len(sink.rows[schema.KBArticles]), 160},
		{"mid's category", sink.rows[schema.KBSections][ids["mid"]]["category_id"], ids["top"]},
		{"mid's parent section", sink.rows[schema.KBSections][ids["mid"]]["parent_section_id"], nil},
		{"low's parent section", sink.rows[schema.KBSections][ids["low"]]["parent_section_id"], ids["mid"]},
		{"article in top: category", sink.rows[schema.KBArticles][ids["article0"]]["category_id"], ids["top"]},
		{"article in top: no section", sink.rows[schema.KBArticles][ids["article0"]]["section_id"], nil},
		{"article in low: section", sink.rows[schema.KBArticles][ids["article2"]]["section_id"], ids["low"]},
		{"article in low: category", sink.rows[schema.KBArticles][ids["article2"]]["category_id"], ids["top"]},
		{"standalone article", sink.rows[schema.KBArticles][ids["article3"]]["category_id"], nil},
		{"translation", sink.rows[schema.KBTranslations][ids["article0"]+":de"]["state"], "draft"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
		}
	}
}

// TestNewRefusesBadConfig names what is wrong and never repeats the token.
func TestNewRefusesBadConfig(t *testing.T) {
	cases := []extract.Config{
		{BaseURL: "ftp://x", Credentials: map[string]string{"token": "s3cret"}},
		{BaseURL: "https://api.intercom.io"},
		{BaseURL: "https://api.intercom.io", Credentials: map[string]string{"token": "s3cret"}, Options: map[string]string{"comments": "bulk"}},
	}
	for _, c := range cases {
		_, err := New(c)
		if err == nil || bytes.Contains([]byte(err.Error()), []byte("s3cret")) {
			t.Errorf("%+v: err %v", c, err)
		}
	}
}
