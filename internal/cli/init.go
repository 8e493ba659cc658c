package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/deskport/deskport/pipelines"
)

func newInitCmd(env *Env) *cobra.Command {
	var from, to, sandboxURL string
	cmd := &cobra.Command{
		Use:   "init --from SYSTEM --to SYSTEM [--sandbox URL]",
		Short: "Print a commented pipeline file to start from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			text, err := pipelines.Template(from, to, sandboxURL)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(env.Stdout, text)
			return err
		},
	}
	cmd.Flags().StringVar(&from, "from", "zendesk", "source system")
	cmd.Flags().StringVar(&to, "to", "intercom", "target system")
	cmd.Flags().StringVar(&sandboxURL, "sandbox", "", "URL of a running `deskport sandbox`: the file then needs no credentials")
	return cmd
}
