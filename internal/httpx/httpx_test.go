package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewClientChain(t *testing.T) {
	var n atomic.Int32
	var mu sync.Mutex
	var auths []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths = append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		}
	}))
	defer api.Close()
	var foreignAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		foreignAuth.Store(r.Header.Get("Authorization"))
	}))
	defer other.Close()

	base, _ := url.Parse(api.URL + "/zendesk")
	counter := NewCounter(nil)
	client := NewClient(ClientConfig{
		BaseURL: base, Authorization: "Bearer s3cret", Counter: counter,
		Pacing: PacingConfig{ResetMargin: time.Millisecond}, Retry: RetryConfig{BaseDelay: time.Millisecond},
	})
	for _, u := range []string{api.URL + "/zendesk/api/v2/groups.json", other.URL + "/attachments/1"} {
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckResponse(resp); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if len(auths) != 2 || auths[0] != "Bearer s3cret" || auths[1] != "Bearer s3cret" {
		t.Errorf("API saw Authorization %q, want it on the retry too", auths)
	}
	if got := foreignAuth.Load(); got != "" {
		t.Errorf("other host got Authorization %q", got)
	}
	if s := counter.Stats()["/zendesk/api/v2/groups.json"]; s.Calls != 2 || s.TooMany != 1 {
		t.Errorf("counted %+v", s)
	}
}
