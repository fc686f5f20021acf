package authstore

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeTextEscapesWhatATerminalActsOn(t *testing.T) {
	cases := []struct{ in, want string }{
		{"anthropic:work", "anthropic:work"},
		{"me@example.com", "me@example.com"},
		{"élan 😀 日本", "élan 😀 日本"},
		{`back\slash`, `back\slash`}, // kept: an id with a backslash reads as itself
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"\x1b]52;c;ZWNobyBoaQ==\x07", `\x1b]52;c;ZWNobyBoaQ==\x07`},
		{"wipe\x1b[2J\x1b[H", `wipe\x1b[2J\x1b[H`},
		{"a\tb\nc\rd", `a\tb\nc\rd`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"c1 \u009b31m \u0085", `c1 \u009b31m \u0085`},
		{"evil\u202egnp.exe", `evil\u202egnp.exe`},
		{"\u2066iso\u2069 \u200e\u200f\u061c", `\u2066iso\u2069 \u200e\u200f\u061c`},
		{"bad \xff\xfe utf8 \xc3", `bad \xff\xfe utf8 \xc3`},
		{"\u00e9\u00a0ok", "\u00e9\u00a0ok"}, // U+00A0 and above are not C1
		{"\ufffd kept", "\ufffd kept"},
	}
	for _, c := range cases {
		if got := SafeText(c.in); got != c.want {
			t.Errorf("SafeText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := SafeLines("one\ntwo\x1b[2J\tthree\r\n"); got != "one\ntwo\\x1b[2J\\tthree\\r\n" {
		t.Errorf("SafeLines kept or lost the wrong things: %q", got)
	}
}

// checkSafe asserts the sanitiser's promise for one input: nothing a
// terminal acts on is left, it is idempotent, and text without anything to
// escape comes back unchanged.
func checkSafe(t *testing.T, s string) {
	t.Helper()
	for _, keep := range []bool{false, true} {
		out := safeText(s, keep)
		if !utf8.ValidString(out) {
			t.Fatalf("safeText(%q, %v) = %q is not UTF-8", s, keep, out)
		}
		for _, r := range out {
			if r < 0x20 && !(keep && r == '\n') || r == 0x7f || unsafeRune(r) {
				t.Fatalf("safeText(%q, %v) = %q still holds %U", s, keep, out, r)
			}
		}
		if again := safeText(out, keep); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		if firstUnsafe(s, keep) < 0 && out != s {
			t.Fatalf("safeText(%q) changed safe text to %q", s, out)
		}
	}
}

func TestSafeTextProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	alphabet := []rune("ab:@.\\-_é😀\x00\x07\t\n\r\x1b\x7f\u0085\u009b\u202e\u2066\ufffd ")
	for range 5000 {
		r := make([]rune, rng.IntN(40))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		s := string(r)
		if rng.IntN(4) == 0 && len(s) > 0 { // and a broken byte sequence
			s = s[:rng.IntN(len(s))] + "\xe2\x80" + s[rng.IntN(len(s)):]
		}
		checkSafe(t, s)
	}
}

func FuzzSafeText(f *testing.F) {
	for _, s := range []string{"", "anthropic:work", "\x1b]0;x\x07", "\u202e", "\xff", `a\x1b`, "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkSafe(t, s) })
}

func TestListIDsCapsLongLists(t *testing.T) {
	ids := make([]string, 100_000)
	for i := range ids {
		ids[i] = "anthropic:p" + Thousands(i)
	}
	got := ListIDs(ids, 0)
	if !strings.HasSuffix(got, "anthropic:p9 … and 99,990 more") || strings.Count(got, ", ") != MaxListedIDs-1 {
		t.Errorf("ListIDs(100,000 ids) = %q", got)
	}
	if got := ListIDs([]string{"a", "b\x1b[2J"}, 0); got != `a, b\x1b[2J` {
		t.Errorf("ListIDs = %q, want every id made safe", got)
	}
	if got := ListIDs(nil, 0); got != "(none)" {
		t.Errorf("ListIDs(nil) = %q", got)
	}
	if got := ListIDs([]string{"a", "b", "c"}, 2); got != "a, b … and 1 more" {
		t.Errorf("ListIDs(3, 2) = %q", got)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 99990: "99,990", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestShellQuote: a path in a fix command is pasted as one word, with no
// character acting on the shell.
func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/home/gw/.clawdbot/agents/main/agent": "/home/gw/.clawdbot/agents/main/agent",
		"/srv/a b":                             "'/srv/a b'",
		"/srv/it's":                            `'/srv/it'\''s'`,
		"/srv/[ab]":                            "'/srv/[ab]'",
		"/srv/~x":                              "'/srv/~x'",
		"/srv/$HOME":                           "'/srv/$HOME'",
		"/srv/a\nb":                            `$'/srv/a\x0ab'`, // a line break is shown escaped, and pasted it is one again
		"":                                     "''",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}
