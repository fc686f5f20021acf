package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/views"
)

// addStep names a step of `models auth add`, for the form runner.
type addStep string

const (
	addStepMethod    addStep = "method"
	addStepName      addStep = "name"
	addStepReplace   addStep = "replace"
	addStepSecret    addStep = "secret"
	addStepPlacement addStep = "placement"
)

// runAddForm shows one step's form on the terminal. Tests replace it with a
// function that fills v as a user would.
var runAddForm = func(ctx context.Context, a *app, _ addStep, f *huh.Form, _ *views.AddValues) error {
	return f.WithInput(a.env.Stdin).WithOutput(a.env.Stdout).RunWithContext(ctx)
}

func (a *app) newAuthAddCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "add",
		Short: "Add a credential interactively: provider → method → details",
		Long: "Add a credential step by step: a Claude subscription (setup token), an Anthropic, OpenAI or\n" +
			"OpenRouter API key, or another provider's token. API keys can go to the auth store or to the\n" +
			"daemon's .env. A new profile is put first or last in its provider's order as you choose: when\n" +
			"the order is automatic and already puts it there, the order is left alone; otherwise the\n" +
			"provider's order override is written (from the config's auth.order when there is one).\n\n" +
			"Needs a terminal; from a script use `moltbot models auth paste-token`.",
		Args: noSecretArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runAdd(c.Context())
		},
	}
}

func (a *app) runAdd(ctx context.Context) error {
	pr := a.prompter()
	if !pr.interactive() || !a.env.IsTerminal(a.env.Stdout) {
		return errors.New("`models auth add` is interactive and needs a terminal; from a script, pipe the token in: `… | moltbot models auth paste-token --provider P`")
	}
	snap, err := a.load()
	if err != nil {
		return err
	}
	paths := snap.Paths
	now := a.env.Now()
	v := views.NewAddValues()
	run := func(step addStep, f *huh.Form) error {
		err := runAddForm(ctx, a, step, f, v)
		if errors.Is(err, huh.ErrUserAborted) || errors.Is(err, context.Canceled) {
			return errCancelled
		}
		return err
	}

	// A huh form clears itself when done: each answer is echoed as a line
	// so the user keeps seeing what was chosen.
	done := func(format string, args ...any) {
		fmt.Fprintf(a.env.Stderr, "✓ "+format+"\n", args...)
	}
	if err := run(addStepMethod, views.AddMethodForm(v)); err != nil {
		return err
	}
	done("%s", v.Choice().Label)
	for {
		if err := run(addStepName, views.AddNameForm(v)); err != nil {
			return err
		}
		old, exists := snap.Store.Profile(v.ProfileID())
		if !exists {
			break
		}
		v.Replace = false
		if err := run(addStepReplace, views.AddReplaceForm(v, describeProfile(old, now))); err != nil {
			return err
		}
		if v.Replace {
			break
		}
	}
	done("Profile %s", v.ProfileID())

	var capErr error
	if v.Method == views.AddSetupToken {
		v.Secret, capErr = a.captureToken(ctx, pr)
		if capErr != nil && !errors.Is(capErr, errPasteInstead) {
			return capErr
		}
	}
	if v.Method != views.AddSetupToken || capErr != nil {
		if err := run(addStepSecret, views.AddSecretForm(v)); err != nil {
			return err
		}
		if warn := views.KeyWarning(v.Method, v.Secret); warn != "" {
			fmt.Fprintln(a.env.Stderr, "warning: "+warn)
		}
	}
	// The form checked the secret already; this also covers a captured one.
	cred, err := v.Credential(a.env.Now())
	if err != nil {
		return err
	}
	what := strings.ToUpper(v.Choice().KeyName[:1]) + v.Choice().KeyName[1:]
	switch {
	case v.ToEnv():
		done("%s %s, for .env", what, authstore.Mask(cred.Secret))
	case cred.Expires > 0:
		done("%s %s, %s", what, authstore.Mask(cred.Secret), describeExpiry(cred.Expires, a.env.Now()))
	default:
		done("%s %s", what, authstore.Mask(cred.Secret))
	}

	if v.ToEnv() {
		if err := authstore.SetEnvVar(paths, v.EnvVar(), cred.Secret); err != nil {
			return fmt.Errorf("save %s in %s: %w", v.EnvVar(), paths.Env, err)
		}
		fmt.Fprintf(a.env.Stdout, "Saved %s (%s) in %s\n", v.EnvVar(), authstore.Mask(cred.Secret), a.shown(a.env.Stdout, paths.Env))
		fmt.Fprintln(a.env.Stdout, "Restart the gateway daemon so that it reads it. Check it with `moltbot models status`.")
		return nil
	}

	var others []string
	for _, p := range snap.Store.ProviderProfiles(cred.Provider) {
		if p.ID != cred.ID {
			others = append(others, p.ID)
		}
	}
	if len(others) > 0 {
		if err := run(addStepPlacement, views.AddPlacementForm(v, others)); err != nil {
			return err
		}
		where := "first"
		if v.Placement == authstore.PlaceLast {
			where = "last"
		}
		done("Tried %s among the %s profiles", where, cred.Provider)
	}

	var opt authstore.SaveOptions
	if len(others) > 0 {
		opt.Place = &v.Placement
	}
	res, err := authstore.SaveCredential(ctx, paths, cred, opt)
	if err != nil {
		return storeError(err)
	}
	verb := "Saved"
	if res.Replaced {
		verb = "Replaced"
	}
	fmt.Fprintf(a.stdout(), "%s %s (%s) in %s\n", verb, cred.ID, describeProfile(res.Profile, now), authstore.SafeText(a.shown(a.env.Stdout, paths.Store)))
	if res.Placed {
		fmt.Fprintf(a.stdout(), "Order override for %s: %s\n", cred.Provider, authstore.ListIDs(res.Override, 0))
	}
	if err := a.saveConfigProfile(paths, cred.ID, cred.Provider, cred.Type); err != nil {
		return err
	}
	if final, err := a.loadSnapshot(paths); err == nil {
		eo := final.EffectiveOrder(cred.Provider, now)
		fmt.Fprintf(a.stdout(), "The gateway tries %s profiles in this order (%s): %s\n", cred.Provider, eo.Source, authstore.ListIDs(eo.IDs, 0))
		for _, note := range orderNotes(final, cred.Provider, cred.ID, now) {
			fmt.Fprintln(a.stderr(), note)
		}
	}
	fmt.Fprintln(a.env.Stdout, "Check it with `moltbot models status`.")
	return nil
}
