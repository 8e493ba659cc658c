package pipelines

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/deskport/deskport/internal/oauthflow"
)

// oauthCredentials reads "credentials: {oauth: WORKSPACE_ID}": the token `deskport auth` stored
// for that workspace. The workspace id doubles as target.workspace_id when the file has none, and
// must equal it when it has one.
func (p *parser) oauthCredentials(ep *Endpoint, e entry, field string, sys *sysInfo) {
	es, ok := p.pairs(e.value, field, `a map of NAME_env: VARIABLE, {oauth: WORKSPACE_ID}, or the word sandbox`)
	if !ok {
		return
	}
	for _, kv := range es {
		if kv.key.Value != "oauth" {
			p.add(kv.key, field, "oauth names a connected workspace on its own: take %s out", kv.key.Value)
			continue
		}
		v := deref(kv.value)
		f := joinField(field, "oauth")
		switch {
		case sys != nil && !oauthSystems[sys.name]:
			p.add(kv.key, f, "%s has no OAuth connection in deskport; name the environment variables holding its secrets, like %s", sys.name, sys.exampleCreds())
		case isNull(v) || v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "":
			p.add(kv.key, f, "missing: the id of a workspace connected with deskport auth (deskport auth status lists them)")
		case ep.WorkspaceID != "" && ep.WorkspaceID != v.Value:
			p.add(v, f, "names workspace %q but workspace_id is %q: use one workspace", v.Value, ep.WorkspaceID)
		default:
			ep.OAuthWorkspace = v.Value
			ep.origin.credLines = map[string]int{"oauth": kv.key.Line}
			if ep.WorkspaceID == "" {
				ep.WorkspaceID = v.Value
			}
		}
	}
}

// hasOAuthKey reports whether a credentials block is the oauth form.
func hasOAuthKey(n *yaml.Node) bool {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := deref(n.Content[i]); k != nil && k.Value == "oauth" {
			return true
		}
	}
	return false
}

// storedSecrets reads the token `deskport auth` stored for the endpoint's workspace, from the
// user's config directory as getenv finds it. The token is only handed over for the API host it
// was issued for.
func (e Endpoint) storedSecrets(getenv func(string) string) (map[string]string, error) {
	store, err := oauthflow.DefaultStore(getenv)
	if err != nil {
		return nil, e.oauthProblem(err.Error())
	}
	c, err := store.Get(e.System, e.OAuthWorkspace)
	if err != nil {
		return nil, e.oauthProblem(err.Error())
	}
	if strings.TrimRight(c.BaseURL, "/") != strings.TrimRight(e.BaseURL, "/") {
		return nil, e.oauthProblem(fmt.Sprintf("the stored token of workspace %s is for %s, but base_url is %s: connect again with deskport auth %s --base-url %s",
			e.OAuthWorkspace, c.BaseURL, e.BaseURL, e.System, e.BaseURL))
	}
	return map[string]string{"token": c.Token}, nil
}

// oauthProblem locates a problem with the stored token at the credentials block.
func (e Endpoint) oauthProblem(msg string) Problem {
	p := Problem{Field: "credentials.oauth", Message: msg}
	if o := e.origin; o != nil {
		p.File, p.Line = o.file, o.credLines["oauth"]
		p.Field = o.role + "." + p.Field
	}
	return p
}
