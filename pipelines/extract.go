package pipelines

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/deskport/deskport/extract"
	"github.com/deskport/deskport/internal/staging"
	"github.com/deskport/deskport/schema"
)

// ExtractOptions are the extract command's choices on top of the pipeline file.
type ExtractOptions struct {
	// Entities narrows the pipeline's entities for this run; empty keeps the file's list.
	Entities []string
	// Since is "" for a full snapshot, "last" for a delta from the latest finished snapshot,
	// or a time (RFC 3339, a date, or a duration ago such as 72h).
	Since string
	// Getenv reads credentials; nil means os.Getenv.
	Getenv func(string) string
	// HTTPClient is the base HTTP client; nil means a default one.
	HTTPClient *http.Client
	Progress   extract.Progress
	Logf       func(format string, args ...any)
	// Now is the clock for relative --since values; nil means time.Now.
	Now func() time.Time
}

// ExtractResult describes a finished (or interrupted) extract run.
type ExtractResult struct {
	SnapshotID int64
	Resumed    bool
	Since      time.Time
	Entities   []schema.Entity
	Counts     []staging.EntityCount
	// Truncations are the records this run staged only in part (Intercom's 500-part limit).
	Truncations []staging.Truncation
	Elapsed     time.Duration
}

// Extract runs the extract stage: it snapshots the pipeline's source into its staging file.
// An interrupted run leaves everything it staged and resumes from its cursors next time.
func Extract(ctx context.Context, p *Pipeline, opts ExtractOptions) (*ExtractResult, error) {
	staging.LimitMallocArenas(stageMallocArenas)
	defer limitGoMemory(extractGoMemoryLimit)()
	started := time.Now()
	entities, err := p.chooseEntities(opts.Entities)
	if err != nil {
		return nil, err
	}
	src, err := p.newSource(opts)
	if err != nil {
		return nil, err
	}
	entities = supported(entities, src.Entities())
	store, err := staging.Open(ctx, p.Staging)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	since, err := resolveSince(ctx, store, p, opts)
	if err != nil {
		return nil, err
	}
	spec := staging.SnapshotSpec{Source: p.Source.System, BaseURL: p.Source.BaseURL, Entities: entities, Since: since}
	sn, err := store.StartSnapshot(ctx, spec)
	if err != nil {
		return nil, err
	}
	res := &ExtractResult{SnapshotID: sn.ID, Resumed: sn.Resumed, Since: since, Entities: entities}
	runErr := src.Extract(ctx, extract.Request{Entities: entities, Since: since}, sn, progressOrNone(opts.Progress))
	if err := sn.Finish(ctx, runErr); err != nil {
		return res, errors.Join(runErr, err)
	}
	if runErr != nil {
		return res, fmt.Errorf("extract from %s interrupted (snapshot %d keeps what was staged; run extract again to resume): %w",
			p.Source.System, sn.ID, runErr)
	}
	res.Counts, err = store.Counts(context.WithoutCancel(ctx))
	if err == nil {
		res.Truncations, err = store.Truncations(context.WithoutCancel(ctx), sn.ID)
	}
	res.Elapsed = time.Since(started)
	return res, err
}

func (p *Pipeline) newSource(opts ExtractOptions) (extract.Source, error) {
	factory, ok := sources[p.Source.System]
	if !ok {
		return nil, fmt.Errorf("%s: source.system: no extractor for %q yet (available: %s)",
			p.Path, p.Source.System, strings.Join(slices.Sorted(maps.Keys(sources)), ", "))
	}
	creds, err := p.Source.secrets(opts.Getenv)
	if err != nil {
		return nil, err
	}
	return factory(extract.Config{
		System: p.Source.System, BaseURL: p.Source.BaseURL, Credentials: creds,
		Options: p.Source.Options, HTTPClient: opts.HTTPClient, Logf: opts.Logf,
	})
}

// secrets are the credentials a client of e is built with: the sandbox's published demo ones, the
// token deskport auth stored, or those the environment variables named in the file hold (getenv
// nil: os.Getenv).
func (e Endpoint) secrets(getenv func(string) string) (map[string]string, error) {
	if e.Sandbox {
		return sandboxCredentials[e.System], nil
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	if e.OAuthWorkspace != "" {
		return e.storedSecrets(getenv)
	}
	return e.Credentials(getenv)
}

// chooseEntities returns the run's entities: the command line's, which must be among the
// pipeline file's, or the file's own.
func (p *Pipeline) chooseEntities(only []string) ([]schema.Entity, error) {
	names := p.Entities
	if len(only) > 0 {
		for _, n := range only {
			if !slices.Contains(p.Entities, n) {
				return nil, fmt.Errorf("--entities: %q is not among the pipeline's entities (%s)", n, strings.Join(p.Entities, ", "))
			}
		}
		names = only
	}
	out := make([]schema.Entity, 0, len(names))
	for _, n := range names {
		if _, ok := schema.TableOf(schema.Entity(n)); ok {
			out = append(out, schema.Entity(n))
		}
	}
	return out, nil
}

// supported keeps the entities the source can extract, in the order asked.
func supported(asked, can []schema.Entity) []schema.Entity {
	var out []schema.Entity
	for _, e := range asked {
		if slices.Contains(can, e) {
			out = append(out, e)
		}
	}
	return out
}

func resolveSince(ctx context.Context, store *staging.Store, p *Pipeline, opts ExtractOptions) (time.Time, error) {
	switch opts.Since {
	case "":
		return time.Time{}, nil
	case "last":
		t, ok, err := store.LastFinished(ctx, p.Source.System, p.Source.BaseURL)
		if err != nil {
			return time.Time{}, err
		}
		if !ok {
			return time.Time{}, fmt.Errorf("--since last: %s has no finished snapshot of %s yet; run a full extract first", p.Staging, p.Source.BaseURL)
		}
		return t, nil
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	return ParseSince(opts.Since, now())
}

// ParseSince reads a --since value: RFC 3339, a date (UTC), or a duration before now.
func ParseSince(s string, now time.Time) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d).UTC().Truncate(time.Second), nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want last, an RFC 3339 time (2024-05-01T00:00:00Z), a date (2024-05-01) or a duration ago (72h)", s)
}

type noProgress struct{}

func (noProgress) Add(schema.Entity, int) {}

func progressOrNone(p extract.Progress) extract.Progress {
	if p == nil {
		return noProgress{}
	}
	return p
}
