package pipelines

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// minimalFile is a valid pipeline file whose staging and entities keys are left out.
const minimalFile = `version: 1
source:
  system: zendesk
  base_url: https://acme.zendesk.com
  credentials: {email_env: ZENDESK_EMAIL, token_env: ZENDESK_API_TOKEN}
target:
  system: intercom
  base_url: https://api.intercom.io
  credentials: {token_env: INTERCOM_TOKEN}
`

func TestParseStaging(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		name, path, staging, want string
	}{
		{"default next to the file", filepath.Join(root, "acme.yaml"), "", filepath.Join(root, "acme.duckdb")},
		{"default keeps inner dots", filepath.Join(root, "acme.prod.yml"), "", filepath.Join(root, "acme.prod.duckdb")},
		{"default without extension", filepath.Join(root, "pipeline"), "", filepath.Join(root, "pipeline.duckdb")},
		{"relative to the file, not the working folder", filepath.Join(root, "p", "acme.yaml"), "../data/x.duckdb", filepath.Join(root, "data", "x.duckdb")},
		{"absolute kept", filepath.Join(root, "acme.yaml"), filepath.Join(root, "elsewhere", "s.duckdb"), filepath.Join(root, "elsewhere", "s.duckdb")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := minimalFile
			if tt.staging != "" {
				data += "staging: " + tt.staging + "\n"
			}
			p, err := Parse(tt.path, []byte(data))
			if err != nil {
				t.Fatal(err)
			}
			if p.Staging != tt.want {
				t.Errorf("Staging = %q, want %q", p.Staging, tt.want)
			}
			if p.Path != tt.path {
				t.Errorf("Path = %q, want %q", p.Path, tt.path)
			}
		})
	}
}

func TestParseRelativePathIsMadeAbsolute(t *testing.T) {
	p, err := Parse("acme.yaml", []byte(minimalFile))
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if p.Path != filepath.Join(wd, "acme.yaml") || p.Staging != filepath.Join(wd, "acme.duckdb") {
		t.Errorf("Path %q, Staging %q: want both absolute in %s", p.Path, p.Staging, wd)
	}
}

func TestParseDefaults(t *testing.T) {
	p, err := Parse("/srv/acme.yaml", []byte(minimalFile))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Entities, KnownEntities()) {
		t.Errorf("Entities = %v, want all: %v", p.Entities, KnownEntities())
	}
	if p.Options == nil || len(p.Options) != 0 || p.Mapping.Kind != 0 {
		t.Errorf("Options %v, Mapping kind %v: want empty map and zero node", p.Options, p.Mapping.Kind)
	}
	if p.Source.Options == nil || p.Target.Options == nil || p.Source.Sandbox {
		t.Errorf("endpoint defaults: %+v / %+v", p.Source, p.Target)
	}
}

func TestParseEntitiesCanonicalOrder(t *testing.T) {
	p, err := Parse("a.yaml", []byte(minimalFile+"entities: [ticket_fields, agents, tickets]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"tickets", "agents", "ticket_fields"}
	if !reflect.DeepEqual(p.Entities, want) {
		t.Errorf("Entities = %v, want %v", p.Entities, want)
	}
}

// TestParseReportsEveryProblem checks that problems anywhere in the file are all reported, each
// with its own line and field, in file order.
func TestParseReportsEveryProblem(t *testing.T) {
	data := `version: 2
source:
  system: zendesk
  base_url: https://acme.zendesk.com
  credentials:
    token: hunter2-inline
target:
  system: intercomm
  base_url: /relative
  credentials: sandbox
entities: [tickets, tickets, kb]
extra: 1
`
	_, err := Parse("acme.yaml", []byte(data))
	type at struct {
		Line  int
		Field string
	}
	var got []at
	for _, p := range Problems(err) {
		got = append(got, at{p.Line, p.Field})
		if p.File != "acme.yaml" {
			t.Errorf("File = %q, want the path as given", p.File)
		}
	}
	want := []at{
		{1, "version"}, {6, "source.credentials.token"}, {8, "target.system"},
		{9, "target.base_url"}, {11, "entities[1]"}, {11, "entities[2]"}, {12, "extra"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems at %v, want %v\n%v", got, want, err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error repeats the secret: %v", err)
	}
	var one Problem
	if !errors.As(err, &one) || one.Line != 1 {
		t.Errorf("errors.As finds %+v, want the first problem", one)
	}
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{"a.yaml", 4, "source.system", "bad"}, "a.yaml:4: source.system: bad"},
		{Problem{"a.yaml", 4, "", "bad"}, "a.yaml:4: bad"},
		{Problem{"a.yaml", 0, "staging", "bad"}, "a.yaml: staging: bad"},
		{Problem{"", 0, "credentials.token_env", "bad"}, "credentials.token_env: bad"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestProblemsUnwrapsWrappedJoins(t *testing.T) {
	a, b := Problem{Line: 1, Message: "a"}, &Problem{Line: 2, Message: "b"}
	err := errors.Join(errors.New("other"), fmtWrap(errors.Join(a, b)))
	got := Problems(err)
	if len(got) != 2 || got[0].Message != "a" || got[1].Message != "b" {
		t.Errorf("Problems = %+v", got)
	}
	if Problems(nil) != nil {
		t.Errorf("Problems(nil) is not nil")
	}
}

type wrapped struct{ err error }

func (w wrapped) Error() string { return "wrapped: " + w.err.Error() }
func (w wrapped) Unwrap() error { return w.err }

func fmtWrap(err error) error { return wrapped{err} }

func TestSuggest(t *testing.T) {
	tests := []struct{ word, want string }{
		{"sorce", "source"}, {"SOURCE", "source"}, {"credentails", "credentials"},
		{"entites", "entities"}, {"colour", ""}, {"x", ""},
	}
	for _, tt := range tests {
		if got := closest(tt.word, topKeys); tt.word != "credentails" && got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := closest("credentails", endpointKeys); got != "credentials" {
		t.Errorf("closest(credentails) = %q", got)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acme.yaml")
	if err := os.WriteFile(path, []byte(minimalFile), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil || p.Source.System != "zendesk" || p.Staging != filepath.Join(dir, "acme.duckdb") {
		t.Fatalf("Load = %+v, %v", p, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) = %v, want a not-exist error", err)
	}
}

// TestExamplesParse parses every example, from the folder and from the embedded copy.
func TestExamplesParse(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("examples", "*.yaml"))
	embedded, _ := fs.Glob(Examples, "examples/*.yaml")
	if len(files) == 0 || len(files) != len(embedded) {
		t.Fatalf("examples: %v on disk, %v embedded", files, embedded)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(f, data); err != nil {
			t.Errorf("%v", err)
		}
	}
	p, err := Load(filepath.Join("examples", "zendesk-to-intercom.yaml"))
	if err != nil || p.Source.System != "zendesk" || p.Target.System != "intercom" || p.Target.WorkspaceID == "" {
		t.Errorf("zendesk-to-intercom: %+v, %v", p, err)
	}
}
