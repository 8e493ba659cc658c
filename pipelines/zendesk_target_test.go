package pipelines

import (
	"path/filepath"
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
