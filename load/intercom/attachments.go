package intercom

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/load"
)

// chunk is how much of a file is read and encoded at a time (a multiple of 3, so that every chunk
// but the last encodes without padding).
const chunk = 48 << 10

// filesBody is a reply whose attachment_files are streamed from the file store: each reader
// opens the files one after the other as the transport reads, and encodes them to base64 on the
// way, so a request holds a few kilobytes of a file in memory, never the file.
//
// The JSON is the reply's own, with `"attachment_files":[{"content_type":…,"data":"<base64>",
// "name":…},…]` appended before its closing brace: base64 needs no escaping in a JSON string.
type filesBody struct {
	segments [][]byte          // JSON around the files: len(files)+1 of them
	files    []load.Attachment // in order
	store    load.Files
	length   int64 // the body's length; -1 when a file's size is unknown (sent chunked)
}

// newFilesBody builds the body of req with files. It opens each file once (which downloads it if
// needed, so a failed download fails before anything is sent) to learn its size.
func newFilesBody(ctx context.Context, req any, files []load.Attachment, store load.Files) (*filesBody, error) {
	head, err := httpx.MarshalJSON(req)
	if err != nil {
		return nil, err
	}
	if len(head) < 2 || head[len(head)-1] != '}' {
		return nil, errors.New("the request is not a JSON object")
	}
	b := &filesBody{files: files, store: store}
	var seg bytes.Buffer
	seg.Write(head[:len(head)-1])
	if len(head) > 2 {
		seg.WriteByte(',')
	}
	seg.WriteString(`"attachment_files":[`)
	total := int64(0)
	known := true
	for i, a := range files {
		if i > 0 {
			seg.WriteByte(',')
		}
		ct, _ := httpx.MarshalJSON(a.ContentType)
		fmt.Fprintf(&seg, `{"content_type":%s,"data":"`, ct)
		b.segments = append(b.segments, bytes.Clone(seg.Bytes()))
		total += int64(seg.Len())
		seg.Reset()
		name, _ := httpx.MarshalJSON(a.FileName)
		fmt.Fprintf(&seg, `","name":%s}`, name)

		size, err := fileSize(ctx, store, a)
		if err != nil {
			return nil, err
		}
		if size < 0 {
			known = false
		}
		total += int64(base64.StdEncoding.EncodedLen(int(size)))
	}
	seg.WriteString("]}")
	b.segments = append(b.segments, bytes.Clone(seg.Bytes()))
	total += int64(seg.Len())
	b.length = -1
	if known {
		b.length = total
	}
	return b, nil
}

// fileSize opens a file to learn its size: -1 when the store's reader does not say.
func fileSize(ctx context.Context, store load.Files, a load.Attachment) (int64, error) {
	f, err := store.Open(ctx, a)
	if err != nil {
		return 0, fmt.Errorf("attachment %s (%s): %w", a.SourceID, a.FileName, err)
	}
	defer f.Close()
	if st, ok := f.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size(), nil
		}
	}
	return -1, nil
}

// reader returns a new reader of the whole body: each request attempt reads its own (GetBody).
func (b *filesBody) reader(ctx context.Context) io.ReadCloser {
	r := &multiBody{}
	for i, a := range b.files {
		r.parts = append(r.parts, bytes.NewReader(b.segments[i]))
		enc := &base64File{ctx: ctx, store: b.store, file: a}
		r.parts = append(r.parts, enc)
		r.files = append(r.files, enc)
	}
	r.parts = append(r.parts, bytes.NewReader(b.segments[len(b.files)]))
	return r
}

// multiBody reads its parts one after the other; Close closes any file still open. The transport
// may close a request body while its writer still reads it: the two are serialised.
type multiBody struct {
	mu     sync.Mutex
	closed bool
	parts  []io.Reader
	files  []*base64File
}

func (m *multiBody) Read(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, errors.New("read after close")
	}
	for len(m.parts) > 0 {
		n, err := m.parts[0].Read(p)
		if err == io.EOF {
			m.parts = m.parts[1:]
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
	return 0, io.EOF
}

func (m *multiBody) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	var errs []error
	for _, f := range m.files {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}

// base64File opens a stored file when first read and reads it as base64, a chunk at a time.
type base64File struct {
	ctx   context.Context
	store load.Files
	file  load.Attachment
	f     io.ReadCloser
	in    []byte
	out   []byte // encoded, not yet read
	enc   []byte
	done  bool
}

func (r *base64File) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.done {
			return 0, io.EOF
		}
		if r.f == nil {
			f, err := r.store.Open(r.ctx, r.file)
			if err != nil {
				return 0, fmt.Errorf("attachment %s (%s): %w", r.file.SourceID, r.file.FileName, err)
			}
			r.f = f
			r.in = make([]byte, chunk)
			r.enc = make([]byte, base64.StdEncoding.EncodedLen(chunk))
		}
		n, err := io.ReadFull(r.f, r.in)
		if n > 0 {
			r.out = r.enc[:base64.StdEncoding.EncodedLen(n)]
			base64.StdEncoding.Encode(r.out, r.in[:n])
		}
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			r.done = true
			_ = r.Close()
		case err != nil:
			return 0, fmt.Errorf("attachment %s (%s): %w", r.file.SourceID, r.file.FileName, err)
		}
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

func (r *base64File) Close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
