package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/internal/oauthflow"
	"github.com/deskport/deskport/pipelines"
)

// The environment variables holding the OAuth app's client id and secret (Developer Hub >
// your app > Basic information); --client-id and --client-secret-env override them.
const (
	intercomClientIDEnv     = "INTERCOM_CLIENT_ID"
	intercomClientSecretEnv = "INTERCOM_CLIENT_SECRET"
)

func newAuthCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Connect accounts with OAuth and list the connected ones",
		Long: `Connects deskport to accounts with OAuth and keeps their tokens in the user's config
directory (credentials.json under deskport/, mode 0600), out of pipeline files: a pipeline names a
connected Intercom workspace with "credentials: {oauth: WORKSPACE_ID}".`,
	}
	cmd.AddCommand(newAuthIntercomCmd(env), newAuthStatusCmd(env), newAuthLogoutCmd(env))
	return cmd
}

// authIntercomFlags are the choices of `deskport auth intercom`.
type authIntercomFlags struct {
	baseURL, clientID, secretEnv, pipeline string
	port                                   int
	timeout                                time.Duration
	noBrowser, verbose                     bool
}

func newAuthIntercomCmd(env *Env) *cobra.Command {
	var f authIntercomFlags
	cmd := &cobra.Command{
		Use:   "intercom [--base-url URL | -p FILE] [--client-id ID] [--port N]",
		Short: "Connect an Intercom workspace with OAuth (authorization code, local callback)",
		Long: `Runs Intercom's OAuth flow for your app: prints the consent page's URL (and opens a
browser when run on a terminal), listens on 127.0.0.1 for Intercom to send the browser back,
checks the state it sent, exchanges the code for an access token, asks GET /me which workspace it
reaches, and stores the token for that workspace. The app's client id comes from --client-id or
INTERCOM_CLIENT_ID, its secret from the variable --client-secret-env names (INTERCOM_CLIENT_SECRET).
The app's redirect URLs must include http://127.0.0.1:PORT/callback; --port fixes PORT (default:
a free port, for apps that registered a loopback URL without a port).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAuthIntercom(cmd.Context(), env, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.baseURL, "base-url", "https://api.intercom.io", "the workspace's API host (EU: https://api.eu.intercom.io, AU: https://api.au.intercom.io)")
	fl.StringVarP(&f.pipeline, "pipeline", "p", "", "take the API host from this pipeline file's target, and check its workspace_id")
	fl.StringVar(&f.clientID, "client-id", "", "the OAuth app's client id [$"+intercomClientIDEnv+"]")
	fl.StringVar(&f.secretEnv, "client-secret-env", intercomClientSecretEnv, "environment variable holding the app's client secret")
	fl.IntVar(&f.port, "port", 0, "loopback port of the callback (0: any free port)")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Minute, "how long to wait for the browser (Intercom's codes live about 5 minutes)")
	fl.BoolVar(&f.noBrowser, "no-browser", false, "only print the URL, even on a terminal")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log the flow's steps to stderr")
	return cmd
}

func runAuthIntercom(ctx context.Context, env *Env, f authIntercomFlags) error {
	want, err := f.fromPipeline()
	if err != nil {
		return err
	}
	flow, err := f.flow(env)
	if err != nil {
		return err
	}
	store, err := oauthflow.DefaultStore(env.Getenv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	token, err := flow.Authorize(ctx, func(u string) error { return showAuthURL(env, u, !f.noBrowser) })
	if err != nil {
		return fmt.Errorf("intercom: nothing was stored: %w", err)
	}
	id, err := oauthflow.IdentifyIntercom(ctx, flow.HTTPClient, f.baseURL, token)
	if err != nil {
		return fmt.Errorf("intercom: the new token does not work, nothing was stored: %w", err)
	}
	if want != "" && id.WorkspaceID != want {
		return fmt.Errorf("intercom: you authorized workspace %q (%s), but %s names workspace %q: nothing was stored",
			id.WorkspaceID, id.WorkspaceName, f.pipeline, want)
	}
	cred := oauthflow.Credential{System: oauthflow.IntercomSystem, WorkspaceID: id.WorkspaceID, WorkspaceName: id.WorkspaceName,
		Region: id.Region, AdminEmail: id.AdminEmail, BaseURL: strings.TrimRight(f.baseURL, "/"), Token: token,
		ConnectedAt: time.Now().UTC().Truncate(time.Second)}
	if err := store.Put(cred); err != nil {
		return err
	}
	flow.Logger.Info("token stored", "credential", cred)
	fmt.Fprintf(env.Stdout, "connected Intercom workspace %s (%s, region %s) as %s\n", id.WorkspaceID, id.WorkspaceName, id.Region, id.AdminEmail)
	fmt.Fprintf(env.Stdout, "token stored in %s (readable by you only)\n", store.Path)
	fmt.Fprintf(env.Stdout, "use it in a pipeline file's target:\n  workspace_id: %s\n  credentials: {oauth: %s}\n", id.WorkspaceID, id.WorkspaceID)
	return nil
}

// fromPipeline takes the API host from the pipeline file, when one is given, and returns the
// workspace it names.
func (f *authIntercomFlags) fromPipeline() (string, error) {
	if f.pipeline == "" {
		return "", nil
	}
	p, err := pipelines.Load(f.pipeline)
	if err != nil {
		return "", err
	}
	if p.Target.System != oauthflow.IntercomSystem {
		return "", fmt.Errorf("%s: target.system is %s, not intercom", f.pipeline, p.Target.System)
	}
	f.baseURL = p.Target.BaseURL
	return p.Target.WorkspaceID, nil
}

// flow builds the OAuth flow from the flags and the environment.
func (f authIntercomFlags) flow(env *Env) (oauthflow.Flow, error) {
	authURL, tokenURL, err := oauthflow.IntercomEndpoints(f.baseURL)
	if err != nil {
		return oauthflow.Flow{}, fmt.Errorf("--base-url: %w", err)
	}
	id := f.clientID
	if id == "" {
		id = strings.TrimSpace(env.Getenv(intercomClientIDEnv))
	}
	if id == "" {
		return oauthflow.Flow{}, fmt.Errorf("no client id: pass --client-id or set %s (Developer Hub > your app > Basic information)", intercomClientIDEnv)
	}
	secret := strings.TrimSpace(env.Getenv(f.secretEnv))
	if secret == "" {
		return oauthflow.Flow{}, fmt.Errorf("no client secret: set the environment variable %s to your app's client secret (Developer Hub > your app > Basic information)", f.secretEnv)
	}
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelDebug
	}
	return oauthflow.Flow{AuthURL: authURL, TokenURL: tokenURL, ClientID: id, ClientSecret: secret, Port: f.port,
		HTTPClient: &http.Client{Timeout: 30 * time.Second},
		Logger:     slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))}, nil
}

// showAuthURL tells the user where to go; on a terminal it also tries a browser, whose failure
// only means the user opens the URL by hand.
func showAuthURL(env *Env, authURL string, browser bool) error {
	fmt.Fprintf(env.Stderr, "Open this page to connect deskport to your Intercom workspace:\n\n  %s\n\nWaiting for Intercom to send your browser back…\n", authURL)
	if browser && env.Terminal {
		_ = openBrowser(authURL)
	}
	return nil
}

func openBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

func newAuthStatusCmd(env *Env) *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "status [--check]",
		Short: "List the connected workspaces (never their tokens)",
		Long: `Lists the workspaces whose tokens deskport keeps. --check also asks each workspace (GET /me)
whether its token still works: Intercom's tokens do not expire, but uninstalling the app revokes
them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := oauthflow.DefaultStore(env.Getenv)
			if err != nil {
				return err
			}
			creds, err := store.List()
			if err != nil {
				return err
			}
			if len(creds) == 0 {
				fmt.Fprintf(env.Stdout, "no connected workspaces (%s); connect one with: deskport auth intercom\n", store.Path)
				return nil
			}
			if err := printCredentials(cmd.Context(), env, creds, check); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "tokens in %s\n", store.Path)
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "ask each workspace whether its token still works")
	return cmd
}

// printCredentials lists the connected workspaces, with the answer of GET /me when check is set.
func printCredentials(ctx context.Context, env *Env, creds []oauthflow.Credential, check bool) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	header := "SYSTEM\tWORKSPACE\tNAME\tREGION\tAUTHORIZED BY\tAPI\tCONNECTED"
	if check {
		header += "\tTOKEN"
	}
	fmt.Fprintln(tw, header)
	client := &http.Client{Timeout: 30 * time.Second}
	for _, c := range creds {
		line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", c.System, c.WorkspaceID, c.WorkspaceName, c.Region,
			c.AdminEmail, c.BaseURL, c.ConnectedAt.Format(time.RFC3339))
		if check {
			line += "\t" + tokenState(ctx, client, c)
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}

// tokenState says whether a stored token still reaches its workspace.
func tokenState(ctx context.Context, client *http.Client, c oauthflow.Credential) string {
	id, err := oauthflow.IdentifyIntercom(ctx, client, c.BaseURL, c.Token)
	switch {
	case errors.Is(err, oauthflow.ErrRejected):
		return "rejected: connect again with deskport auth intercom"
	case err != nil:
		return "unknown: " + err.Error()
	case id.WorkspaceID != c.WorkspaceID:
		return fmt.Sprintf("reaches workspace %s instead", id.WorkspaceID)
	}
	return "works"
}

func newAuthLogoutCmd(env *Env) *cobra.Command {
	var system string
	cmd := &cobra.Command{
		Use:   "logout WORKSPACE_ID",
		Short: "Forget a connected workspace's token",
		Long: `Deletes the stored token of a workspace from this machine. The app stays installed in the
workspace: uninstall it there (Settings > Integrations > Apps) to revoke the token itself.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := oauthflow.DefaultStore(env.Getenv)
			if err != nil {
				return err
			}
			removed, err := store.Remove(system, args[0])
			if err != nil {
				return err
			}
			if !removed {
				return fmt.Errorf("%s workspace %q: %w", system, args[0], oauthflow.ErrNotConnected)
			}
			fmt.Fprintf(env.Stdout, "forgot the token of %s workspace %s; to revoke it, uninstall the app in the workspace\n", system, args[0])
			return nil
		},
	}
	cmd.Flags().StringVar(&system, "system", oauthflow.IntercomSystem, "the workspace's system")
	return cmd
}
