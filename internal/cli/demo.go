package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/sandbox"
)

// demoQueries are what the demo shows of the staging store, as an analyst would ask.
var demoQueries = []struct{ title, sql string }{
	{"tickets by status", `SELECT status, count(*) AS tickets FROM tickets GROUP BY ALL ORDER BY tickets DESC`},
	{"the longest threads", `SELECT t.source_id, t.subject, count(*) AS comments, count(*) FILTER (WHERE NOT c.public) AS private
		FROM tickets t JOIN comments c ON c.ticket_id = t.source_id GROUP BY ALL ORDER BY comments DESC, t.source_id LIMIT 5`},
	{"records skipped, and why", `SELECT entity, reason, count(*) AS records FROM extract_skips GROUP BY ALL ORDER BY records DESC`},
}

func newDemoCmd(env *Env) *cobra.Command {
	var dir string
	var flags sandboxFlags
	cmd := &cobra.Command{
		Use:   "demo [--dir DIR] [--tickets N]",
		Short: "Run deskport end to end against a built-in sandbox",
		Long: `Starts the sandbox in-process on a free loopback port, writes a pipeline file for it into DIR,
extracts the generated Zendesk account into DIR/demo.duckdb, and shows what was staged. Each run
starts afresh.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), env, dir, flags)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "deskport-demo", "folder for the demo's pipeline and staging files")
	flags.register(cmd, 300)
	return cmd
}

func runDemo(ctx context.Context, env *Env, dir string, flags sandboxFlags) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo: starting the sandbox: %w", err)
	}
	srvCtx, stop := context.WithCancel(ctx)
	defer stop()
	go serveUntilDone(srvCtx, ln, sandbox.New(flags.options()).Handler())
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(env.Stdout, "sandbox: a generated Zendesk account of %d tickets (seed %d) at %s/zendesk\n", flags.tickets, flags.seed, url)

	file, err := writeDemoPipeline(dir, url)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "pipeline file: %s\n\n", file)
	if err := RunEnvErr(ctx, []string{"extract", "-p", file}, env); err != nil {
		return err
	}
	for _, q := range demoQueries {
		fmt.Fprintf(env.Stdout, "\n%s:\n", q.title)
		if err := RunEnvErr(ctx, []string{"sql", "-p", file, q.sql}, env); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "\nQuery it yourself:\n  bin/deskport sql -p %s \"SELECT * FROM tickets LIMIT 10\"\n  bin/deskport status -p %s\n", file, file)
	return nil
}

// writeDemoPipeline writes a fresh pipeline file for the sandbox at url, removing an earlier demo.
func writeDemoPipeline(dir, url string) (string, error) {
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("demo: clearing %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	text, err := pipelines.Template("zendesk", "intercom", url)
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, "demo.yaml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	return file, nil
}
