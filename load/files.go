package load

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Fetch streams a source file through the source's own client (its credentials go only to its
// host). extract.Downloader implementations provide it.
type Fetch func(ctx context.Context, rawURL string) (io.ReadCloser, error)

// FileStore keeps downloaded attachments content-addressed in a folder beside the staging file:
// <dir>/<sha256[:2]>/<sha256> holds the bytes, <dir>/by-source/<h[:2]>/<h> (h a hash of the source
// id) names the sha256 of a source attachment, so a file is downloaded once however often a load
// is run, and identical files are stored once. Files spread over 256 subfolders: the load
// downloads dozens at once, and creating files in one folder serialises on that folder's lock.
type FileStore struct {
	dir   string
	fetch Fetch

	mu      sync.Mutex
	loading map[string]*attachmentLock // attachments being opened, by source id
}

// attachmentLock serialises the opening of one attachment; users counts the callers holding or
// waiting for it, so the last one out forgets it.
type attachmentLock struct {
	sync.Mutex
	users int
}

// NewFileStore stores under dir, fetching with fetch.
func NewFileStore(dir string, fetch Fetch) *FileStore {
	return &FileStore{dir: dir, fetch: fetch, loading: map[string]*attachmentLock{}}
}

// Open returns the stored content of a, downloading it first if needed.
func (s *FileStore) Open(ctx context.Context, a Attachment) (io.ReadCloser, error) {
	unlock := s.lock(a.SourceID)
	defer unlock()
	if f, err := s.openStored(a); err == nil {
		return f, nil
	}
	if err := s.download(ctx, a); err != nil {
		return nil, err
	}
	return s.openStored(a)
}

// lock serialises the opening of one attachment, so parallel parts never fetch it twice. A lock
// lives only while someone holds or waits for it: a load opens every attachment of the account,
// and a lock kept for each would grow the load's memory with the account.
func (s *FileStore) lock(id string) (unlock func()) {
	s.mu.Lock()
	l, ok := s.loading[id]
	if !ok {
		l = &attachmentLock{}
		s.loading[id] = l
	}
	l.users++
	s.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		s.mu.Lock()
		defer s.mu.Unlock()
		if l.users--; l.users == 0 {
			delete(s.loading, id)
		}
	}
}

func (s *FileStore) indexPath(a Attachment) string {
	sum := sha256.Sum256([]byte(a.SourceID))
	h := hex.EncodeToString(sum[:16])
	return filepath.Join(s.dir, "by-source", h[:2], h)
}

// contentPath is where the bytes whose sha256 is sha (hex) are kept.
func (s *FileStore) contentPath(sha string) string {
	return filepath.Join(s.dir, sha[:2], sha)
}

func (s *FileStore) openStored(a Attachment) (*os.File, error) {
	data, err := os.ReadFile(s.indexPath(a))
	if err != nil {
		return nil, err
	}
	sha := strings.TrimSpace(string(data))
	if len(sha) != sha256.Size*2 {
		return nil, fmt.Errorf("attachment store: index %s is damaged", s.indexPath(a))
	}
	return os.Open(s.contentPath(sha))
}

// download streams the file into a temporary file while hashing it, checks its size against
// the source's, and moves it into place; the index entry is written last, so a crash leaves at
// worst an unreferenced file, never an index naming a partial one.
func (s *FileStore) download(ctx context.Context, a Attachment) error {
	if s.fetch == nil {
		return fmt.Errorf("attachment %s (%s): the source cannot download files", a.SourceID, a.FileName)
	}
	index := s.indexPath(a)
	if err := os.MkdirAll(filepath.Dir(index), 0o755); err != nil {
		return fmt.Errorf("attachment store: %w", err)
	}
	body, err := s.fetch(ctx, a.URL)
	if err != nil {
		return fmt.Errorf("attachment %s (%s): %w", a.SourceID, a.FileName, err)
	}
	defer body.Close()
	tmp, err := os.CreateTemp(filepath.Dir(index), ".download-*")
	if err != nil {
		return fmt.Errorf("attachment store: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), body)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("attachment %s (%s): downloading: %w", a.SourceID, a.FileName, err)
	}
	if a.Size > 0 && n != a.Size {
		return fmt.Errorf("attachment %s (%s): downloaded %d bytes, the source says %d", a.SourceID, a.FileName, n, a.Size)
	}
	sha := hex.EncodeToString(h.Sum(nil))
	content := s.contentPath(sha)
	if err := os.MkdirAll(filepath.Dir(content), 0o755); err != nil {
		return fmt.Errorf("attachment store: %w", err)
	}
	if err := os.Rename(tmp.Name(), content); err != nil {
		return fmt.Errorf("attachment store: %w", err)
	}
	return writeAtomic(index, []byte(sha+"\n"))
}

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("attachment store: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("attachment store: %w", err)
	}
	return nil
}
