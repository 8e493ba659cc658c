package pipelines

import (
	"github.com/deskport/deskport/load/intercom"
	"github.com/deskport/deskport/load/zendesk"
)

// newIntercomTarget builds the Intercom client, which is both the load's target and the reader of
// the directory the transform maps onto.
func newIntercomTarget(cfg targetConfig) (targetClient, error) {
	return intercom.New(intercom.Config{BaseURL: cfg.BaseURL, Token: cfg.Credentials["token"],
		HTTPClient: cfg.HTTPClient, Concurrency: cfg.Concurrency})
}

// newZendeskTarget builds the Zendesk client (load/zendesk): an agent's email and API token, as
// the Zendesk source names them, or the sandbox's demo pair for `credentials: sandbox`.
func newZendeskTarget(cfg targetConfig) (targetClient, error) {
	return zendesk.New(zendesk.Config{BaseURL: cfg.BaseURL, Email: cfg.Credentials["email"],
		Token: cfg.Credentials["token"], HTTPClient: cfg.HTTPClient, Concurrency: cfg.Concurrency})
}
