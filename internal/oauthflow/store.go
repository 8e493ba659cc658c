package oauthflow

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// fileVersion is the version of the credentials file's format; a file of another version is
// refused rather than guessed at.
const fileVersion = 1

// ErrNotConnected is returned when no token is stored for a workspace.
var ErrNotConnected = errors.New("not connected")

// Credential is one connected workspace. Token is a secret: String, GoString and LogValue leave
// it out, so printing or logging a Credential shows everything else.
type Credential struct {
	System        string    `json:"system"` // "intercom"
	WorkspaceID   string    `json:"workspace_id"`
	WorkspaceName string    `json:"workspace_name,omitempty"`
	Region        string    `json:"region,omitempty"`
	AdminEmail    string    `json:"admin_email,omitempty"` // who authorized the app
	BaseURL       string    `json:"base_url"`              // the API host the token is for
	Token         string    `json:"token"`
	ConnectedAt   time.Time `json:"connected_at"`
}

// String describes the credential without its token.
func (c Credential) String() string {
	return fmt.Sprintf("%s workspace %s (%s) at %s", c.System, c.WorkspaceID, c.WorkspaceName, c.BaseURL)
}

// GoString is String, for %#v.
func (c Credential) GoString() string { return c.String() }

// LogValue is what slog records: everything but the token.
func (c Credential) LogValue() slog.Value {
	return slog.GroupValue(slog.String("system", c.System), slog.String("workspace_id", c.WorkspaceID),
		slog.String("workspace_name", c.WorkspaceName), slog.String("base_url", c.BaseURL))
}

// credentialsFile is the file's format.
type credentialsFile struct {
	Version     int          `json:"version"`
	Credentials []Credential `json:"credentials"`
}

// Store is the credentials file: one JSON file, mode 0600 in a directory of mode 0700.
type Store struct{ Path string }

// DefaultStore is <user config dir>/deskport/credentials.json, the config directory found as
// os.UserConfigDir finds it but through getenv, so tests never touch the real user's.
func DefaultStore(getenv func(string) string) (*Store, error) {
	dir, err := ConfigDir(getenv)
	if err != nil {
		return nil, err
	}
	return &Store{Path: filepath.Join(dir, "deskport", "credentials.json")}, nil
}

// ConfigDir is os.UserConfigDir with the environment read through getenv.
func ConfigDir(getenv func(string) string) (string, error) {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = getenv("AppData")
	case "darwin", "ios":
		if home := getenv("HOME"); home != "" {
			dir = filepath.Join(home, "Library", "Application Support")
		}
	default:
		dir = getenv("XDG_CONFIG_HOME")
		if !filepath.IsAbs(dir) {
			dir = ""
			if home := getenv("HOME"); home != "" {
				dir = filepath.Join(home, ".config")
			}
		}
	}
	if dir == "" || !filepath.IsAbs(dir) {
		return "", errors.New("no user config directory: set HOME (or XDG_CONFIG_HOME) so deskport knows where to keep credentials")
	}
	return dir, nil
}

// List returns every stored credential, sorted by system and workspace; none when the file does
// not exist yet.
func (s *Store) List() ([]Credential, error) {
	f, err := s.read()
	if err != nil {
		return nil, err
	}
	return f.Credentials, nil
}

// Get returns the credential of a workspace, or an error wrapping ErrNotConnected.
func (s *Store) Get(system, workspaceID string) (Credential, error) {
	f, err := s.read()
	if err != nil {
		return Credential{}, err
	}
	if i := f.index(system, workspaceID); i >= 0 {
		return f.Credentials[i], nil
	}
	return Credential{}, fmt.Errorf("%s workspace %q: %w (run: deskport auth %s)", system, workspaceID, ErrNotConnected, system)
}

// Put stores c, replacing the credential of the same workspace.
func (s *Store) Put(c Credential) error {
	f, err := s.read()
	if err != nil {
		return err
	}
	if i := f.index(c.System, c.WorkspaceID); i >= 0 {
		f.Credentials[i] = c
	} else {
		f.Credentials = append(f.Credentials, c)
	}
	return s.write(f)
}

// Remove deletes a workspace's credential and reports whether there was one.
func (s *Store) Remove(system, workspaceID string) (bool, error) {
	f, err := s.read()
	if err != nil {
		return false, err
	}
	i := f.index(system, workspaceID)
	if i < 0 {
		return false, nil
	}
	f.Credentials = slices.Delete(f.Credentials, i, i+1)
	return true, s.write(f)
}

func (f *credentialsFile) index(system, workspaceID string) int {
	return slices.IndexFunc(f.Credentials, func(c Credential) bool {
		return c.System == system && c.WorkspaceID == workspaceID
	})
}

// read parses the file. One others can read is refused: its tokens may already have leaked, and
// saying so is better than using them silently.
func (s *Store) read() (*credentialsFile, error) {
	st, err := os.Stat(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return &credentialsFile{Version: fileVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credentials file: %w", err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("credentials file %s can be read by other users (mode %04o): run chmod 600 %s, and revoke its tokens if others may have read them",
			s.Path, st.Mode().Perm(), s.Path)
	}
	data, err := os.ReadFile(s.Path)
	if err != nil {
		return nil, fmt.Errorf("credentials file: %w", err)
	}
	var f credentialsFile
	// The decoder's errors quote no values, so a token cannot leak through them.
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("credentials file %s is not valid JSON (%s): fix or delete it", s.Path, jsonErrorKind(err))
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("credentials file %s has version %d; this deskport reads version %d", s.Path, f.Version, fileVersion)
	}
	return &f, nil
}

// jsonErrorKind names what is wrong with the JSON without quoting it.
func jsonErrorKind(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %s has the wrong type", te.Field)
	}
	return "unreadable"
}

// write replaces the file atomically: a temporary file of mode 0600 in the same directory,
// synced, then renamed over it, so a crash leaves the old file or the new one, never half.
func (s *Store) write(f *credentialsFile) error {
	slices.SortFunc(f.Credentials, func(a, b Credential) int {
		return strings.Compare(a.System+"\x00"+a.WorkspaceID, b.System+"\x00"+b.WorkspaceID)
	})
	f.Version = fileVersion
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("credentials directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("credentials directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".credentials-*.json") // created with mode 0600
	if err != nil {
		return fmt.Errorf("credentials file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	_, err = tmp.Write(append(data, '\n'))
	err = errors.Join(err, tmp.Chmod(0o600), tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), s.Path)
	}
	if err != nil {
		return fmt.Errorf("writing credentials file %s: %w", s.Path, err)
	}
	return nil
}
