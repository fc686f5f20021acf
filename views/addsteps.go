package views

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/charmbracelet/huh"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
)

// The steps of adding a credential (SPEC §7), built once and used twice:
// `moltbot models auth add` runs them as plain huh forms one after another,
// and the onboarding wizard embeds the same forms in its bubbletea screen.
// Every form binds to one *AddValues, a heap struct that outlives the forms
// (never a field of a copied model). The forms only collect and check
// answers; the caller writes them through authstore.

// AddMethod is what the user wants to add (step 1).
type AddMethod string

// The methods of step 1, in display order.
const (
	AddSetupToken       AddMethod = "anthropic-setup-token" // Claude subscription via `claude setup-token`
	AddAnthropicAPIKey  AddMethod = "anthropic-api-key"
	AddOpenAIAPIKey     AddMethod = "openai-api-key"
	AddOpenRouterAPIKey AddMethod = "openrouter-api-key"
	AddOtherToken       AddMethod = "other-token" // any provider: paste a token, provider typed in
)

// AddChoice describes one method: how it is shown, which provider and
// credential type it makes, and the usual start of its secret.
type AddChoice struct {
	Method    AddMethod
	Label     string
	Provider  string // normalised; "" when the user types it (AddOtherToken)
	Type      string // authstore.TypeToken or authstore.TypeAPIKey
	KeyPrefix string // the usual start of the secret; "" when unknown
	KeyName   string // what the secret is called in prompts
}

// AddChoices are step 1's entries, in display order.
var AddChoices = []AddChoice{
	{AddSetupToken, "Anthropic — Claude subscription (setup-token)", "anthropic", authstore.TypeToken, authstore.AnthropicSetupTokenPrefix, "setup token"},
	{AddAnthropicAPIKey, "Anthropic — API key", "anthropic", authstore.TypeAPIKey, authstore.AnthropicAPIKeyPrefix, "Anthropic API key"},
	{AddOpenAIAPIKey, "OpenAI — API key", "openai", authstore.TypeAPIKey, "sk-", "OpenAI API key"},
	{AddOpenRouterAPIKey, "OpenRouter — API key", "openrouter", authstore.TypeAPIKey, "sk-or-", "OpenRouter API key"},
	{AddOtherToken, "Other provider — paste a token", "", authstore.TypeToken, "", "token"},
}

// ChoiceFor returns the AddChoice of m (the first one for an unknown m).
func ChoiceFor(m AddMethod) AddChoice {
	for _, c := range AddChoices {
		if c.Method == m {
			return c
		}
	}
	return AddChoices[0]
}

// Where an API key goes (step 3b).
const (
	DestStore = "store" // an api_key profile in auth-profiles.json
	DestEnv   = "env"   // a KEY=value line in the daemon's .env
)

// AddValues are the answers of the add steps. Forms write into it as the
// user types; read it after a form completed.
type AddValues struct {
	Method        AddMethod
	OtherProvider string // AddOtherToken: the provider id as typed
	Name          string // profile name; the id is <provider>:<name>
	Replace       bool   // the user agreed to replace an existing profile
	Secret        string // as typed or pasted; see Credential for the cleaned value
	ExpiresIn     string // AddOtherToken: "" (no expiry) or a duration ("30d")
	Destination   string // DestStore or DestEnv
	Placement     authstore.Placement
}

// NewAddValues returns the defaults: a Claude subscription, profile name
// "default", stored in the auth store, tried first.
func NewAddValues() *AddValues {
	return &AddValues{Method: AddSetupToken, Name: "default", Destination: DestStore, Placement: authstore.PlaceFirst}
}

// Choice is the chosen method's description.
func (v *AddValues) Choice() AddChoice { return ChoiceFor(v.Method) }

// Provider is the normalised provider id.
func (v *AddValues) Provider() string {
	if c := v.Choice(); c.Provider != "" {
		return c.Provider
	}
	return authstore.NormalizeProvider(v.OtherProvider)
}

// ProfileID is "<provider>:<name>".
func (v *AddValues) ProfileID() string { return v.Provider() + ":" + strings.TrimSpace(v.Name) }

// EnvVar is the environment variable the gateway reads this provider's API
// key from ("" when it has none, or the method is not an API key).
func (v *AddValues) EnvVar() string {
	if v.Choice().Type != authstore.TypeAPIKey {
		return ""
	}
	return authstore.EnvProviderVar(v.Provider())
}

// AsksDestination reports whether step 3b offers the .env file.
func (v *AddValues) AsksDestination() bool { return v.EnvVar() != "" }

// ToEnv reports whether the key goes to .env rather than the store.
func (v *AddValues) ToEnv() bool { return v.AsksDestination() && v.Destination == DestEnv }

// CleanSecret is the secret as it will be stored: a setup token without
// the line breaks a terminal added, other secrets trimmed. It refuses what
// cannot be the chosen kind of secret (CheckSecret).
func (v *AddValues) CleanSecret() (string, error) {
	s, _, err := CheckSecret(v.Method, v.Provider(), v.Secret)
	return s, err
}

// Credential is what to write to the store. A setup token expires
// authstore.SetupTokenLife after now; another token after ExpiresIn.
func (v *AddValues) Credential(now time.Time) (authstore.Credential, error) {
	secret, err := v.CleanSecret()
	if err != nil {
		return authstore.Credential{}, err
	}
	c := v.Choice()
	cred := authstore.Credential{ID: v.ProfileID(), Provider: v.Provider(), Type: c.Type, Secret: secret}
	switch {
	case v.Method == AddSetupToken:
		cred.Expires = now.Add(authstore.SetupTokenLife).UnixMilli()
	case c.Type == authstore.TypeToken && strings.TrimSpace(v.ExpiresIn) != "":
		d, err := timefmt.Parse(v.ExpiresIn)
		if err != nil {
			return authstore.Credential{}, err
		}
		cred.Expires = now.Add(d).UnixMilli()
	}
	return cred, nil
}

// ValidateProfileName checks a profile name: lower-case letters, digits,
// '.', '_' and '-'.
func ValidateProfileName(name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("enter a name, e.g. default or work")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("use lower-case letters, digits, '.', '_' or '-' (not %q)", r)
		}
	}
	return nil
}

// ValidateProviderID checks a provider id typed for AddOtherToken.
func ValidateProviderID(p string) error {
	p = strings.TrimSpace(p)
	if p == "" {
		return errors.New("enter the provider id the gateway uses, e.g. groq or mistral")
	}
	for _, r := range p {
		if !(unicode.IsLetter(r) && r < unicode.MaxASCII || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("a provider id has only letters, digits, '.', '_' or '-' (not %q)", r)
		}
	}
	return nil
}

// API key lengths: a whole Anthropic API key has 108 characters; one under
// AnthropicAPIKeyMinLen was cut off or is something else. No provider's
// API key is shorter than APIKeyMinLen.
const (
	AnthropicAPIKeyMinLen = 80
	APIKeyMinLen          = 20
)

// Prefixes that say whose key a secret is, whatever method was chosen.
const (
	anthropicKeyPrefix   = "sk-ant-"
	anthropicAdminPrefix = "sk-ant-admin01-"
	openRouterKeyPrefix  = "sk-or-"
)

// openAIKeyPrefixes start OpenAI's project, service-account and admin keys.
var openAIKeyPrefixes = []string{"sk-proj-", "sk-svcacct-", "sk-admin-"}

// CheckSecret cleans secret for method m (provider is the provider id) and
// says whether it can be that kind of secret. err refuses one that cannot
// (a setup token cut off, `hello` as an Anthropic API key, another
// provider's key); warning (never a refusal: providers change their
// formats) flags one that merely looks unusual. Neither quotes the secret,
// and each fits one line of the form in a 60-column terminal.
//
// API keys are refused when they are shorter than APIKeyMinLen, belong to
// another known provider (sk-ant-… for OpenAI or OpenRouter, sk-or-… for
// OpenAI, sk-proj-… for OpenRouter), or are a setup token; an Anthropic
// API key must also start with sk-ant-, not be an Admin key, have only
// letters, digits, '-' and '_', and be at least AnthropicAPIKeyMinLen long.
// Another start than the usual one (sk-ant-api03-, sk-, sk-or-) is a
// warning.
func CheckSecret(m AddMethod, provider, secret string) (clean, warning string, err error) {
	c := ChoiceFor(m)
	if c.Type == authstore.TypeToken {
		clean, err = authstore.NormalizeToken(provider, secret)
		return clean, "", err
	}
	key, err := authstore.NormalizeToken("", secret) // trimmed, one line
	var te *authstore.TokenError
	if errors.As(err, &te) {
		return "", "", &authstore.TokenError{Reason: strings.Replace(te.Reason, "the token", "the key", 1)}
	}
	if err != nil {
		return "", "", err
	}
	if warning, err = checkAPIKey(m, key); err != nil {
		return "", "", err
	}
	return key, warning, nil
}

func checkAPIKey(m AddMethod, key string) (string, error) {
	c := ChoiceFor(m)
	refuse := func(format string, args ...any) (string, error) {
		return "", &authstore.TokenError{Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case strings.HasPrefix(key, authstore.AnthropicSetupTokenPrefix):
		return refuse("that is a setup token: pick the Claude subscription")
	case m != AddAnthropicAPIKey && strings.HasPrefix(key, anthropicKeyPrefix):
		return refuse("that is an Anthropic key: pick Anthropic in step 1")
	case m == AddOpenAIAPIKey && strings.HasPrefix(key, openRouterKeyPrefix):
		return refuse("that is an OpenRouter key: pick OpenRouter in step 1")
	case m == AddOpenRouterAPIKey && hasAnyPrefix(key, openAIKeyPrefixes):
		return refuse("that is an OpenAI key: pick OpenAI in step 1")
	}
	if m == AddAnthropicAPIKey {
		switch {
		case !strings.HasPrefix(key, anthropicKeyPrefix):
			return refuse("that is not an Anthropic API key (%s…)", authstore.AnthropicAPIKeyPrefix)
		case strings.HasPrefix(key, anthropicAdminPrefix):
			return refuse("an Admin key cannot call models: use an API key")
		}
		for i, r := range key {
			if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return refuse("character %d is not a key character: copy it again", i+1)
			}
		}
		if len(key) < AnthropicAPIKeyMinLen {
			return refuse("only %d of 108 characters: copy all of the key", len(key))
		}
	}
	if len(key) < APIKeyMinLen {
		return refuse("only %d characters, too short for an API key", len(key))
	}
	if !strings.HasPrefix(key, c.KeyPrefix) {
		return fmt.Sprintf("⚠ Unusual: %ss start with %s", c.KeyName, c.KeyPrefix), nil
	}
	return "", nil
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// KeyWarning is CheckSecret's warning for a secret it accepts: "" when the
// secret looks as expected, or is refused (the refusal is the form's
// error).
func KeyWarning(m AddMethod, secret string) string {
	_, warn, err := CheckSecret(m, ChoiceFor(m).Provider, secret)
	if err != nil {
		return ""
	}
	return warn
}

// AddMethodForm is step 1: what to add, and for another provider its id.
func AddMethodForm(v *AddValues) *huh.Form {
	opts := make([]huh.Option[AddMethod], len(AddChoices))
	for i, c := range AddChoices {
		opts[i] = huh.NewOption(c.Label, c.Method)
	}
	return huh.NewForm(
		huh.NewGroup(
			huh.NewSelect[AddMethod]().
				Title("What do you want to add?").
				Options(opts...).
				Value(&v.Method),
		),
		huh.NewGroup(
			huh.NewInput().
				Title("Provider id").
				Description("As the gateway names it, e.g. groq, mistral, zai.").
				Value(&v.OtherProvider).
				Validate(ValidateProviderID),
		).WithHideFunc(func() bool { return v.Method != AddOtherToken }),
	)
}

// AddNameForm is step 2: the profile name (the id shows as it is typed).
func AddNameForm(v *AddValues) *huh.Form {
	return huh.NewForm(huh.NewGroup(
		huh.NewInput().
			Title("Profile name").
			// Static: huh's DescriptionFunc reads the bound value from a
			// command goroutine while the field writes it (a data race).
			Description("Lower-case letters, digits, '.', '_' or '-'; saved as " + v.Provider() + ":<name>.").
			Value(&v.Name).
			Validate(ValidateProfileName),
	))
}

// AddReplaceForm asks before replacing an existing profile; existing is a
// secret-free description of it ("token sk-ant-oat01…AAAA, expires in 3d").
// A "no" leaves v.Replace false: go back to AddNameForm.
func AddReplaceForm(v *AddValues, existing string) *huh.Form {
	return huh.NewForm(huh.NewGroup(
		huh.NewConfirm().
			Title(v.ProfileID() + " already exists").
			Description(existing).
			Affirmative("Replace it").
			Negative("Choose another name").
			Value(&v.Replace),
	))
}

// AddSecretForm is step 3: the secret at a hidden input (refused when it
// cannot be the chosen kind, a warning for an unusual key), an optional
// expiry for another provider's token, and for an API key where it goes
// (store or .env).
func AddSecretForm(v *AddValues) *huh.Form {
	c := v.Choice()
	title := "Paste the " + c.KeyName
	if v.Method == AddOtherToken {
		title = "Paste the " + v.Provider() + " token"
	}
	hint := "Input is hidden; line breaks from the terminal are fine."
	if c.Type == authstore.TypeAPIKey {
		hint = "Input is hidden."
	}
	return huh.NewForm(
		huh.NewGroup(
			huh.NewInput().
				Title(title).
				Description(hint). // an unusual key's warning is shown after it is entered

				EchoMode(huh.EchoModePassword).
				Value(&v.Secret).
				Validate(func(string) error {
					_, err := v.CleanSecret()
					if errors.Is(err, authstore.ErrEmptyToken) {
						return errors.New("paste the " + c.KeyName + " (ctrl+c leaves without saving)")
					}
					return err
				}),
		),
		huh.NewGroup(
			huh.NewInput().
				Title("Expires in").
				Description("Leave empty if it does not expire; else e.g. 30d, 12h, 90m.").
				Value(&v.ExpiresIn).
				Validate(func(s string) error {
					if strings.TrimSpace(s) == "" {
						return nil
					}
					d, err := timefmt.Parse(s)
					if err == nil && d <= 0 {
						err = errors.New("enter a duration above zero, or leave it empty")
					}
					return err
				}),
		).WithHideFunc(func() bool { return v.Method != AddOtherToken }),
		huh.NewGroup(
			huh.NewSelect[string]().
				Title("Where should the key go?").
				Options(
					huh.NewOption("The auth store (recommended)", DestStore),
					huh.NewOption(".env, as "+v.EnvVar()+" (for a daemon that reads environment variables)", DestEnv),
				).
				Value(&v.Destination),
		).WithHideFunc(func() bool { return !v.AsksDestination() }),
	)
}

// AddPlacementForm is step 4: where the new profile goes in its provider's
// order. others names the provider's profiles already there (for the
// description); the caller skips this step when there are none.
func AddPlacementForm(v *AddValues, others []string) *huh.Form {
	desc := ""
	if len(others) > 0 {
		desc = v.Provider() + " already has " + authstore.ListIDs(others, 0) + "."
	}
	return huh.NewForm(huh.NewGroup(
		huh.NewSelect[authstore.Placement]().
			Title("Where in the order should the gateway try "+v.ProfileID()+"?").
			Description(desc).
			Options(
				huh.NewOption("First, before the others", authstore.PlaceFirst),
				huh.NewOption("Last, after the others", authstore.PlaceLast),
			).
			Value(&v.Placement),
	))
}
