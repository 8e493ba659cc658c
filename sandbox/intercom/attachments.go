package intercom

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"mime"
	"net/url"
	"path"
	"slices"
	"strings"
)

// Attachment rules of a workspace: Intercom's default allow-list, types
// allowed in the workspace's settings on top, executables never.
var (
	defaultAttachmentTypes = []string{"gif", "jpeg", "jpg", "mov", "mp4", "pdf", "png", "txt", "heic", "oga", "ogg", "dng", "mp3"}
	blockedAttachmentTypes = []string{"exe", "sys", "scr", "shb", "wsf"}
)

const (
	maxAttachments    = 10        // per create or reply, for urls and files each
	maxAttachmentSize = 100 << 20 // per file
)

// extensionsOfType names a file without an extension by its content type.
var extensionsOfType = map[string]string{
	"image/gif": "gif", "image/jpeg": "jpg", "image/png": "png", "image/heic": "heic",
	"application/pdf": "pdf", "text/plain": "txt", "video/mp4": "mp4", "video/quicktime": "mov",
	"audio/mpeg": "mp3", "audio/ogg": "ogg",
}

// attachmentFile is conversation_attachment_files: base64 data.
type attachmentFile struct {
	ContentType string `json:"content_type"`
	Data        string `json:"data"`
	Name        string `json:"name"`
}

// attachmentsOf validates and records the attachments of a message.
func (s *Server) attachmentsOf(urls []string, files []attachmentFile) ([]Attachment, error) {
	if len(urls) > maxAttachments {
		return nil, invalid("You can include up to %d attachment_urls, got %d", maxAttachments, len(urls)).onField("attachment_urls")
	}
	if len(files) > maxAttachments {
		return nil, invalid("You can include up to %d attachment_files, got %d", maxAttachments, len(files)).onField("attachment_files")
	}
	out := make([]Attachment, 0, len(urls)+len(files))
	for _, u := range urls {
		a, err := s.linkedAttachment(u)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	for _, f := range files {
		a, err := s.uploadedAttachment(f)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// linkedAttachment checks the file name in the URL (its path, or a name
// or filename query parameter); a URL that names no file is accepted, since
// the simulator does not download it.
func (s *Server) linkedAttachment(raw string) (Attachment, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return Attachment{}, invalid("attachment_urls: %q is not an absolute URL", raw).onField("attachment_urls")
	}
	name := u.Query().Get("name")
	if name == "" {
		name = u.Query().Get("filename")
	}
	if name == "" {
		name = path.Base(u.Path)
	}
	ext := extensionOf(name, "")
	if ext != "" && !s.attachmentTypeAllowed(ext) {
		return Attachment{}, blockedType(name, ext, "attachment_urls")
	}
	return Attachment{Name: name, ContentType: mime.TypeByExtension("." + ext), URL: raw}, nil
}

func (s *Server) uploadedAttachment(f attachmentFile) (Attachment, error) {
	ext := extensionOf(f.Name, f.ContentType)
	if ext == "" || !s.attachmentTypeAllowed(ext) {
		return Attachment{}, blockedType(f.Name, ext, "attachment_files")
	}
	data, err := base64.StdEncoding.DecodeString(f.Data)
	if err != nil {
		return Attachment{}, invalid("attachment_files: the data of %q is not valid base64: %v", f.Name, err).onField("attachment_files")
	}
	if len(data) > maxAttachmentSize {
		return Attachment{}, invalid("attachment_files: %q is over 100 MB", f.Name).onField("attachment_files")
	}
	sum := sha256.Sum256(data)
	return Attachment{Name: f.Name, ContentType: f.ContentType, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}, nil
}

// extensionOf is the lower-cased extension of a file name, else the one
// its content type implies.
func extensionOf(name, contentType string) string {
	if ext := strings.TrimPrefix(path.Ext(name), "."); ext != "" {
		return strings.ToLower(ext)
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	return extensionsOfType[mt]
}

func (s *Server) attachmentTypeAllowed(ext string) bool {
	if slices.Contains(blockedAttachmentTypes, ext) {
		return false
	}
	if slices.Contains(defaultAttachmentTypes, ext) {
		return true
	}
	return slices.ContainsFunc(s.opts.AllowedAttachmentTypes, func(t string) bool {
		return strings.EqualFold(strings.TrimPrefix(t, "."), ext)
	})
}

func blockedType(name, ext, field string) *apiError {
	if ext == "" {
		return invalid("%s: %q has no file extension, so its type is not allowed", field, name).onField(field)
	}
	return invalid("%s: %q has a blocked file type (.%s); allow it in Settings > Security > Attachment settings", field, name, ext).onField(field)
}

// renderAttachments is part_attachment; uploads get a stable fake URL.
func renderAttachments(in []Attachment) []obj {
	out := make([]obj, 0, len(in))
	for _, a := range in {
		link := a.URL
		if link == "" {
			link = "https://sandbox.intercom-attachments.test/" + a.SHA256 + "/" + url.PathEscape(a.Name)
		}
		out = append(out, obj{"type": "upload", "name": a.Name, "url": link, "content_type": a.ContentType, "filesize": a.Size})
	}
	return out
}
