package pipelines

import (
	"context"
	"net/http"

	"github.com/deskport/deskport/internal/staging"
	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/schema"
)

// RollbackOptions are the rollback command's choices on top of the pipeline file.
type RollbackOptions struct {
	RunID      string
	DryRun     bool // say what would go and what would stay; change nothing
	Getenv     func(string) string
	HTTPClient *http.Client
}

// Rollback deletes from the target what one run of the ledger created, where the target's API
// can, and records each deletion in the ledger.
func Rollback(ctx context.Context, p *Pipeline, opts RollbackOptions) (*load.RollbackResult, error) {
	target, workspace, err := p.writingTarget(opts.Getenv, opts.HTTPClient, 0)
	if err != nil {
		return nil, err
	}
	store, err := staging.Open(ctx, p.Staging)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	return load.Rollback(ctx, store.DB(), load.RollbackOptions{Target: target, System: p.Target.System,
		Workspace: workspace, RunID: opts.RunID, DryRun: opts.DryRun})
}

// recordRates makes a target that can record its rate-limit headers do so; nil when it cannot.
func recordRates(target targetClient) *load.RateLog {
	r, ok := target.(interface{ SetRateLog(*load.RateLog) })
	if !ok {
		return nil
	}
	log := load.NewRateLog(nil)
	r.SetRateLog(log)
	return log
}

// VerifyOptions are the verify command's choices on top of the pipeline file.
type VerifyOptions struct {
	Sample     int // records per kind; 0 with All false: the default sample
	All        bool
	Getenv     func(string) string
	HTTPClient *http.Client
}

// Verify reads migrated records back from the target and compares them with the plan, and the
// target's totals with the ledger's. It only reads: the staging file is opened read-only.
func Verify(ctx context.Context, p *Pipeline, opts VerifyOptions) (*load.VerifyResult, error) {
	target, workspace, err := p.writingTarget(opts.Getenv, opts.HTTPClient, 0)
	if err != nil {
		return nil, err
	}
	if err := target.Check(ctx, workspace); err != nil {
		return nil, err
	}
	db, err := schema.OpenReadOnly(ctx, p.Staging)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return load.Verify(ctx, db, load.VerifyOptions{Target: target, System: p.Target.System, Sample: opts.Sample, All: opts.All})
}

// SampleSelection chooses a demo migration of n records per kind from the plan in the staging file
// (load.SampleOps): the selection to load, and how many ops it holds.
func SampleSelection(ctx context.Context, p *Pipeline, n int) (load.Selection, int, error) {
	db, err := schema.OpenReadOnly(ctx, p.Staging)
	if err != nil {
		return load.Selection{}, 0, err
	}
	defer db.Close()
	ops, count, err := load.SampleOps(ctx, db, n)
	if err != nil {
		return load.Selection{}, 0, err
	}
	return load.Selection{Sample: n, Only: ops}, count, nil
}
