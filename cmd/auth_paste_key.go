package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
)

// `moltbot models auth paste-api-key`: openclaw's command (2026.6.1 and
// later) for scripts, beside paste-token. Same flags as openclaw's, same
// default id (<provider>:manual), the config's auth.profiles entry with
// mode api_key; the key is checked as the wizard checks it
// (authstore.CheckAPIKey).

type pasteAPIKeyOptions struct {
	provider, profileID string
}

func (a *app) newPasteAPIKeyCommand() *cobra.Command {
	var o pasteAPIKeyOptions
	c := &cobra.Command{
		Use:                   "paste-api-key --provider P [--profile-id ID]",
		DisableFlagsInUseLine: true,
		Short:                 "Save an API key read from stdin or a hidden prompt",
		Long: "Save a provider's API key as an \"api_key\" auth profile (default id <provider>:manual, as\n" +
			"openclaw's paste-api-key) and record it in the config's auth.profiles (mode api_key).\n\n" +
			"The key is read from stdin when it is piped in, otherwise from a hidden prompt; it is never\n" +
			"taken from an argument. It is checked as the wizard checks it: one that cannot be a key of\n" +
			"the provider (an Anthropic key cut short or for another provider, a setup token) is refused;\n" +
			"one that merely looks unusual is saved with a warning. For a Claude setup token use\n" +
			"paste-token or setup-token.",
		Example: "  printf '%s\\n' \"$OPENAI_API_KEY\" | moltbot models auth paste-api-key --provider openai\n" +
			"  moltbot models auth paste-api-key --provider anthropic --profile-id anthropic:work",
		Args: noSecretArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runPasteAPIKey(c.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.provider, "provider", "", "provider id, e.g. anthropic, openai, openrouter (required)")
	f.StringVar(&o.profileID, "profile-id", "", "profile id to write (default <provider>:manual)")
	_ = c.RegisterFlagCompletionFunc("provider", a.completeProviders)
	return c
}

func (a *app) runPasteAPIKey(ctx context.Context, o pasteAPIKeyOptions) error {
	provider, id, err := pasteTarget(o.provider, o.profileID, "key", "openai")
	if err != nil {
		return err
	}
	paths, err := a.paths()
	if err != nil {
		return err
	}
	// Refuse a corrupt store, or a provider nothing knows, before asking
	// for a key the user would have to paste again.
	snap, err := a.loadSnapshot(paths)
	if err != nil {
		return err
	}
	if err := refuseUnknownProvider(snap, provider, true); err != nil {
		return err
	}
	raw, err := a.prompter().readKey(ctx, provider)
	if err != nil {
		return err
	}
	key, warning, err := authstore.CheckAPIKey(provider, raw)
	if err != nil {
		return apiKeyRefusal(provider, err)
	}
	if warning != "" {
		fmt.Fprintf(a.stderr(), "warning: %s\n", strings.TrimSpace(strings.TrimPrefix(warning, "⚠")))
	}
	return a.saveToken(ctx, paths, savedToken{id: id, provider: provider, token: key, typ: authstore.TypeAPIKey, now: a.env.Now()})
}

// readKey gets an API key: all of stdin when it is piped, else one line at
// a hidden prompt. It is checked afterwards (authstore.CheckAPIKey).
func (p *prompter) readKey(ctx context.Context, provider string) (string, error) {
	if !p.interactive() {
		raw, err := p.readAll()
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(raw) == "" {
			return "", errors.New("no key on stdin: pipe the key in, or run this on a terminal to paste it at a hidden prompt")
		}
		return raw, nil
	}
	restore := p.hideInput()
	defer restore()
	raw, err := p.readLine(ctx, fmt.Sprintf("Paste the %s API key (input is hidden), then press Enter: ", provider), true)
	if errors.Is(err, io.EOF) {
		raw, err = "", nil
	}
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(raw) == "" {
		return "", errors.New("no key entered; nothing was saved")
	}
	return raw, nil
}

// apiKeyRefusal is CheckAPIKey's refusal as the command says it: with
// what to run or pass instead.
func apiKeyRefusal(provider string, err error) error {
	var ke *authstore.KeyError
	if !errors.As(err, &ke) {
		if errors.Is(err, authstore.ErrEmptyToken) {
			return errors.New("no key given: the input was empty; nothing was saved")
		}
		return err
	}
	switch {
	case ke.SetupToken:
		return errors.New("that is a Claude setup token, not an API key; nothing was saved: save it with `moltbot models auth paste-token --provider anthropic`")
	case ke.Owner != "":
		return fmt.Errorf("%s, not one for %s; nothing was saved: use --provider %s", ke.Reason, provider, ke.Owner)
	}
	return fmt.Errorf("%s; nothing was saved", ke.Reason)
}
