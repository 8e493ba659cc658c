package cli

import (
	"fmt"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/pipelines"
)

func newMapCmd(env *Env) *cobra.Command {
	var file string
	var offline bool
	cmd := &cobra.Command{
		Use:   "map -p FILE [--offline]",
		Short: "Write the mapping section of the pipeline file from both sides (agents, groups, statuses, fields)",
		Long: `Reads the source's agents, groups, ticket fields, statuses, priorities, types and channels from
the staging file (run extract first) and the target's admins, teams, ticket types and attributes,
data attributes and ticket states, then writes the pipeline file's mapping section: every
automatic match (agents by email, groups by name, statuses by category, fields by name and type)
and every unmatched item with a comment saying what to write. Entries already in the section are
kept as they are, and so is the rest of the file. --offline uses the target directory already staged.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := pipelines.Load(file)
			if err != nil {
				return err
			}
			res, err := pipelines.Map(cmd.Context(), p, pipelines.MapOptions{Offline: offline, Getenv: env.Getenv})
			if err != nil {
				return err
			}
			printMapSummary(env, p, res)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().BoolVar(&offline, "offline", false, "use the target directory already staged instead of reading it again")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

func printMapSummary(env *Env, p *pipelines.Pipeline, res *pipelines.MapResult) {
	fmt.Fprintf(env.Stdout, "wrote the mapping section of %s\n", p.Path)
	sections := slices.Sorted(maps.Keys(res.Matched))
	for _, s := range slices.Sorted(maps.Keys(res.Unmatched)) {
		if !slices.Contains(sections, s) {
			sections = append(sections, s)
		}
	}
	slices.Sort(sections)
	for _, s := range sections {
		fmt.Fprintf(env.Stdout, "  %s: %d matched, %d to review\n", s, res.Matched[s], res.Unmatched[s])
	}
	fmt.Fprintf(env.Stdout, "review the entries marked with a comment, then: deskport transform -p %s\n", p.Path)
}
