package intercom

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/deskport/deskport/load"
)

// diskFiles is a file store on disk, as load.FileStore is: its readers are *os.File, which say
// their size.
type diskFiles struct {
	dir   string
	mu    sync.Mutex
	opens int
}

func (d *diskFiles) Open(ctx context.Context, a load.Attachment) (io.ReadCloser, error) {
	d.mu.Lock()
	d.opens++
	d.mu.Unlock()
	return os.Open(filepath.Join(d.dir, a.SourceID))
}

func (d *diskFiles) openCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.opens
}

// randomBytes is n bytes of seeded noise.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// TestAttachmentFilesUpload: files bigger than a megabyte go as base64 attachment_files, streamed
// with their exact Content-Length (or chunked when the store does not say the size), and a 429
// sends the whole body again, reading the files again.
func TestAttachmentFilesUpload(t *testing.T) {
	big := randomBytes(1_500_001, 1)
	small := randomBytes(3_000, 2)
	dir := t.TempDir()
	for name, content := range map[string][]byte{"big": big, "small": small} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name       string
		store      func() (load.Files, func() int)
		wantLength bool // a Content-Length, not chunked
	}{
		{"from disk", func() (load.Files, func() int) { d := &diskFiles{dir: dir}; return d, d.openCount }, true},
		{"size unknown", func() (load.Files, func() int) {
			m := &memFiles{files: map[string]string{"big": string(big), "small": string(small)}}
			return m, func() int { m.mu.Lock(); defer m.mu.Unlock(); return m.opens }
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.on("POST /conversations/{id}/reply", failFirst(1, 429, map[string]string{"Retry-After": "0"}, replyConversation))
			store, opens := tt.store()
			part := op("part:14:500:0", "part", `{"parent":"conversation","parent_ref":"conversation:14","message_type":"comment",
				"author_type":"admin","admin_id":"991267459","body":"files","created_at":1700000000,"attachments":[
				{"source_id":"big","file_name":"dump.bin","content_type":"application/octet-stream","size":1500001,"url":"https://src.example/1","download":true},
				{"source_id":"small","file_name":"small.bin","content_type":"application/octet-stream","size":3000,"url":"https://src.example/2","download":true}]}`)
			id, err := f.client().Execute(t.Context(), part, load.Refs{"conversation:14": "363"}, store)
			if err != nil {
				t.Fatal(err)
			}
			if id != "cp-2" {
				t.Errorf("part id %q, want cp-2", id)
			}
			reqs := f.requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests, want 2 (a 429, then the retry)", len(reqs))
			}
			for i, r := range reqs {
				if tt.wantLength && r.Length != int64(len(r.Body)) {
					t.Errorf("request %d: Content-Length %d, body %d bytes", i, r.Length, len(r.Body))
				}
				if !tt.wantLength && r.Length != -1 {
					t.Errorf("request %d: Content-Length %d, want chunked", i, r.Length)
				}
				var body struct {
					Body  string `json:"body"`
					Files []struct {
						ContentType string `json:"content_type"`
						Data        string `json:"data"`
						Name        string `json:"name"`
					} `json:"attachment_files"`
				}
				if err := json.Unmarshal(r.Body, &body); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if body.Body != "files" || len(body.Files) != 2 {
					t.Fatalf("request %d: body %q with %d files", i, body.Body, len(body.Files))
				}
				for j, want := range [][]byte{big, small} {
					got, err := base64.StdEncoding.DecodeString(body.Files[j].Data)
					if err != nil || !bytes.Equal(got, want) {
						t.Errorf("request %d file %d: %d bytes decoded (%v), want the %d bytes of the file", i, j, len(got), err, len(want))
					}
				}
				if body.Files[0].Name != "dump.bin" || body.Files[0].ContentType != "application/octet-stream" {
					t.Errorf("request %d: file 0 is %q %q", i, body.Files[0].Name, body.Files[0].ContentType)
				}
			}
			// Each file: once for its size, once per attempt.
			if n := opens(); n != 6 {
				t.Errorf("files opened %d times, want 6", n)
			}
		})
	}
}

// countingFiles serves one file of size bytes, counting what its readers read.
type countingFiles struct {
	size int64
	read atomic.Int64
	open atomic.Int32
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c *countingFiles) Open(ctx context.Context, a load.Attachment) (io.ReadCloser, error) {
	c.open.Add(1)
	return io.NopCloser(countingReader{io.LimitReader(zeros{}, c.size), &c.read}), nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestFilesBodyStreams: reading the start of the body reads only the start of the file, and a
// reader opens its files only when it gets to them.
func TestFilesBodyStreams(t *testing.T) {
	store := &countingFiles{size: 8 << 20}
	atts := []load.Attachment{{SourceID: "a", FileName: "a.bin", ContentType: "application/octet-stream", Download: true}}
	b, err := newFilesBody(t.Context(), reply{MessageType: "comment", Type: "admin", AdminID: "1", Body: "x"}, atts, store)
	if err != nil {
		t.Fatal(err)
	}
	if b.length != -1 {
		t.Errorf("length %d for a file of unknown size", b.length)
	}
	opened := store.open.Load()
	r := b.reader(t.Context())
	if store.open.Load() != opened {
		t.Errorf("a new reader opened a file before being read")
	}
	head := make([]byte, 256<<10)
	if _, err := io.ReadFull(r, head); err != nil {
		t.Fatal(err)
	}
	if n := store.read.Load(); n > 1<<20 {
		t.Errorf("256 KB of the body read %d bytes of the 8 MB file", n)
	}
	rest, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Files []struct {
			Data string `json:"data"`
		} `json:"attachment_files"`
	}
	if err := json.Unmarshal(append(head, rest...), &body); err != nil {
		t.Fatal(err)
	}
	data, err := base64.StdEncoding.DecodeString(body.Files[0].Data)
	if err != nil || len(data) != 8<<20 {
		t.Errorf("decoded %d bytes (%v), want %d", len(data), err, 8<<20)
	}
}

// TestFilesBodyOpenFails: a file that cannot be had fails the op before anything is sent.
func TestFilesBodyOpenFails(t *testing.T) {
	f := newFake(t)
	part := op("part:1", "part", `{"parent":"ticket","parent_ref":"ticket:12","message_type":"comment","author_type":"admin",
		"admin_id":"1","body":"x","attachments":[{"source_id":"gone","file_name":"gone.txt","download":true}]}`)
	_, err := f.client().Execute(t.Context(), part, refs, &memFiles{})
	if err == nil || len(f.requests()) != 0 {
		t.Fatalf("error %v after %d requests; want an error and none", err, len(f.requests()))
	}
}
