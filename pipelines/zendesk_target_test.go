package pipelines

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskport/deskport/transform"
)

// TestIntercomToZendeskExample: the example names Zendesk as the target, its transform plans for
// Zendesk with the default agent it names, and a Zendesk client is built from its credentials.
func TestIntercomToZendeskExample(t *testing.T) {
	p, err := Load(filepath.Join("examples", "intercom-to-zendesk.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Source.System != "intercom" || p.Target.System != "zendesk" || p.Target.WorkspaceID != "acme" {
		t.Fatalf("source %q target %q workspace %q", p.Source.System, p.Target.System, p.Target.WorkspaceID)
	}
	s, err := p.transformSettings()
	if err != nil {
		t.Fatal(err)
	}
	if s.Target != transform.TargetZendesk || s.DefaultAdmin != "support@acme.example" || !s.KBTranslations {
		t.Errorf("settings: target %q, default agent %q, translations %v", s.Target, s.DefaultAdmin, s.KBTranslations)
	}
	env := map[string]string{"ZENDESK_EMAIL": "agent@acme.example", "ZENDESK_API_TOKEN": "t0ken"}
	if _, err := p.newTarget(func(k string) string { return env[k] }, nil, 0); err != nil {
		t.Errorf("newTarget: %v", err)
	}
}

// TestSandboxWorkspaces: a `credentials: sandbox` target is checked against the id its simulator
// answers with, per system.
func TestSandboxWorkspaces(t *testing.T) {
	for system, want := range map[string]string{"intercom": SandboxWorkspace, "zendesk": SandboxZendeskAccount} {
		p := &Pipeline{Target: Endpoint{System: system, Sandbox: true}}
		if got, err := p.targetWorkspace(); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", system, got, err, want)
		}
	}
}

// TestIntercomToZendeskTemplate: init's template for Intercom → Zendesk plans as it is (no source
// option lands among the target's), and without the sandbox asks for the account to write to.
func TestIntercomToZendeskTemplate(t *testing.T) {
	for _, sandbox := range []string{"", "http://127.0.0.1:8089"} {
		text, err := Template("intercom", "zendesk", sandbox)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse("/work/intercom-to-zendesk.yaml", []byte(text))
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		if _, err := p.transformSettings(); err != nil {
			t.Errorf("sandbox %q: %v", sandbox, err)
		}
		if sandbox == "" && !strings.Contains(text, "\n  workspace_id: your-workspace-id\n  # Names of") {
			t.Errorf("the target has no workspace_id:\n%s", text)
		}
	}
}
