package cli

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/pipelines"
)

func newVerifyCmd(env *Env) *cobra.Command {
	var file, format string
	var sample int
	var all bool
	cmd := &cobra.Command{
		Use:   "verify -p FILE [--sample N | --all] [--format table|csv|json]",
		Short: "Read migrated records back from the target and compare them with the plan",
		Long: `Reads migrated records back from the target (tickets and conversations with every reply and note,
contacts, companies, tags) and compares them field by field with what the plan sent: type, state,
priority and other attributes, requester, assignee, tags, each reply's author, kind, time, body
and attachments, and the updates of later delta migrations. It also compares the target's own
totals (contacts by role, tickets, conversations, companies, tags) with what the ledger says was
migrated. Into Zendesk: imported tickets with every comment (author, public, time, body, files),
users, organizations and the Guide, and whether every migrated id is still in the account (its
totals hold records from before the migration). --sample N reads N records of each kind, the same ones every time; --all reads every
one. Differences are listed per record; the exit status is 0 only when there are none.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if all && cmd.Flags().Changed("sample") {
				return fmt.Errorf("verify: give --sample N or --all, not both")
			}
			p, err := pipelines.Load(file)
			if err != nil {
				return err
			}
			res, err := pipelines.Verify(cmd.Context(), p, pipelines.VerifyOptions{Sample: sample, All: all, Getenv: env.Getenv})
			if err != nil {
				return err
			}
			if err := printVerify(env, format, res); err != nil {
				return err
			}
			if !res.OK() {
				return &exitError{code: 1, err: fmt.Errorf("verify: %d differences between the plan and the target", differences(res))}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().IntVar(&sample, "sample", 50, "records of each kind to read back")
	cmd.Flags().BoolVar(&all, "all", false, "read every migrated record back")
	cmd.Flags().StringVar(&format, "format", "table", "output format of the differences: "+strings.Join(rowFormats, ", "))
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

// differences counts the record differences and the totals that do not match.
func differences(res *load.VerifyResult) int {
	n := len(res.Differences)
	for _, c := range res.Counts {
		if c.Have != c.Migrated {
			n++
		}
	}
	return n
}

func printVerify(env *Env, format string, res *load.VerifyResult) error {
	out, err := newRowWriter(format, env.Stdout)
	if err != nil {
		return err
	}
	var checked []string
	for _, k := range slices.Sorted(maps.Keys(res.Checked)) {
		checked = append(checked, fmt.Sprintf("%d %s", res.Checked[k], k))
	}
	if format == "table" {
		fmt.Fprintf(env.Stdout, "read back: %s\n", strings.Join(checked, ", "))
		for _, c := range res.Counts {
			mark := "ok"
			if c.Have != c.Migrated {
				mark = "DIFFERS"
			}
			fmt.Fprintf(env.Stdout, "total %-22s migrated %6d  in the target %6d  %s\n", c.Entity, c.Migrated, c.Have, mark)
		}
		if len(res.Differences) == 0 {
			fmt.Fprintln(env.Stdout, "no differences in the records read back")
			return nil
		}
	}
	if err := out.header([]string{"entity", "source_id", "target_id", "op_id", "field", "want", "got"}); err != nil {
		return err
	}
	for _, d := range res.Differences {
		if err := out.row([]any{d.Entity, d.SourceID, d.TargetID, d.OpID, d.Field, d.Want, d.Got}); err != nil {
			return err
		}
	}
	return out.flush()
}
