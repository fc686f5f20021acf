package cmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
)

type pasteTokenOptions struct {
	provider, profileID, expiresIn string
}

func (a *app) newPasteTokenCommand() *cobra.Command {
	var o pasteTokenOptions
	c := &cobra.Command{
		Use:                   "paste-token --provider P [--profile-id ID] [--expires-in DURATION]",
		DisableFlagsInUseLine: true,
		Short:                 "Save a token read from stdin or a hidden prompt",
		Long: "Save a provider token as a \"token\" auth profile (default id <provider>:manual) and record it in\n" +
			"the config's auth.profiles.\n\n" +
			"The token is read from stdin when it is piped in, otherwise from a hidden prompt; it is never\n" +
			"taken from an argument. Anthropic setup tokens may be pasted with the line breaks a terminal\n" +
			"added: they are removed.",
		Example: "  pbpaste | moltbot models auth paste-token --provider anthropic --expires-in 365d\n" +
			"  moltbot models auth paste-token --provider openrouter --profile-id openrouter:work",
		Args: noSecretArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return a.runPasteToken(c.Context(), o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.provider, "provider", "", "provider id, e.g. anthropic, openrouter (required)")
	f.StringVar(&o.profileID, "profile-id", "", "profile id to write (default <provider>:manual)")
	f.StringVar(&o.expiresIn, "expires-in", "", "how long the token is valid: 365d, 12h, 90m, or a number of days")
	_ = c.RegisterFlagCompletionFunc("provider", a.completeProviders)
	return c
}

// pasteTarget checks the paste commands' --provider and --profile-id
// (what: "token" or "key", example: a provider for the hints) and gives the
// provider id and the profile id to write (default <provider>:manual, as
// the gateway's own paste commands).
func pasteTarget(rawProvider, rawID, what, example string) (provider, id string, err error) {
	if err := refuseSecretFlag("provider", rawProvider, "a provider id such as "+example+"; the "+what+" is read from stdin or a hidden prompt"); err != nil {
		return "", "", err
	}
	provider = authstore.NormalizeProvider(rawProvider)
	if provider == "" {
		return "", "", usageError("missing --provider: say whose %s this is, e.g. --provider %s", what, example)
	}
	if strings.ContainsAny(provider, ": /") {
		return "", "", usageError("invalid --provider %q: a provider id has no ':', '/' or spaces", rawProvider)
	}
	id = strings.TrimSpace(rawID)
	if id == "" {
		id = provider + ":manual"
	}
	if err := validProfileID(id, provider); err != nil {
		return "", "", err
	}
	return provider, id, nil
}

func (a *app) runPasteToken(ctx context.Context, o pasteTokenOptions) error {
	provider, id, err := pasteTarget(o.provider, o.profileID, "token", "anthropic")
	if err != nil {
		return err
	}
	now := a.env.Now()
	var expires int64
	if o.expiresIn != "" {
		d, err := timefmt.Parse(o.expiresIn)
		if err != nil {
			return usageError("--expires-in: %v", err)
		}
		if d <= 0 {
			return usageError("--expires-in must be more than zero (leave it out for a token that does not expire)")
		}
		expires = now.Add(d).UnixMilli()
	}
	paths, err := a.paths()
	if err != nil {
		return err
	}
	// Refuse what cannot be written (a pending migration, an unknown
	// gateway), a corrupt store, or a provider nothing knows, before asking
	// for a secret the user would have to paste again.
	if err := writeRefusal(paths); err != nil {
		return err
	}
	snap, err := a.loadSnapshot(paths)
	if err != nil {
		return err
	}
	if err := refuseUnknownProvider(snap, provider, true); err != nil {
		return err
	}
	token, err := a.prompter().readToken(ctx, provider, provider+" token")
	if err != nil {
		return err
	}
	return a.saveToken(ctx, paths, savedToken{id: id, provider: provider, token: token, expires: expires, now: now})
}

// savedToken is a token (or, with typ api_key, an API key) profile about
// to be written.
type savedToken struct {
	id, provider, token string
	typ                 string // authstore.TypeToken when empty
	expires             int64
	now                 time.Time // when the expiry was computed
}

// saveToken writes a token profile in one transaction, records it in the
// config and says what happened. A replaced credential starts with clean
// usage stats (its cooldowns and errors were the old secret's).
func (a *app) saveToken(ctx context.Context, paths authstore.Paths, t savedToken) error {
	if t.typ == "" {
		t.typ = authstore.TypeToken
	}
	res, err := authstore.SaveCredential(ctx, paths, authstore.Credential{ID: t.id, Provider: t.provider, Type: t.typ, Secret: t.token, Expires: t.expires}, authstore.SaveOptions{})
	if err != nil {
		return storeError(err)
	}
	now := t.now
	verb := "Saved"
	if res.Replaced {
		verb = "Replaced"
	}
	fmt.Fprintf(a.stdout(), "%s %s (%s) in %s\n", verb, authstore.SafeText(t.id), describeProfile(res.Profile, now), authstore.SafeText(a.shown(a.env.Stdout, paths.CredentialsFile())))
	if err := a.saveConfigProfile(paths, t.id, t.provider, t.typ); err != nil {
		return err
	}
	if snap, err := a.loadSnapshot(paths); err == nil {
		for _, note := range orderNotes(snap, t.provider, t.id, now) {
			fmt.Fprintln(a.stderr(), note)
		}
	}
	return nil
}
