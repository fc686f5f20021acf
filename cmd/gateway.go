package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
)

// This file is how the gateway shows up on the command line: the
// --state-dir and --gateway flags (moltbot's own MOLTBOT_STATE_DIR and
// MOLTBOT_GATEWAY, which authstore reads), and the refusal every write
// command gives, before it asks for anything, when moltbot must not write
// (a migration is pending, or nothing says which gateway this is).

// generationNames are --gateway's values, oldest first, with what each
// means for its completion.
var generationNames = []struct {
	gen  authstore.Generation
	what string
}{
	{authstore.GenClawdbot, "clawdbot 2026.1, openclaw 2026.1.29–2.12: auth-profiles.json, lock directory"},
	{authstore.GenOpenclawJSON, "openclaw 2026.2.17–4.5: auth-profiles.json, lock file"},
	{authstore.GenSplitJSON, "openclaw 2026.4.7–6.1: auth-profiles.json + auth-state.json"},
	{authstore.GenSQLite, "openclaw 2026.6.5 and later: SQLite"},
}

// generationList is "clawdbot, openclaw-json, openclaw-split or
// openclaw-sqlite".
func generationList(sep, last string) string {
	names := make([]string, len(generationNames))
	for i, g := range generationNames {
		names[i] = g.gen.String()
	}
	return strings.Join(names[:len(names)-1], sep) + last + names[len(names)-1]
}

// gatewayFlag is --gateway: one of the generations' names (a wrong one is
// a usage error when the flags are parsed).
type gatewayFlag struct{ value string }

func (f *gatewayFlag) String() string { return f.value }
func (f *gatewayFlag) Type() string   { return "name" }

func (f *gatewayFlag) Set(s string) error {
	gen, ok := authstore.ParseGeneration(s)
	if !ok {
		return fmt.Errorf("unknown gateway %s: use %s", argText(s), generationList(", ", " or "))
	}
	f.value = gen.String()
	return nil
}

// stateDirFlag is --state-dir: a directory, not empty.
type stateDirFlag struct{ value string }

func (f *stateDirFlag) String() string { return f.value }
func (f *stateDirFlag) Type() string   { return "dir" }

func (f *stateDirFlag) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("the state directory is empty: give the gateway's state dir, e.g. ~/.openclaw")
	}
	f.value = s
	return nil
}

// addGatewayFlags adds --state-dir and --gateway to root, for every
// command, with completion.
func (a *app) addGatewayFlags(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.Var(&a.stateDir, "state-dir", "the gateway's state directory (default: as the gateway finds it; $MOLTBOT_STATE_DIR)")
	pf.Var(&a.gateway, "gateway", "which gateway wrote the files, when detection cannot tell: "+generationList("|", "|")+" ($MOLTBOT_GATEWAY)")
	_ = root.RegisterFlagCompletionFunc("gateway", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		out := make([]string, len(generationNames))
		for i, g := range generationNames {
			out[i] = g.gen.String() + "\t" + g.what
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	_ = root.MarkPersistentFlagDirname("state-dir")
}

// withFlags is getenv with the flags' values in place of
// MOLTBOT_STATE_DIR and MOLTBOT_GATEWAY, which is how authstore learns
// them (a flag wins over the variable). It reads the flags when called, so
// it works for completion too, which runs no hooks.
func (a *app) withFlags(getenv func(string) string) func(string) string {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return func(k string) string {
		switch {
		case k == "MOLTBOT_STATE_DIR" && a.stateDir.value != "":
			return a.stateDir.value
		case k == "MOLTBOT_GATEWAY" && a.gateway.value != "":
			return a.gateway.value
		}
		return getenv(k)
	}
}

// checkGatewayEnv refuses a MOLTBOT_GATEWAY that names no generation
// (authstore would ignore it, and detect instead of doing as told).
func (a *app) checkGatewayEnv() error {
	v := strings.TrimSpace(a.env.Getenv("MOLTBOT_GATEWAY"))
	if v == "" {
		return nil
	}
	if _, ok := authstore.ParseGeneration(v); !ok {
		return usageError("MOLTBOT_GATEWAY=%s names no gateway: use %s, or unset it to detect", argText(v), generationList(", ", " or "))
	}
	return nil
}

// unknownGatewayError is the refusal to write in a state dir where nothing
// says which gateway the files are for: what is missing and the two ways
// out. It is authstore.ErrUnknownGateway for errors.Is.
type unknownGatewayError struct{ stateDir string }

func (e *unknownGatewayError) Error() string {
	return fmt.Sprintf("no gateway files in %s yet, so moltbot cannot tell which gateway to write for and writes nothing: run the gateway once (e.g. `openclaw models status`), or name it with --gateway %s (or MOLTBOT_GATEWAY)",
		e.stateDir, generationList("|", "|"))
}

func (e *unknownGatewayError) Unwrap() error { return authstore.ErrUnknownGateway }

// writeRefusal is why nothing may be written to paths' files now, or nil:
// a migration between gateway generations is pending (openclaw's doctor
// does it; moltbot never does), or nothing says which gateway this is.
// Every write command asks it before it asks the user for anything.
func writeRefusal(paths authstore.Paths) error {
	g := paths.Gateway
	switch {
	case g.Pending != nil:
		return &authstore.MigrationPendingError{Migration: *g.Pending}
	case g.Generation == authstore.GenUnknown:
		return &unknownGatewayError{stateDir: paths.StateDir}
	}
	return nil
}

// gatewayError words a write refused by authstore for the gateway's sake
// as writeRefusal does (the state dir named).
func gatewayError(paths authstore.Paths, err error) error {
	if errors.Is(err, authstore.ErrUnknownGateway) {
		var ue *unknownGatewayError
		if !errors.As(err, &ue) {
			return &unknownGatewayError{stateDir: paths.StateDir}
		}
	}
	return err
}

// loadForWrite resolves this invocation's paths and reads the agent's
// files for a command that writes, refusing first (writeRefusal) when
// nothing may be written there: before anything is asked.
func (a *app) loadForWrite() (authstore.Snapshot, error) {
	paths, err := a.paths()
	if err != nil {
		return authstore.Snapshot{}, err
	}
	if err := writeRefusal(paths); err != nil {
		return authstore.Snapshot{}, err
	}
	return a.loadSnapshot(paths)
}

// checkGateway is doctor's "gateway" check: which gateway release and
// generation the files belong to and exactly how moltbot decided (its
// details); a warning when it had to guess, with how to confirm; a
// failure when moltbot must write nothing (a pending migration, or a state
// dir that says nothing yet), with what to run.
func checkGateway(paths authstore.Paths) doctorCheck {
	g := paths.Gateway
	c := doctorCheck{ID: "gateway", Details: append([]string(nil), g.How...)}
	name := g.Describe()
	switch {
	case g.Pending != nil:
		c.Problems = append(c.Problems, doctorProblem{verdictFail,
			name + ": migration pending: " + g.Pending.Reason + "; moltbot never migrates between gateway generations and writes nothing here until then",
			g.Pending.Command, false})
	case g.Generation == authstore.GenUnknown:
		c.Problems = append(c.Problems, doctorProblem{verdictFail,
			"no gateway files in " + paths.StateDir + " yet (no store, database or config version): moltbot cannot tell which gateway this is, and writes nothing here until it can",
			"run the gateway once (e.g. `openclaw models status`), or name it: moltbot --gateway " + generationList("|", "|") + " … (or MOLTBOT_GATEWAY)", false})
	case paths.Doubt() == authstore.DoubtNoVersion:
		c.Problems = append(c.Problems, doctorProblem{verdictWarn,
			name + ": no version to go by (the config has no meta.lastTouchedVersion), so moltbot treats the store as clawdbot's or openclaw's up to 2026.6.1 (state inline, a lock file), which each of them reads",
			"check with `openclaw --version` (or `clawdbot --version`), then name it with --gateway " + generationList("|", "|") + " (or MOLTBOT_GATEWAY)", false})
	case paths.Doubt() == authstore.DoubtInstalledOnly:
		c.Problems = append(c.Problems, doctorProblem{verdictWarn,
			name + ": taken from the gateway installed on $PATH, as " + paths.StateDir + " has no gateway files yet to confirm it",
			"if the gateway that runs is another install, name it with --gateway " + generationList("|", "|") + " (or MOLTBOT_GATEWAY)", false})
	}
	return finish(c, name, "")
}
