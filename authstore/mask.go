package authstore

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Mask is the only way a secret becomes text (SPEC §4): the first 12
// characters, "…", the last 4. A secret too short to show 16 characters
// safely shows "…" and at most its last 4 (fewer when it is very short, so
// that most of it stays hidden).
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	if isASCII(secret) { // the usual secret: a character is a byte
		if n := len(secret); n >= 24 {
			return secret[:12] + "…" + secret[n-4:]
		}
		return "…" + secret[len(secret)-min(len(secret)/4, 4):]
	}
	if !utf8.ValidString(secret) {
		return "…"
	}
	n := utf8.RuneCountInString(secret)
	if n >= 24 {
		return secret[:runeOffset(secret, 12)] + "…" + secret[runeOffset(secret, n-4):]
	}
	tail := n / 4 // never more than a quarter of a short secret
	if tail > 4 {
		tail = 4
	}
	return "…" + secret[runeOffset(secret, n-tail):]
}

// runeOffset is the byte offset of the k-th character of s (valid UTF-8).
func runeOffset(s string, k int) int {
	for i := range s {
		if k == 0 {
			return i
		}
		k--
	}
	return len(s)
}

// isASCII reports whether s is all ASCII, eight bytes at a time.
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// RedactRun is the shortest run of a secret's characters that Redact
// removes: a server that echoes 12 characters of a key's hidden part must
// not get them shown, and 8 characters of a random key say nothing else.
const RedactRun = 8

// Redacted is what Redact puts where part of a secret was.
const Redacted = "[redacted]"

// publicPrefixes start well-known secrets and say nothing about the rest:
// runs that lie wholly inside one are not secret (a message may say "an
// sk-ant-oat01- token" freely). The longest match counts.
var publicPrefixes = []string{
	AnthropicSetupTokenPrefix, AnthropicAPIKeyPrefix, "sk-ant-admin01-",
	"sk-proj-", "sk-svcacct-", "sk-admin-", "sk-or-v1-", "sk-",
}

func publicPrefix(s string) string {
	best := ""
	for _, p := range publicPrefixes {
		if len(p) > len(best) && strings.HasPrefix(s, p) {
			best = p
		}
	}
	return best
}

// Redact removes secret from text that came from elsewhere (a server's
// answer, an error): every run of RedactRun or more of its characters —
// the whole secret, the secret without its public prefix, a piece from its
// middle — becomes Redacted, together with whatever part of its prefix
// stands right before it. The same goes for the secret as a URL or JSON
// would escape it. A run that lies wholly inside the public prefix stays. A
// secret shorter than RedactRun is removed where it appears whole.
//
// It takes time linear in len(text): the secret's runs are found through an
// index of its RedactRun-grams.
func Redact(text, secret string) string {
	if secret == "" || text == "" {
		return text
	}
	forms := secretForms(secret)
	if len(secret) < RedactRun {
		for _, f := range forms {
			text = strings.ReplaceAll(text, f, Redacted)
		}
		return text
	}
	type at struct{ form, pos int }
	grams := make(map[string][]at, len(secret))
	for fi, f := range forms {
		pub := len(publicPrefix(f))
		for i := 0; i+RedactRun <= len(f); i++ {
			if i+RedactRun <= pub {
				continue // wholly inside the public prefix
			}
			g := f[i : i+RedactRun]
			grams[g] = append(grams[g], at{fi, i})
		}
	}
	type span struct{ a, b int }
	var spans []span
	for j := 0; j+RedactRun <= len(text); j++ {
		hits, ok := grams[text[j:j+RedactRun]]
		if !ok {
			continue
		}
		a, b := j, j+RedactRun
		// Take in what stands before the run in the secret too (its
		// prefix, when the whole secret was echoed).
		back := 0
		for _, h := range hits {
			f := forms[h.form]
			k := 0
			for k < h.pos && a-k-1 >= 0 && text[a-k-1] == f[h.pos-k-1] {
				k++
			}
			back = max(back, k)
		}
		a -= back
		if n := len(spans); n > 0 && a <= spans[n-1].b {
			spans[n-1].a = min(spans[n-1].a, a)
			spans[n-1].b = max(spans[n-1].b, b)
			continue
		}
		spans = append(spans, span{a, b})
	}
	if len(spans) == 0 {
		return text
	}
	var out strings.Builder
	out.Grow(len(text))
	last := 0
	for i, s := range spans {
		a, b := s.a, s.b
		for a > last && !utf8.RuneStart(text[a]) { // never cut a character in two
			a--
		}
		for b < len(text) && !utf8.RuneStart(text[b]) {
			b++
		}
		a = max(a, last)
		if i == 0 || a > last { // spans that now touch read as one
			out.WriteString(text[last:a])
			out.WriteString(Redacted)
		}
		last = max(b, last)
	}
	out.WriteString(text[last:])
	return out.String()
}

// secretForms are the ways a secret may be written in an answer: as is,
// URL-escaped (query and path), and JSON-escaped (with and without HTML
// escaping), each once.
func secretForms(secret string) []string {
	forms := []string{secret}
	add := func(f string) {
		for _, g := range forms {
			if g == f {
				return
			}
		}
		forms = append(forms, f)
	}
	add(url.QueryEscape(secret))
	add(url.PathEscape(secret))
	if b, err := json.Marshal(secret); err == nil {
		add(string(b[1 : len(b)-1]))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(secret) == nil {
		b := bytes.TrimSpace(buf.Bytes())
		add(string(b[1 : len(b)-1]))
	}
	return forms
}
