package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/internal/staging"
	"github.com/deskport/deskport/pipelines"
)

func newExportCmd(env *Env) *cobra.Command {
	var file, format, out string
	cmd := &cobra.Command{
		Use:   "export -p FILE --format parquet|csv --out DIR",
		Short: "Write every canonical staging table to Parquet or CSV files",
		Long: `Writes the latest version of every staged record, one file per canonical table (tickets,
comments, contacts, companies, agents, groups, attachments, ticket_fields, the kb_* tables) plus
extract_truncations (threads the source returned only in part), to DIR as <table>.parquet or
<table>.csv. DuckDB, Spark and pandas read them directly. The staging file is opened read-only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := pipelines.Load(file)
			if err != nil {
				return err
			}
			files, err := pipelines.Export(cmd.Context(), p, pipelines.ExportOptions{Format: format, Out: out})
			for _, f := range files {
				fmt.Fprintf(env.Stdout, "%-20s %8d rows  %s\n", f.Table, f.Rows, f.Path)
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().StringVar(&format, "format", staging.FormatParquet, "file format: "+strings.Join(staging.ExportFormats, ", "))
	cmd.Flags().StringVar(&out, "out", "", "folder to write the files to (required; created if missing)")
	cmd.MarkFlagRequired("pipeline")
	cmd.MarkFlagRequired("out")
	return cmd
}
