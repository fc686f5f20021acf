package views

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
)

// The answers of adding a credential (SPEC §7) and how each is checked.
// The steps that ask for them are the table in addflow.go; their forms are
// in addforms.go. Every form binds to one *AddValues, a heap struct that
// outlives the forms (never a field of a copied model).

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

// Where an API key goes.
const (
	DestStore = "store" // an api_key profile in auth-profiles.json
	DestEnv   = "env"   // a KEY=value line in the daemon's .env
)

// AddValues are the answers of the add steps. Forms write into it as the
// user types; read it after a form completed.
type AddValues struct {
	Method        AddMethod
	OtherProvider string // AddOtherToken: the provider id as typed
	Destination   string // DestStore or DestEnv (API keys with an env var)
	Name          string // profile name; the id is <provider>:<name>
	Replace       bool   // the user agreed to replace an existing profile
	// Paste is set when the user pastes a setup token instead of letting
	// moltbot capture it from `claude setup-token`.
	Paste     bool
	Secret    string    // as typed, pasted or captured; see CleanSecret
	IssuedAt  time.Time // when a captured setup token was made (zero: at save)
	ExpiresIn string    // AddOtherToken: "" (no expiry) or a duration ("30d")
	Placement authstore.Placement
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

// AsksDestination reports whether the key may go to the .env file.
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
// authstore.SetupTokenLife after it was issued (IssuedAt, else now);
// another token after ExpiresIn.
func (v *AddValues) Credential(now time.Time) (authstore.Credential, error) {
	secret, err := v.CleanSecret()
	if err != nil {
		return authstore.Credential{}, err
	}
	c := v.Choice()
	cred := authstore.Credential{ID: v.ProfileID(), Provider: v.Provider(), Type: c.Type, Secret: secret}
	switch {
	case v.Method == AddSetupToken:
		issued := now
		if !v.Paste && !v.IssuedAt.IsZero() {
			issued = v.IssuedAt
		}
		cred.Expires = issued.Add(authstore.SetupTokenLife).UnixMilli()
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

// validateExpiresIn accepts nothing (no expiry) or a duration above zero.
func validateExpiresIn(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	d, err := timefmt.Parse(s)
	if err == nil && d <= 0 {
		err = errors.New("enter a duration above zero, or leave it empty")
	}
	return err
}

// API key lengths (authstore's, which the wizard and `models auth
// paste-api-key` share).
const (
	AnthropicAPIKeyMinLen = authstore.AnthropicAPIKeyMinLen
	APIKeyMinLen          = authstore.APIKeyMinLen
)

// CheckSecret cleans secret for method m (provider is the provider id) and
// says whether it can be that kind of secret. err refuses one that cannot
// (a setup token cut off, `hello` as an Anthropic API key, another
// provider's key); warning (never a refusal: providers change their
// formats) flags one that merely looks unusual. Neither quotes the secret,
// and each fits one line of the form in a 60-column terminal.
//
// Tokens follow authstore.NormalizeToken, API keys authstore.CheckAPIKey
// (the rules `models auth paste-api-key` applies too); the wizard only says
// what to do in its own terms: which entry of step 1 to pick.
func CheckSecret(m AddMethod, provider, secret string) (clean, warning string, err error) {
	c := ChoiceFor(m)
	if c.Type == authstore.TypeToken {
		clean, err = authstore.NormalizeToken(provider, secret)
		return clean, "", err
	}
	clean, warning, err = authstore.CheckAPIKey(provider, secret)
	var ke *authstore.KeyError
	if !errors.As(err, &ke) {
		return clean, warning, err
	}
	reason := ke.Reason
	switch {
	case ke.SetupToken:
		reason = "that is a setup token: pick the Claude subscription"
	case ke.Owner != "":
		k, _ := authstore.APIKeyKindOf(ke.Owner)
		reason = fmt.Sprintf("%s: pick %s in step 1", ke.Reason, k.Label)
	}
	return "", "", &authstore.TokenError{Reason: reason}
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
