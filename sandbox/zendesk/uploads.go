package zendesk

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"

	"github.com/deskport/deskport/sandbox/gen"
)

// upload stores a file sent as the raw body of POST /api/v2/uploads.json?filename= and answers
// its token; a ticket import's comment attaches it by that token (once).
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("filename")
	if name == "" {
		writeInvalid(w, http.StatusBadRequest, invalid{"filename": {"is required"}})
		return
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxUploadBody+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequest", "could not read the upload: "+err.Error())
		return
	}
	if len(b) > maxUploadBody {
		writeError(w, http.StatusRequestEntityTooLarge, "RequestTooLarge", "uploads are limited to 50 MB")
		return
	}
	ctype := r.Header.Get("Content-Type")
	if ctype == "" || ctype == "application/binary" {
		ctype = mime.TypeByExtension(path.Ext(name))
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	var a gen.Attachment
	_ = s.acct.Write(func(ids *gen.NewIDs) error {
		a = gen.Attachment{ID: ids.Attachment(), FileName: name, ContentType: ctype, Size: int64(len(b)), Content: b}
		return nil
	})
	s.writes.mu.Lock()
	s.writes.init()
	s.writes.nextTok++
	token := fmt.Sprintf("up%d%s", s.writes.nextTok, strconv.FormatInt(a.ID, 36))
	s.writes.uploads[token] = a
	s.writes.mu.Unlock()
	s.created("upload", a.ID, false)
	s.acct.RLock()
	defer s.acct.RUnlock()
	rd := s.renderer(r, s.indexes())
	aj := rd.attachment(&a)
	writeJSON(w, r, http.StatusCreated, map[string]any{"upload": map[string]any{
		"token": token, "expires_at": ts(s.now().Add(72 * 3600e9)), "attachment": aj, "attachments": []any{aj},
	}})
}
