// Package cli is deskport's command line: one file per command, each parsing its flags, calling
// the packages below and printing. Run is the whole program, so every command is tested as a
// function without a subprocess.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Env is what a command may touch of the outside world.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Terminal reports whether Stderr is a terminal (progress bars) rather than a log.
	Terminal bool
}

// exitError carries a specific exit status through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Run executes deskport with args (without the program name) and returns the exit status.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv, Terminal: isTerminal(stderr)}
	return RunEnv(ctx, args, env)
}

// RunEnv is Run with an explicit environment, for tests.
func RunEnv(ctx context.Context, args []string, env *Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	err := RunEnvErr(ctx, args, env)
	if err == nil {
		return 0
	}
	fmt.Fprintln(env.Stderr, "deskport:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// RunEnvErr runs one command and returns its error unprinted; demo chains commands with it.
func RunEnvErr(ctx context.Context, args []string, env *Env) error {
	root := newRoot(env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	return root.ExecuteContext(ctx)
}

func newRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:           "deskport",
		Short:         "Migrate a help desk between platforms through a DuckDB staging store",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newSandboxCmd(env),
		newInitCmd(env),
		newExtractCmd(env),
		newTransformCmd(env),
		newMapCmd(env),
		newLoadCmd(env),
		newReplayCmd(env),
		newReportCmd(env),
		newRollbackCmd(env),
		newVerifyCmd(env),
		newMigrateCmd(env),
		newSQLCmd(env),
		newExportCmd(env),
		newStatusCmd(env),
		newDemoCmd(env),
		newAuthCmd(env),
		newPreflightCmd(env),
	)
	return root
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
