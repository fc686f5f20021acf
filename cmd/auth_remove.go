package cmd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
)

func (a *app) newAuthRemoveCommand() *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:                   "remove ID [--yes]",
		DisableFlagsInUseLine: true,
		Short:                 "Remove a profile, with its usage stats and its place in every order",
		Long: "Remove an auth profile from the store in one transaction, together with its usageStats,\n" +
			"the lastGood entries and order entries that name it, and its config auth.profiles entry.\n" +
			"Asks to confirm on a terminal; without one, --yes is required.",
		Example: "  moltbot models auth remove anthropic:work\n  moltbot models auth remove openai:default --yes",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError("remove takes exactly one profile id (see `moltbot models status` for the ids)")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			return a.runRemove(c.Context(), strings.TrimSpace(args[0]), yes)
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return a.completeProfileIDs("")
		},
	}
	c.Flags().BoolVarP(&yes, "yes", "y", false, "remove without asking")
	return c
}

func (a *app) runRemove(ctx context.Context, id string, yes bool) error {
	snap, err := a.loadForWrite()
	if err != nil {
		return err
	}
	paths := snap.Paths
	now := a.env.Now()
	p, inStore := snap.Store.Profile(id)
	_, inConfig := snap.Config.Profiles[id]
	if !inStore && !inConfig {
		if secretLike(id) {
			return errors.New("no such profile (the argument was not shown: it looks like a secret); see `moltbot models status` for the ids")
		}
		return fmt.Errorf("no profile %q in %s; profiles: %s", id, paths.CredentialsFile(), profileIDs(authstore.ProfileIDs(snap.Store.Profiles)))
	}
	// The id is in the store or the config: file text, shown safe.
	shownID := authstore.SafeText(id)
	what := shownID
	if inStore {
		what = fmt.Sprintf("%s (%s)", shownID, describeProfile(p, now))
	} else {
		what = shownID + " (only in the config's auth.profiles)"
	}
	if !yes {
		pr := a.prompter()
		if !pr.interactive() {
			return fmt.Errorf("refusing to remove %s without confirmation: pass --yes", shownID)
		}
		ok, err := pr.confirm(ctx, "Remove "+what+"?")
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("kept " + shownID + "; nothing was removed")
		}
	}

	removed := false
	if inStore {
		res, err := authstore.RemoveProfile(ctx, paths, id)
		if err != nil {
			return storeError(err)
		}
		removed = res.Removed
	}
	w := a.stdout()
	switch {
	case removed:
		fmt.Fprintf(w, "Removed %s from %s\n", what, authstore.SafeText(a.shown(w, paths.CredentialsFile())))
	case inStore:
		fmt.Fprintf(w, "%s was already gone from %s\n", shownID, authstore.SafeText(a.shown(w, paths.CredentialsFile())))
	}
	if inConfig {
		err := authstore.RemoveConfigProfile(paths, id)
		var nw *authstore.ConfigNotWritableError
		switch {
		case err == nil && !inStore:
			fmt.Fprintf(w, "Removed %s from auth.profiles in %s (it was not in the store)\n", shownID, authstore.SafeText(a.shown(w, paths.Config)))
		case err == nil:
			fmt.Fprintf(w, "Removed %s from auth.profiles in %s\n", shownID, authstore.SafeText(a.shown(w, paths.Config)))
		case errors.As(err, &nw):
			fmt.Fprintf(a.stderr(), "warning: config %s was left unchanged (%s); remove %q from auth.profiles yourself\n", authstore.SafeText(nw.Path), authstore.SafeText(nw.Err.Error()), id)
		default:
			return fmt.Errorf("%s was removed from the store, but not from the config: %w", shownID, err)
		}
	}
	for _, k := range sortedKeys(snap.Config.Order) {
		for _, x := range snap.Config.Order[k] {
			if x == id {
				fmt.Fprintf(a.stderr(), "note: the config's auth.order for %s still lists %s; edit %s to drop it\n", authstore.SafeText(k), shownID, authstore.SafeText(paths.Config))
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
