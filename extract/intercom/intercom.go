// Package intercom extracts an Intercom workspace: admins (agents), teams (groups), contacts
// (users and leads), companies, conversations and tickets with every part (desk.go, people.go,
// conversations.go), and the knowledge base: help centers, collections at every level and
// articles with their translated_content (helpcenter.go).
//
// Intercom nests collections up to three deep and lets an article sit directly in a collection.
// The canonical tables say it the help desk way: a top-level collection is a category, a nested
// one a section (parent_section_id set below the second level), and an article in a top-level
// collection has a category and no section, which the transform's hierarchy repair then places.
//
// It is written from ../shared/reference/intercom-api.md and the 2.15 description; it shares
// no code with load/intercom (extract never imports load) nor with the simulator.
package intercom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/schema"
)

// Version is the API version every request pins.
const Version = "2.15"

// perPage is the page size of the page-numbered lists (Intercom's maximum).
const perPage = 150

// maxBody bounds a page read into memory.
const maxBody = 64 << 20

// Source extracts one Intercom workspace's Help Center.
type Source struct {
	base   *url.URL
	client *http.Client
	logf   func(format string, args ...any)
}

var _ extract.Source = (*Source)(nil)

// New builds a Source; it matches extract.Factory. The credential is "token" (an access token).
func New(cfg extract.Config) (extract.Source, error) {
	base, err := url.Parse(strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("intercom: base_url %q: want an http or https URL such as https://api.intercom.io", cfg.BaseURL)
	}
	if base.User != nil {
		return nil, errors.New("intercom: base_url must not contain credentials; set them as credentials")
	}
	token := cfg.Credentials["token"]
	if token == "" {
		return nil, errors.New("intercom: credentials: set token (an access token)")
	}
	if len(cfg.Options) > 0 {
		return nil, fmt.Errorf("intercom: options %s: the Intercom source has no options", strings.Join(slices.Sorted(maps.Keys(cfg.Options)), ", "))
	}
	s := &Source{base: base, logf: cfg.Logf}
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	var rt http.RoundTripper
	if cfg.HTTPClient != nil {
		rt = cfg.HTTPClient.Transport
	}
	s.client = httpx.NewClient(httpx.ClientConfig{BaseURL: base, Authorization: "Bearer " + token, Base: rt,
		Pacing: httpx.PacingConfig{Window: 10 * time.Second}})
	return s, nil
}

// Entities lists what the source extracts: the ticketing side and the knowledge base.
func (s *Source) Entities() []schema.Entity {
	return append(slices.Clone(deskEntities), kbEntities...)
}

var kbEntities = []schema.Entity{schema.KBCategories, schema.KBSections, schema.KBArticles, schema.KBTranslations}

// get fetches path with query into out, naming the endpoint on failure.
func (s *Source) get(ctx context.Context, path string, q url.Values, out any) error {
	u := *s.base
	u.Path = s.base.Path + path
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("intercom: GET %s: %w", path, err)
	}
	return s.do(req, "GET "+path, out)
}

// do sends req (its endpoint named by what in errors) with Intercom's headers and reads the JSON
// answer into out.
func (s *Source) do(req *http.Request, what string, out any) error {
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Intercom-Version", Version)
	resp, err := s.client.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return ctxErr
		}
		return fmt.Errorf("intercom: cannot reach %s: %w", httpx.RedactURL(s.base), httpx.UnwrapURLError(err))
	}
	defer resp.Body.Close()
	if err := httpx.CheckResponse(resp); err != nil {
		return fmt.Errorf("intercom: %s: %w", what, err)
	}
	err = httpx.ReadBody(resp, maxBody, func(body []byte) error { return json.Unmarshal(body, out) })
	switch {
	case errors.Is(err, httpx.ErrReadingBody):
		return fmt.Errorf("intercom: %s: %w", what, err)
	case err != nil:
		return fmt.Errorf("intercom: cannot parse %s: %w", what, err)
	}
	return nil
}
