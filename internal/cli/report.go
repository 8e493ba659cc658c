package cli

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/load"
	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/schema"
)

// reportFlags are the report command's choices.
type reportFlags struct {
	file, format, entity, status, run, out string
	records                                bool
	kbMoves                                bool // the knowledge base articles the hierarchy repair moved
	policies                               bool // the options' and data policies' outcomes (plan_notes)
}

func newReportCmd(env *Env) *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report -p FILE [--run ID] [--format table|csv|json|html [--out FILE]] [--records [--entity E] [--status S]]",
		Short: "What was migrated, failed or skipped, and why, from the ledger",
		Long: `Prints, per entity, how many records the plan holds and how many are migrated, failed, skipped,
still pending or rolled back. --records prints one row per record instead: entity, source id,
target id, status and the reason of a failure or skip. --run ID narrows both to what one run
(load, migrate, delta, replay, rollback) recorded. --format html writes one self-contained page
(no network needed to view it) with the totals, per-entity bars, the load's throughput and
rate-limit use over time, failure reasons with counts, and the per-record tables with a filter
box; --records --format csv or json exports the same rows. It reads the staging file only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReport(cmd.Context(), env, f) },
	}
	cmd.Flags().StringVarP(&f.file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().StringVar(&f.format, "format", "table", "output format: "+strings.Join(rowFormats, ", ")+", html")
	cmd.Flags().StringVar(&f.run, "run", "", "only what this run recorded (run_id in load_runs)")
	cmd.Flags().StringVar(&f.out, "out", "", "write to this file instead of standard output")
	cmd.Flags().BoolVar(&f.records, "records", false, "one row per record: source id, target id, status, reason")
	cmd.Flags().StringVar(&f.entity, "entity", "", "with --records: only this entity (e.g. tickets)")
	cmd.Flags().StringVar(&f.status, "status", "", "with --records: only migrated, failed, skipped, pending or rolled_back")
	cmd.Flags().BoolVar(&f.policies, "policies", false, "one row per entity and policy code (plan_notes): records, how many migrated, failed or skipped, an example")
	cmd.Flags().BoolVar(&f.kbMoves, "kb-moves", false, "one row per knowledge base article placed elsewhere than its source path: old path, new path, why")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

func runReport(ctx context.Context, env *Env, f reportFlags) (err error) {
	p, err := pipelines.Load(f.file)
	if err != nil {
		return err
	}
	db, err := schema.OpenReadOnly(ctx, p.Staging)
	if err != nil {
		return err
	}
	defer db.Close()
	w, finish, err := reportOutput(env, f.out)
	if err != nil {
		return err
	}
	defer func() { err = finish(err) }()
	if f.format == "html" {
		r, err := load.ReadReport(ctx, db, f.run)
		if err != nil {
			return err
		}
		return writeReportHTML(w, r, p.Path, p.Staging)
	}
	return writeReportRows(ctx, db, w, f)
}

func writeReportRows(ctx context.Context, db *sql.DB, w io.Writer, f reportFlags) error {
	out, err := newRowWriter(f.format, w)
	if err != nil {
		return fmt.Errorf("%w, html", err)
	}
	var rows *sql.Rows
	switch {
	case f.records:
		rows, err = load.QueryRecords(ctx, db, load.RecordFilter{Entity: f.entity, Status: f.status, Run: f.run})
	case f.kbMoves:
		rows, err = load.QueryKBMoves(ctx, db)
	case f.policies:
		rows, err = load.QueryPolicies(ctx, db)
	default:
		rows, err = load.QueryRunTotals(ctx, db, f.run)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	return errors.Join(writeRows(out, rows), rows.Err())
}

// reportOutput is standard output, or the file --out names (written whole or not at all: a
// half-written report would look complete in a browser).
func reportOutput(env *Env, path string) (io.Writer, func(error) error, error) {
	if path == "" {
		return env.Stdout, func(err error) error { return err }, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return nil, nil, fmt.Errorf("report: --out %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil { // a page to open and pass on, like any written file
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, nil, fmt.Errorf("report: --out %s: %w", path, err)
	}
	buf := bufio.NewWriter(tmp)
	done := func(failed error) error {
		err := errors.Join(failed, buf.Flush(), tmp.Close())
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			os.Remove(tmp.Name())
			if failed != nil {
				return failed
			}
			return fmt.Errorf("report: writing %s: %w", path, err)
		}
		fmt.Fprintf(env.Stderr, "report written to %s\n", path)
		return nil
	}
	return buf, done, nil
}
