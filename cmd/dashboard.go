package cmd

import "github.com/spf13/cobra"

// runRoot opens the dashboard on a terminal, or prints `models status`
// when stdout is not a terminal.
func (a *app) runRoot(c *cobra.Command) error {
	return a.runStatus(c.Context(), statusOptions{})
}
