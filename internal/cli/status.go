package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/internal/staging"
	"github.com/deskport/deskport/pipelines"
)

func newStatusCmd(env *Env) *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "status -p FILE",
		Short: "Show the staging store's snapshots and per-entity counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := pipelines.Load(file)
			if err != nil {
				return err
			}
			store, err := staging.Open(cmd.Context(), p.Staging)
			if err != nil {
				return err
			}
			defer store.Close()
			snaps, err := store.Snapshots(cmd.Context())
			if err != nil {
				return err
			}
			counts, err := store.Counts(cmd.Context())
			if err != nil {
				return err
			}
			printStatus(env, p, snaps, counts)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

func printStatus(env *Env, p *pipelines.Pipeline, snaps []staging.SnapshotInfo, counts []staging.EntityCount) {
	fmt.Fprintf(env.Stdout, "staging file: %s\n\nsnapshots:\n", p.Staging)
	if len(snaps) == 0 {
		fmt.Fprintln(env.Stdout, "  none yet: run deskport extract -p", p.Path)
	}
	for _, s := range snaps {
		kind := "full"
		if s.Since != nil {
			kind = "since " + s.Since.Format(time.RFC3339)
		}
		finished := "-"
		if s.FinishedAt != nil {
			finished = s.FinishedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(env.Stdout, "  #%-3d %-8s %-11s %-26s started %s finished %s  %d rows, %d skipped  [%s]\n",
			s.ID, s.Source, s.Status, kind, s.StartedAt.Format(time.RFC3339), finished, s.Rows, s.Skips, strings.Join(s.Entities, ","))
	}
	fmt.Fprintf(env.Stdout, "\n%-16s %10s %10s %8s  %s\n", "entity", "records", "versions", "skipped", "latest updated_at")
	for _, c := range counts {
		latest := "-"
		if c.UpdatedAt != nil {
			latest = c.UpdatedAt.Format(time.RFC3339)
		}
		fmt.Fprintf(env.Stdout, "%-16s %10d %10d %8d  %s\n", c.Entity, c.Records, c.Versions, c.Skipped, latest)
	}
}
