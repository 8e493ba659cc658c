package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/pipelines"
	"github.com/deskport/deskport/sandbox"
)

// demoQueries are what the demo shows of the staging store, as an analyst would ask.
var demoQueries = []struct{ title, sql string }{
	{"tickets by status", `SELECT status, count(*) AS tickets FROM tickets GROUP BY ALL ORDER BY tickets DESC`},
	{"the longest threads", `SELECT t.source_id, t.subject, count(*) AS comments, count(*) FILTER (WHERE NOT c.public) AS private
		FROM tickets t JOIN comments c ON c.ticket_id = t.source_id GROUP BY ALL ORDER BY comments DESC, t.source_id LIMIT 5`},
	{"knowledge base articles by state and language", `SELECT coalesce(t.state, a.state) AS state, coalesce(t.locale, a.source_locale) AS language,
			count(DISTINCT a.source_id) AS articles
		FROM kb_articles a LEFT JOIN kb_translations t ON t.parent_type = 'article' AND t.parent_id = a.source_id
		GROUP BY ALL ORDER BY state, articles DESC, language`},
	// Why records failed or were skipped, grouped by the target's error code or the transform's
	// reason, with one example each.
	{"why records failed or were skipped", `SELECT o.entity, o.event, coalesce(o.code, '') AS code, count(*) AS records,
			left(any_value(coalesce(o.message, '')), 110) AS example
		FROM load_outcomes o WHERE o.event IN ('failed', 'skipped') GROUP BY ALL ORDER BY records DESC LIMIT 12`},
}

// demoArticles is the size of the demo's generated knowledge base.
const demoArticles = 40

func newDemoCmd(env *Env) *cobra.Command {
	var dir string
	var flags sandboxFlags
	cmd := &cobra.Command{
		Use:   "demo [--dir DIR] [--tickets N]",
		Short: "Run a whole migration against the built-in sandbox",
		Long: `Starts the sandbox in-process on a free loopback port (a generated Zendesk account and an Intercom
workspace that validates phones, as many do), writes a pipeline file for it into DIR, runs extract,
transform and load one after the other, and prints the report and why some records failed or were
skipped. The staging file DIR/demo.duckdb stays for you to query. Each run starts afresh.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), env, dir, flags)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "deskport-demo", "folder for the demo's pipeline and staging files")
	flags.register(cmd, 300)
	cmd.Flags().Lookup("intercom-phone-validation").DefValue = "true"
	cmd.Flags().Set("intercom-phone-validation", "true")
	// The demo shows the whole migration, the knowledge base with its hierarchy repair included.
	cmd.Flags().Lookup("articles").DefValue = strconv.Itoa(demoArticles)
	cmd.Flags().Set("articles", strconv.Itoa(demoArticles))
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
	fmt.Fprintf(env.Stdout, "sandbox: a generated Zendesk account of %d tickets and %d articles (seed %d) at %s/zendesk,\n",
		flags.tickets, flags.articles, flags.seed, url)
	fmt.Fprintf(env.Stdout, "         an empty Intercom workspace at %s/intercom\n", url)

	file, err := writeDemoPipeline(dir, url)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "pipeline file: %s\n", file)
	for _, stage := range []string{"extract", "transform", "load"} {
		fmt.Fprintf(env.Stdout, "\n$ deskport %s -p %s\n", stage, file)
		if err := RunEnvErr(ctx, []string{stage, "-p", file}, env); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "\n$ deskport report -p %s\n", file)
	if err := RunEnvErr(ctx, []string{"report", "-p", file}, env); err != nil {
		return err
	}
	for _, q := range demoQueries {
		fmt.Fprintf(env.Stdout, "\n\n%s:\n", q.title)
		if err := RunEnvErr(ctx, []string{"sql", "-p", file, q.sql}, env); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "\n\nThe staging file is %s. Query it yourself:\n", filepath.Join(dir, "demo.duckdb"))
	fmt.Fprintf(env.Stdout, "  bin/deskport sql -p %s \"SELECT * FROM id_map LIMIT 10\"\n", file)
	fmt.Fprintf(env.Stdout, "  bin/deskport report -p %s --records --status failed\n", file)
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
	// The demo migrates the articles' translations too, so it shows the unsupported locale reported.
	withKB := strings.Replace(text, "\noptions: {}\n", "\noptions:\n  kb: {translations: true}\n", 1)
	if withKB == text {
		return "", errors.New("demo: the pipeline template has no empty options block to set kb.translations in")
	}
	file := filepath.Join(dir, "demo.yaml")
	if err := os.WriteFile(file, []byte(withKB), 0o644); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	return file, nil
}
