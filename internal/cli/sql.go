package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/schema"
)

func newSQLCmd(env *Env) *cobra.Command {
	var file, format string
	cmd := &cobra.Command{
		Use:   `sql -p FILE "SELECT …"`,
		Short: "Query the staging store with SQL (DuckDB dialect)",
		Long: `Runs one SQL statement against the pipeline's staging file, read-only, and prints the result.
Canonical tables: tickets, comments, contacts, companies, agents, groups, attachments, ticket_fields
(latest version of each record); raw_<entity> hold every version; snapshots, pages, cursors and
extract_skips describe the runs. The file also opens in any DuckDB client.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
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
			rows, err := db.QueryContext(cmd.Context(), args[0])
			if err != nil {
				return fmt.Errorf("query: %w", err)
			}
			defer rows.Close()
			return errors.Join(writeRows(out, rows), rows.Err())
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().StringVar(&format, "format", "table", "output format: "+strings.Join(rowFormats, ", "))
	cmd.MarkFlagRequired("pipeline")
	return cmd
}
