package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/transform"
)

func newTransformCmd(env *Env) *cobra.Command {
	var file string
	var offline bool
	cmd := &cobra.Command{
		Use:   "transform -p FILE [--offline]",
		Short: "Turn the staged records into the load plan (SQL, deterministic)",
		Long: `Reads the target's directory (admins, teams, ticket types and states) into the staging file,
then runs the transform SQL over the canonical tables and writes the load plan: plan_ops (one row
per target operation, in dependency order) and plan_skips. The same staging file and pipeline file
always give the same plan, whose hash is printed. --offline reuses the directory read last time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := pipelines.Load(file)
			if err != nil {
				return err
			}
			res, err := pipelines.Transform(cmd.Context(), p, pipelines.TransformOptions{Offline: offline, Getenv: env.Getenv})
			if err != nil {
				return err
			}
			printTransformSummary(env, p, res)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().BoolVar(&offline, "offline", false, "reuse the target directory already staged instead of reading it again")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

func printTransformSummary(env *Env, p *pipelines.Pipeline, res *transform.Result) {
	fmt.Fprintf(env.Stdout, "plan %s: %d operations\n", short(res.PlanHash), res.Ops())
	printSummaryLines(env, res.Summary())
	fmt.Fprintf(env.Stdout, "see it with: deskport sql -p %s \"SELECT kind, count(*) FROM plan_ops GROUP BY ALL\"\n", p.Path)
}

func printSummaryLines(env *Env, lines []string) {
	for _, l := range lines {
		fmt.Fprintf(env.Stdout, "  %s\n", l)
	}
}

func short(hash string) string {
	if len(hash) > 12 {
		return hash[:12]
	}
	return hash
}
