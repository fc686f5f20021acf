package authstore

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// EnvVars maps the environment variables the gateway reads for a provider's
// key to that provider. Order matters: it is the order they are shown in.
var EnvVars = []struct{ Var, Provider string }{
	{"ANTHROPIC_API_KEY", "anthropic"},
	{"ANTHROPIC_OAUTH_TOKEN", "anthropic"},
	{"CLAUDE_CODE_OAUTH_TOKEN", "anthropic"},
	{"OPENAI_API_KEY", "openai"},
	{"OPENROUTER_API_KEY", "openrouter"},
	{"GEMINI_API_KEY", "google"},
	{"GROQ_API_KEY", "groq"},
	{"MISTRAL_API_KEY", "mistral"},
	{"XAI_API_KEY", "xai"},
	{"DEEPSEEK_API_KEY", "deepseek"},
	{"CEREBRAS_API_KEY", "cerebras"},
	{"ZAI_API_KEY", "zai"},
	{"MOONSHOT_API_KEY", "moonshot"},
	{"MINIMAX_API_KEY", "minimax"},
	{"OPENCODE_API_KEY", "opencode"},
}

// EnvProviderVar is the variable that holds provider's API key, or "".
func EnvProviderVar(provider string) string {
	provider = NormalizeProvider(provider)
	for _, ev := range EnvVars {
		if ev.Provider == provider {
			return ev.Var
		}
	}
	return ""
}

// Env sources.
const (
	SourceProcessEnv = "env"  // the environment of this process
	SourceDotEnv     = ".env" // the gateway daemon's <state>/.env
)

// EnvCredential is a provider key found outside the store. Value is the
// secret: never print it, use Mask.
type EnvCredential struct {
	Provider string
	Var      string
	Source   string // SourceProcessEnv or SourceDotEnv
	Value    string
}

// EnvAssignment is one KEY=value of a .env file, as the gateway's dotenv
// reads it.
type EnvAssignment struct {
	Key    string
	Value  string
	Export bool // written as "export KEY=…"
	// Start and End are the byte offsets of the whole assignment in the
	// file: from the start of the line its name is on to the end of the line
	// its value ends on (a quoted value may span lines), without the line
	// break that follows.
	Start, End int
}

// ParseEnv reads .env text exactly as the gateway does: dotenv 16 and 17
// (npm "dotenv", whose parse is one regular expression run over the whole
// text after "\r\n" and "\r" became "\n"). So a value in single, double
// or back quotes may span lines (everything up to its closing quote is the
// value, assignments inside included), "export " is optional, "KEY: value"
// counts too, a "#" starts a comment outside quotes, and "\n" and "\r"
// in double quotes become line breaks. The assignments come in file order,
// repeated keys included: the last one is the one that counts.
//
// It is written out as a scanner rather than run as a regular expression:
// Go's engine cannot express JavaScript's "^"/"$" (which also match at
// U+2028 and U+2029), and a scanner is linear where backtracking is not.
// TestParseEnvMatchesRealDotenv holds it to the answers the real dotenv
// gives.
func ParseEnv(data []byte) []EnvAssignment {
	if len(data) == 0 {
		return nil
	}
	t, orig := normalizeNewlines(data)
	p := dotenvParser{t: t}
	var out []EnvAssignment
	pos := 0
	for {
		start := p.lineStart(pos)
		if start < 0 {
			break
		}
		m, ok, first := p.match(start)
		if !ok {
			if first >= len(t) {
				break
			}
			_, w := p.runeAt(first)
			pos = first + w // every line start up to first fails the same way
			continue
		}
		out = append(out, EnvAssignment{
			Key: m.key, Value: m.value, Export: m.export,
			Start: orig(p.lineBegin(first)), End: orig(p.lineEnd(m.end)),
		})
		pos = m.end
	}
	return out
}

// normalizeNewlines turns "\r\n" and a lone "\r" into "\n", as dotenv
// does first, and returns a function mapping offsets in the result back to
// offsets in data (a "\n" that was "\r\n" maps to its "\r").
func normalizeNewlines(data []byte) (string, func(int) int) {
	if bytes.IndexByte(data, '\r') < 0 {
		return string(data), func(i int) int { return i }
	}
	var b strings.Builder
	b.Grow(len(data))
	var dropped []int // offsets in the result of each "\n" that was "\r\n"
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\r' {
			if i+1 < len(data) && data[i+1] == '\n' {
				dropped = append(dropped, b.Len())
				i++
			}
			c = '\n'
		}
		b.WriteByte(c)
	}
	return b.String(), func(i int) int {
		return i + sort.SearchInts(dropped, i) // the dropped "\r"s before i
	}
}

// dotenvParser reads text already normalised by normalizeNewlines. The
// comments refer to dotenv's expression:
//
//	^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$
//
// run with the flags m and g, and to how a backtracking engine finds its
// first match.
type dotenvParser struct{ t string }

type dotenvMatch struct {
	key, value string
	export     bool
	end        int // just after the value
}

// isJSSpace is JavaScript's \s: its white space and line terminators.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// isJSLineTerminator is where JavaScript's multi-line ^ and $ match.
func isJSLineTerminator(r rune) bool { return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 }

func isEnvKeyByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// quoteByte reports whether c opens a quoted value.
func quoteByte(c byte) bool { return c == '\'' || c == '"' || c == '`' }

func (p *dotenvParser) runeAt(i int) (rune, int) {
	if c := p.t[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(p.t[i:])
}

func (p *dotenvParser) skipSpace(i int) int {
	for i < len(p.t) {
		r, w := p.runeAt(i)
		if !isJSSpace(r) {
			break
		}
		i += w
	}
	return i
}

// lineStart is the first offset at or after pos where ^ matches: the start
// of the text or just after a line terminator; -1 when there is none.
func (p *dotenvParser) lineStart(pos int) int {
	if pos == 0 {
		return 0
	}
	if r, _ := utf8.DecodeLastRuneInString(p.t[:pos]); isJSLineTerminator(r) {
		return pos
	}
	for i := pos; i < len(p.t); {
		r, w := p.runeAt(i)
		i += w
		if isJSLineTerminator(r) {
			return i
		}
	}
	return -1
}

// lineBegin is the start of the line holding offset i.
func (p *dotenvParser) lineBegin(i int) int {
	for i > 0 {
		r, w := utf8.DecodeLastRuneInString(p.t[:i])
		if isJSLineTerminator(r) {
			break
		}
		i -= w
	}
	return i
}

// lineEnd is the offset of the line terminator at or after i (or the end).
func (p *dotenvParser) lineEnd(i int) int {
	for i < len(p.t) {
		r, w := p.runeAt(i)
		if isJSLineTerminator(r) {
			break
		}
		i += w
	}
	return i
}

// match tries the expression at the line start start. first is where the
// assignment's text begins (after the leading \s*, which may cross blank
// lines): every line start up to it would fail the same way.
func (p *dotenvParser) match(start int) (m dotenvMatch, ok bool, first int) {
	t := p.t
	// ^\s*: greedy, and nothing after it can begin with white space, so it
	// takes all there is.
	first = p.skipSpace(start)
	if first >= len(t) {
		return m, false, first
	}
	// (?:export\s+)?: tried first; \s+ takes all the white space, as above.
	if strings.HasPrefix(t[first:], "export") && first+6 < len(t) {
		if r, _ := p.runeAt(first + 6); isJSSpace(r) {
			if m, ok := p.assignment(p.skipSpace(first + 6)); ok {
				m.export = true
				return m, true, first
			}
		}
	}
	m, ok = p.assignment(first)
	return m, ok, first
}

// assignment matches from the key at k0 to the end. Once the "=" or ":"
// is found the rest always matches (an empty value at worst).
func (p *dotenvParser) assignment(k0 int) (dotenvMatch, bool) {
	t := p.t
	// ([\w.-]+): greedy; a shorter key would leave a key byte where "=" or
	// ":" must be.
	k1 := k0
	for k1 < len(t) && isEnvKeyByte(t[k1]) {
		k1++
	}
	if k1 == k0 {
		return dotenvMatch{}, false
	}
	var r int // where the value may start
	if j := p.skipSpace(k1); j < len(t) && t[j] == '=' {
		r = j + 1 // \s*=\s*? (the lazy \s*? never grows: see value)
	} else if k1+1 < len(t) && t[k1] == ':' {
		c, w := p.runeAt(k1 + 1)
		if !isJSSpace(c) {
			return dotenvMatch{}, false
		}
		r = k1 + 1 + w // :\s+? takes one character
	} else {
		return dotenvMatch{}, false
	}
	v, end := p.value(r)
	return dotenvMatch{key: t[k0:k1], value: v, end: end}, true
}

// value matches the optional value group at r, then does what dotenv does
// to the captured text: trim it, strip one pair of surrounding quotes, and
// expand \n and \r when it began with a double quote.
func (p *dotenvParser) value(r int) (string, int) {
	t := p.t
	// The quoted alternatives: \s* (which crosses line breaks), the quote.
	if q := p.skipSpace(r); q < len(t) && quoteByte(t[q]) {
		if c, ok := p.closing(q); ok {
			v := t[q+1 : c]
			if t[q] == '"' {
				v = expandEscapes(v)
			}
			return v, c + 1
		}
	}
	// [^#\r\n]+: greedy; whatever stops it (a "#", a line break, the end)
	// lets the rest of the expression match.
	end := r
	for end < len(t) && t[end] != '#' && t[end] != '\n' {
		end++
	}
	if end == r {
		// No value: the group is skipped and the rest matches here (a
		// comment, a line break or the end follows), so \s*? stays empty.
		return "", r
	}
	v := strings.TrimFunc(t[r:end], isJSSpace)
	double := v != "" && v[0] == '"'
	v = stripQuotes(v)
	if double {
		v = expandEscapes(v)
	}
	return v, end
}

// closing finds the closing quote of the quoted value opening at q, as the
// backtracking engine does: (?:\\Q|[^Q])* runs greedily up to the first
// quote not preceded by a backslash, then gives back one character at a
// time, so the candidates are the quotes up to there, tried from the last;
// the first followed by nothing but blanks and a comment on its line closes
// the value. (The next quoted value of the same kind can only open after
// that first unescaped quote, so no text is scanned twice.)
func (p *dotenvParser) closing(q int) (int, bool) {
	t, quote := p.t, p.t[q]
	limit := len(t) - 1
	for i := q + 1; i < len(t); i++ {
		if t[i] == quote && (i == q+1 || t[i-1] != '\\') {
			limit = i
			break
		}
	}
	for j := limit; j > q; j-- {
		if t[j] == quote && p.tailOK(j+1) {
			return j, true
		}
	}
	return 0, false
}

// tailOK reports whether \s*(?:#.*)?$ matches at i.
func (p *dotenvParser) tailOK(i int) bool {
	for i < len(p.t) {
		r, w := p.runeAt(i)
		if !isJSSpace(r) || isJSLineTerminator(r) {
			return isJSLineTerminator(r) || r == '#'
		}
		i += w
	}
	return true
}

// stripQuotes is dotenv's value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2'):
// at each line start (the text's, or after U+2028/U+2029) that holds a
// quote, the text up to the last matching quote that ends a line loses the
// two quotes.
func stripQuotes(v string) string {
	var b strings.Builder
	last := 0
	for p := 0; p < len(v); {
		if quoteByte(v[p]) {
			if j := lastLineEndingQuote(v, v[p]); j > p {
				b.WriteString(v[last:p])
				b.WriteString(v[p+1 : j])
				last, p = j+1, j+1
			}
		}
		// On to the next line start.
		for p < len(v) {
			r, w := utf8.DecodeRuneInString(v[p:])
			p += w
			if isJSLineTerminator(r) {
				break
			}
		}
	}
	if last == 0 {
		return v
	}
	b.WriteString(v[last:])
	return b.String()
}

// lastLineEndingQuote is the offset of the last quote q in v that ends v
// or a line of it; -1 when there is none.
func lastLineEndingQuote(v string, q byte) int {
	for j := len(v) - 1; j >= 0; j-- {
		if v[j] != q {
			continue
		}
		if j+1 == len(v) {
			return j
		}
		if r, _ := utf8.DecodeRuneInString(v[j+1:]); isJSLineTerminator(r) {
			return j
		}
	}
	return -1
}

var escapeReplacer = strings.NewReplacer(`\n`, "\n", `\r`, "\r")

// expandEscapes turns \n and \r into line breaks, as dotenv does in a
// double-quoted value.
func expandEscapes(v string) string {
	if !strings.Contains(v, `\`) {
		return v
	}
	return escapeReplacer.Replace(v)
}

// validEnvKey is a name SetEnvLine writes: a shell variable name.
func validEnvKey(k string) bool {
	if k == "" {
		return false
	}
	for i, r := range k {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// LoadEnvFile reads the assignments of the .env file at path; a missing
// file has none.
func LoadEnvFile(path string) ([]EnvAssignment, error) {
	data, _, err := readRegular(path, ".env", MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseEnv(data), nil
}

// DaemonGetenv reads a variable as the gateway's daemon sees it: from
// getenv (the process environment; nil is an empty one) when it is set and
// not empty there, else the last assignment of it in the .env file at path
// (read once, now; a file that cannot be read counts as empty). Live probes
// take their base-URL overrides from it.
func DaemonGetenv(getenv Getenv, path string) Getenv {
	lines, _ := LoadEnvFile(path)
	return func(k string) string {
		if getenv != nil {
			if v := getenv(k); v != "" {
				return v
			}
		}
		for i := len(lines) - 1; i >= 0; i-- {
			if lines[i].Key == k {
				return lines[i].Value
			}
		}
		return ""
	}
}

// FindEnvCredentials lists the provider keys in the process environment and
// in the .env assignments, in EnvVars order (process environment first).
func FindEnvCredentials(getenv Getenv, dotenv []EnvAssignment) []EnvCredential {
	var out []EnvCredential
	for _, ev := range EnvVars {
		if v := strings.TrimSpace(getenv(ev.Var)); v != "" {
			out = append(out, EnvCredential{Provider: ev.Provider, Var: ev.Var, Source: SourceProcessEnv, Value: v})
		}
	}
	last := envValues(dotenv)
	for _, ev := range EnvVars {
		if v := strings.TrimSpace(last[ev.Var]); v != "" {
			out = append(out, EnvCredential{Provider: ev.Provider, Var: ev.Var, Source: SourceDotEnv, Value: v})
		}
	}
	return out
}

// envValues is what the assignments set: the last value of each key.
func envValues(as []EnvAssignment) map[string]string {
	m := make(map[string]string, len(as))
	for _, a := range as {
		m[a.Key] = a.Value
	}
	return m
}

// SetEnvLine returns data with key=value set. The first assignment of key
// is replaced whole (all its lines, when its old value was quoted over
// several) and later ones are removed, so that the new value is the one
// read; without one, the assignment is appended. Nothing inside another
// value is ever touched, and every byte outside the replaced assignments is
// kept. The result is read back with dotenv's grammar before it is
// returned: when key would not read as value, or any other key would read
// differently (a quote left open earlier in the file can swallow what
// follows it), it is an error and nothing is to be written.
func SetEnvLine(data []byte, key, value string) ([]byte, error) {
	if !validEnvKey(key) {
		return nil, fmt.Errorf("invalid variable name %q", key)
	}
	if strings.ContainsAny(value, "\r\n\x00") {
		return nil, fmt.Errorf("a value for %s cannot contain a line break or NUL byte", key)
	}
	if strings.Contains(value, "'") && strings.ContainsAny(value, `"\`) {
		return nil, fmt.Errorf("a value for %s cannot be written to .env: it contains a single quote together with a double quote or a backslash", key)
	}
	assignment := key + "=" + envQuote(value)
	before := ParseEnv(data)
	var out bytes.Buffer
	out.Grow(len(data) + len(assignment) + 2)
	last, replaced := 0, false
	appendedAt := -1 // where an appended assignment starts, if one is
	for _, a := range before {
		if a.Key != key {
			continue
		}
		out.Write(data[last:a.Start])
		if replaced { // a later assignment: removed with its line break
			last = a.End + lineBreakLen(data[a.End:])
			continue
		}
		if a.Export {
			out.WriteString("export ")
		}
		out.WriteString(assignment)
		last, replaced = a.End, true
	}
	out.Write(data[last:])
	if !replaced {
		nl := "\n"
		if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
			nl = "\r\n" // the file's own line breaks
		}
		if len(data) > 0 && data[len(data)-1] != '\n' && data[len(data)-1] != '\r' {
			out.WriteString(nl)
		}
		appendedAt = out.Len()
		out.WriteString(assignment)
		out.WriteString(nl)
	}
	// Read it back as the gateway will.
	want := envValues(before)
	want[key] = value
	after := ParseEnv(out.Bytes())
	n := 0
	for _, a := range after {
		if a.Key == key {
			n++
			if a.Start < appendedAt {
				// dotenv's "export\s+" crosses line breaks: a last line
				// that is a bare "export" would join the new assignment.
				return nil, fmt.Errorf("%s cannot be added to .env: its last line is an unfinished \"export\" that would join the new line; remove that line, then try again", key)
			}
		}
	}
	if got := envValues(after); n != 1 || !maps.Equal(got, want) {
		return nil, fmt.Errorf("%s cannot be set in .env without changing how the rest of the file reads (is a quote left open?); it was left as it is: add %s=… to it by hand", key, key)
	}
	return out.Bytes(), nil
}

// lineBreakLen is the length of the line break b starts with, if any.
func lineBreakLen(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case len(b) > 0 && (b[0] == '\n' || b[0] == '\r'):
		return 1
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return len("\u2028")
	}
	return 0
}

// envQuote quotes a value only when a reader would otherwise misread it:
// single quotes (taken literally by dotenv and shells), or double quotes for
// a value with a single quote in it (SetEnvLine refuses the values that
// double quotes would change).
func envQuote(v string) string {
	if v == "" || v != strings.TrimFunc(v, isJSSpace) || strings.ContainsAny(v, " \t#'\"`") {
		if strings.Contains(v, "'") {
			return `"` + v + `"`
		}
		return "'" + v + "'"
	}
	return v
}

// SetEnvVar sets key=value in the daemon's .env file (created 0600 in a 0700
// state dir when absent) with an atomic replace that keeps every other line.
func SetEnvVar(paths Paths, key, value string) error {
	path := paths.Env
	if real, err := resolveReal(path); err == nil {
		path = real
	}
	if err := mkdirAllOwned(filepath.Dir(path)); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	return withFileLock(path, func(lock *lockHandle) error {
		data, _, err := readRegular(path, ".env", MaxConfigSize)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case isUnreadable(err):
			return err
		case err != nil:
			return fmt.Errorf("read %s: %w", path, err)
		}
		out, err := SetEnvLine(data, key, value)
		if err != nil {
			return err
		}
		return writeAtomic(lock, path, out, 0o600)
	})
}
