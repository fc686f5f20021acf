package cmd

import (
	"io"
	"strconv"
	"strings"

	"github.com/moltbot/moltbot/authstore"
)

// What reaches the terminal: text from the gateway's files is data, never
// terminal control (authstore.SafeText), and an argument that looks like a
// secret given by mistake is never repeated.

// safeWriter passes everything written to it through authstore.SafeLines:
// the outputs of commands that print no colour of their own (order, remove,
// paste-token, doctor's text) go through it, so that no profile id, email,
// reason or path read from a file can reach the terminal as an escape
// sequence, whichever line prints it.
type safeWriter struct{ w io.Writer }

func (s safeWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, authstore.SafeLines(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// stdout and stderr are the command's outputs made safe (see safeWriter).
func (a *app) stdout() io.Writer { return safeWriter{a.env.Stdout} }
func (a *app) stderr() io.Writer { return safeWriter{a.env.Stderr} }

// hiddenArg stands in a message for an argument that looks like a secret.
const hiddenArg = "<secret-looking argument, not shown>"

// secretLike is the rule for an argument that is a secret given by mistake
// (`models auth remove` introduced it): it looks like a credential
// (looksSecret) and is not a profile id ("provider:name").
func secretLike(s string) bool {
	return len(s) >= 8 && looksSecret(s) && !strings.Contains(s, ":")
}

// argText is an argument as a message repeats it: quoted (Go quoting, which
// escapes anything a terminal would act on), or hiddenArg.
func argText(s string) string {
	if secretLike(s) {
		return hiddenArg
	}
	return strconv.Quote(s)
}

// refuseSecretFlag refuses a flag value that looks like a secret, without
// repeating it: a secret on the command line stays in the shell history,
// and nothing moltbot would do with it as a name is what was meant.
func refuseSecretFlag(flag, value, what string) error {
	if !secretLike(strings.TrimSpace(value)) {
		return nil
	}
	return usageError("--%s looks like a secret (not shown): secrets are never taken as arguments (remove it from your shell history); --%s takes %s", flag, flag, what)
}

// hideSecretArgs replaces, in an error message, every argument of the
// command line (or value of a --flag=value, or item of a comma-separated
// list) that looks like a secret: a
// message from cobra or elsewhere that repeats it ("unknown command
// \"sk-ant-…\"") must not print it.
func hideSecretArgs(msg string, args []string) string {
	for _, arg := range args {
		if strings.HasPrefix(arg, "-") {
			if _, v, ok := strings.Cut(arg, "="); ok {
				arg = v
			}
		}
		// The value itself, and each item of a comma-separated list
		// (--probe-profile a,b).
		for _, v := range append([]string{arg}, strings.Split(arg, ",")...) {
			v = strings.TrimSpace(v)
			if secretLike(v) && strings.Contains(msg, v) {
				msg = strings.ReplaceAll(msg, strconv.Quote(v), hiddenArg)
				msg = strings.ReplaceAll(msg, v, hiddenArg)
			}
		}
	}
	return msg
}
