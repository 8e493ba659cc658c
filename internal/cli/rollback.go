package cli

import (
	"fmt"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/pipelines"
)

func newRollbackCmd(env *Env) *cobra.Command {
	var file, runID string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "rollback -p FILE --run ID",
		Short: "Delete from the target what one run created, and record it in the ledger",
		Long: `Deletes what the run ID created (its loaded records, newest first: replies and tags with their
tickets, then tickets, tags, contacts, companies), where the target's API can delete it. Each
deletion is appended to the ledger as a deleted event, so a later load creates the record again.
What the target cannot delete (ticket types, replies added to records of other runs, state
changes) is listed with the reason. Into Zendesk: tickets and end users are deleted for good,
Guide records one by one; an agent, or a user or organization that records from before the run
still use, is kept with the reason. Run IDs are in load_runs, or printed by load and migrate.
--dry-run lists what would be deleted and what would stay, and changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := pipelines.Load(file)
			if err != nil {
				return err
			}
			res, err := pipelines.Rollback(cmd.Context(), p, pipelines.RollbackOptions{RunID: runID, DryRun: dryRun, Getenv: env.Getenv})
			if res != nil {
				printRollback(env, runID, res.RunID, res.Deleted, res.ByEntity, dryRun)
				printKept(env, "kept", res.Kept)
				printKept(env, "not deleted", res.Failed)
			}
			if err != nil {
				return err
			}
			if len(res.Failed) > 0 {
				return &exitError{code: 1, err: fmt.Errorf("rollback: the target refused %d deletions; run the rollback again to retry them", len(res.Failed))}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().StringVar(&runID, "run", "", "the run to undo (run_id in load_runs) (required)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be deleted and what would stay; change nothing")
	cmd.MarkFlagRequired("pipeline")
	cmd.MarkFlagRequired("run")
	return cmd
}

func printRollback(env *Env, undone, own string, deleted int, byEntity map[string]int, dryRun bool) {
	if dryRun {
		fmt.Fprintf(env.Stdout, "rollback of %s (dry run, nothing changed): %d would be deleted", undone, deleted)
	} else {
		fmt.Fprintf(env.Stdout, "rollback %s of %s: %d deleted", own, undone, deleted)
	}
	for _, e := range slices.Sorted(maps.Keys(byEntity)) {
		fmt.Fprintf(env.Stdout, ", %s %d", e, byEntity[e])
	}
	fmt.Fprintln(env.Stdout)
}

// keptShown bounds the lines of kept records printed; the ledger and load_deletions hold the rest.
const keptShown = 20

func printKept(env *Env, what string, kept []load.Kept) {
	for i, k := range kept {
		if i == keptShown {
			fmt.Fprintf(env.Stdout, "  … and %d more %s\n", len(kept)-keptShown, what)
			return
		}
		fmt.Fprintf(env.Stdout, "  %s %s (%s %s → %s): %s\n", what, k.OpID, k.Entity, k.SourceID, k.TargetID, k.Reason)
	}
}
