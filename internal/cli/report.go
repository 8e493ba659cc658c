package cli

import (
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/schema"
)

func newReportCmd(env *Env) *cobra.Command {
	var file, format, entity, status string
	var records bool
	cmd := &cobra.Command{
		Use:   "report -p FILE [--format table|csv|json] [--records [--entity E] [--status S]]",
		Short: "What was migrated, failed or skipped, and why, from the ledger",
		Long: `Prints, per entity, how many records the plan holds and how many are migrated, failed, skipped
or still pending. --records prints one row per record instead: entity, source id, target id,
status and the reason of a failure or skip. It reads the staging file only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := newRowWriter(format, env.Stdout)
			if err != nil {
				return err
			}
			p, err := pipelines.Load(file)
			if err != nil {
				return err
			}
			db, err := schema.OpenReadOnly(cmd.Context(), p.Staging)
			if err != nil {
				return err
			}
			defer db.Close()
			rows, err := load.QueryTotals(cmd.Context(), db)
			if records {
				rows, err = load.QueryRecords(cmd.Context(), db, load.RecordFilter{Entity: entity, Status: status})
			}
			if err != nil {
				return err
			}
			defer rows.Close()
			return errors.Join(writeRows(out, rows), rows.Err())
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: "+strings.Join(rowFormats, ", "))
	cmd.Flags().BoolVar(&records, "records", false, "one row per record: source id, target id, status, reason")
	cmd.Flags().StringVar(&entity, "entity", "", "with --records: only this entity (e.g. tickets)")
	cmd.Flags().StringVar(&status, "status", "", "with --records: only migrated, failed, skipped or pending")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}
