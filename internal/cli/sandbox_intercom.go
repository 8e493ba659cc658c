package cli

import (
	"fmt"

	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/intercom"
)

// Sandbox sides: which simulator holds the data to migrate.
const (
	sandboxFromZendesk  = "zendesk"
	sandboxFromIntercom = "intercom"
)

// seedIntercomSource fills the sandbox's Intercom workspace for an Intercom → Zendesk trial:
// conversations conversations (one more of 600 parts, past the 500 Intercom returns), a third as
// many tickets, contacts and companies. The Zendesk account keeps its generated agents and groups,
// whose emails and names the workspace's admins and teams mirror, so the mapping has something to
// match. The seeding goes through the simulator's own API with its rate limit lifted meanwhile.
func seedIntercomSource(srv *sandbox.Server, conversations, rateLimit int) (intercom.Seeded, error) {
	ic := srv.Intercom()
	ic.SetRateLimit(-1)
	defer ic.SetRateLimit(rateLimit)
	spec := intercom.SeedSpec{Contacts: max(conversations/2, 3), Companies: max(conversations/10, 1),
		Conversations: conversations, PartsPer: 4, LongThread: 600, Tickets: max(conversations/3, 1)}
	seeded, err := intercom.Seed(ic, spec)
	if err != nil {
		return seeded, fmt.Errorf("sandbox --from intercom: %w", err)
	}
	return seeded, nil
}

// checkSandboxFrom checks the --from flag.
func checkSandboxFrom(from string) error {
	if from != sandboxFromZendesk && from != sandboxFromIntercom {
		return fmt.Errorf("--from %q: want %s or %s", from, sandboxFromZendesk, sandboxFromIntercom)
	}
	return nil
}
