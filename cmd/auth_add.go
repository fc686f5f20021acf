package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/tui"
	"github.com/moltbot/moltbot/views"
)

// runAddForm shows one step's form on the terminal, in the wizard's theme:
// nil once answered, views.ErrAddBack for esc on its first question. Tests
// replace it with a function that fills v as a user would.
var runAddForm = func(ctx context.Context, a *app, _ views.AddStepID, sf views.StepForm, _ *views.AddValues) error {
	theme := tui.NewTheme(a.renderer()).Views.Wizard.Form
	return views.RunAddStep(ctx, sf, addKeys(), theme, a.env.Stdin, a.env.Stdout)
}

// addKeys are the wizard's keys, which `models auth add` shares.
func addKeys() views.WizardKeys { return tui.DefaultKeys().Views.Wizard }

func (a *app) newAuthAddCommand() *cobra.Command {
	keys := addKeys()
	return &cobra.Command{
		Use:   "add",
		Short: "Add a credential interactively: provider → method → details",
		Long: "Add a credential step by step, as `moltbot onboard` does: a Claude subscription (setup token),\n" +
			"an Anthropic, OpenAI or OpenRouter API key, or another provider's token. API keys can go to the\n" +
			"auth store or to the daemon's .env. A new profile is put first or last in its provider's order as\n" +
			"you choose: when the order is automatic and already puts it there, the order is left alone;\n" +
			"otherwise the provider's order override is written (from the config's auth.order when there is\n" +
			"one). " + keys.Back.Help().Key + " goes back a step; " + keys.Quit.Help().Key + " leaves with nothing written.\n\n" +
			"Needs a terminal; from a script use `moltbot models auth paste-api-key` for an API key,\n" +
			"`moltbot models auth paste-token` for a token.",
		Args: noSecretArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runAdd(c.Context())
		},
	}
}

// runAdd walks the add flow (views.AddSteps, the same steps as the
// wizard's) on the terminal: each step's form in turn, `claude
// setup-token` for a subscription, then the write.
func (a *app) runAdd(ctx context.Context) error {
	pr := a.prompter()
	if !pr.interactive() || !a.env.IsTerminal(a.env.Stdout) {
		return errors.New("`models auth add` is interactive and needs a terminal; from a script, pipe the secret in: an API key to `moltbot models auth paste-api-key --provider P`, a token to `moltbot models auth paste-token --provider P`")
	}
	snap, err := a.loadForWrite()
	if err != nil {
		return err
	}
	paths := snap.Paths
	v := views.NewAddValues()
	flow := views.NewAddFlow(v, snap, a.env.Now())
	quitKey := addKeys().Quit.Help().Key

	// A form clears itself when done: each answer is echoed as a line so
	// the user keeps seeing what was chosen.
	var echoed []string
	echo := func() {
		lines := flow.Echoes()
		for i, l := range lines {
			if i >= len(echoed) || echoed[i] != l {
				fmt.Fprintln(a.env.Stderr, "✓ "+l)
			}
		}
		echoed = lines
	}
	for {
		step := flow.Step()
		switch step.ID {
		case views.StepSave:
			return a.saveAdd(ctx, flow, paths)
		case views.StepLogin:
			tok, err := a.captureToken(ctx, pr)
			switch {
			case errors.Is(err, errPasteInstead):
				v.Paste = true
			case err != nil:
				return err
			default:
				v.Secret, v.Paste, v.IssuedAt = tok, false, a.env.Now()
			}
		default:
			err := runAddForm(ctx, a, step.ID, flow.Form(quitKey), v)
			switch {
			case errors.Is(err, views.ErrAddBack):
				if !addBack(flow) {
					return errCancelled // esc on the first step
				}
				continue
			case errors.Is(err, huh.ErrUserAborted) || errors.Is(err, context.Canceled):
				return errCancelled
			case err != nil:
				return err
			}
			if step.Lookup {
				fresh, err := a.loadSnapshot(paths)
				if err != nil {
					return err
				}
				flow.SetStore(fresh, a.env.Now())
			}
		}
		fwd, err := flow.Next()
		if err != nil {
			return err // the form checked it already; this also covers a captured token
		}
		if !fwd {
			continue
		}
		echo()
		if step.ID == views.StepSecret || step.ID == views.StepLogin && !v.Paste {
			a.echoSecret(v)
		}
	}
}

// addBack goes to the step before, past the sign-in (going back to it
// would run claude again); false on the first step.
func addBack(flow *views.AddFlow) bool {
	for flow.Back() {
		if flow.Step().ID != views.StepLogin {
			return true
		}
	}
	return false
}

// echoSecret repeats the secret just given, masked.
func (a *app) echoSecret(v *views.AddValues) {
	cred, err := v.Credential(a.env.Now())
	if err != nil {
		return
	}
	what := strings.ToUpper(v.Choice().KeyName[:1]) + v.Choice().KeyName[1:]
	switch {
	case v.ToEnv():
		fmt.Fprintf(a.env.Stderr, "✓ %s %s, for .env\n", what, authstore.Mask(cred.Secret))
	case cred.Expires > 0:
		fmt.Fprintf(a.env.Stderr, "✓ %s %s, %s\n", what, authstore.Mask(cred.Secret), describeExpiry(cred.Expires, a.env.Now()))
	default:
		fmt.Fprintf(a.env.Stderr, "✓ %s %s\n", what, authstore.Mask(cred.Secret))
	}
}

// saveAdd writes what the flow's answers say (views.AddPlan, as the
// wizard does) and reports it.
func (a *app) saveAdd(ctx context.Context, flow *views.AddFlow, paths authstore.Paths) error {
	now := a.env.Now()
	plan, err := flow.Plan(now)
	if err != nil {
		return err
	}
	cred := plan.Credential
	written, err := plan.Write(ctx, paths)
	if plan.EnvVar != "" {
		if err != nil {
			return fmt.Errorf("save %s in %s: %w", plan.EnvVar, paths.Env, err)
		}
		fmt.Fprintf(a.env.Stdout, "Saved %s (%s) in %s\n", plan.EnvVar, authstore.Mask(cred.Secret), a.shown(a.env.Stdout, paths.Env))
		fmt.Fprintln(a.env.Stdout, "Restart the gateway daemon so that it reads it. Check it with `moltbot models status`.")
		return nil
	}
	if err != nil {
		return storeError(err)
	}
	res := written.Saved
	verb := "Saved"
	if res.Replaced {
		verb = "Replaced"
	}
	fmt.Fprintf(a.stdout(), "%s %s (%s) in %s\n", verb, cred.ID, describeProfile(res.Profile, now), authstore.SafeText(a.shown(a.env.Stdout, paths.CredentialsFile())))
	if res.Placed {
		fmt.Fprintf(a.stdout(), "Order override for %s: %s\n", cred.Provider, authstore.ListIDs(res.Override, 0))
	}
	if err := a.configProfileSaved(paths, cred.ID, cred.Type, written.ConfigErr); err != nil {
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
