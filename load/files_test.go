package load

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// fetchFrom serves contents by URL and counts the downloads.
func fetchFrom(contents map[string]string, calls *atomic.Int64) Fetch {
	return func(_ context.Context, url string) (io.ReadCloser, error) {
		calls.Add(1)
		c, ok := contents[url]
		if !ok {
			return nil, errors.New("404 " + url)
		}
		return io.NopCloser(strings.NewReader(c)), nil
	}
}

func TestFileStoreDownloadsOnceAndStoresEqualContentOnce(t *testing.T) {
	dir := t.TempDir()
	var calls atomic.Int64
	contents := map[string]string{"u1": "hello", "u2": "hello", "u3": "other bytes"}
	store := NewFileStore(dir, fetchFrom(contents, &calls))
	atts := []Attachment{
		{SourceID: "1", URL: "u1", Size: 5}, {SourceID: "2", URL: "u2", Size: 5}, {SourceID: "3", URL: "u3"},
	}
	var wg sync.WaitGroup
	for range 8 {
		for _, a := range atts {
			wg.Go(func() {
				f, err := store.Open(context.Background(), a)
				if err != nil {
					t.Error(err)
					return
				}
				defer f.Close()
				got, _ := io.ReadAll(f)
				if string(got) != contents[a.URL] {
					t.Errorf("attachment %s read %q", a.SourceID, got)
				}
			})
		}
	}
	wg.Wait()
	if calls.Load() != 3 {
		t.Errorf("%d downloads for 3 attachments opened 8 times each", calls.Load())
	}
	// Nothing is kept per attachment once it is open: a load opens every one of the account.
	if n := len(store.loading); n != 0 {
		t.Errorf("%d attachment locks kept after every Open returned", n)
	}
	// A new store over the same folder (the next load) downloads nothing.
	again := NewFileStore(dir, fetchFrom(contents, &calls))
	if f, err := again.Open(context.Background(), atts[2]); err != nil {
		t.Fatal(err)
	} else {
		f.Close()
	}
	if calls.Load() != 3 {
		t.Errorf("the next load downloaded again")
	}
	var stored []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(path, "by-source") {
			stored = append(stored, path)
		}
		return err
	})
	if len(stored) != 2 {
		t.Errorf("stored files %v: want the two distinct contents once each", stored)
	}
}

func TestFileStoreRefusesAShortDownloadAndKeepsNothing(t *testing.T) {
	dir := t.TempDir()
	var calls atomic.Int64
	store := NewFileStore(dir, fetchFrom(map[string]string{"u": "abc"}, &calls))
	_, err := store.Open(context.Background(), Attachment{SourceID: "9", FileName: "a.pdf", URL: "u", Size: 10})
	if err == nil || !strings.Contains(err.Error(), "attachment 9 (a.pdf)") {
		t.Fatalf("short download: %v, want an error naming the attachment", err)
	}
	var files int
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return err
	})
	if files != 0 {
		t.Errorf("%d files left after a failed download", files)
	}
	if _, err := store.Open(context.Background(), Attachment{SourceID: "9", URL: "u", Size: 3}); err != nil {
		t.Errorf("retry with the right size: %v", err)
	}
}
