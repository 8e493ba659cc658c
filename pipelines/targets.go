package pipelines

import "github.com/deskport/deskport/load/intercom"

// newIntercomTarget builds the Intercom client, which is both the load's target and the reader of
// the directory the transform maps onto.
func newIntercomTarget(cfg targetConfig) (targetClient, error) {
	return intercom.New(intercom.Config{BaseURL: cfg.BaseURL, Token: cfg.Credentials["token"],
		HTTPClient: cfg.HTTPClient, Concurrency: cfg.Concurrency})
}
