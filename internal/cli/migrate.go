package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/schema"
)

// migrationFlags are the migrate command's choices.
type migrationFlags struct {
	file        string
	sample      int
	delta       bool
	concurrency int
}

func newMigrateCmd(env *Env) *cobra.Command {
	var f migrationFlags
	cmd := &cobra.Command{
		Use:   "migrate -p FILE [--sample N | --delta]",
		Short: "Run extract, transform and load in order: a demo, the full migration, or a delta",
		Long: `Runs every stage in order, as extract, transform and load would one after the other.

--sample N is a demo migration: N tickets (and N articles, where the plan has them) with their
contacts, companies, replies, attachments and tags, chosen by a hash of their source ids so the
same demo comes out every time. It is its own run in the ledger: check it with verify, undo it
with rollback --run ID before the full migration.

--delta, after a full migration, extracts only what changed at the source since the last
snapshot and loads new tickets, new replies on migrated tickets, and the changed fields Intercom
lets a client update (ticket attributes, state and assignee; contact name, phone and email).
Nothing already migrated is created again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.sample > 0 && f.delta {
				return fmt.Errorf("migrate: --sample and --delta do not go together: a delta follows a full migration")
			}
			return runMigration(cmd, env, f)
		},
	}
	cmd.Flags().StringVarP(&f.file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().IntVar(&f.sample, "sample", 0, "a demo migration of this many tickets (and articles)")
	cmd.Flags().BoolVar(&f.delta, "delta", false, "only what changed at the source since the last extract")
	cmd.Flags().IntVar(&f.concurrency, "concurrency", 32, "requests in flight at most")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

// runMigration chains the stages; each prints what it did, as on its own.
func runMigration(cmd *cobra.Command, env *Env, f migrationFlags) error {
	ctx := cmd.Context()
	extract := []string{"extract", "-p", f.file}
	if f.delta {
		extract = append(extract, "--since", "last")
	}
	for _, args := range [][]string{extract, {"transform", "-p", f.file}} {
		fmt.Fprintf(env.Stdout, "$ deskport %s\n", joinArgs(args))
		if err := RunEnvErr(ctx, args, env); err != nil {
			return err
		}
	}
	sel, command, err := migrationSelection(ctx, env, f)
	if err != nil {
		return err
	}
	if err := runLoad(cmd, env, f.file, sel, command, f.concurrency); err != nil {
		return err
	}
	runID, err := latestRun(ctx, f.file, command)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "check it:  deskport verify -p %s\nreport:    deskport report -p %s --run %s --format html --out report.html\n", f.file, f.file, runID)
	if f.sample > 0 {
		fmt.Fprintf(env.Stdout, "undo it:   deskport rollback -p %s --run %s\n", f.file, runID)
	}
	return nil
}

// latestRun is the id of the newest run of command in the ledger.
func latestRun(ctx context.Context, file, command string) (string, error) {
	p, err := pipelines.Load(file)
	if err != nil {
		return "", err
	}
	db, err := schema.OpenReadOnly(ctx, p.Staging)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var id string
	err = db.QueryRowContext(ctx, `SELECT run_id FROM load_runs WHERE command = ? ORDER BY started_at DESC LIMIT 1`, command).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("migrate: reading the run's id from load_runs: %w", err)
	}
	return id, nil
}

// migrationSelection is what the load part runs: everything not loaded yet, or the sample.
func migrationSelection(ctx context.Context, env *Env, f migrationFlags) (load.Selection, string, error) {
	switch {
	case f.sample > 0:
		p, err := pipelines.Load(f.file)
		if err != nil {
			return load.Selection{}, "", err
		}
		sel, n, err := pipelines.SampleSelection(ctx, p, f.sample)
		if err != nil {
			return load.Selection{}, "", err
		}
		fmt.Fprintf(env.Stdout, "sample: %d records of each kind, %d operations with what they need\n", f.sample, n)
		return sel, "sample", nil
	case f.delta:
		return load.Selection{}, "delta", nil
	}
	return load.Selection{}, "migrate", nil
}

func joinArgs(args []string) string { return strings.Join(args, " ") }
