package cli

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/zendesk"
	"github.com/deskport/deskport/schema"
)

// Each kind of bad input gets one clear message naming its cause, and whatever was staged before
// stays staged.
func TestExtractBadInput(t *testing.T) {
	sb, url := startSandbox(t, sandbox.Options{Seed: 3, Tickets: 200})
	good := sandboxPipeline(t, url)
	if code, _, stderr := run(t, context.Background(), "extract", "-p", good); code != 0 {
		t.Fatalf("first extract: %s", stderr)
	}
	staged := stagedCount(t, good, `SELECT count(*) FROM tickets`)

	dead := deadURL(t)
	cases := []struct {
		name  string
		edit  func(text string) string
		fault zendesk.Faults
		want  []string
	}{
		{"unreachable source", func(s string) string { return strings.ReplaceAll(s, url, dead) }, zendesk.Faults{}, []string{dead}},
		{"wrong credentials", func(s string) string {
			return strings.Replace(s, "credentials: sandbox", "credentials:\n    email_env: ZD_EMAIL\n    token_env: ZD_TOKEN", 1)
		}, zendesk.Faults{}, []string{"credentials rejected", "401"}},
		{"malformed page", nil, zendesk.Faults{MalformedPages: 1}, []string{"zendesk", "json"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text, _ := os.ReadFile(good)
			file := good
			if c.edit != nil {
				file = filepath.Join(filepath.Dir(good), "edited.yaml")
				edited := strings.Replace(c.edit(string(text)), "# staging:", "staging: sandbox.duckdb\n# was:", 1)
				os.WriteFile(file, []byte(edited), 0o644)
			}
			sb.Zendesk().SetFaults(c.fault)
			defer sb.Zendesk().SetFaults(zendesk.Faults{})
			var errOut strings.Builder
			env := &Env{Stdout: &strings.Builder{}, Stderr: &errOut, Getenv: func(k string) string {
				return map[string]string{"ZD_EMAIL": "agent@example.com", "ZD_TOKEN": "wrong-secret-token"}[k]
			}}
			if code := RunEnv(context.Background(), []string{"extract", "-p", file, "--entities", "tickets"}, env); code == 0 {
				t.Fatal("extract succeeded")
			}
			t.Logf("%s", errOut.String())
			msg := strings.ToLower(errOut.String())
			for _, w := range c.want {
				if !strings.Contains(msg, strings.ToLower(w)) {
					t.Errorf("message lacks %q:\n%s", w, errOut.String())
				}
			}
			if strings.Contains(errOut.String(), "wrong-secret-token") {
				t.Errorf("the secret reached the error message:\n%s", errOut.String())
			}
			if n := stagedCount(t, good, `SELECT count(*) FROM tickets`); n != staged {
				t.Errorf("staged tickets went from %d to %d", staged, n)
			}
		})
	}
}

func TestInvalidPipelineFileNamesLineAndField(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(file, []byte("version: 1\nsource:\n  system: zendsk\n  base_url: https://acme.zendesk.com\n  credentials:\n    token: hunter2\ntarget:\n  system: intercom\n  base_url: https://api.intercom.io\n  credentials: sandbox\n"), 0o644)
	code, _, stderr := run(t, context.Background(), "extract", "-p", file)
	if code == 0 {
		t.Fatal("an invalid pipeline file was accepted")
	}
	for _, want := range []string{"bad.yaml:3: source.system", "bad.yaml:6: source.credentials.token"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("error lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "hunter2") {
		t.Errorf("the secret was echoed:\n%s", stderr)
	}
}

// stagedCount runs a count on the pipeline's staging file and closes it again, so the next
// command can open it for writing.
func stagedCount(t *testing.T, pipeline, query string) int {
	t.Helper()
	db, err := schema.OpenReadOnly(context.Background(), stagingPath(pipeline))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return count(t, db, query)
}

// deadURL is a loopback address nothing listens on.
func deadURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}
