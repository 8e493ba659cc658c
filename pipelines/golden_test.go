package pipelines

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// updateGolden rewrites the .golden files from the current output: go test ./pipelines -update
var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// secretMarker is in every secret value written in testdata; no output may contain it.
const secretMarker = "hunter2"

// TestParseGolden parses every testdata/parse/*.yaml and compares the outcome (the parsed
// pipeline, or the error text) with the .golden file next to it.
func TestParseGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "parse", "*.yaml"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got := outcome(t, in, data)
			if strings.Contains(got, secretMarker) {
				t.Errorf("output repeats a secret from the file:\n%s", got)
			}
			compareGolden(t, strings.TrimSuffix(in, ".yaml")+".golden", got)
		})
	}
}

// outcome renders what Parse made of a file, with paths relative to the package folder so the
// golden files do not depend on where the repository is checked out.
func outcome(t *testing.T, path string, data []byte) string {
	t.Helper()
	p, err := Parse(path, data)
	if err != nil {
		if p != nil {
			t.Errorf("Parse returned a pipeline with an error")
		}
		return "error:\n" + err.Error() + "\n"
	}
	b, err := json.MarshalIndent(view(t, p), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return "ok:\n" + string(b) + "\n"
}

// view is the pipeline as JSON-friendly values.
func view(t *testing.T, p *Pipeline) map[string]any {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	rel := func(abs string) string {
		if r, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(r, "../..") {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(abs)
	}
	var mapping any
	if p.Mapping.Kind != 0 {
		var m any
		if err := p.Mapping.Decode(&m); err != nil {
			t.Fatal(err)
		}
		mapping = map[string]any{"line": p.Mapping.Line, "value": m}
	}
	return map[string]any{
		"path": rel(p.Path), "version": p.Version,
		"source": endpointView(p.Source), "target": endpointView(p.Target),
		"staging": rel(p.Staging), "entities": p.Entities,
		"mapping": mapping, "options": p.Options,
	}
}

func endpointView(e Endpoint) map[string]any {
	return map[string]any{
		"system": e.System, "base_url": e.BaseURL, "workspace_id": e.WorkspaceID,
		"credential_env": e.CredentialEnv, "sandbox": e.Sandbox, "options": e.Options,
		"line": e.Line, "string": e.String(),
	}
}

// compareGolden compares got with the golden file, or rewrites it under -update.
func compareGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./pipelines -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run go test ./pipelines -update and review the diff)\n--- got:\n%s--- want:\n%s", golden, got, want)
	}
}

// TestGoldenFilesHaveInputs keeps testdata tidy: a golden file whose input was removed is stale.
func TestGoldenFilesHaveInputs(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join("testdata", "parse", "*.golden"))
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".golden") + ".yaml"); err != nil {
			t.Errorf("%s has no input file", g)
		}
	}
}
