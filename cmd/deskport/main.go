// Command deskport migrates a help desk between platforms through a DuckDB staging store.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/deskport/deskport/internal/cli"
)

func main() {
	// An interrupt cancels the context: stages stop after their current durable write and keep
	// everything staged so far.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
