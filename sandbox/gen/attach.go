package gen

import (
	"math/rand/v2"
	"strconv"
)

// fileKind is one attachment type: extension, MIME type, the magic bytes
// its content starts with (so content sniffing works), and whether it is an
// image (images have dimensions and can be inline).
type fileKind struct {
	ext, mime string
	magic     string
	image     bool
}

var (
	imageKinds = []fileKind{
		{".png", "image/png", "\x89PNG\r\n\x1a\n", true},
		{".jpg", "image/jpeg", "\xff\xd8\xff\xe0", true},
		{".gif", "image/gif", "GIF89a", true},
	}
	// fileKinds is weighted by repetition: documents are common, .exe rare.
	fileKinds = []fileKind{
		imageKinds[0], imageKinds[0], imageKinds[1], imageKinds[1],
		{".pdf", "application/pdf", "%PDF-1.7\n", false},
		{".pdf", "application/pdf", "%PDF-1.4\n", false},
		{".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04", false},
		{".csv", "text/csv", "id,name,amount\n", false},
		{".txt", "text/plain", "log started\n", false},
		{".zip", "application/zip", "PK\x03\x04", false},
		{".log", "text/plain", "2024-01-01T00:00:00Z INFO ", false},
	}
	exeKind   = fileKind{".exe", "application/x-msdownload", "MZ\x90\x00", false}
	fileStems = []string{
		"screenshot", "Bildschirmfoto", "スクリーンショット", "invoice", "facture_mars", "logs", "export",
		"contract (signed)", "photo", "receipt 🧾", "données", "report-final-v2", "截图",
	}
)

// newAttachment builds one attachment of the given kind. Its bytes are
// derived from its id, so they need no storage beyond the account itself.
func newAttachment(r *rand.Rand, ids *idAllocators, k fileKind, inline bool) Attachment {
	id := ids.Attachment.next(r)
	a := Attachment{
		ID:          id,
		FileName:    pick(r, fileStems) + "_" + strconv.Itoa(r.IntN(1000)) + k.ext,
		ContentType: k.mime,
		Inline:      inline,
		LegacyName:  r.IntN(100) < 3,
		Malware:     k.ext == ".exe",
	}
	if k.image {
		a.Width, a.Height = 64+r.IntN(1800), 64+r.IntN(1200)
	}
	a.Content = Content(id, k.magic, 48+r.IntN(2000))
	a.Size = int64(len(a.Content))
	return a
}

// Content returns n deterministic bytes for an attachment: the magic prefix
// followed by a splitmix64 stream seeded from the id.
func Content(id int64, magic string, n int) []byte {
	if n < len(magic) {
		n = len(magic)
	}
	b := make([]byte, n)
	copy(b, magic)
	x := uint64(id)
	for i := len(magic); i < n; i += 8 {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(z >> (8 * j))
		}
	}
	return b
}

// fileAttachments returns the attachments a comment carries besides inline
// images: none for most comments, 1-3 for about 8%.
func fileAttachments(r *rand.Rand, ids *idAllocators) []Attachment {
	if r.IntN(100) >= 8 {
		return nil
	}
	n := 1 + r.IntN(3)
	out := make([]Attachment, 0, n)
	for i := 0; i < n; i++ {
		k := fileKinds[r.IntN(len(fileKinds))]
		if r.IntN(100) == 0 {
			k = exeKind
		}
		out = append(out, newAttachment(r, ids, k, false))
	}
	return out
}

// inlineImages returns the pasted images of a comment: 1-2 for about 5%.
func inlineImages(r *rand.Rand, ids *idAllocators) []Attachment {
	if r.IntN(100) >= 5 {
		return nil
	}
	n := 1 + r.IntN(2)
	out := make([]Attachment, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, newAttachment(r, ids, imageKinds[r.IntN(len(imageKinds))], true))
	}
	return out
}
