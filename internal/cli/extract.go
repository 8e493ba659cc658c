package cli

import (
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/internal/staging"
	"github.com/deskport/deskport/pipelines"
)

func newExtractCmd(env *Env) *cobra.Command {
	var file, since string
	var entities []string
	cmd := &cobra.Command{
		Use:   "extract -p FILE [--entities a,b] [--since TIME|last]",
		Short: "Snapshot the source help desk into the staging store",
		Long: `Pages through the source's API and appends every record to a new snapshot in the staging
file. An interrupted extract resumes from its saved cursors when run again. --since last extracts
only what changed since the latest finished snapshot.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := pipelines.Load(file)
			if err != nil {
				return err
			}
			progress := newProgress(env)
			res, err := pipelines.Extract(cmd.Context(), p, pipelines.ExtractOptions{
				Entities: entities, Since: since, Getenv: env.Getenv, Progress: progress,
				Logf: func(format string, args ...any) { progress.Logf(format, args...) },
			})
			progress.Done()
			if err != nil {
				return err
			}
			printExtractSummary(env, p, res, progress)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().StringSliceVar(&entities, "entities", nil, "extract only these entities (comma-separated)")
	cmd.Flags().StringVar(&since, "since", "", "delta: last, an RFC 3339 time, a date or a duration ago (72h)")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

func printExtractSummary(env *Env, p *pipelines.Pipeline, res *pipelines.ExtractResult, progress *progress) {
	kind := "full"
	if !res.Since.IsZero() {
		kind = "delta since " + res.Since.Format(time.RFC3339)
	}
	resumed := ""
	if res.Resumed {
		resumed = ", resumed"
	}
	fmt.Fprintf(env.Stdout, "snapshot %d (%s%s) of %s in %s\n", res.SnapshotID, kind, resumed, p.Source.System, res.Elapsed.Round(time.Millisecond))
	for _, c := range res.Counts {
		if !slices.Contains(res.Entities, c.Entity) {
			continue
		}
		fmt.Fprintf(env.Stdout, "%-16s %8d staged this run  %8d in staging  %6d skipped\n",
			c.Entity, progress.Count(c.Entity), c.Records, c.Skipped)
	}
	printTruncations(env, res.Truncations)
	fmt.Fprintf(env.Stdout, "staging file: %s (query it with: deskport sql -p %s \"SELECT …\")\n", p.Staging, p.Path)
}

// printTruncations lists the records the source returned only in part, so nobody takes their
// threads for complete.
func printTruncations(env *Env, ts []staging.Truncation) {
	if len(ts) == 0 {
		return
	}
	fmt.Fprintf(env.Stdout, "%d record(s) returned only in part by the source (table extract_truncations):\n", len(ts))
	for _, t := range ts {
		fmt.Fprintf(env.Stdout, "  %s %s: %d of %d %s staged (the source returns no more)\n", t.Entity, t.SourceID, t.Fetched, t.Total, t.Part)
	}
}
