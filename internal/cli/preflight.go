package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/pipelines"
)

// exitBlocked is preflight's exit status when something blocks the load (1 is for errors that
// stopped the preflight itself, such as an invalid pipeline file).
const exitBlocked = 2

func newPreflightCmd(env *Env) *cobra.Command {
	var file, format string
	cmd := &cobra.Command{
		Use:   "preflight -p FILE [--format text|json]",
		Short: "Check both sides, the plan and the target's settings before a load; writes nothing",
		Long: `Connects to the source and the target (credentials, the target's workspace against
target.workspace_id, read permissions), checks the plan and the staged data against the target
(invalid phones, blocked attachments, unmapped agents and groups, threads over Intercom's
500-part limit, unassigned tickets, languages Intercom lacks), lists the target settings the API
cannot change with where to find each, and estimates the load's API calls and duration at the
target's rate limit. Exit status 0 when nothing blocks the load (warnings allowed), 2 when
something does, 1 when the preflight could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format: %q: want text or json", format)
			}
			p, err := pipelines.Load(file)
			if err != nil {
				return err
			}
			r, err := pipelines.Preflight(cmd.Context(), p, pipelines.PreflightOptions{Getenv: env.Getenv})
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(env.Stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(r); err != nil {
					return err
				}
			} else {
				printPreflight(env, p, r)
			}
			if r.Blocked() {
				return &exitError{code: exitBlocked, err: fmt.Errorf("preflight: %d blocking problem(s): fix them before loading", r.Blocking())}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "pipeline", "p", "", "pipeline file (required)")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	cmd.MarkFlagRequired("pipeline")
	return cmd
}

// sectionTitles are the headings of the findings, in order.
var sectionTitles = []struct{ key, title string }{
	{"source", "source"}, {"target", "target"}, {"plan", "plan"}, {"data", "staged data against the target"},
}

func printPreflight(env *Env, p *pipelines.Pipeline, r *pipelines.PreflightReport) {
	w := env.Stdout
	fmt.Fprintf(w, "preflight of %s: %s → %s\n", p.Path, p.Source, p.Target)
	for _, s := range sectionTitles {
		printed := false
		for _, f := range r.Findings {
			if f.Section != s.key {
				continue
			}
			if !printed {
				fmt.Fprintf(w, "\n%s\n", s.title)
				printed = true
			}
			fmt.Fprintf(w, "  %-8s %s: %s\n", f.Severity, f.Check, f.Detail)
			if len(f.Examples) > 0 {
				fmt.Fprintf(w, "           e.g. %s\n", strings.Join(f.Examples, ", "))
			}
		}
	}
	if len(r.Settings) > 0 {
		fmt.Fprintf(w, "\ntarget settings the API cannot change: check each before loading\n")
		for _, s := range r.Settings {
			fmt.Fprintf(w, "  [ ] %s: %s\n      where: %s\n", s.Name, s.Why, s.Where)
		}
	}
	printEstimate(env, r.Estimate)
	verdict := "nothing blocks the load"
	if r.Blocked() {
		verdict = "the load is blocked"
	}
	fmt.Fprintf(w, "\n%d blocking, %d warnings: %s\n", r.Blocking(), r.Warnings(), verdict)
}

func printEstimate(env *Env, e pipelines.Estimate) {
	fmt.Fprintf(env.Stdout, "\nestimate\n  %d API calls: %d for the %d of %d plan operations not loaded yet, %d reads\n",
		e.Calls, e.Writes, e.PlanOps-e.Loaded, e.PlanOps, e.Reads)
	fmt.Fprintf(env.Stdout, "  at %d requests per %s (%s): about %s, if nothing else spends the budget\n",
		e.RateLimit, e.Window, e.LimitSource, e.Duration.Round(time.Second))
}
