package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
)

// `moltbot models auth copy ID --to-agent A[,B]`: the same credential in
// other agents (authstore.CopyProfile), for users who run several agents
// and keep them in sync. No gateway has it.

type copyOptions struct {
	to    []string
	place string
	force bool
}

func (a *app) newAuthCopyCommand() *cobra.Command {
	var o copyOptions
	c := &cobra.Command{
		Use:                   "copy ID --to-agent A[,B…] [--place first|last] [--force]",
		DisableFlagsInUseLine: true,
		Short:                 "Copy a profile to other agents: same id, same credential",
		Long: "Copy the auth profile ID of this agent (--agent, default main) to each agent of --to-agent:\n" +
			"the same id and type, with its secret, expiry, email and every other field (not its usage\n" +
			"stats). Each agent is written in one transaction from a fresh read of its own store.\n\n" +
			"An agent that already holds the same credential is left as it is (\"already there\"). One that\n" +
			"holds a different credential at that id is not overwritten unless --force is given; then, or\n" +
			"when an agent cannot be read, no agent is written at all. The agents' orders are left alone\n" +
			"unless --place puts the copy first or last. The config is one file for every agent, so its\n" +
			"auth.profiles entry for ID (if any) already applies to the copies: it is not changed.",
		Example: "  moltbot models auth copy anthropic:work --to-agent ops,home\n" +
			"  moltbot --agent ops models auth copy openai:default --to-agent main --place first --force",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError("copy takes exactly one profile id (see `moltbot models status` for the ids)")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			return a.runCopy(c.Context(), strings.TrimSpace(args[0]), o)
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return a.completeProfileIDs("")
		},
	}
	f := c.Flags()
	f.StringSliceVar(&o.to, "to-agent", nil, "agents to copy to, comma-separated or repeated (required)")
	f.StringVar(&o.place, "place", "", "also put the copy first or last in its provider's order in each agent")
	f.BoolVar(&o.force, "force", false, "replace a different credential that an agent holds at the same id")
	_ = c.RegisterFlagCompletionFunc("to-agent", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		paths, err := a.paths()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return authstore.KnownAgents(paths), cobra.ShellCompDirectiveNoFileComp
	})
	_ = c.RegisterFlagCompletionFunc("place", cobra.FixedCompletions([]string{"first", "last"}, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func (a *app) runCopy(ctx context.Context, id string, o copyOptions) error {
	if secretLike(id) {
		return usageError("copy takes a profile id, not a secret (the argument was not shown); see `moltbot models status` for the ids")
	}
	var opt authstore.CopyOptions
	switch strings.ToLower(strings.TrimSpace(o.place)) {
	case "":
	case "first":
		opt.Place = new(authstore.PlaceFirst)
	case "last":
		opt.Place = new(authstore.PlaceLast)
	default:
		return usageError("--place takes first or last, not %s", argText(o.place))
	}
	opt.Force = o.force
	from, err := a.paths()
	if err != nil {
		return err
	}
	var names []string
	for _, v := range o.to {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" && !containsString(names, v) {
			names = append(names, v)
		}
	}
	if len(names) == 0 {
		return usageError("missing --to-agent: say which agents get the copy, e.g. --to-agent work,home")
	}
	known := authstore.KnownAgents(from)
	var to []authstore.Paths
	for _, name := range names {
		if err := refuseSecretFlag("to-agent", name, "agent ids such as main or work"); err != nil {
			return err
		}
		p, err := from.ForAgent(name)
		if err != nil {
			return usageError("--to-agent: %v", err)
		}
		if p.SameAgent(from) {
			return usageError("--to-agent %s is the agent the profile is copied from (--agent %s); name the other agents", argText(name), authstore.SafeText(agentLabel(from)))
		}
		if !containsString(known, name) {
			return fmt.Errorf("no agent %s here%s: the agents are %s; nothing was copied", argText(name), authstore.DidYouMean(name, known), authstore.ListIDs(known, 0))
		}
		to = append(to, p)
	}
	res, err := authstore.CopyProfile(ctx, from, id, to, opt)
	if err != nil {
		return storeError(err)
	}
	w := a.stdout()
	now := a.env.Now()
	fmt.Fprintf(w, "Copying %s (%s) from agent %s\n", authstore.SafeText(id), describeProfile(res.Profile, now), authstore.SafeText(agentLabel(from)))
	width := 0
	for _, t := range res.Targets {
		width = max(width, len(agentLabel(t.Paths)))
	}
	for _, t := range res.Targets {
		fmt.Fprintf(w, "  %-*s  %s\n", width, authstore.SafeText(agentLabel(t.Paths)), a.copyLine(w, from, res.Profile, t, opt, now))
	}
	return copyError(id, res)
}

// copyLine says what happened in one target.
func (a *app) copyLine(w io.Writer, from authstore.Paths, p authstore.Profile, t authstore.CopyTarget, opt authstore.CopyOptions, now time.Time) string {
	store := authstore.SafeText(a.shown(w, t.Paths.Store))
	if t.Paths.Gateway.Generation == authstore.GenSQLite {
		store = authstore.SafeText(a.shown(w, t.Paths.AgentDir)) + " (SQLite)"
	}
	placed := ""
	if opt.Place != nil {
		where := map[authstore.Placement]string{authstore.PlaceFirst: "first", authstore.PlaceLast: "last"}[*opt.Place]
		if t.Placed {
			placed = fmt.Sprintf("; %s in its %s order override", where, authstore.SafeText(authstore.NormalizeProvider(p.Provider)))
		} else {
			placed = fmt.Sprintf("; the %s order already tries it %s", authstore.SafeText(authstore.NormalizeProvider(p.Provider)), where)
		}
	}
	switch t.Outcome {
	case authstore.CopyWritten:
		return "copied into " + store + placed
	case authstore.CopyReplaced:
		line := fmt.Sprintf("replaced a different %s (%s) in %s", authstore.SafeText(p.ID), describeProfile(t.Existing, now), store)
		if t.UsageReset {
			line += "; its usage stats were reset"
		}
		return line + placed
	case authstore.CopyAlready:
		if g := t.Paths.Gateway; g.Generation == authstore.GenSQLite && g.Shared && from.AgentID == authstore.DefaultAgent {
			return "already there (every agent also sees the main agent's shared profiles); nothing written"
		}
		return "already there (the same credential); nothing written"
	case authstore.CopyConflict:
		return fmt.Sprintf("not copied: it holds a different %s (%s)", authstore.SafeText(p.ID), describeProfile(t.Existing, now))
	case authstore.CopyFailed:
		return "not copied: " + authstore.SafeText(t.Err.Error())
	}
	return "not copied (another agent refused it, so nothing was written)"
}

// copyError is the command's one error line when a target did not get the
// copy: why, and whether anything was written elsewhere.
func copyError(id string, res authstore.CopyResult) error {
	if !res.Refused() {
		return nil
	}
	var conflicts, failed, wrote []string
	for _, t := range res.Targets {
		switch {
		case t.Outcome == authstore.CopyConflict:
			conflicts = append(conflicts, agentLabel(t.Paths))
		case t.Outcome == authstore.CopyFailed:
			failed = append(failed, agentLabel(t.Paths))
		case t.Wrote():
			wrote = append(wrote, agentLabel(t.Paths))
		}
	}
	outcome := "nothing was copied"
	if len(wrote) > 0 {
		outcome = "copied to " + strings.Join(wrote, ", ") + " only"
	}
	var parts []string
	if len(conflicts) > 0 {
		verb := "agent " + conflicts[0] + " holds"
		if len(conflicts) > 1 {
			verb = "agents " + strings.Join(conflicts, ", ") + " hold"
		}
		parts = append(parts, fmt.Sprintf("%s a different %s (pass --force to replace it)", verb, authstore.SafeText(id)))
	}
	if len(failed) > 0 {
		parts = append(parts, "could not copy to "+strings.Join(failed, ", ")+" (see above)")
	}
	return errors.New(strings.Join(parts, "; ") + "; " + outcome)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
