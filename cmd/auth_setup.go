package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
)

// captureSetupToken, when set (by tests), replaces running `claude
// setup-token` in a pty (app.captureToken): it returns the token, or an
// error saying exactly why there is none.
var captureSetupToken func(ctx context.Context) (string, error)

type setupTokenOptions struct {
	provider, profileID string
	paste, yes          bool
}

func (a *app) newSetupTokenCommand() *cobra.Command {
	var o setupTokenOptions
	c := &cobra.Command{
		Use:                   "setup-token [--provider anthropic] [--profile-id ID] [--paste] [--yes]",
		DisableFlagsInUseLine: true,
		Short:                 "Create a Claude subscription token with `claude setup-token` and save it",
		Long: "Run `claude setup-token`, capture the long-lived token it prints and save it as a \"token\"\n" +
			"profile (default anthropic:default) valid for 365 days, recorded in the config's auth.profiles.\n\n" +
			"--paste skips `claude` and asks for the token at a hidden prompt instead; a token piped to\n" +
			"stdin is used as is. An existing profile is only replaced after you confirm (or with --yes).",
		Example: "  moltbot models auth setup-token\n" +
			"  moltbot models auth setup-token --paste --profile-id anthropic:work\n" +
			"  pbpaste | moltbot models auth setup-token --yes",
		Args: noSecretArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runSetupToken(c.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.provider, "provider", "anthropic", "provider (only anthropic has setup tokens)")
	f.StringVar(&o.profileID, "profile-id", "", "profile id to write (default anthropic:default)")
	f.BoolVar(&o.paste, "paste", false, "paste the token at a hidden prompt instead of running `claude setup-token`")
	f.BoolVarP(&o.yes, "yes", "y", false, "replace an existing profile without asking")
	return c
}

func (a *app) runSetupToken(ctx context.Context, o setupTokenOptions) error {
	if err := refuseSecretFlag("provider", o.provider, "a provider id (setup-token makes anthropic tokens); the token is captured from claude, piped in or pasted at a hidden prompt"); err != nil {
		return err
	}
	provider := authstore.NormalizeProvider(o.provider)
	if provider != "anthropic" {
		return usageError("setup-token only makes Anthropic (Claude subscription) tokens; for %s use `moltbot models auth paste-token --provider %s`", argText(o.provider), authstore.ShellQuote(provider))
	}
	id := strings.TrimSpace(o.profileID)
	if id == "" {
		id = "anthropic:default"
	}
	if err := validProfileID(id, provider); err != nil {
		return err
	}
	snap, err := a.loadForWrite()
	if err != nil {
		return err
	}
	paths := snap.Paths
	pr := a.prompter()
	interactive := pr.interactive()
	if old, ok := snap.Store.Profile(id); ok && !o.yes {
		if !interactive {
			return fmt.Errorf("%s already exists (%s); pass --yes to replace it", id, describeProfile(old, a.env.Now()))
		}
		yes, err := pr.confirm(ctx, fmt.Sprintf("%s already exists (%s). Replace it?", id, describeProfile(old, a.env.Now())))
		if err != nil {
			return err
		}
		if !yes {
			return errors.New("kept the existing " + id + "; nothing was saved (use --profile-id to save the new token under another id)")
		}
	}

	var token string
	switch {
	case !interactive:
		// A piped token: the only way in without a terminal.
		token, err = pr.readToken(ctx, provider, "setup token")
	case !o.paste:
		token, err = a.captureToken(ctx, pr)
		if err == nil {
			token, err = authstore.NormalizeToken(provider, token)
		}
		if err == nil {
			fmt.Fprintf(a.env.Stderr, "Captured token %s\n", authstore.Mask(token))
		}
		if errors.Is(err, errPasteInstead) {
			token, err = pr.readToken(ctx, provider, "setup token")
		}
	default:
		token, err = pr.readToken(ctx, provider, "setup token")
	}
	if err != nil {
		return err
	}
	now := a.env.Now() // the capture time: the token's year starts now
	return a.saveToken(ctx, paths, savedToken{id: id, provider: provider, token: token, expires: now.Add(authstore.SetupTokenLife).UnixMilli(), now: now})
}
