package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/pipelines"
)

func newLoadCmd(env *Env) *cobra.Command {
	var file string
	var concurrency int
	cmd := &cobra.Command{
		Use:   "load -p FILE",
		Short: "Execute the load plan against the target, recording every outcome in the ledger",
		Long: `Checks that the target credentials belong to the pipeline's workspace, then executes every plan
operation that has no outcome yet, in dependency order, paced by the target's rate-limit headers.
Every outcome goes to the ledger (load_events) in the staging file. Running it again continues
where it stopped; nothing loaded is ever created twice. Failed records are retried with replay.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runLoad(cmd, env, file, load.Selection{}, "load", concurrency)
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().IntVar(&concurrency, "concurrency", 32, "requests in flight at most")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

func newReplayCmd(env *Env) *cobra.Command {
	var file, batch, record string
	var failed bool
	var concurrency int
	cmd := &cobra.Command{
		Use:   "replay -p FILE (--failed | --batch ID | --record ENTITY:SOURCE_ID)",
		Short: "Run chosen plan rows again: every failed one, one batch, or one record",
		Long: `Re-runs exactly the chosen plan operations through the same path as load, in dependency order.
Something already loaded is left alone, so a replay never creates anything twice.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sel, err := replaySelection(failed, batch, record)
			if err != nil {
				return err
			}
			return runLoad(cmd, env, file, sel, "replay", concurrency)
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().BoolVar(&failed, "failed", false, "every operation whose last outcome is failed")
	cmd.Flags().StringVar(&batch, "batch", "", "the operations of one batch (batch_id in plan_ops)")
	cmd.Flags().StringVar(&record, "record", "", "one record, as ENTITY:SOURCE_ID (e.g. tickets:123)")
	cmd.Flags().IntVar(&concurrency, "concurrency", 32, "requests in flight at most")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

func replaySelection(failed bool, batch, record string) (load.Selection, error) {
	chosen := 0
	for _, set := range []bool{failed, batch != "", record != ""} {
		if set {
			chosen++
		}
	}
	if chosen != 1 {
		return load.Selection{}, fmt.Errorf("replay: give exactly one of --failed, --batch ID, --record ENTITY:SOURCE_ID")
	}
	switch {
	case failed:
		return load.Selection{Failed: true}, nil
	case batch != "":
		return load.Selection{Batch: batch}, nil
	}
	return load.ParseRecord(record)
}

func runLoad(cmd *cobra.Command, env *Env, file string, sel load.Selection, command string, concurrency int) error {
	p, err := pipelines.Load(file)
	if err != nil {
		return err
	}
	bar := newLoadProgress(env)
	res, err := pipelines.RunLoad(cmd.Context(), p, pipelines.LoadOptions{
		Selection: sel, Command: command, Getenv: env.Getenv, Concurrency: concurrency, Progress: bar.update,
	})
	bar.done()
	if res != nil {
		fmt.Fprintf(env.Stdout, "%s %s: %d selected, %d loaded (%d found already in the target), %d failed, %d skipped in %s\n",
			command, res.RunID, res.Selected, res.Loaded, res.Reconciled, res.Failed, res.Skipped, res.Elapsed.Round(time.Millisecond))
	}
	if err != nil {
		return err
	}
	if res.Failed > 0 {
		fmt.Fprintf(env.Stdout, "see why: deskport report -p %s --records --status failed; retry: deskport replay -p %s --failed\n", p.Path, p.Path)
	}
	return nil
}
