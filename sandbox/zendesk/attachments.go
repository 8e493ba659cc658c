package zendesk

import (
	"hash/fnv"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// tokenKey hides the id in a token; tokens only need to look opaque.
const tokenKey = 0x5bd1e9955bd1e995

// attachmentToken is the opaque token of an attachment's signed URL.
func attachmentToken(id int64) string {
	return strconv.FormatUint(uint64(id)^tokenKey, 36) + "-" + strconv.FormatUint(uint64(tokenCheck(id)), 36)
}

func tokenCheck(id int64) uint32 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strconv.FormatInt(id, 10)))
	return h.Sum32()
}

// tokenID decodes a token; false unless attachmentToken made exactly it.
func tokenID(token string) (int64, bool) {
	raw, _, ok := strings.Cut(token, "-")
	if !ok {
		return 0, false
	}
	x, err := strconv.ParseUint(raw, 36, 64)
	id := int64(x ^ tokenKey)
	return id, err == nil && attachmentToken(id) == token
}

// attachment serves a file at its signed URL: no authentication (the token
// is the credential), so a client sending its API credentials here leaks
// them to another host (counted in Stats.CredentialLeaks).
func (s *Server) attachment(w http.ResponseWriter, r *http.Request) {
	id, ok := tokenID(r.PathValue("token"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	s.acct.RLock()
	defer s.acct.RUnlock()
	ref, ok := s.indexes().attachments[id]
	if !ok {
		http.NotFound(w, r)
		return
	}
	a := &s.acct.Tickets[ref.ticket].Comments[ref.comment].Attachments[ref.att]
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Content)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.FileName}))
	_, _ = w.Write(a.Content)
}
