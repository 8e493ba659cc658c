package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox"
)

// TestSandboxFromIntercom: --from intercom seeds the Intercom workspace (with the long thread)
// and an unknown side is refused before anything is served.
func TestSandboxFromIntercom(t *testing.T) {
	srv := sandbox.New(sandbox.Options{Tickets: 3})
	seeded, err := seedIntercomSource(srv, 6, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(seeded.Conversations) != 6 || seeded.LongThread == "" || len(seeded.Tickets) != 2 || len(seeded.Contacts) == 0 {
		t.Errorf("seeded %+v", seeded)
	}
	code, _, stderr := run(t, context.Background(), "sandbox", "--from", "freshdesk", "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(stderr, `--from "freshdesk"`) {
		t.Errorf("sandbox --from freshdesk: %d %s", code, stderr)
	}
}
