package probe

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/moltbot/moltbot/authstore"
)

const (
	maxBody   = 64 << 10 // enough for any error; a models list is cut short, which is fine
	maxDetail = 120      // runes of Detail
	redacted  = authstore.Redacted
)

// Phrases (lower case) in an error's message/type/code that say more than
// its HTTP status does.
var (
	billingWords = []string{
		"credit balance", "insufficient_quota", "insufficient quota", "insufficient credit",
		"insufficient balance", "insufficient funds", "billing", "exceeded your current quota",
		"payment required", "out of credits", "credits exhausted", "quota exhausted",
		"spending limit", "key limit exceeded",
	}
	authWords = []string{
		"authentication_error", "permission_error", "invalid_api_key", "invalid api key",
		"invalid x-api-key", "incorrect api key", "api key not valid", "api_key_invalid",
		"api key expired", "invalid bearer token", "invalid authentication", "unauthorized",
		"token has expired", "token has been revoked", "revoked",
	}
	rateWords = []string{"rate_limit_error", "rate_limit_exceeded", "rate limit"}
	// A setup token sent outside Claude Code's own request shape may be
	// refused with this message: the token is known and valid, only the
	// use is restricted, so it is no reason to replace the credential.
	claudeCodeOnly = []string{"only authorized for use with claude code"}
)

// readBody reads at most maxBody bytes of the answer.
func readBody(resp *http.Response) ([]byte, error) {
	return io.ReadAll(io.LimitReader(resp.Body, maxBody))
}

// classify turns an HTTP answer into an Outcome and a one-line Detail.
func classify(ep endpoint, resp *http.Response, body []byte, secret string) (Outcome, string) {
	status := resp.StatusCode
	switch {
	case status >= 200 && status < 300:
		if ep.keyInfo && creditSpent(body) {
			return Billing, "the key's credit limit is used up"
		}
		return OK, ""
	case status >= 300 && status < 400:
		return Error, fmt.Sprintf("unexpected redirect (HTTP %d): check the base URL", status)
	}

	e := parseError(body)
	detail := cleanDetail(e.message, secret)
	if detail == "" {
		detail = strings.TrimSpace(fmt.Sprintf("HTTP %d %s", status, http.StatusText(status)))
	}
	client := status >= 400 && status < 500
	switch {
	case client && hasAny(e.words, claudeCodeOnly):
		return OK, "token accepted (the provider limits it to Claude Code requests)"
	case status == http.StatusUnauthorized:
		return Auth, detail
	case status == http.StatusPaymentRequired, client && hasAny(e.words, billingWords):
		return Billing, detail
	case status == http.StatusForbidden:
		return Auth, detail
	case status == http.StatusTooManyRequests, client && hasAny(e.words, rateWords):
		return RateLimited, detail
	case client && hasAny(e.words, authWords):
		return Auth, detail
	}
	return Error, detail
}

// apiError is what an error body says.
type apiError struct {
	message string // the provider's own sentence, for Detail (not yet cleaned)
	words   string // lower-cased message, type, code, status and reasons, for matching
}

// parseError understands the usual shapes: {"error":{"message","type","code"}}
// (OpenAI, Anthropic, Google with details[].reason), {"error":"…"},
// {"message":"…"}, {"detail":"…"}, and plain text. An HTML page gives no
// message.
func parseError(body []byte) apiError {
	var v any
	if err := json.Unmarshal(body, &v); err == nil {
		var words []string
		collectWords(v, 0, &words)
		e := apiError{words: strings.ToLower(strings.Join(words, " "))}
		if m, ok := v.(map[string]any); ok {
			e.message = pickMessage(m)
		}
		return e
	}
	text := strings.TrimSpace(string(body))
	if text == "" || strings.HasPrefix(text, "<") {
		return apiError{}
	}
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	return apiError{message: text, words: strings.ToLower(text)}
}

// pickMessage finds the human sentence of an error object.
func pickMessage(m map[string]any) string {
	if inner, ok := m["error"].(map[string]any); ok {
		if s := pickMessage(inner); s != "" {
			return s
		}
	}
	for _, k := range []string{"message", "error", "detail", "error_description", "msg"} {
		if s, ok := m[k].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	for _, k := range []string{"type", "code", "status"} { // {"error":{"type":"rate_limit_error"}}
		if s, ok := m[k].(string); ok && s != "error" && strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// collectWords gathers the strings an error is classified by. Only these
// keys count: links and help text elsewhere in a body ("see the billing
// page") must not turn a bad key into a billing problem.
func collectWords(v any, depth int, out *[]string) {
	if depth > 6 {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch k {
			case "message", "type", "code", "status", "reason", "error", "detail", "error_description", "msg":
				switch x := x.(type) {
				case string:
					*out = append(*out, x)
				case float64:
					*out = append(*out, strconv.FormatFloat(x, 'f', -1, 64))
				}
			}
			collectWords(x, depth+1, out)
		}
	case []any:
		for _, x := range v {
			collectWords(x, depth+1, out)
		}
	}
}

// creditSpent reports whether an OpenRouter /key answer says the key has a
// credit limit and nothing of it left.
func creditSpent(body []byte) bool {
	var k struct {
		Data struct {
			Limit          *float64 `json:"limit"`
			LimitRemaining *float64 `json:"limit_remaining"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &k) != nil {
		return false
	}
	return k.Data.Limit != nil && k.Data.LimitRemaining != nil && *k.Data.LimitRemaining <= 0
}

func hasAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// cleanDetail makes text from a server or an error safe to show on one line:
// no secret (removed first, so the length limit cannot leave half of one),
// no control characters (so no escape sequence a terminal would act on), no
// line breaks, at most maxDetail runes.
func cleanDetail(s, secret string) string {
	s = scrub(strings.ToValidUTF8(s, "�"), secret)
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > maxDetail {
		s = string(r[:maxDetail-1]) + "…"
	}
	return s
}

// scrub removes the secret from s: every run of 8 or more of its
// characters, with or without its public prefix, as is or URL- or
// JSON-escaped (authstore.Redact). A server that echoes the key back, or a
// piece of it, must not get any of it shown.
func scrub(s, secret string) string {
	return authstore.Redact(s, secret)
}
