package zendesk

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/internal/httpx"
	"github.com/deskport/deskport/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var modes = []string{modeBulk, modePerTicket, modeAuto}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

// TestExtractRecordedAccount extracts the recorded account in each comments mode. bulk and
// per_ticket are deterministic and match their golden files whole; all three modes stage the
// same canonical rows once path-dependent details are set aside.
func TestExtractRecordedAccount(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			f := newFakeZendesk(t)
			src := f.source(t, map[string]string{"comments": mode, "comment_workers": "3"})
			sink, progress := newMemSink(), &countingProgress{}
			if err := src.Extract(t.Context(), extract.Request{}, sink, progress); err != nil {
				t.Fatal(err)
			}
			f.check(t)
			if mode != modeAuto {
				golden(t, mode+".json", sink.snapshot(false).json(t, f))
			}
			golden(t, "path_free.json", sink.snapshot(true).json(t, f))
			// Time-based pages repeat the items of their boundary second: each is staged once.
			if n := sink.staged[schema.Companies]; n != 6 {
				t.Errorf("staged %d organization versions, want 6 (4 + 2 new on page 2)", n)
			}
			if n := sink.staged[schema.Comments]; mode == modeBulk && n != 5 {
				t.Errorf("staged %d comments, want 5", n)
			}
			if !maps.Equal(progress.n, sink.staged) {
				t.Errorf("progress %v, staged %v", progress.n, sink.staged)
			}
			stats := src.Stats()
			if s := stats["/api/v2/tickets/{id}/comments.json"]; mode == modeBulk && s.Calls != 0 {
				t.Errorf("bulk mode fetched comments per ticket: %+v", s)
			}
			if s := stats["/api/v2/incremental/tickets/cursor.json"]; s.Calls != 2 {
				t.Errorf("ticket export calls %+v, want 2", s)
			}
		})
	}
}

// TestResume interrupts the extract at every write, by a failing sink or a cancelled context,
// then runs it again from the saved cursors: the final canonical rows equal an uninterrupted
// run's.
func TestResume(t *testing.T) {
	for _, perWrite := range []int{1000, 1} {
		t.Run(fmt.Sprintf("page_comments=%d", perWrite), func(t *testing.T) {
			defer func(n int) { pageComments = n }(pageComments)
			pageComments = perWrite
			testResume(t)
		})
	}
}

func testResume(t *testing.T) {
	for _, mode := range modes {
		ref := newMemSink()
		f := newFakeZendesk(t)
		if err := f.source(t, map[string]string{"comments": mode}).Extract(t.Context(), extract.Request{}, ref, nil); err != nil {
			t.Fatal(err)
		}
		want := ref.snapshot(true).json(t, f)
		for k := 1; k <= ref.writes; k++ {
			for _, how := range []string{"error", "cancel"} {
				t.Run(fmt.Sprintf("%s/%s/%d", mode, how, k), func(t *testing.T) {
					f := newFakeZendesk(t)
					sink := newMemSink()
					sink.failAt = k
					ctx, cancel := context.WithCancel(t.Context())
					defer cancel()
					if how == "cancel" {
						sink.failErr = func() error { cancel(); return context.Canceled }
					}
					opts := map[string]string{"comments": mode, "comment_workers": "2"}
					err := f.source(t, opts).Extract(ctx, extract.Request{}, sink, nil)
					if err == nil && sink.writes >= k {
						t.Fatalf("write %d failed but Extract returned nil", k)
					}
					sink.failAt = 0
					if err := f.source(t, opts).Extract(t.Context(), extract.Request{}, sink, nil); err != nil {
						t.Fatalf("resumed run: %v", err)
					}
					f.check(t)
					if got := sink.snapshot(true).json(t, f); !bytes.Equal(got, want) {
						t.Errorf("resumed rows differ:\n%s\nwant:\n%s", got, want)
					}
				})
			}
		}
	}
}

func TestExtractErrors(t *testing.T) {
	tests := []struct {
		name    string
		base    func(f *fakeZendesk) string
		token   string
		route   [2]string
		want    string
		wantIs  error
		notWant string
	}{
		{
			name: "rejected credentials", token: "wrong-token",
			want:   "zendesk: credentials rejected by GET /api/v2/incremental/tickets/cursor.json (401)",
			wantIs: httpx.ErrCredentials, notWant: "wrong-token",
		},
		{
			name: "unreachable host", base: func(*fakeZendesk) string { return "http://127.0.0.1:1/zendesk" },
			want: "zendesk: cannot reach http://127.0.0.1:1/zendesk: ",
		},
		{
			name:  "page that cannot be parsed",
			route: [2]string{"/api/v2/incremental/tickets/cursor.json?start_time=0", `raw:{"tickets": [{"id": 1,}]}`},
			want:  "zendesk: cannot parse GET /api/v2/incremental/tickets/cursor.json?start_time=0: invalid character '}' looking for beginning of object key string at offset 23",
		},
		{
			name:  "page of the wrong shape",
			route: [2]string{"/api/v2/incremental/tickets/cursor.json?start_time=0", `raw:{"tickets": {"id": 1}}`},
			want:  "zendesk: cannot parse GET /api/v2/incremental/tickets/cursor.json?start_time=0: json: cannot unmarshal object into Go struct field envelope.tickets of type []json.RawMessage at offset 13",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeZendesk(t)
			if tt.route[0] != "" {
				f.routes = maps.Clone(fixtureRoutes)
				f.routes[tt.route[0]] = tt.route[1]
			}
			base, token := f.baseURL(), testToken
			if tt.base != nil {
				base = tt.base(f)
			}
			if tt.token != "" {
				token = tt.token
			}
			src, err := New(extract.Config{BaseURL: base, Credentials: map[string]string{"email": testEmail, "token": token}})
			if err != nil {
				t.Fatal(err)
			}
			err = src.Extract(t.Context(), extract.Request{Entities: []schema.Entity{schema.Tickets}}, newMemSink(), nil)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant   %s", err, tt.want)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v) = false", tt.wantIs)
			}
			if tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("error reveals a secret: %v", err)
			}
		})
	}
}
