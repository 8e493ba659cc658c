package pipelines

import (
	"strings"
	"testing"

	"github.com/deskport/deskport/internal/oauthflow"
)

const oauthFile = `version: 1
source:
  system: zendesk
  base_url: https://acme.zendesk.com
  credentials: {email_env: ZENDESK_EMAIL, token_env: ZENDESK_API_TOKEN}
target:
  system: intercom
  base_url: https://api.intercom.io
%s
`

func TestParseOAuthCredentials(t *testing.T) {
	cases := []struct {
		name, target string
		workspace    string // Target.WorkspaceID after parsing
		oauth        string
		wantErr      string
	}{
		{name: "workspace from oauth", target: "  credentials: {oauth: abc123}", workspace: "abc123", oauth: "abc123"},
		{name: "same workspace", target: "  workspace_id: abc123\n  credentials: {oauth: abc123}", workspace: "abc123", oauth: "abc123"},
		{name: "another workspace", target: "  workspace_id: xyz\n  credentials: {oauth: abc123}",
			wantErr: `acme.yaml:10: target.credentials.oauth: names workspace "abc123" but workspace_id is "xyz"`},
		{name: "empty", target: "  credentials: {oauth: }", wantErr: "acme.yaml:9: target.credentials.oauth: missing"},
		{name: "mixed with env", target: "  credentials: {oauth: abc123, token_env: INTERCOM_TOKEN}",
			wantErr: "acme.yaml:9: target.credentials: oauth names a connected workspace on its own"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse("acme.yaml", []byte(strings.Replace(oauthFile, "%s", c.target, 1)))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Target.WorkspaceID != c.workspace || p.Target.OAuthWorkspace != c.oauth || len(p.Target.CredentialEnv) != 0 {
				t.Errorf("target %+v", p.Target)
			}
		})
	}
	src := strings.Replace(oauthFile, "{email_env: ZENDESK_EMAIL, token_env: ZENDESK_API_TOKEN}", "{oauth: acme}", 1)
	_, err := Parse("acme.yaml", []byte(strings.Replace(src, "%s", "  credentials: {token_env: T}", 1)))
	if err == nil || !strings.Contains(err.Error(), "source.credentials.oauth: zendesk has no OAuth connection") {
		t.Errorf("oauth on zendesk: %v", err)
	}
}

// The stored token is used for the API host it was issued for, and no other.
func TestStoredSecrets(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return dir
		}
		return ""
	}
	store, _ := oauthflow.DefaultStore(getenv)
	if err := store.Put(oauthflow.Credential{System: "intercom", WorkspaceID: "abc123", BaseURL: "https://api.eu.intercom.io",
		Token: "dG9rOmstored"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		base, workspace, want, wantErr string
	}{
		{base: "https://api.eu.intercom.io", workspace: "abc123", want: "dG9rOmstored"},
		{base: "https://api.intercom.io", workspace: "abc123", wantErr: "is for https://api.eu.intercom.io, but base_url is https://api.intercom.io"},
		{base: "https://api.eu.intercom.io", workspace: "other", wantErr: `acme.yaml:9: target.credentials.oauth: intercom workspace "other": not connected`},
	}
	for _, c := range cases {
		text := strings.Replace(oauthFile, "https://api.intercom.io", c.base, 1)
		p, err := Parse("acme.yaml", []byte(strings.Replace(text, "%s", "  credentials: {oauth: "+c.workspace+"}", 1)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Target.secrets(getenv)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || strings.Contains(err.Error(), "dG9rOmstored") {
				t.Errorf("%s %s: %v, want %q", c.base, c.workspace, err, c.wantErr)
			}
			continue
		}
		if err != nil || got["token"] != c.want {
			t.Errorf("%s %s: %v %v", c.base, c.workspace, got, err)
		}
	}
}

// The template offers the oauth form for systems deskport auth connects, and the offer parses
// once taken.
func TestTemplateOffersOAuth(t *testing.T) {
	text, err := Template("zendesk", "intercom", "")
	if err != nil {
		t.Fatal(err)
	}
	target := text[strings.Index(text, "\ntarget:"):]
	start, end := strings.Index(target, "  credentials:\n"), strings.Index(target, "  # Or, once")
	offer := "  # credentials: {oauth: your-workspace-id}\n"
	if start < 0 || end < 0 || !strings.Contains(target, offer) {
		t.Fatalf("no oauth offer in the target block:\n%s", target)
	}
	taken := strings.Replace(target[:start]+target[end:], offer, "  credentials: {oauth: your-workspace-id}\n", 1)
	p, err := Parse("acme.yaml", []byte(text[:strings.Index(text, "\ntarget:")]+taken))
	if err != nil {
		t.Fatal(err)
	}
	if p.Target.OAuthWorkspace != "your-workspace-id" {
		t.Errorf("target %+v", p.Target)
	}
	if src := text[:strings.Index(text, "\ntarget:")]; strings.Contains(src, "oauth") {
		t.Errorf("zendesk is offered oauth:\n%s", src)
	}
}
