package pipelines

import (
	"errors"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	// envNameRE is the portable form of an environment variable name (POSIX utilities' names).
	envNameRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	// credNameRE is the credential name before _env in a credentials key.
	credNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	// plainKeyRE is a key safe to repeat in an error: anything else might be a pasted secret.
	plainKeyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// baseURL checks the endpoint's API address. Its value is never echoed: a URL may carry a
// password or a token in its query.
func (p *parser) baseURL(f map[string]entry, at *yaml.Node, role string, sys *sysInfo) string {
	field := role + ".base_url"
	e, ok := f["base_url"]
	present := ok && !isNull(e.value)
	switch {
	case sys != nil && !sys.api && present:
		p.add(deref(e.value), field, "%s reads local files and has no base_url", sys.name)
		return ""
	case !present && sys != nil && sys.api:
		p.add(orKey(at, e, ok), field, "missing: the address of the %s API, like %s", sys.name, sys.url)
		return ""
	case !present:
		return ""
	}
	s, ok := p.text(e.value, field)
	if !ok {
		return ""
	}
	like := "https://acme.zendesk.com"
	if sys != nil && sys.url != "" {
		like = sys.url
	}
	if msg := checkURL(s, like); msg != "" {
		p.add(deref(e.value), field, "%s", msg)
		return ""
	}
	return strings.TrimRight(s, "/")
}

// checkURL returns what is wrong with an API base URL, or "". like is an example of a good one.
func checkURL(s, like string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		return "must be an absolute http(s) URL, like " + like
	case u.User != nil:
		return "must not hold a user name or password: name them under credentials"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "must not have a query (?…) or a fragment (#…), like " + like
	}
	return ""
}

// credentials reads the endpoint's credentials block: the word sandbox, {oauth: WORKSPACE_ID}
// (a token stored by deskport auth), or a map from <name>_env to the name of the environment
// variable holding that credential. The file never
// holds a secret, so no value found here is ever repeated in a message.
func (p *parser) credentials(ep *Endpoint, f map[string]entry, at *yaml.Node, sys *sysInfo) {
	field := ep.origin.role + ".credentials"
	e, ok := f["credentials"]
	switch {
	case (!ok || isNull(e.value)) && sys != nil && sys.api:
		p.add(orKey(at, e, ok), field, `missing: name the environment variables holding the secrets, like %s, or write "credentials: sandbox" for the built-in sandbox`, sys.exampleCreds())
		return
	case !ok || isNull(e.value):
		return
	case sys != nil && !sys.api:
		p.add(e.key, field, "%s reads local files and needs no credentials", sys.name)
		return
	}
	if v := deref(e.value); v.Kind == yaml.ScalarNode {
		p.sandbox(ep, v, field, sys)
		return
	}
	if hasOAuthKey(e.value) {
		p.oauthCredentials(ep, e, field, sys)
		return
	}
	p.credentialEnvs(ep, e, field, sys)
}

// sandbox accepts "credentials: sandbox", unless base_url is the vendor's real service: the
// published demo credentials are for the local simulator only.
func (p *parser) sandbox(ep *Endpoint, v *yaml.Node, field string, sys *sysInfo) {
	if v.ShortTag() != "!!str" || v.Value != "sandbox" {
		p.add(v, field, `must be a map of NAME_env: VARIABLE (like token_env: MY_TOKEN), or the word sandbox; a secret never goes in this file`)
		return
	}
	ep.Sandbox = true
	if u, err := url.Parse(ep.BaseURL); err == nil && sys != nil && sys.isVendorHost(u.Hostname()) {
		p.add(v, field, "sandbox credentials only work with the local sandbox, but base_url is the real %s service", sys.name)
	}
}

// credentialEnvs reads the NAME_env: VARIABLE pairs.
func (p *parser) credentialEnvs(ep *Endpoint, e entry, field string, sys *sysInfo) {
	es, ok := p.pairs(e.value, field, `a map of NAME_env: VARIABLE, or the word sandbox`)
	if !ok {
		return
	}
	ep.CredentialEnv = map[string]string{}
	ep.origin.credLines = map[string]int{}
	for _, kv := range es {
		if name, env, ok := p.credentialEnv(kv, field, sys); ok {
			ep.CredentialEnv[name] = env
			ep.origin.credLines[name] = kv.key.Line
		}
	}
	if len(es) == 0 && sys != nil && sys.api {
		p.add(deref(e.value), field, "empty: name the environment variables holding the secrets, like %s", sys.exampleCreds())
	}
}

// credentialEnv checks one NAME_env: VARIABLE pair and returns the credential name and variable.
func (p *parser) credentialEnv(kv entry, field string, sys *sysInfo) (string, string, bool) {
	key := kv.key.Value
	if !plainKeyRE.MatchString(key) {
		p.add(kv.key, field, "keys here are lowercase names ending in _env, like token_env: VARIABLE; a secret never goes in this file")
		return "", "", false
	}
	kf := joinField(field, key)
	name, isEnv := strings.CutSuffix(key, "_env")
	if !isEnv {
		p.add(kv.key, kf, "credentials hold names of environment variables: use %s_env: VARIABLE, never the secret itself", key)
		return "", "", false
	}
	if !credNameRE.MatchString(name) {
		p.add(kv.key, kf, "keys here are lowercase names ending in _env, like token_env")
		return "", "", false
	}
	v := deref(kv.value)
	switch {
	case isNull(v) || (v.Kind == yaml.ScalarNode && v.Value == ""):
		p.add(kv.key, kf, "missing: the name of the environment variable holding the %s, like %s", name, suggestEnv(sys, name))
	case v.Kind != yaml.ScalarNode:
		p.add(v, kf, "must name an environment variable, like %s, found %s", suggestEnv(sys, name), kindName(v))
	case !envNameRE.MatchString(v.Value):
		p.add(v, kf, "must name an environment variable (capital letters, digits and _, like %s); if this is the secret itself, take it out of the file and replace it", suggestEnv(sys, name))
	default:
		return name, v.Value, true
	}
	return "", "", false
}

// suggestEnv proposes a variable name for a credential, for messages.
func suggestEnv(sys *sysInfo, name string) string {
	if sys == nil {
		return strings.ToUpper(name)
	}
	for _, c := range sys.creds {
		if c.name == name {
			return c.env
		}
	}
	return strings.ToUpper(sys.name + "_" + name)
}

// Credentials reads the endpoint's credentials from the environment through getenv (os.Getenv
// when nil) and returns credential name → value. Every unset or empty variable is reported, as a
// Problem naming the variable and the pipeline field, never a value. A sandbox endpoint needs no
// variables and gets an empty map: its client uses the sandbox's published demo credentials.
func (e Endpoint) Credentials(getenv func(string) string) (map[string]string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	names := make([]string, 0, len(e.CredentialEnv))
	for name := range e.CredentialEnv {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make(map[string]string, len(names))
	var errs []error
	for _, name := range names {
		env := e.CredentialEnv[name]
		v := getenv(env)
		if strings.TrimSpace(v) == "" {
			errs = append(errs, e.credentialProblem(name, "environment variable "+env+" is not set (or is empty)"))
			continue
		}
		out[name] = v
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// credentialProblem locates a problem with credential name at its line in the pipeline file,
// when the endpoint came from one.
func (e Endpoint) credentialProblem(name, msg string) Problem {
	p := Problem{Field: "credentials." + name + "_env", Message: msg}
	if o := e.origin; o != nil {
		p.File, p.Line = o.file, o.credLines[name]
		p.Field = o.role + "." + p.Field
	}
	return p
}
