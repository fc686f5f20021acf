package cmd

import (
	"context"

	"github.com/spf13/cobra"
)

type statusOptions struct {
	json, plain, check bool
	warn               string
}

func (a *app) newStatusCommand() *cobra.Command {
	var o statusOptions
	c := &cobra.Command{
		Use:   "status",
		Short: "Show every provider's credentials, their health and order",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runStatus(c.Context(), o)
		},
	}
	f := c.Flags()
	f.BoolVar(&o.json, "json", false, "print JSON (masks, never secrets)")
	f.BoolVar(&o.plain, "plain", false, "print one tab-separated line per profile, no colour")
	f.BoolVar(&o.check, "check", false, "exit 1 if a credential is expired or missing, 2 if one is expiring")
	f.StringVar(&o.warn, "warn", "24h", "how far ahead an expiry counts as expiring (e.g. 24h, 3d)")
	return c
}

func (a *app) runStatus(ctx context.Context, o statusOptions) error {
	return nil // filled in below
}
