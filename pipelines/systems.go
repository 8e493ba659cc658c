package pipelines

import "strings"

// sysInfo is what the pipeline file format knows about a system: enough to check an endpoint
// and to write a template. Which stages a system supports is the registry's business, not the
// file format's.
type sysInfo struct {
	name string
	// api is false for systems that read local files (csv): no base_url, no credentials.
	api bool
	// url is what base_url looks like; the template's placeholder and the hint in errors.
	url string
	// urlNote adds to the template's comment on base_url.
	urlNote string
	// domain is the vendor's own domain: sandbox demo credentials must never be sent there.
	domain string
	creds  []credHint
	opts   []optHint
	// workspace: the system has workspaces the loader checks (workspace_id in the template).
	workspace bool
}

// credHint is one credential the template writes, with the variable name it suggests.
type credHint struct{ name, env, about string }

// optHint is one option the template writes, with its default value.
type optHint struct{ key, value, about string }

// systemTable is sorted by name, so KnownSystems and messages list systems alphabetically.
var systemTable = []sysInfo{
	{
		name: "csv",
		opts: []optHint{{key: "# dir", value: "./export", about: "The folder holding the exported CSV files"}},
	},
	{
		name: "freshdesk", api: true, domain: "freshdesk.com",
		url: "https://your-domain.freshdesk.com",
		creds: []credHint{
			{"api_key", "FRESHDESK_API_KEY", "The API key from your Freshdesk profile settings"},
		},
	},
	{
		name: "helpscout", api: true, domain: "helpscout.net",
		url: "https://api.helpscout.net",
		creds: []credHint{
			{"app_id", "HELPSCOUT_APP_ID", "The App ID of a Help Scout custom app (OAuth2 client credentials)"},
			{"app_secret", "HELPSCOUT_APP_SECRET", "The App Secret of the same app"},
		},
	},
	{
		name: "intercom", api: true, domain: "intercom.io", workspace: true,
		url:     "https://api.intercom.io",
		urlNote: "US; Europe: https://api.eu.intercom.io, Australia: https://api.au.intercom.io",
		creds: []credHint{
			{"token", "INTERCOM_TOKEN", "The access token of an Intercom app with read and write permissions"},
		},
	},
	{
		name: "zendesk", api: true, domain: "zendesk.com",
		url: "https://your-subdomain.zendesk.com",
		creds: []credHint{
			{"email", "ZENDESK_EMAIL", "The email of the agent who owns the API token"},
			{"token", "ZENDESK_API_TOKEN", "An API token (Admin Center > Apps and integrations > Zendesk API)"},
		},
		opts: []optHint{{key: "comments", value: "auto",
			about: "How comments are read: auto (deskport chooses), bulk (incremental export) or per_ticket"}},
	},
}

// lookupSystem returns the system called name, or nil.
func lookupSystem(name string) *sysInfo {
	for i := range systemTable {
		if systemTable[i].name == name {
			return &systemTable[i]
		}
	}
	return nil
}

// isVendorHost reports whether host is the system's real service (the domain or a subdomain).
func (s *sysInfo) isVendorHost(host string) bool {
	if s.domain == "" {
		return false
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == s.domain || strings.HasSuffix(host, "."+s.domain)
}

// exampleCreds formats the system's credentials as a hint, like "email_env: ZENDESK_EMAIL".
func (s *sysInfo) exampleCreds() string {
	parts := make([]string, len(s.creds))
	for i, c := range s.creds {
		parts[i] = c.name + "_env: " + c.env
	}
	return strings.Join(parts, ", ")
}
