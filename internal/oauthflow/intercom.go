package oauthflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/deskport/deskport/internal/httpx"
)

// IntercomSystem is the system name credentials of Intercom workspaces are stored under.
const IntercomSystem = "intercom"

// intercomVersion pins the API version of GET /me, as the loader does.
const intercomVersion = "2.15"

// ErrRejected is returned when the API refuses the token (401).
var ErrRejected = errors.New("the access token was rejected")

// intercomApps maps Intercom's regional API hosts to the host of their consent page.
var intercomApps = map[string]string{
	"api.intercom.io":    "app.intercom.com",
	"api.eu.intercom.io": "app.eu.intercom.com",
	"api.au.intercom.io": "app.au.intercom.com",
}

// IntercomEndpoints returns the consent page and the token URL for an Intercom API base URL.
// Intercom serves the consent page on its app host and the exchange on the API host; any other
// host (the sandbox) serves both under its own base URL.
func IntercomEndpoints(apiBase string) (authURL, tokenURL string, err error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(apiBase), "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return "", "", fmt.Errorf("intercom base URL must be an http(s) URL like https://api.intercom.io")
	}
	base := u.Scheme + "://" + u.Host + u.Path
	tokenURL = base + "/auth/eagle/token"
	if app, ok := intercomApps[u.Host]; ok {
		return "https://" + app + "/oauth", tokenURL, nil
	}
	return base + "/oauth", tokenURL, nil
}

// Identity is who a token acts as: GET /me.
type Identity struct {
	WorkspaceID   string // app.id_code
	WorkspaceName string
	Region        string
	AdminEmail    string
	// RateLimit is X-RateLimit-Limit of the answer (requests per 10-second window), 0 when absent.
	RateLimit int
}

// IdentifyIntercom asks the workspace behind token who it is (GET /me). The token goes to
// apiBase's host only; errors never repeat it.
func IdentifyIntercom(ctx context.Context, client *http.Client, apiBase, token string) (Identity, error) {
	if client == nil {
		client = http.DefaultClient
	}
	endpoint := strings.TrimRight(apiBase, "/") + "/me"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return Identity{}, fmt.Errorf("GET /me: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Intercom-Version", intercomVersion)
	resp, err := client.Do(req)
	if err != nil {
		return Identity{}, fmt.Errorf("GET /me: %w", httpx.UnwrapURLError(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return Identity{}, fmt.Errorf("GET /me: %w (401 %s)", ErrRejected, errorListMessage(body))
	case resp.StatusCode != http.StatusOK:
		return Identity{}, fmt.Errorf("GET /me: %d %s", resp.StatusCode, errorListMessage(body))
	}
	return parseMe(body, resp.Header.Get("X-RateLimit-Limit"))
}

func parseMe(body []byte, limit string) (Identity, error) {
	var me struct {
		Email string `json:"email"`
		App   *struct {
			IDCode string `json:"id_code"`
			Name   string `json:"name"`
			Region string `json:"region"`
		} `json:"app"`
	}
	if err := json.Unmarshal(body, &me); err != nil || me.App == nil || me.App.IDCode == "" {
		return Identity{}, errors.New("GET /me answered without app.id_code: is the base URL an Intercom API host?")
	}
	n, _ := strconv.Atoi(limit)
	return Identity{WorkspaceID: me.App.IDCode, WorkspaceName: me.App.Name, Region: me.App.Region,
		AdminEmail: strings.ToLower(me.Email), RateLimit: max(n, 0)}, nil
}

// errorListMessage is the first code and message of an error body: Intercom's error.list, or
// OAuth's {error, error_description}.
func errorListMessage(body []byte) string {
	var e struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	switch {
	case json.Unmarshal(body, &e) != nil:
		return "(no error body)"
	case len(e.Errors) > 0:
		return printable(e.Errors[0].Code + ": " + e.Errors[0].Message)
	case e.Error != "":
		return printable(strings.TrimSuffix(e.Error+": "+e.Description, ": "))
	}
	return "(no error body)"
}

// providerMessage is the token endpoint's error, as errorListMessage reads it.
func providerMessage(re *oauth2.RetrieveError) string { return errorListMessage(re.Body) }
