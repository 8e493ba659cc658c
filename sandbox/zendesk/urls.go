package zendesk

import (
	"hash/fnv"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// mount returns the path prefix the server is mounted under. Behind
// http.StripPrefix it is what the prefix removed from the request path.
func (s *Server) mount(r *http.Request) string {
	if s.opts.MountPath != "" {
		return strings.TrimSuffix(s.opts.MountPath, "/")
	}
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		return ""
	}
	if p, ok := strings.CutSuffix(u.Path, r.URL.Path); ok {
		return p
	}
	return ""
}

// base returns the absolute base URL of the API on the given host.
func (s *Server) base(r *http.Request, host string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + host + s.mount(r)
}

// swapHost returns the same server under another name: 127.0.0.1 ↔
// localhost. Any other host is returned unchanged.
func swapHost(host string) string {
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		h, port = host, ""
	}
	switch h {
	case "127.0.0.1", "::1":
		h = "localhost"
	case "localhost":
		h = "127.0.0.1"
	default:
		return host
	}
	if port == "" {
		return h
	}
	return net.JoinHostPort(h, port)
}

// fileBase is where attachment downloads live: another host than the API,
// like Zendesk's signed attachment URLs.
func (s *Server) fileBase(r *http.Request) string {
	if s.opts.AttachmentHost != "" {
		return s.base(r, s.opts.AttachmentHost)
	}
	return s.base(r, swapHost(r.Host))
}

// pageURL returns the request's path with a new query. A deterministic share
// of pages (by the query) point at the swapped host: next_page and
// after_url can name another host than the one asked.
func (s *Server) pageURL(r *http.Request, q url.Values) string {
	query := bracketFix.Replace(q.Encode())
	host := r.Host
	h := fnv.New32a()
	_, _ = h.Write([]byte(query))
	if float64(h.Sum32()%1000) < s.opts.ForeignPageRate*1000 {
		host = swapHost(host)
	}
	return s.base(r, host) + r.URL.Path + "?" + query
}

// bracketFix keeps page[size] readable, as Zendesk writes it.
var bracketFix = strings.NewReplacer("%5B", "[", "%5D", "]")

// withParams copies q, dropping the named keys and setting the pairs.
func withParams(q url.Values, drop []string, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	for _, k := range drop {
		out.Del(k)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}
