package zendesk

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/deskport/deskport/internal/httpx"
)

// Download streams an attachment. Its content_url usually names another host than the API's
// (signed URLs): the client's auth layer sends credentials only to the API's own host.
func (s *Source) Download(ctx context.Context, rawURL string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("zendesk: attachment URL: %w", err)
	}
	resp, err := s.api.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("zendesk: downloading %s: %w", httpx.RedactURL(req.URL), httpx.UnwrapURLError(err))
	}
	if err := httpx.CheckResponse(resp); err != nil {
		return nil, fmt.Errorf("zendesk: downloading attachment: %w", err)
	}
	return resp.Body, nil
}
