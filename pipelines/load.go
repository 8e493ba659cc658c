package pipelines

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/internal/staging"
	"github.com/deskport/deskport/load"
)

// targetClient is a target system's client: the load's Target, and the directory the transform
// maps onto.
type targetClient interface {
	load.Target
	Directory(ctx context.Context) (*load.Directory, error)
}

// targetConfig is what a target client is built from: the pipeline file's target block with its
// credentials read from the environment.
type targetConfig struct {
	BaseURL     string
	Credentials map[string]string // secrets: never logged
	Options     map[string]string
	HTTPClient  *http.Client
	Concurrency int
}

type targetFactory func(targetConfig) (targetClient, error)

// LoadOptions are the load and replay commands' choices on top of the pipeline file.
type LoadOptions struct {
	Selection   load.Selection
	Command     string // load | replay
	Getenv      func(string) string
	HTTPClient  *http.Client // base client for both sides; nil means a default one
	Concurrency int          // requests in flight [32]
	Progress    func(load.Progress)
	Logger      *slog.Logger
	// Tuning for tests: tries per op and the first backoff between them.
	MaxAttempts    int
	AttemptTimeout time.Duration
	Backoff        time.Duration
}

// RunLoad runs the load stage (or a replay, by the selection): it executes the plan in the staging
// file against the pipeline's target and appends every outcome to the ledger.
func RunLoad(ctx context.Context, p *Pipeline, opts LoadOptions) (*load.Result, error) {
	staging.LimitMallocArenas(stageMallocArenas)
	staging.FixMallocMmapThreshold(loadMmapThreshold)
	target, workspace, err := p.writingTarget(opts.Getenv, opts.HTTPClient, opts.Concurrency)
	if err != nil {
		return nil, err
	}
	store, err := staging.Open(ctx, p.Staging)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	store.ReturnFreedMemoryAtOnce()
	if err := store.CheckpointOften(ctx); err != nil {
		return nil, err
	}
	files, err := p.fileStore(opts)
	if err != nil {
		return nil, err
	}
	rates := recordRates(target)
	res, err := load.Run(ctx, store.DB(), load.Options{
		Target: target, System: p.Target.System, Workspace: workspace, Files: files,
		Selection: opts.Selection, Command: opts.Command, Concurrency: opts.Concurrency,
		Progress: opts.Progress, Logger: opts.Logger, MaxAttempts: opts.MaxAttempts,
		AttemptTimeout: opts.AttemptTimeout, Backoff: opts.Backoff, TrimMemory: store.TrimMemory,
	})
	if res != nil {
		err = errors.Join(err, load.WriteRateLog(ctx, store.DB(), res.RunID, rates))
	}
	return res, err
}

// fileStore keeps downloaded attachments in <staging file>.files, fetched through the source's
// own client so its credentials only ever go to the source's host.
func (p *Pipeline) fileStore(opts LoadOptions) (*load.FileStore, error) {
	src, err := p.newSource(ExtractOptions{Getenv: opts.Getenv, HTTPClient: opts.HTTPClient})
	if err != nil {
		return nil, err
	}
	var fetch load.Fetch
	if d, ok := src.(extract.Downloader); ok {
		fetch = d.Download
	}
	return load.NewFileStore(p.Staging+".files", fetch), nil
}

// targetWorkspace is the workspace the load must find behind the credentials.
func (p *Pipeline) targetWorkspace() (string, error) {
	if p.Target.WorkspaceID != "" {
		return p.Target.WorkspaceID, nil
	}
	if p.Target.Sandbox {
		return sandboxWorkspaces[p.Target.System], nil
	}
	return "", fmt.Errorf("%s: target.workspace_id: required, so load can confirm the credentials write to the workspace you mean", p.Path)
}

// writingTarget is the pipeline's target client and the workspace the file says it writes to:
// what every command that writes to or reads back from the target starts from.
func (p *Pipeline) writingTarget(getenv func(string) string, client *http.Client, concurrency int) (targetClient, string, error) {
	target, err := p.newTarget(getenv, client, concurrency)
	if err != nil {
		return nil, "", err
	}
	workspace, err := p.targetWorkspace()
	if err != nil {
		return nil, "", err
	}
	return target, workspace, nil
}

// refreshDirectory reads the target's directory (admins, teams, ticket types, states, data
// attributes) into the staging file's target_* tables, which the transform and map read.
func (p *Pipeline) refreshDirectory(ctx context.Context, db *sql.DB, getenv func(string) string, client *http.Client) error {
	target, err := p.newTarget(getenv, client, 0)
	if err != nil {
		return err
	}
	dir, err := target.Directory(ctx)
	if err != nil {
		return fmt.Errorf("reading the target's directory: %w", err)
	}
	return load.WriteDirectory(ctx, db, dir)
}

func (p *Pipeline) newTarget(getenv func(string) string, client *http.Client, concurrency int) (targetClient, error) {
	if p.StagingOnly() {
		return nil, p.stagingOnlyError()
	}
	factory, ok := targets[p.Target.System]
	if !ok {
		return nil, fmt.Errorf("%s: target.system: no loader for %q yet (available: %s)",
			p.Path, p.Target.System, strings.Join(slices.Sorted(maps.Keys(targets)), ", "))
	}
	creds, err := p.Target.secrets(getenv)
	if err != nil {
		return nil, err
	}
	return factory(targetConfig{BaseURL: p.Target.BaseURL, Credentials: creds, Options: p.Target.Options,
		HTTPClient: client, Concurrency: concurrency})
}
