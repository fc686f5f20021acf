package cmd

import (
	"github.com/spf13/cobra"
)

// `moltbot completion bash|zsh|fish|powershell` is cobra's own command. It is
// made here, before the arguments are parsed, so that a missing or unknown
// shell is a usage error (exit 64) instead of a help page with exit 0.
func init() {
	extraCommands = append(extraCommands, func(_ *app, root, _ *cobra.Command) {
		root.InitDefaultCompletionCmd()
		for _, c := range root.Commands() {
			if c.Name() != "completion" {
				continue
			}
			c.RunE = func(c *cobra.Command, args []string) error {
				if len(args) == 0 {
					return usageError("missing shell: use `moltbot completion bash|zsh|fish|powershell`")
				}
				return usageError("unknown shell %q: use `moltbot completion bash|zsh|fish|powershell`", args[0])
			}
			c.Args = cobra.ArbitraryArgs
		}
	})
}
