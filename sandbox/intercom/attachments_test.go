package intercom

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

func file(name, contentType, data string) map[string]any {
	return map[string]any{"name": name, "content_type": contentType, "data": base64.StdEncoding.EncodeToString([]byte(data))}
}

func TestAttachmentRules(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.AllowedAttachmentTypes = []string{"csv", ".ZIP", "exe"} })
	conv := e.conversation(e.contact("c1"), "hi", 1500000000)
	reply := func(urls []string, files ...any) response {
		body := adminReply("101", "see attached", 1500000100)
		if urls != nil {
			body["attachment_urls"] = urls
		}
		if files != nil {
			body["attachment_files"] = files
		}
		return e.do("POST", "/conversations/"+conv+"/reply", body)
	}
	eleven := make([]any, 11)
	for i := range eleven {
		eleven[i] = file(fmt.Sprint(i, ".txt"), "text/plain", "x")
	}
	for _, tc := range []struct {
		name    string
		urls    []string
		files   []any
		status  int
		message string
	}{
		{"default type", []string{"https://files.test/a/report.PDF"}, []any{file("photo.png", "image/png", "png")}, 200, ""},
		{"allowed by the workspace", nil, []any{file("export.csv", "text/csv", "a,b"), file("all.zip", "application/zip", "z")}, 200, ""},
		{"url without a file name", []string{"https://files.test/download/123/"}, nil, 200, ""},
		{"executable always blocked", nil, []any{file("setup.exe", "application/octet-stream", "MZ")}, 400, `"setup.exe"`},
		{"screensaver in a url", []string{"https://files.test/x/fun.scr"}, nil, 400, `"fun.scr"`},
		{"not allowed by default", nil, []any{file("notes.docx", "application/msword", "d")}, 400, `"notes.docx"`},
		{"eleven files", nil, eleven, 400, "attachment_files"},
		{"bad base64", nil, []any{map[string]any{"name": "a.txt", "content_type": "text/plain", "data": "%%%"}}, 400, "base64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := reply(tc.urls, tc.files...)
			if tc.status == 200 {
				if r.status != 200 {
					t.Fatalf("%d %s", r.status, r.body)
				}
				return
			}
			expectError(t, r, 400, "parameter_invalid")
			if !strings.Contains(r.errorMessage(), tc.message) {
				t.Fatalf("message %q lacks %q", r.errorMessage(), tc.message)
			}
		})
	}
	parts := e.srv.Conversations()[0].Parts
	got := parts[0].Attachments
	sum := sha256.Sum256([]byte("png"))
	if len(parts) != 3 || len(got) != 2 || got[0].URL != "https://files.test/a/report.PDF" || got[0].Name != "report.PDF" ||
		got[1].Name != "photo.png" || got[1].Size != 3 || got[1].SHA256 != hex.EncodeToString(sum[:]) || got[1].ContentType != "image/png" {
		t.Fatalf("attachments %+v", got)
	}
	if n := e.srv.Stats().Created["attachment"]; n != 5 {
		t.Fatalf("attachments counted %d", n)
	}
}

func TestAttachmentURLsOnConversationCreate(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Strict = false }) // past the description's maxItems, to the simulator's own rule
	ct := e.contact("c1")
	urls := make([]string, 11)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://files.test/%d.png", i)
	}
	r := e.do("POST", "/conversations", map[string]any{"from": map[string]any{"type": "user", "id": ct}, "body": "b", "attachment_urls": urls})
	expectError(t, r, 400, "parameter_invalid")
	e.ok("POST", "/conversations", map[string]any{"from": map[string]any{"type": "user", "id": ct}, "body": "b", "attachment_urls": urls[:10]})
	if n := len(e.srv.Conversations()[0].Attachments); n != 10 {
		t.Fatalf("%d attachments", n)
	}
}
