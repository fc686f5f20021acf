package authstore

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Text from the gateway's files (profile ids, emails, provider names,
// disabledReason, order entries, config and .env names) and from servers is
// data: printed raw, an escape sequence inside it would set the terminal's
// title, write its clipboard (OSC 52) or clear the screen, and a bidi
// override would make it read as something else. SafeText is the one
// sanitiser every text output and every screen passes such text through;
// JSON output keeps it exact (JSON's own escaping covers it).
//
// What becomes a visible escape: C0 controls (TAB → \t, LF → \n, CR → \r,
// ESC → \x1b, …), DEL (\x7f), C1 controls (U+0080–U+009F → \u0085, …),
// the bidi embeddings, overrides, isolates and marks (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C → \u202e, …) and bytes that are not
// UTF-8 (\xff). Everything else, a backslash included, is kept as it is, so
// that SafeText is idempotent (text made safe twice reads the same) and an
// id with a backslash still reads as the id.

// SafeText makes file or server text safe to print as one field of one
// line: nothing in the result is a control character (not even a tab or a
// line break, which would break the columns of `--plain` and the tables).
func SafeText(s string) string { return safeText(s, false) }

// SafeLines is SafeText for text that is already laid out in lines by
// moltbot itself (a whole command output): line breaks are kept, every
// other control character is escaped.
func SafeLines(s string) string { return safeText(s, true) }

func safeText(s string, keepNewline bool) string {
	i := firstUnsafe(s, keepNewline)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 0x20 && c != 0x7f, c == '\n' && keepNewline:
				b.WriteByte(c)
			case c == '\t':
				b.WriteString(`\t`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			default:
				writeHexByte(&b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeHexByte(&b, c)
		case unsafeRune(r):
			b.WriteString(`\u`)
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(h)))
			b.WriteString(h)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnsafe is the index of the first byte SafeText changes, or -1.
func firstUnsafe(s string, keepNewline bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(c == '\n' && keepNewline) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			return i
		}
		i += size
	}
	return -1
}

// unsafeRune reports the non-ASCII runes a terminal acts on or that reorder
// what is shown: C1 controls and the bidi formatting characters.
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1: 0x9b is CSI, 0x9d OSC on 8-bit terminals
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

func writeHexByte(b *strings.Builder, c byte) {
	const hex = "0123456789abcdef"
	b.WriteString(`\x`)
	b.WriteByte(hex[c>>4])
	b.WriteByte(hex[c&0xf])
}

// MaxListedIDs is how many ids a message lists before it says how many
// more there are: a store of 100,000 profiles must not make one error
// line megabytes long.
const MaxListedIDs = 10

// ListIDs joins ids for a message, each made safe (SafeText), with ", ";
// past limit (MaxListedIDs when limit is 0; no limit when it is negative)
// it stops and says how many are left out: "a, b, c … and 99,997 more". No
// ids at all read "(none)".
func ListIDs(ids []string, limit int) string {
	if len(ids) == 0 {
		return "(none)"
	}
	if limit == 0 {
		limit = MaxListedIDs
	}
	shown := ids
	if limit > 0 && len(ids) > limit {
		shown = ids[:limit]
	}
	var b strings.Builder
	for i, id := range shown {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(SafeText(id))
	}
	if rest := len(ids) - len(shown); rest > 0 {
		b.WriteString(" … and ")
		b.WriteString(Thousands(rest))
		b.WriteString(" more")
	}
	return b.String()
}

// Thousands writes n with comma thousands separators: 99,990.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ShellQuote quotes one word of a command the user may paste (an id, a
// path, a provider read from a file): as it is when every character is one
// no shell treats specially; else in single quotes (a quote inside is
// closed, escaped and reopened); and when it holds anything SafeText would escape (an
// escape sequence, a line break, a bidi override, a byte that is not UTF-8)
// as $'…' with \xNN escapes, which bash, zsh, ksh and POSIX sh since 2024
// turn back into the exact bytes: the printed command is safe to show and,
// pasted, names what the file holds.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !shellSafe(r) }) < 0 {
		return s
	}
	if SafeText(s) == s {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case size == 1 && (r < 0x20 || r == 0x7f || r == utf8.RuneError), SafeText(s[i:i+size]) != s[i:i+size]:
			for _, c := range []byte(s[i : i+size]) {
				b.WriteString(`\x`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteString("'")
	return b.String()
}

// shellSafe reports a character that needs no quoting in any shell.
func shellSafe(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r)
}
