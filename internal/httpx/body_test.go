package httpx

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"testing/iotest"
)

func response(body string, contentLength int64) *http.Response {
	return &http.Response{Body: io.NopCloser(strings.NewReader(body)), ContentLength: contentLength}
}

func TestReadBody(t *testing.T) {
	errUse := errors.New("use failed")
	tests := []struct {
		name          string
		body          string
		contentLength int64
		limit         int64
		useErr        error
		want          string
		wantErr       error
	}{
		{"known length", `{"a":1}`, 7, 1 << 20, nil, `{"a":1}`, nil},
		{"unknown length (compressed or chunked)", `{"a":1}`, -1, 1 << 20, nil, `{"a":1}`, nil},
		{"over the limit is cut at it", `{"a":1}`, 7, 4, nil, `{"a"`, nil},
		{"a length over the limit is not trusted", `{"a":1}`, 1 << 40, 1 << 20, nil, `{"a":1}`, nil},
		{"use's error is returned", `{}`, 2, 1 << 20, errUse, `{}`, errUse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			err := ReadBody(response(tt.body, tt.contentLength), tt.limit, func(b []byte) error {
				got = string(b)
				return tt.useErr
			})
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("got %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestReadBodyCutShortIsAReadingError(t *testing.T) {
	resp := &http.Response{Body: io.NopCloser(io.MultiReader(strings.NewReader(`{"a":`), iotest.ErrReader(io.ErrUnexpectedEOF)))}
	used := false
	err := ReadBody(resp, 1<<20, func([]byte) error { used = true; return nil })
	if !errors.Is(err, ErrReadingBody) || !errors.Is(err, io.ErrUnexpectedEOF) || used {
		t.Errorf("got %v (used: %v); want a reading error wrapping the cause, use not called", err, used)
	}
}

// TestReadBodyReusesItsBuffers checks that pages read one after another share a buffer instead of
// allocating one each.
func TestReadBodyReusesItsBuffers(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1)) // a collection empties the pool
	page := strings.Repeat("x", 1<<20)
	read := func() {
		err := ReadBody(response(page, int64(len(page))), 1<<30, func(b []byte) error {
			if !bytes.Equal(b, []byte(page)) {
				t.Fatal("the body read is not the page")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	read()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const pages = 10
	for range pages {
		read()
	}
	runtime.ReadMemStats(&after)
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > uint64(len(page)) {
		t.Errorf("reading %d pages of %d bytes allocated %d bytes; want less than one page", pages, len(page), allocated)
	}
}
