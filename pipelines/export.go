package pipelines

import (
	"context"

	"github.com/deskport/deskport/internal/staging"
	"github.com/deskport/deskport/schema"
)

// ExportOptions say how deskport export writes the staging store.
type ExportOptions struct {
	Format string // staging.FormatParquet or staging.FormatCSV
	Out    string // the folder the files go to
}

// Export writes every canonical table of the pipeline's staging file to opts.Out, one file per
// table, for DuckDB, Spark or pandas. It opens the file read-only: exporting never changes it.
func Export(ctx context.Context, p *Pipeline, opts ExportOptions) ([]staging.Exported, error) {
	db, err := schema.OpenReadOnly(ctx, p.Staging)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return staging.Export(ctx, db, opts.Format, opts.Out)
}
