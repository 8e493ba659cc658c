package httpx

import (
	"context"
	"net/http"
)

// routeKey carries a request's templated route ("POST /tickets/{id}/reply") on its context.
type routeKey struct{}

// WithRoute names the endpoint of the requests made with ctx by its templated route, so a Counter
// counts calls per endpoint rather than per record.
func WithRoute(ctx context.Context, route string) context.Context {
	return context.WithValue(ctx, routeKey{}, route)
}

// Route names a request's endpoint: the templated route WithRoute put on its context, or else its
// method and path. Pass it to NewCounter.
func Route(req *http.Request) string {
	if r, ok := req.Context().Value(routeKey{}).(string); ok {
		return r
	}
	return req.Method + " " + req.URL.Path
}
