package zendesk

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
	sim "github.com/deskport/deskport/sandbox/zendesk"
)

// updateGolden rewrites the .golden files from the current output: go test ./load/zendesk -update
var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/")

// executeCase is one testdata/execute/*.json: ops executed in order against a fresh simulator,
// each op's refs resolved to the target ids of the earlier ops, and the files they upload.
type executeCase struct {
	Ops []struct {
		ID      string          `json:"id"`
		Kind    string          `json:"kind"`
		Refs    []string        `json:"refs"`
		Payload json.RawMessage `json:"payload"`
	} `json:"ops"`
	Files map[string]string `json:"files"`
}

// TestExecuteGolden runs every testdata/execute/*.json against the simulator and compares the
// requests sent (method, path, query, body as sent) and each op's outcome with the .golden file.
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
			e := newEnv(t, sim.Options{})
			done := load.Refs{}
			var results []opResult
			for _, o := range tc.Ops {
				op := load.Op{ID: o.ID, Kind: o.Kind, Refs: o.Refs, Payload: e.fill(o.Payload)}
				refs := load.Refs{}
				for _, r := range o.Refs {
					refs[r] = done[r]
				}
				id, err := e.client.Execute(t.Context(), op, refs, &memFiles{files: tc.Files})
				if err == nil {
					done[o.ID] = id
				}
				results = append(results, result(t, o.ID, e.rec.take(), id, err))
			}
			compareGolden(t, strings.TrimSuffix(in, ".json")+".golden", render(t, results))
		})
	}
}

type request struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Query  string          `json:"query,omitempty"`
	Body   json.RawMessage `json:"body,omitempty"`
	Raw    string          `json:"raw,omitempty"` // a body that is not JSON (an upload)
}

type opError struct {
	Status    int    `json:"status,omitempty"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	Retryable bool   `json:"retryable"`
}

type opResult struct {
	Op       string    `json:"op"`
	Requests []request `json:"requests"`
	TargetID string    `json:"target_id,omitempty"`
	Error    *opError  `json:"error,omitempty"`
}

func result(t *testing.T, op string, reqs []recorded, id string, err error) opResult {
	t.Helper()
	out := opResult{Op: op, Requests: []request{}, TargetID: id}
	for _, r := range reqs {
		rq := request{Method: r.Method, Path: r.Path, Query: r.Query}
		switch {
		case len(r.Body) == 0:
		case json.Valid(r.Body):
			rq.Body = r.Body
		default:
			rq.Raw = string(r.Body)
		}
		out.Requests = append(out.Requests, rq)
	}
	if err != nil {
		var oe *load.OpError
		if !errors.As(err, &oe) {
			t.Fatalf("op %s: error %v is not a *load.OpError", op, err)
		}
		out.Error = &opError{Status: oe.Status, Code: oe.Code, Message: oe.Message, Retryable: oe.Retryable}
	}
	return out
}

func render(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
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
		t.Fatalf("%v (run go test ./load/zendesk -update to create it)", err)
	}
	if !bytes.Equal(want, []byte(got)) {
		t.Errorf("%s differs (run go test ./load/zendesk -update and review the diff)\n--- got:\n%s--- want:\n%s", golden, got, want)
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
