// Package oauthflow connects deskport to an account from the command line with OAuth's
// authorization-code flow: a callback server on the loopback interface, a random state checked
// when the browser comes back, the code exchanged at the token URL (golang.org/x/oauth2), and the
// access tokens kept in a file of the user's config directory that only the user can read.
//
// Tokens, client secrets and authorization codes are secrets: nothing here logs them or puts them
// in an error.
package oauthflow

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// ErrState is returned when the browser comes back with another state than the one sent: the
// callback was not the answer to this flow's request (a forged or stale link), so no code from it
// is exchanged.
var ErrState = errors.New("the callback's state does not match the one sent")

// ErrDenied is returned when the provider answers the authorize step with an error (the user
// cancelled, the app is not allowed, …).
var ErrDenied = errors.New("the authorization was refused")

// CallbackPath is the path of the redirect URL the flow listens on.
const CallbackPath = "/callback"

// Flow is one provider's authorization-code flow for one app.
type Flow struct {
	AuthURL  string // the provider's consent page
	TokenURL string // where a code is exchanged for a token
	ClientID string
	// ClientSecret is the app's secret: sent to TokenURL only.
	ClientSecret string
	// Port is the loopback port of the callback; 0 picks a free one. Providers that match
	// redirect URLs exactly need the registered one.
	Port int
	// HTTPClient makes the token exchange; nil means a default client.
	HTTPClient *http.Client
	// Logger receives the flow's steps, never a secret; nil discards them.
	Logger *slog.Logger
}

// String describes the flow without its secret.
func (f Flow) String() string {
	return fmt.Sprintf("oauthflow.Flow{AuthURL: %q, TokenURL: %q, ClientID: %q, ClientSecret: REDACTED}", f.AuthURL, f.TokenURL, f.ClientID)
}

// GoString is String, for %#v.
func (f Flow) GoString() string { return f.String() }

// callback is what the browser brought back.
type callback struct {
	code string
	err  error
}

// Authorize runs the flow: it listens on 127.0.0.1, calls show with the URL the user must open
// (show prints it, and may open a browser), waits for the browser to come back with the same
// state, and exchanges the code for an access token. It gives up when ctx ends.
func (f Flow) Authorize(ctx context.Context, show func(authURL string) error) (string, error) {
	log := f.logger()
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.Port)))
	if err != nil {
		return "", fmt.Errorf("listening for the OAuth callback on 127.0.0.1:%d: %w", f.Port, err)
	}
	redirect := "http://" + ln.Addr().String() + CallbackPath
	conf := &oauth2.Config{ClientID: f.ClientID, ClientSecret: f.ClientSecret, RedirectURL: redirect,
		Endpoint: oauth2.Endpoint{AuthURL: f.AuthURL, TokenURL: f.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	state := rand.Text()
	got := make(chan callback, 1)
	srv := &http.Server{Handler: callbackHandler(state, got, log), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer shutdown(srv)
	log.Info("waiting for the OAuth callback", "redirect_uri", redirect)

	if err := show(conf.AuthCodeURL(state)); err != nil {
		return "", err
	}
	var cb callback
	select {
	case cb = <-got:
	case <-ctx.Done():
		return "", fmt.Errorf("no answer from the browser at %s: %w", redirect, context.Cause(ctx))
	}
	if cb.err != nil {
		return "", cb.err
	}
	log.Info("authorization code received; exchanging it", "token_url", f.TokenURL)
	return f.exchange(ctx, conf, cb.code)
}

func (f Flow) logger() *slog.Logger {
	if f.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return f.Logger
}

// callbackHandler answers the browser's return once: the first request to CallbackPath decides
// the flow, whatever it carries, so a forged request cannot be followed by a second try.
func callbackHandler(state string, got chan<- callback, log *slog.Logger) http.Handler {
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+CallbackPath, func(w http.ResponseWriter, r *http.Request) {
		cb := readCallback(r.URL.Query(), state)
		answered := false
		once.Do(func() { got <- cb; answered = true })
		switch {
		case !answered:
			http.Error(w, "This authorization was already answered; run the command again.", http.StatusConflict)
		case cb.err != nil:
			log.Warn("OAuth callback refused", "reason", cb.err.Error())
			http.Error(w, "deskport was not connected: "+cb.err.Error()+". You can close this tab.", http.StatusBadRequest)
		default:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintln(w, "deskport received the authorization and is finishing the connection: see your terminal. You can close this tab.")
		}
	})
	return mux
}

// readCallback checks the state first: nothing from a callback of another flow is trusted, not
// even its error.
func readCallback(q url.Values, state string) callback {
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return callback{err: ErrState}
	}
	if e := q.Get("error"); e != "" {
		msg := printable(e)
		if d := printable(q.Get("error_description")); d != "" {
			msg += ": " + d
		}
		return callback{err: fmt.Errorf("%w: %s", ErrDenied, msg)}
	}
	if q.Get("code") == "" {
		return callback{err: fmt.Errorf("%w: the callback has neither a code nor an error", ErrDenied)}
	}
	return callback{code: q.Get("code")}
}

// printable keeps a provider's error text short and on one line: it is shown to the user.
func printable(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return strings.TrimSpace(s)
}

// exchange trades the code for a token. Its errors say where and what the provider answered,
// never the code or the client secret.
func (f Flow) exchange(ctx context.Context, conf *oauth2.Config, code string) (string, error) {
	if f.HTTPClient != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, f.HTTPClient)
	}
	tok, err := conf.Exchange(ctx, code)
	if err != nil {
		return "", f.exchangeError(err, code)
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("token exchange at %s: the answer has no access_token", f.TokenURL)
	}
	return tok.AccessToken, nil
}

func (f Flow) exchangeError(err error, code string) error {
	var re *oauth2.RetrieveError
	msg := err.Error()
	if errors.As(err, &re) && re.Response != nil {
		msg = fmt.Sprintf("%d %s", re.Response.StatusCode, providerMessage(re))
	}
	for _, secret := range []string{f.ClientSecret, code} {
		if secret != "" {
			msg = strings.ReplaceAll(msg, secret, "REDACTED")
		}
	}
	return fmt.Errorf("token exchange at %s: %s", f.TokenURL, printable(msg))
}

func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}
