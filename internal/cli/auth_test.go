package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deskport/deskport/internal/oauthflow"
	"github.com/deskport/deskport/sandbox"
	"github.com/deskport/deskport/sandbox/intercom"
)

// watchedOutput collects a command's output while it runs and hands over the first URL it
// prints: the consent page a user would open.
type watchedOutput struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	urls chan string
	sent bool
}

var urlRE = regexp.MustCompile(`https?://\S+/oauth\?\S+`)

func newWatchedOutput() *watchedOutput { return &watchedOutput{urls: make(chan string, 1)} }

func (w *watchedOutput) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := urlRE.FindString(w.buf.String()); m != "" && !w.sent {
		w.sent = true
		w.urls <- m
	}
	return len(p), nil
}

func (w *watchedOutput) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// authEnv is a user's environment with its own config directory.
func authEnv(t *testing.T) (map[string]string, func(string) string) {
	vars := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "HOME": t.TempDir(),
		"INTERCOM_CLIENT_SECRET": intercom.DefaultOAuthClientSecret}
	return vars, func(k string) string { return vars[k] }
}

// runAuthFlow runs `deskport args…` while a browser opens the URL it prints (changed by tamper)
// and follows the redirect back to the command's callback.
func runAuthFlow(t *testing.T, getenv func(string) string, tamper func(url.Values), args ...string) (int, string, string) {
	t.Helper()
	var stdout bytes.Buffer
	stderr := newWatchedOutput()
	done := make(chan int, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go func() { done <- RunEnv(ctx, args, &Env{Stdout: &stdout, Stderr: stderr, Getenv: getenv}) }()
	select {
	case raw := <-stderr.urls:
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if tamper != nil {
			q := u.Query()
			tamper(q)
			u.RawQuery = q.Encode()
		}
		if resp, err := http.Get(u.String()); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	case code := <-done:
		return code, stdout.String(), stderr.String()
	}
	code := <-done
	return code, stdout.String(), stderr.String()
}

func TestAuthIntercom(t *testing.T) {
	cases := []struct {
		name    string
		deny    bool
		tamper  func(url.Values)
		wantErr string
	}{
		{name: "connected"},
		{name: "wrong state", tamper: func(q url.Values) { q.Set("state", "forged-by-someone") }, wantErr: "state does not match"},
		{name: "cancelled at the consent page", deny: true, wantErr: "access_denied"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sb, base := startSandbox(t, sandbox.Options{Seed: 3, Tickets: 20})
			sb.Intercom().SetOAuthConsent(!c.deny)
			vars, getenv := authEnv(t)
			var slogged bytes.Buffer
			defer slog.SetDefault(slog.Default())
			slog.SetDefault(slog.New(slog.NewTextHandler(&slogged, &slog.HandlerOptions{Level: slog.LevelDebug})))

			code, out, errOut := runAuthFlow(t, getenv, c.tamper, "auth", "intercom", "-v",
				"--base-url", base+sandbox.IntercomPath, "--client-id", intercom.DefaultOAuthClientID)
			credFile := filepath.Join(vars["XDG_CONFIG_HOME"], "deskport", "credentials.json")
			if c.wantErr != "" {
				if code == 0 || !strings.Contains(errOut, c.wantErr) || !strings.Contains(errOut, "nothing was stored") {
					t.Fatalf("exit %d, stderr:\n%s", code, errOut)
				}
				if _, err := os.Stat(credFile); !os.IsNotExist(err) {
					t.Errorf("a credentials file was written: %v", err)
				}
				if sb.Intercom().OAuthTokens() != 0 {
					t.Errorf("a token was issued")
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, errOut)
			}
			if !strings.Contains(out, "connected Intercom workspace sandbox1 (deskport sandbox") {
				t.Errorf("workspace not shown:\n%s", out)
			}
			st, err := os.Stat(credFile)
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("credentials file: %v %v", st, err)
			}
			store := &oauthflow.Store{Path: credFile}
			cred, err := store.Get("intercom", "sandbox1")
			if err != nil || cred.Token == "" || cred.Token == intercom.DefaultToken {
				t.Fatalf("stored: %v %v", cred, err)
			}
			code, status, _ := run2(t, getenv, "auth", "status")
			if code != 0 || !strings.Contains(status, "sandbox1") || !strings.Contains(status, "migration@deskport.test") {
				t.Errorf("auth status:\n%s", status)
			}
			for what, text := range map[string]string{"stdout": out + status, "stderr": errOut, "slog": slogged.String()} {
				if strings.Contains(text, cred.Token) {
					t.Errorf("the token is in %s:\n%s", what, text)
				}
			}
			if !strings.Contains(errOut, "level=INFO") {
				t.Errorf("--verbose logged nothing, so the check above proves little:\n%s", errOut)
			}
		})
	}
}

// run2 is run with an environment.
func run2(t *testing.T, getenv func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := RunEnv(context.Background(), args, &Env{Stdout: &out, Stderr: &errOut, Getenv: getenv})
	return code, out.String(), errOut.String()
}

// A pipeline file naming a connected workspace loads with its stored token, and logout makes
// it unusable again.
func TestOAuthCredentialsInPipeline(t *testing.T) {
	sb, base := startSandbox(t, sandbox.Options{Seed: 3, Tickets: 20})
	_, getenv := authEnv(t)
	code, _, errOut := runAuthFlow(t, getenv, nil, "auth", "intercom",
		"--base-url", base+sandbox.IntercomPath, "--client-id", intercom.DefaultOAuthClientID)
	if code != 0 {
		t.Fatal(errOut)
	}
	file := sandboxPipeline(t, base)
	text, _ := os.ReadFile(file)
	target := strings.Index(string(text), "\ntarget:")
	changed := string(text[:target]) + strings.Replace(string(text[target:]), "credentials: sandbox", "credentials: {oauth: sandbox1}", 1)
	if err := os.WriteFile(file, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run2(t, getenv, "extract", "-p", file); code != 0 {
		t.Fatal(errOut)
	}
	before := sb.Intercom().Stats().Unauthorized
	if code, _, errOut := run2(t, getenv, "transform", "-p", file); code != 0 {
		t.Fatalf("transform with the stored token: %s", errOut)
	}
	if sb.Intercom().Stats().Unauthorized != before {
		t.Error("the stored token was refused")
	}
	if code, _, errOut := run2(t, getenv, "auth", "logout", "sandbox1"); code != 0 {
		t.Fatal(errOut)
	}
	code, _, errOut = run2(t, getenv, "transform", "-p", file)
	if code == 0 || !strings.Contains(errOut, "target.credentials.oauth") || !strings.Contains(errOut, "deskport auth intercom") {
		t.Errorf("after logout: exit %d %s", code, errOut)
	}
}

// Without the app's credentials the flow does not start; a pipeline naming another workspace
// than the one authorized stores nothing.
func TestAuthIntercomRefuses(t *testing.T) {
	_, base := startSandbox(t, sandbox.Options{Seed: 3, Tickets: 20})
	file := sandboxPipeline(t, base)
	other := variant(t, file, filepath.Join(t.TempDir(), "s.duckdb"), func(s string) string {
		return strings.Replace(s, "credentials: sandbox", "workspace_id: acme-prod\n  credentials: sandbox", 1)
	})
	cases := []struct {
		name   string
		unset  string
		args   []string
		errMsg string
	}{
		{name: "no client id", args: []string{"--base-url", base + sandbox.IntercomPath}, errMsg: "pass --client-id or set INTERCOM_CLIENT_ID"},
		{name: "no client secret", unset: "INTERCOM_CLIENT_SECRET", args: []string{"--base-url", base + sandbox.IntercomPath, "--client-id", intercom.DefaultOAuthClientID},
			errMsg: "set the environment variable INTERCOM_CLIENT_SECRET"},
		{name: "another workspace than the pipeline's", args: []string{"-p", other, "--client-id", intercom.DefaultOAuthClientID},
			errMsg: `you authorized workspace "sandbox1" (deskport sandbox), but ` + other + ` names workspace "acme-prod": nothing was stored`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vars, getenv := authEnv(t)
			delete(vars, c.unset)
			code, _, errOut := runAuthFlow(t, getenv, nil, append([]string{"auth", "intercom"}, c.args...)...)
			if code == 0 || !strings.Contains(errOut, c.errMsg) {
				t.Fatalf("exit %d:\n%s", code, errOut)
			}
			if _, err := os.Stat(filepath.Join(vars["XDG_CONFIG_HOME"], "deskport", "credentials.json")); !os.IsNotExist(err) {
				t.Errorf("credentials stored: %v", err)
			}
		})
	}
}
