package pipelines

import (
	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/extract/zendesk"
)

// sources is the one place source systems are wired in: adding a platform means adding its
// package and one line here.
var sources = map[string]extract.Factory{
	"zendesk": zendesk.New,
}

// The built-in sandbox's published demo credentials. They guard nothing (the sandbox serves
// generated data on loopback); a pipeline file says `credentials: sandbox` to use them.
const (
	SandboxEmail = "demo@deskport.test"
	SandboxToken = "sandbox-token"
)
