package intercom

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
)

// Company scroll (GET /companies/scroll): the way past the 10,000 companies POST /companies/list
// reaches. As Intercom documents it: the first call opens a scroll, each answer carries the
// scroll_param of the next; one scroll per app is open at a time; it expires after a minute
// unused; at the end "data" is empty and the scroll closes.

// scrollPageSize is how many companies one scroll page holds.
const scrollPageSize = 50

// scrollIdle is how long an unused scroll stays open.
const scrollIdle = 60

// openScroll is the app's scroll: its param, where it is and when it was last used.
type openScroll struct {
	param    string
	after    int64 // sequence number of the last company returned
	lastUsed int64
}

// scrolls holds each server's open scroll. It lives beside the server rather than in its state
// so the scroll needs no change to the shared store; every access is under the server's mu.
var scrolls sync.Map // *Server → *openScroll

func (s *Server) registerScroll() {
	s.handle("GET /companies/scroll", s.scrollCompanies)
}

func (s *Server) scrollCompanies(c *call) (any, error) {
	sc, err := s.scrollFor(c)
	if err != nil {
		return nil, err
	}
	all := entries(&s.st.companies, func(co *Company) bool { return len(co.ContactIDs) > 0 })
	page, _ := pageAfter(all, cursor{after: sc.after}, scrollPageSize)
	data := make([]obj, 0, len(page))
	for _, e := range page {
		data = append(data, s.renderCompany(e.v))
	}
	out := obj{"type": "list", "data": data, "pages": nil, "total_count": nil}
	if len(page) == 0 {
		scrolls.Delete(s) // the end: the param expires
		return out, nil
	}
	sc.after, sc.lastUsed = page[len(page)-1].seq, c.now
	out["scroll_param"] = sc.param
	return out, nil
}

// scrollFor opens a scroll (no scroll_param) or continues the open one.
func (s *Server) scrollFor(c *call) (*openScroll, error) {
	param := c.query().Get("scroll_param")
	v, open := scrolls.Load(s)
	var sc *openScroll
	if open {
		sc = v.(*openScroll)
		if c.now-sc.lastUsed > scrollIdle {
			scrolls.Delete(s)
			open = false
		}
	}
	switch {
	case param == "" && open:
		return nil, badRequest("scroll_exists", "scroll already exists for this workspace; only one scroll can be open at a time")
	case param == "":
		sc = &openScroll{param: newScrollParam(), lastUsed: c.now}
		scrolls.Store(s, sc)
		return sc, nil
	case !open || param != sc.param:
		return nil, notFound("not_found", "scroll parameter not found or expired; restart the scroll").onField("scroll_param")
	}
	return sc, nil
}

// newScrollParam is a UUID-shaped token like Intercom's.
func newScrollParam() string {
	b := make([]byte, 16)
	rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
