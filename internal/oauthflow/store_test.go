package oauthflow

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

func testStore(t *testing.T) *Store {
	t.Helper()
	dir := t.TempDir()
	s, err := DefaultStore(func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return dir
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	credA = Credential{System: "intercom", WorkspaceID: "abc123", WorkspaceName: "Acme", Region: "US",
		AdminEmail: "ops@acme.test", BaseURL: "https://api.intercom.io", Token: "dG9rOmsecret-a",
		ConnectedAt: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	credB = Credential{System: "intercom", WorkspaceID: "eu9", WorkspaceName: "Acme EU", Region: "Europe",
		AdminEmail: "ops@acme.test", BaseURL: "https://api.eu.intercom.io", Token: "dG9rOmsecret-b",
		ConnectedAt: time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)}
)

// The file's format is pinned: a renamed field would orphan every stored token.
func TestStoreFormatGolden(t *testing.T) {
	s := testStore(t)
	for _, c := range []Credential{credB, credA} {
		if err := s.Put(c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "credentials.v1.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("credentials file changed format (rerun with -update if on purpose):\n%s", got)
	}
	// And the golden file reads back as written.
	if err := os.WriteFile(s.Path, want, 0o600); err != nil {
		t.Fatal(err)
	}
	list, err := s.List()
	if err != nil || len(list) != 2 || list[0] != credA || list[1] != credB {
		t.Errorf("round trip: %v %v", list, err)
	}
}

func TestStoreModes(t *testing.T) {
	s := testStore(t)
	if err := s.Put(credA); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{s.Path: 0o600, filepath.Dir(s.Path): 0o700} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s: mode %04o, want %04o", path, st.Mode().Perm(), want)
		}
	}
	if err := os.Chmod(s.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.Get("intercom", "abc123")
	if err == nil || !strings.Contains(err.Error(), "chmod 600") || strings.Contains(err.Error(), credA.Token) {
		t.Errorf("a file others can read was used or the error is wrong: %v", err)
	}
}

func TestStoreGetPutRemove(t *testing.T) {
	s := testStore(t)
	if _, err := s.Get("intercom", "abc123"); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("empty store: %v", err)
	}
	newer := credA
	newer.Token = "dG9rOmnewer"
	for _, c := range []Credential{credA, credB, newer} {
		if err := s.Put(c); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Get("intercom", "abc123"); err != nil || got.Token != newer.Token {
		t.Errorf("Put did not replace the workspace's token: %v", err)
	}
	if ok, err := s.Remove("intercom", "abc123"); !ok || err != nil {
		t.Fatalf("remove: %v %v", ok, err)
	}
	if ok, _ := s.Remove("intercom", "abc123"); ok {
		t.Error("removed twice")
	}
	if list, _ := s.List(); len(list) != 1 || list[0].WorkspaceID != "eu9" {
		t.Errorf("left: %v", list)
	}
}

func TestStoreRefusesBadFiles(t *testing.T) {
	cases := map[string]string{
		"not json":      `{"version":1,"credentials":[{"token":"dG9rOmleak`,
		"other version": `{"version":2,"credentials":[]}`,
		"wrong type":    `{"version":1,"credentials":{"token":"dG9rOmleak"}}`,
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			s := testStore(t)
			if err := os.MkdirAll(filepath.Dir(s.Path), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.Path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := s.List()
			if err == nil || strings.Contains(err.Error(), "dG9rOmleak") {
				t.Errorf("got %v", err)
			}
		})
	}
}

// Printing or logging a credential never shows its token.
func TestCredentialNeverPrintsToken(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("x", "credential", credA)
	fmt.Fprintf(&buf, "%v %+v %#v %s", credA, credA, credA, credA)
	if strings.Contains(buf.String(), credA.Token) {
		t.Errorf("token printed: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "abc123") {
		t.Errorf("the workspace is not shown: %s", buf.String())
	}
}

func TestConfigDir(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
		err  bool
	}{
		{env: map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}, want: "/x/cfg"},
		{env: map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/home/u"}, want: "/home/u/.config"},
		{env: map[string]string{"HOME": "/home/u"}, want: "/home/u/.config"},
		{env: map[string]string{}, err: true},
	}
	for _, c := range cases {
		got, err := ConfigDir(func(k string) string { return c.env[k] })
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%v: %q %v, want %q", c.env, got, err, c.want)
		}
	}
}
