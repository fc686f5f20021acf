package cmd

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
)

// A misspelt --agent or --provider names nothing: left alone, a read shows
// "No credentials yet" or "no usable profile" for it and a write makes
// something nobody will use. So a name nothing knows is an error for a
// command that writes (exit 1, nothing changed: like an unknown profile
// id, it is a name the files do not have, not a malformed command line)
// and a warning for one that reads; both say "did you mean …" when a known
// name is close.

// writesAnnotation marks a command that changes files: "always", or the
// name of the bool flag that makes it write ("fix" for doctor --fix).
const writesAnnotation = "moltbot.writes"

// markWrites records on c that it changes files (when is "always" or the
// bool flag that makes it write).
func markWrites(c *cobra.Command, when string) *cobra.Command {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[writesAnnotation] = when
	return c
}

// writes reports whether c, as called, may change files: the dashboard (it
// reorders, adds, removes) on a terminal, and the commands marked so.
func (a *app) writes(c *cobra.Command) bool {
	if c == c.Root() {
		return a.env.IsTerminal != nil && a.env.IsTerminal(a.env.Stdout)
	}
	switch when := c.Annotations[writesAnnotation]; when {
	case "":
		return false
	case "always":
		return true
	default:
		on, _ := c.Flags().GetBool(when)
		return on
	}
}

// checkAgentFlag runs before every command: an --agent that names no agent
// of this gateway is refused when the command writes, and warned about when
// it reads.
func (a *app) checkAgentFlag(c *cobra.Command) error {
	if strings.TrimSpace(a.agent) == "" || strings.HasPrefix(c.Name(), "__") || c.Name() == "completion" || c.Name() == "help" {
		return nil
	}
	paths, err := a.paths()
	if err != nil {
		return err
	}
	known := authstore.KnownAgents(paths)
	id := strings.ToLower(strings.TrimSpace(a.agent))
	for _, k := range known {
		if k == id {
			return nil
		}
	}
	what := fmt.Sprintf("no agent %s here%s: the agents are %s (the config's agents list and the directories in %s)",
		argText(id), authstore.DidYouMean(id, known), authstore.ListIDs(known, 0), a.shown(a.env.Stderr, filepath.Join(paths.StateDir, "agents")))
	if a.writes(c) {
		return fmt.Errorf("%s; nothing was changed", what)
	}
	fmt.Fprintf(a.stderr(), "warning: %s\n", what)
	return nil
}

// unknownProvider says that provider names nothing snap knows, or "" when
// something does (see authstore.Snapshot.KnowsProvider).
func unknownProvider(snap authstore.Snapshot, provider string) string {
	if snap.KnowsProvider(provider) {
		return ""
	}
	return fmt.Sprintf("unknown provider %s%s: no profile, config entry or environment key names it, and it is not one moltbot knows",
		argText(provider), authstore.DidYouMean(provider, snap.Providers()))
}

// warnUnknownProvider is a reading command's check of --provider: a
// warning on stderr, and the command goes on.
func (a *app) warnUnknownProvider(snap authstore.Snapshot, provider string) {
	if why := unknownProvider(snap, provider); why != "" {
		fmt.Fprintf(a.stderr(), "warning: %s\n", why)
	}
}

// refuseUnknownProvider is a writing command's check of --provider: an
// error (exit 1), nothing changed. adds says the command adds a credential
// of the provider: then the error also says how a provider moltbot does not
// know yet becomes known (the gateway needs to know it too).
func refuseUnknownProvider(snap authstore.Snapshot, provider string, adds bool) error {
	why := unknownProvider(snap, provider)
	if why == "" {
		return nil
	}
	if adds {
		return fmt.Errorf("%s; nothing was saved (if the spelling is right, configure the provider first: a model %s in the config's agents.defaults.model, or models.providers.%s)",
			why, argText(provider+"/…"), provider)
	}
	return fmt.Errorf("%s; nothing was changed", why)
}
