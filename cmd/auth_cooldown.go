package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
)

// `moltbot models auth cooldown clear`: what users of the gateway do by
// hand-editing the store (or, with openclaw 2026.6 and later, its SQLite
// cell) when a billing cooldown outlasts the outage. One transaction
// (authstore.ClearUsageState) clears exactly what the gateway's own reset
// clears.

func (a *app) newAuthCooldownCommand() *cobra.Command {
	cooldown := &cobra.Command{
		Use:                   "cooldown",
		DisableFlagsInUseLine: true,
		Short:                 "Clear the cooldown or disabled state of profiles",
		Long: "After errors the gateway skips a profile for a while (a cooldown; after a billing error it is\n" +
			"\"disabled\" for hours). `cooldown clear` ends that at once.",
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			return unknownSubcommand(c, args[0])
		},
	}
	var provider string
	clear := &cobra.Command{
		Use:                   "clear [ID…] [--provider P]",
		DisableFlagsInUseLine: true,
		Short:                 "End the cooldown or disabled state of profiles now",
		Long: "Clear what keeps the gateway from trying the given profiles (or all of --provider's): the\n" +
			"cooldown, disabled and blocked times with their reasons, and the error counts behind them,\n" +
			"as the gateway's own reset does. Everything else (last used, unknown fields) stays.",
		Example: "  moltbot models auth cooldown clear anthropic:work\n  moltbot models auth cooldown clear --provider anthropic",
		Args:    cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return a.runCooldownClear(c.Context(), provider, args)
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			ids, dir := a.completeProfileIDs(provider)
			var left []string
			for _, id := range ids {
				if !slices.Contains(args, strings.SplitN(id, "\t", 2)[0]) {
					left = append(left, id)
				}
			}
			return left, dir
		},
	}
	clear.Flags().StringVar(&provider, "provider", "", "every profile of this provider (with IDs: they must be its)")
	_ = clear.RegisterFlagCompletionFunc("provider", a.completeProviders)
	cooldown.AddCommand(clear)
	return cooldown
}

func (a *app) runCooldownClear(ctx context.Context, rawProvider string, args []string) error {
	if err := refuseSecretFlag("provider", rawProvider, "a provider id such as anthropic"); err != nil {
		return err
	}
	provider := authstore.NormalizeProvider(rawProvider)
	var ids []string
	for _, arg := range args {
		if id := strings.TrimSpace(arg); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 && provider == "" {
		return usageError("say whose cooldown to clear: profile ids, or --provider P for all of a provider's profiles (see `moltbot models status`)")
	}
	snap, err := a.load()
	if err != nil {
		return err
	}
	paths := snap.Paths
	// Check first without the lock, so that a bad id touches nothing;
	// ClearUsageState checks again inside its transaction.
	if err := checkCooldownIDs(snap, provider, ids); err != nil {
		return err
	}
	targets := ids
	if len(targets) == 0 {
		targets = authstore.ProviderProfileIDs(snap.Store, provider)
	}
	now := a.env.Now()
	res, err := authstore.ClearUsageState(ctx, paths, targets, "", now)
	if err != nil {
		var gone *authstore.ProfileGoneError
		if errors.As(err, &gone) {
			return fmt.Errorf("%s; nothing was changed", authstore.SafeText(gone.Error()))
		}
		return storeError(err)
	}
	w := a.stdout()
	fmt.Fprintf(w, "Agent: %s\n", authstore.SafeText(agentLabel(paths)))
	cleared := map[string]bool{}
	for _, c := range res.Cleared {
		cleared[c.ID] = true
		fmt.Fprintf(w, "%s\n", clearedText(c, now))
	}
	var untouched []string
	for _, id := range targets {
		if !cleared[id] {
			untouched = append(untouched, id)
		}
	}
	writeNothingToClear(w, untouched, len(res.Cleared) > 0, provider, len(ids) == 0)
	running := 0
	for _, c := range res.Cleared {
		if !c.Until.IsZero() {
			running++
		}
	}
	if running > 0 {
		fmt.Fprintf(w, "The gateway can use %s again at once.\n", pronoun(running))
	}
	return nil
}

// checkCooldownIDs refuses an id that is not in the store (or not
// provider's, when given) and a provider that has no profiles.
func checkCooldownIDs(snap authstore.Snapshot, provider string, ids []string) error {
	store := snap.Paths.CredentialsFile()
	if provider != "" {
		if err := refuseUnknownProvider(snap, provider, false); err != nil {
			return err
		}
		if len(snap.Store.ProviderProfiles(provider)) == 0 {
			return fmt.Errorf("no %s profiles in %s; providers with profiles: %s", authstore.SafeText(provider), authstore.SafeText(store), storeProviders(snap.Store))
		}
		return authstore.CheckOrderIDs(snap, provider, ids)
	}
	for _, id := range ids {
		if _, ok := snap.Store.Profile(id); ok {
			continue
		}
		if secretLike(id) {
			return errors.New("no such profile (the argument was not shown: it looks like a secret); see `moltbot models status` for the ids")
		}
		return fmt.Errorf("auth profile %s not found in %s; profiles: %s", argText(id), authstore.SafeText(store), profileIDs(authstore.ProfileIDs(snap.Store.Profiles)))
	}
	return nil
}

// storeProviders lists the providers the store has profiles of.
func storeProviders(s *authstore.Store) string {
	var out []string
	for _, p := range s.Profiles {
		if n := authstore.NormalizeProvider(p.Provider); n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return authstore.ListIDs(out, 0)
}

// clearedText says what was cleared for one profile and until when it
// would have lasted.
func clearedText(c authstore.UsageCleared, now time.Time) string {
	id := authstore.SafeText(c.ID)
	if c.Until.IsZero() {
		return fmt.Sprintf("Reset the error counts of %s (no cooldown or disabled state was running)", id)
	}
	what := c.Kind
	if c.Reason != "" {
		what += " (" + authstore.SafeText(c.Reason) + ")"
	}
	return fmt.Sprintf("Cleared %s: %s, which would have lasted until %s (%s from now)", id, what, c.Until.In(now.Location()).Format("2006-01-02 15:04 MST"), shortDuration(c.Until.Sub(now)))
}

// writeNothingToClear names the profiles that had nothing to clear.
func writeNothingToClear(w io.Writer, ids []string, some bool, provider string, whole bool) {
	switch {
	case len(ids) == 0:
		return
	case !some && whole:
		fmt.Fprintf(w, "Nothing to clear: no %s profile is cooling down or disabled.\n", authstore.SafeText(provider))
	case !some && len(ids) == 1:
		fmt.Fprintf(w, "Nothing to clear: %s is not cooling down or disabled.\n", authstore.SafeText(ids[0]))
	case !some:
		fmt.Fprintf(w, "Nothing to clear: none of %s is cooling down or disabled.\n", authstore.ListIDs(ids, 0))
	case !whole:
		as := "it was"
		if len(ids) > 1 {
			as = "they were"
		}
		fmt.Fprintf(w, "Left %s as %s: not cooling down or disabled.\n", authstore.ListIDs(ids, 0), as)
	}
}
