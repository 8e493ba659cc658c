package pipelines

import (
	"strings"
	"testing"
)

// TestTemplateParses renders the template for every pair of systems, with and without the
// sandbox, and parses the result back.
func TestTemplateParses(t *testing.T) {
	for _, from := range KnownSystems() {
		for _, to := range KnownSystems() {
			if from == to {
				continue
			}
			for _, sandbox := range []string{"", "http://127.0.0.1:8080/"} {
				if sandbox != "" && (from == "csv" || to == "csv") {
					continue
				}
				t.Run(from+"-"+to+sandboxName(sandbox), func(t *testing.T) {
					checkTemplate(t, from, to, sandbox)
				})
			}
		}
	}
}

func sandboxName(url string) string {
	if url == "" {
		return ""
	}
	return "-sandbox"
}

func checkTemplate(t *testing.T, from, to, sandbox string) {
	text, err := Template(from, to, sandbox)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse("/work/"+from+"-to-"+to+".yaml", []byte(text))
	if err != nil {
		t.Fatalf("template does not parse:\n%v\n%s", err, text)
	}
	if p.Source.System != from || p.Target.System != to || p.Staging != "/work/"+from+"-to-"+to+".duckdb" {
		t.Errorf("parsed %+v", p)
	}
	for _, e := range []Endpoint{p.Source, p.Target} {
		if sandbox == "" {
			if e.Sandbox || (e.System != "csv" && len(e.CredentialEnv) == 0) {
				t.Errorf("%s: want named credentials, got %+v", e.System, e)
			}
			continue
		}
		if !e.Sandbox || e.BaseURL != "http://127.0.0.1:8080/"+e.System || len(e.CredentialEnv) != 0 {
			t.Errorf("%s: want sandbox at %s/%s, got %+v", e.System, sandbox, e.System, e)
		}
	}
	checkEveryKeyCommented(t, text)
}

// checkEveryKeyCommented requires a comment line right above every key, so a new user learns
// what each key means without opening the documentation.
func checkEveryKeyCommented(t *testing.T, text string) {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if i == 0 || !strings.HasPrefix(strings.TrimSpace(lines[i-1]), "#") {
			t.Errorf("line %d %q has no comment above it", i+1, l)
		}
	}
}

func TestTemplateSandboxNeedsNoSecrets(t *testing.T) {
	text, err := Template("zendesk", "intercom", "http://localhost:9000")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"_env:", "ZENDESK_API_TOKEN", "INTERCOM_TOKEN"} {
		if strings.Contains(text, s) {
			t.Errorf("sandbox template mentions %q", s)
		}
	}
	p, err := Parse("demo.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []Endpoint{p.Source, p.Target} {
		if got, err := e.Credentials(func(string) string { return "" }); err != nil || len(got) != 0 {
			t.Errorf("%s: Credentials = %v, %v", e.System, got, err)
		}
	}
}

func TestTemplateErrors(t *testing.T) {
	tests := []struct{ from, to, sandbox, want string }{
		{"zendsk", "intercom", "", `--from: unknown system "zendsk"`},
		{"zendesk", "", "", `--to: unknown system ""`},
		{"intercom", "intercom", "", `--from and --to are both "intercom"`},
		{"zendesk", "intercom", "localhost:8080", "--sandbox: must be an absolute http(s) URL"},
		{"csv", "intercom", "http://127.0.0.1:8080", "--sandbox: csv reads local files"},
	}
	for _, tt := range tests {
		_, err := Template(tt.from, tt.to, tt.sandbox)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Template(%q, %q, %q) = %v, want %q", tt.from, tt.to, tt.sandbox, err, tt.want)
		}
	}
}
