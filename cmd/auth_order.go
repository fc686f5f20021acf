package cmd

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/jsondoc"
	"github.com/moltbot/moltbot/views"
)

func (a *app) newAuthOrderCommand() *cobra.Command {
	var provider string
	var asJSON bool
	order := &cobra.Command{
		Use:                   "order",
		DisableFlagsInUseLine: true,
		Short:                 "Show, set or clear a provider's profile order override",
		Long: "The order override (the store's \"order\") says which of a provider's profiles the gateway\n" +
			"tries first. Without one the config's auth.order applies, else an automatic rule (OAuth, then\n" +
			"tokens, then API keys, least recently used first).",
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return c.Help()
			}
			return unknownSubcommand(c, args[0])
		},
	}
	get := &cobra.Command{
		Use:                   "get --provider P [--json]",
		DisableFlagsInUseLine: true,
		Short:                 "Show the order override and the order the gateway will use",
		Args:                  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runOrderGet(provider, asJSON)
		},
	}
	get.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	set := &cobra.Command{
		Use:                   "set --provider P ID [ID…]",
		DisableFlagsInUseLine: true,
		Short:                 "Set the order override: the gateway tries these profiles, in this order, and no others",
		Example:               "  moltbot models auth order set --provider anthropic anthropic:work anthropic:default",
		Args:                  cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return a.runOrderSet(c.Context(), provider, args)
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
	clear := &cobra.Command{
		Use:                   "clear --provider P",
		DisableFlagsInUseLine: true,
		Short:                 "Remove the order override (the config order or the automatic rule applies again)",
		Args:                  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runOrderClear(c.Context(), provider)
		},
	}
	markWrites(set, "always")
	markWrites(clear, "always")
	for _, c := range []*cobra.Command{get, set, clear} {
		c.Flags().StringVar(&provider, "provider", "", "provider id, e.g. anthropic (required)")
		_ = c.RegisterFlagCompletionFunc("provider", a.completeProviders)
		order.AddCommand(c)
	}
	return order
}

// orderProvider checks --provider.
func orderProvider(raw string) (string, error) {
	if err := refuseSecretFlag("provider", raw, "a provider id such as anthropic"); err != nil {
		return "", err
	}
	p := authstore.NormalizeProvider(raw)
	if p == "" {
		return "", usageError("missing --provider: say whose order, e.g. --provider anthropic")
	}
	return p, nil
}

// orderFallback says what applies without an override, as the gateway
// puts it; limit caps the config's list as authstore.ListIDs does.
func orderFallback(snap authstore.Snapshot, provider string, limit int) string {
	if ids, _ := snap.Config.OrderFor(provider); len(ids) > 0 {
		return "using order from config: " + authstore.ListIDs(ids, limit)
	} else if ids != nil {
		return "config selects no profiles"
	}
	return "selecting automatically"
}

func (a *app) runOrderGet(rawProvider string, asJSON bool) error {
	provider, err := orderProvider(rawProvider)
	if err != nil {
		return err
	}
	snap, err := a.load()
	if err != nil {
		return err
	}
	a.warnUnknownProvider(snap, provider)
	paths := snap.Paths
	now := a.env.Now()
	override, hasOverride := snap.Store.OrderOverride(provider)
	eo := snap.EffectiveOrder(provider, now)
	if asJSON {
		_ = jsondoc.WriteOrderGet(a.env.Stdout, snap, provider, eo)
		return nil
	}
	// `order get` is where the whole order is read: its lists are not cut.
	w := a.stdout()
	fmt.Fprintf(w, "Agent: %s\nProvider: %s\nAuth file: %s\n", authstore.SafeText(agentLabel(paths)), provider, authstore.SafeText(a.shown(w, paths.OrderFile())))
	if hasOverride && len(override) > 0 {
		fmt.Fprintf(w, "Order override: %s\n", authstore.ListIDs(override, -1))
	} else {
		fmt.Fprintf(w, "Order override: (none; %s)\n", orderFallback(snap, provider, -1))
	}
	writeEffective(w, eo, -1)
	return nil
}

// writeEffective prints the order the gateway will use and what it leaves
// out, each id made safe. limit caps the lists as authstore.ListIDs does
// (0: a message's few; -1: all of them).
func writeEffective(w io.Writer, eo authstore.EffectiveOrder, limit int) {
	if len(eo.IDs) == 0 {
		fmt.Fprintf(w, "Effective order (%s): no usable profile\n", eo.Source)
	} else {
		fmt.Fprintf(w, "Effective order (%s): %s\n", eo.Source, authstore.ListIDs(eo.IDs, limit))
	}
	n := len(eo.Excluded)
	if limit == 0 {
		n = min(n, authstore.MaxListedIDs)
	}
	for _, ex := range eo.Excluded[:n] {
		fmt.Fprintf(w, "  left out: %s (%s)\n", authstore.SafeText(ex.ID), authstore.SafeText(ex.Reason))
	}
	if rest := len(eo.Excluded) - n; rest > 0 {
		fmt.Fprintf(w, "  … and %s more left out (`moltbot models auth order get --provider %s` lists them all)\n", authstore.Thousands(rest), eo.Provider)
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// profileIDs lists ids for an error message ("(none)" when empty), at most
// authstore.MaxListedIDs of them.
func profileIDs(ids []string) string { return authstore.ListIDs(ids, 0) }

func (a *app) runOrderSet(ctx context.Context, rawProvider string, args []string) error {
	provider, err := orderProvider(rawProvider)
	if err != nil {
		return err
	}
	var ids []string
	seen := map[string]bool{}
	for _, arg := range args {
		id := strings.TrimSpace(arg)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return usageError("missing profile ids: give the %s profiles in the order the gateway should try them (see `moltbot models auth order get --provider %s`)", provider, provider)
	}
	paths, err := a.paths()
	if err != nil {
		return err
	}
	if err := writeRefusal(paths); err != nil {
		return err
	}
	// Check first without the lock, so that a bad id touches nothing at
	// all; SetOrder checks again inside its transaction, so that a profile
	// removed meanwhile is caught too.
	before, err := a.loadSnapshot(paths)
	if err != nil {
		return err
	}
	if err := refuseUnknownProvider(before, provider, false); err != nil {
		return err
	}
	if err := authstore.CheckOrderIDs(before, provider, ids); err != nil {
		return err
	}
	res, err := authstore.SetOrder(ctx, paths, provider, ids)
	if err != nil {
		return storeError(err)
	}
	w := a.stdout()
	now := a.env.Now()
	fmt.Fprintf(w, "Agent: %s\nProvider: %s\nOrder override: %s\n", authstore.SafeText(agentLabel(paths)), provider, authstore.ListIDs(res.After.IDs, 0))
	writeEffective(w, res.Snapshot.EffectiveOrder(provider, now), 0)
	for _, n := range res.Snapshot.OrderNotes(provider, ids, now) {
		fmt.Fprintf(a.stderr(), "note: %s\n", views.OrderNoteText(n, now))
	}
	return nil
}

func (a *app) runOrderClear(ctx context.Context, rawProvider string) error {
	provider, err := orderProvider(rawProvider)
	if err != nil {
		return err
	}
	snap, err := a.loadForWrite()
	if err != nil {
		return err
	}
	if err := refuseUnknownProvider(snap, provider, false); err != nil {
		return err
	}
	paths := snap.Paths
	cleared := false
	if _, ok := snap.Store.OrderOverride(provider); ok {
		res, err := authstore.ClearOrder(ctx, paths, provider)
		if err != nil {
			return storeError(err)
		}
		snap, cleared = res.Snapshot, res.Changed()
	}
	w := a.stdout()
	fmt.Fprintf(w, "Agent: %s\nProvider: %s\n", authstore.SafeText(agentLabel(paths)), provider)
	if cleared {
		fmt.Fprintf(w, "Cleared per-agent order override; %s.\n", orderFallback(snap, provider, 0))
	} else {
		fmt.Fprintf(w, "No order override to clear; %s.\n", orderFallback(snap, provider, 0))
	}
	writeEffective(w, snap.EffectiveOrder(provider, a.env.Now()), 0)
	return nil
}
