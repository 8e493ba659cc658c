package pipelines

import (
	"github.com/deskport/deskport/extract"
	icextract "github.com/deskport/deskport/extract/intercom"
	"github.com/deskport/deskport/extract/zendesk"
)

// sources and targets are the one place systems are wired in: adding a platform means adding its
// package and one line here.
var sources = map[string]extract.Factory{
	"zendesk": zendesk.New,
	// Intercom as a source: admins, teams, contacts, companies, conversations, tickets and the Help Center.
	"intercom": icextract.New,
}

var targets = map[string]targetFactory{
	"intercom": newIntercomTarget,
	// Zendesk as a target: users, organizations, ticket imports with their comments, Guide.
	"zendesk": newZendeskTarget,
}

// The built-in sandbox's published demo credentials. They guard nothing (the sandbox serves
// generated data on loopback); a pipeline file says `credentials: sandbox` to use them.
const (
	SandboxEmail         = "demo@deskport.test"
	SandboxToken         = "sandbox-token"
	SandboxIntercomToken = "sandbox-intercom-token"
	// SandboxWorkspace is the simulated Intercom workspace's id.
	SandboxWorkspace = "sandbox1"
	// SandboxZendeskAccount is the simulated Zendesk account's id: load/zendesk names any host
	// other than *.zendesk.com so.
	SandboxZendeskAccount = "sandbox"
)

// sandboxWorkspaces are the ids load checks a `credentials: sandbox` target against.
var sandboxWorkspaces = map[string]string{"intercom": SandboxWorkspace, "zendesk": SandboxZendeskAccount}

// oauthSystems can be connected with deskport auth; their pipeline files may say
// "credentials: {oauth: WORKSPACE_ID}".
var oauthSystems = map[string]bool{"intercom": true}

var sandboxCredentials = map[string]map[string]string{
	"zendesk":  {"email": SandboxEmail, "token": SandboxToken},
	"intercom": {"token": SandboxIntercomToken},
}
