package oauthflow

import (
	"net/url"
	"testing"
)

// Whatever a callback's query holds, a code comes out only with the state that was sent, and
// never together with an error.
func FuzzReadCallback(f *testing.F) {
	const state = "S3CR3TSTATE"
	for _, seed := range []string{"code=abc&state=S3CR3TSTATE", "code=abc&state=other", "error=access_denied&state=S3CR3TSTATE",
		"state=S3CR3TSTATE", "code=abc&state=S3CR3TSTATE&state=x", "code=%zz", "state=S3CR3TSTATE&error_description=%00%0a"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		cb := readCallback(q, state)
		if (cb.code == "") == (cb.err == nil) {
			t.Fatalf("%q: code %q with error %v", raw, cb.code, cb.err)
		}
		if cb.code != "" && q.Get("state") != state {
			t.Fatalf("%q: a code was accepted with state %q", raw, q.Get("state"))
		}
		for _, r := range printable(q.Get("error_description")) {
			if r < 0x20 {
				t.Fatalf("%q: a control character reached the message", raw)
			}
		}
	})
}
