package intercom

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskport/deskport/load"
)

// updateGolden rewrites the .golden files from the current output: go test ./load/intercom -update
var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// executeCase is one testdata/execute/*.json: an op, the target ids of the ops it refers to, and
// the content of the files it uploads.
type executeCase struct {
	Op struct {
		ID      string          `json:"id"`
		Kind    string          `json:"kind"`
		Payload json.RawMessage `json:"payload"`
	} `json:"op"`
	Refs  load.Refs         `json:"refs"`
	Files map[string]string `json:"files"`
}

// TestExecuteGolden runs every testdata/execute/*.json against the fake and compares the requests
// sent (method, path, body exactly as sent) and the outcome with the .golden file next to it.
func TestExecuteGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "execute", "*.json"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var tc executeCase
			if err := json.Unmarshal(data, &tc); err != nil {
				t.Fatalf("%s: %v", in, err)
			}
			f := newFake(t)
			op := load.Op{ID: tc.Op.ID, Kind: tc.Op.Kind, Payload: tc.Op.Payload}
			id, err := f.client().Execute(t.Context(), op, tc.Refs, &memFiles{files: tc.Files})
			got := outcome(t, f.requests(), id, err)
			checkAgainstSpec(t, f.requests())
			compareGolden(t, strings.TrimSuffix(in, ".json")+".golden", got)
		})
	}
}

// outcome renders the requests and the result as indented JSON; bodies keep their key order.
func outcome(t *testing.T, reqs []recorded, id string, err error) string {
	t.Helper()
	type request struct {
		Method string          `json:"method"`
		Path   string          `json:"path"`
		Query  string          `json:"query,omitempty"`
		Body   json.RawMessage `json:"body,omitempty"`
	}
	type opError struct {
		Status    int    `json:"status,omitempty"`
		Code      string `json:"code"`
		Message   string `json:"message"`
		Retryable bool   `json:"retryable"`
	}
	out := struct {
		Requests []request `json:"requests"`
		TargetID string    `json:"target_id,omitempty"`
		Error    *opError  `json:"error,omitempty"`
	}{Requests: []request{}, TargetID: id}
	for _, r := range reqs {
		if len(r.Body) > 0 && !json.Valid(r.Body) {
			t.Errorf("%s %s: the body is not JSON: %q", r.Method, r.Path, r.Body)
		}
		out.Requests = append(out.Requests, request{Method: r.Method, Path: r.Path, Query: r.Query, Body: r.Body})
	}
	if err != nil {
		var oe *load.OpError
		if !errors.As(err, &oe) {
			t.Fatalf("error %v is not a *load.OpError", err)
		}
		out.Error = &opError{Status: oe.Status, Code: oe.Code, Message: oe.Message, Retryable: oe.Retryable}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// compareGolden compares got with the golden file, or rewrites it under -update.
func compareGolden(t *testing.T, golden, got string) {
	t.Helper()
	if strings.Contains(got, testToken) {
		t.Errorf("output contains the token:\n%s", got)
	}
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./load/intercom -update to create it)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		t.Errorf("%s differs (run go test ./load/intercom -update and review the diff)\n--- got:\n%s--- want:\n%s", golden, got, want)
	}
}

// TestGoldenFilesHaveInputs keeps testdata tidy: a golden file whose input was removed is stale.
func TestGoldenFilesHaveInputs(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join("testdata", "*", "*.golden"))
	for _, g := range goldens {
		if _, err := os.Stat(strings.TrimSuffix(g, ".golden") + ".json"); err != nil {
			t.Errorf("%s has no input file", g)
		}
	}
}
