package authstore

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Anthropic setup tokens (SPEC §4): what `claude setup-token` prints.
const (
	// AnthropicSetupTokenPrefix starts every Claude setup token.
	AnthropicSetupTokenPrefix = "sk-ant-oat01-"
	// AnthropicAPIKeyPrefix starts an Anthropic API key, which is not a
	// setup token and is stored as an api_key profile instead.
	AnthropicAPIKeyPrefix = "sk-ant-api03-"
	// AnthropicSetupTokenMinLen is the shortest whole setup token: real ones
	// are about 108 characters, so anything shorter was almost certainly cut
	// off where the terminal wrapped it.
	AnthropicSetupTokenMinLen = 90
)

// ErrEmptyToken says that no token was given at all.
var ErrEmptyToken = errors.New("no token given: the input was empty")

// TokenError says why a pasted token was refused. Its text never contains
// any part of the token.
type TokenError struct {
	Reason string
}

func (e *TokenError) Error() string { return e.Reason }

// NormalizeToken cleans a pasted or piped token for provider and checks it.
// Anthropic setup tokens lose every space and line break (a token copied from
// a terminal is often split over two lines) and must start with
// AnthropicSetupTokenPrefix and be at least AnthropicSetupTokenMinLen long.
// Other providers' tokens are trimmed and must not contain spaces, line
// breaks or control characters inside. Errors are ErrEmptyToken or a
// *TokenError and never quote the token.
func NormalizeToken(provider, raw string) (string, error) {
	if NormalizeProvider(provider) == "anthropic" {
		return normalizeAnthropicToken(raw)
	}
	tok := strings.TrimSpace(raw)
	if tok == "" {
		return "", ErrEmptyToken
	}
	for i, r := range tok {
		switch {
		case unicode.IsSpace(r):
			return "", &TokenError{Reason: fmt.Sprintf("the token has a space or line break inside it (at character %d); paste it as one line", i+1)}
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return "", &TokenError{Reason: fmt.Sprintf("the token contains a control or invalid character (at character %d); copy it again as plain text", i+1)}
		}
	}
	return tok, nil
}

func normalizeAnthropicToken(raw string) (string, error) {
	tok := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, raw)
	if tok == "" {
		return "", ErrEmptyToken
	}
	if !strings.HasPrefix(tok, AnthropicSetupTokenPrefix) {
		if strings.HasPrefix(tok, AnthropicAPIKeyPrefix) {
			return "", &TokenError{Reason: "that is an Anthropic API key (" + AnthropicAPIKeyPrefix + "…), not a setup token; save it as an API key: `moltbot models auth paste-api-key --provider anthropic`"}
		}
		return "", &TokenError{Reason: "that is not a Claude setup token: it should start with " + AnthropicSetupTokenPrefix + " (run `claude setup-token` to make one)"}
	}
	if strings.Count(tok, AnthropicSetupTokenPrefix) > 1 {
		return "", &TokenError{Reason: "the input holds more than one setup token; paste just one"}
	}
	for i, r := range tok {
		if !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "", &TokenError{Reason: fmt.Sprintf("the token contains a character a setup token never has (at character %d); copy it again as plain text", i+1)}
		}
	}
	if n := len(tok); n < AnthropicSetupTokenMinLen {
		return "", &TokenError{Reason: fmt.Sprintf("the token is only %d characters, a whole setup token has about 108: it was probably cut off where the terminal wrapped it; copy every line of it again", n)}
	}
	return tok, nil
}

// SetupTokenLife is how long a `claude setup-token` token is valid (its
// documented life); a profile made from one expires this long after capture.
const SetupTokenLife = 365 * 24 * time.Hour
