package authstore

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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

// EnvLine is one line of a .env file.
type EnvLine struct {
	Key   string // empty for comments, blank and unparseable lines
	Value string
}

// ParseEnv reads .env text the way the gateway's dotenv loader does, one
// line at a time: KEY=value lines (an optional "export " prefix; a value in
// single, double or back quotes, or bare up to a "#" comment; "\n" and "\r"
// in double quotes become line breaks), comments and blank lines. There is
// one EnvLine per line of data.
func ParseEnv(data []byte) []EnvLine {
	var out []EnvLine
	for _, line := range splitLines(data) {
		k, v, ok := parseEnvLine(line)
		if !ok {
			out = append(out, EnvLine{})
			continue
		}
		out = append(out, EnvLine{Key: k, Value: v})
	}
	return out
}

func parseEnvLine(line string) (key, value string, ok bool) {
	s := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
	if s == "" || strings.HasPrefix(s, "#") {
		return "", "", false
	}
	if rest, found := strings.CutPrefix(s, "export"); found && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		s = strings.TrimLeft(rest, " \t")
	}
	k, v, found := strings.Cut(s, "=")
	if !found {
		return "", "", false
	}
	k = strings.TrimRight(k, " \t")
	if !validEnvKeyRead(k) {
		return "", "", false
	}
	return k, parseEnvValue(strings.TrimSpace(v)), true
}

// parseEnvValue reads what follows "=" (trimmed), as dotenv does: a quoted
// value whose closing quote is followed only by blanks or a comment, else
// everything up to the first "#".
func parseEnvValue(v string) string {
	if v != "" && (v[0] == '\'' || v[0] == '"' || v[0] == '`') {
		q := v[0]
		// The longest quoted run that has no unescaped quote inside and is
		// followed by nothing but a comment (dotenv's regular expression is
		// greedy and backtracks the same way).
		for j := len(v) - 1; j > 0; j-- {
			if v[j] != q || !onlyComment(v[j+1:]) || !quotedRunOK(v[1:j], q) {
				continue
			}
			inner := v[1:j]
			if q == '"' {
				inner = strings.NewReplacer(`\n`, "\n", `\r`, "\r").Replace(inner)
			}
			return inner
		}
	}
	if i := strings.IndexByte(v, '#'); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '\'' || v[0] == '"' || v[0] == '`') && v[len(v)-1] == v[0] {
		q := v[0]
		v = v[1 : len(v)-1]
		if q == '"' {
			v = strings.NewReplacer(`\n`, "\n", `\r`, "\r").Replace(v)
		}
	}
	return v
}

// quotedRunOK reports whether every quote q inside s is escaped by a
// backslash.
func quotedRunOK(s string, q byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == q && (i == 0 || s[i-1] != '\\') {
			return false
		}
	}
	return true
}

// onlyComment reports whether s is blank or blanks and a "#" comment.
func onlyComment(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || s[0] == '#'
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

// validEnvKeyRead is a name dotenv reads: letters, digits, '_', '.', '-'.
func validEnvKeyRead(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		switch {
		case r == '_', r == '.', r == '-', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return true
}

// splitLines splits on \n, keeping a final line without a newline.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	s := string(data)
	s = strings.TrimSuffix(s, "\n")
	return strings.Split(s, "\n")
}

// LoadEnvFile reads the .env file at path; a missing file has no lines.
func LoadEnvFile(path string) ([]EnvLine, error) {
	data, _, err := readRegular(path, ".env", MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseEnv(data), nil
}

// FindEnvCredentials lists the provider keys in the process environment and
// in the .env lines, in EnvVars order (process environment first).
func FindEnvCredentials(getenv Getenv, dotenv []EnvLine) []EnvCredential {
	var out []EnvCredential
	for _, ev := range EnvVars {
		if v := strings.TrimSpace(getenv(ev.Var)); v != "" {
			out = append(out, EnvCredential{Provider: ev.Provider, Var: ev.Var, Source: SourceProcessEnv, Value: v})
		}
	}
	last := map[string]string{}
	for _, l := range dotenv {
		if l.Key != "" {
			last[l.Key] = l.Value
		}
	}
	for _, ev := range EnvVars {
		if v := strings.TrimSpace(last[ev.Var]); v != "" {
			out = append(out, EnvCredential{Provider: ev.Provider, Var: ev.Var, Source: SourceDotEnv, Value: v})
		}
	}
	return out
}

// SetEnvLine returns data with KEY=value set: the first line that assigns
// key is replaced (later ones are removed so the new value wins wherever the
// file is read from), or the line is appended. Every other line, comment and
// blank line is kept byte for byte.
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
	newLine := key + "=" + envQuote(value)
	var out bytes.Buffer
	replaced := false
	for _, line := range splitLines(data) {
		if k, _, ok := parseEnvLine(line); ok && k == key {
			if replaced {
				continue
			}
			replaced = true
			if strings.HasPrefix(strings.TrimSpace(line), "export ") {
				out.WriteString("export ")
			}
			out.WriteString(newLine)
			if strings.HasSuffix(line, "\r") {
				out.WriteByte('\r')
			}
			out.WriteByte('\n')
			continue
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	if !replaced {
		out.WriteString(newLine)
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

// envQuote quotes a value only when a reader would otherwise misread it:
// single quotes (taken literally by dotenv and shells), or double quotes for
// a value with a single quote in it (SetEnvLine refuses the values that
// double quotes would change).
func envQuote(v string) string {
	if v == "" || v != strings.TrimSpace(v) || strings.ContainsAny(v, " \t#'\"`") {
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
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	return withFileLock(path, func() error {
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
		return writeAtomic(path, out, 0o600)
	})
}
