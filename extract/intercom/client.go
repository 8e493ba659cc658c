package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/internal/httpx"
)

// post sends body as JSON to path and reads the answer into out. Searches only read, so they are
// marked idempotent: the transport may retry them like a GET.
func (s *Source) post(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("intercom: POST %s: %w", path, err)
	}
	u := *s.base
	u.Path = s.base.Path + path
	req, err := http.NewRequestWithContext(httpx.WithIdempotent(ctx, true), http.MethodPost, u.String(), bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("intercom: POST %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	return s.do(req, "POST "+path, out)
}

// deskCursorVersion versions deskCursor: {"v":1,"after":"<starting_after>","scroll":"<scroll_param>","done":true}. A
// cursor-paged stream (contacts, conversations, tickets) saves the cursor of the next page after
// each durable write; single-list streams (agents, groups) and the company scroll, which cannot
// be resumed midway, only save done.
const deskCursorVersion = 1

type deskCursor struct {
	V     int    `json:"v"`
	After string `json:"after,omitempty"`
	// Scroll is the company scroll left open by an interrupted run; the next run closes it.
	Scroll string `json:"scroll,omitempty"`
	Done   bool   `json:"done,omitempty"`
}

func readDeskCursor(ctx context.Context, sink extract.Sink, stream string) (deskCursor, error) {
	b, err := sink.Cursor(ctx, stream)
	if err != nil || len(b) == 0 {
		return deskCursor{V: deskCursorVersion}, err
	}
	var c deskCursor
	if err := json.Unmarshal(b, &c); err != nil || c.V != deskCursorVersion {
		return deskCursor{}, fmt.Errorf("intercom: %s: saved cursor %s is not one this build reads", stream, b)
	}
	return c, nil
}

// pages is the cursor part of a list or search answer.
type pages struct {
	Next *struct {
		StartingAfter string `json:"starting_after"`
	} `json:"next"`
}

func (p pages) after() string {
	if p.Next == nil {
		return ""
	}
	return p.Next.StartingAfter
}

// searchBody is a search for records updated after since (unix seconds), one page of it.
func searchBody(since int64, after string) map[string]any {
	pg := map[string]any{"per_page": perPage}
	if after != "" {
		pg["starting_after"] = after
	}
	return map[string]any{
		"query":      map[string]any{"field": "updated_at", "operator": ">", "value": since},
		"pagination": pg,
	}
}

// isNotFound tells a 404 (a record deleted between its listing and its reading).
func isNotFound(err error) bool {
	var se *httpx.StatusError
	return errors.As(err, &se) && se.Status == http.StatusNotFound
}
