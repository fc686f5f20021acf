// Command ansinorm rewrites a terminal capture (`tmux capture-pane -e`) so
// that every style change states the whole style: a reset, then the
// foreground, then the background. docs/screenshots.sh runs it before
// charmbracelet/freeze, whose ANSI reader keeps no state between sequences:
// it knows no "default foreground" (39) or "default background" (49), no
// 40–47 backgrounds, and a bold (1) after a colour drops the colour. After
// ansinorm the picture freeze draws has the colours the terminal showed.
// Bold, italic and underline are dropped (freeze draws none of them).
//
//	ansinorm < capture.ansi > normalised.ansi
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

func main() {
	in, err := io.ReadAll(bufio.NewReader(os.Stdin))
	if err != nil {
		fmt.Fprintln(os.Stderr, "ansinorm:", err)
		os.Exit(1)
	}
	if _, err := os.Stdout.WriteString(Normalize(string(in))); err != nil {
		fmt.Fprintln(os.Stderr, "ansinorm:", err)
		os.Exit(1)
	}
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// style is the colours in effect: SGR parameter strings ("38;5;12"), or ""
// for the terminal's default.
type style struct{ fg, bg string }

// Normalize rewrites every SGR sequence of s as a reset followed by the
// whole resulting style; other text and sequences pass through. The style
// carries across lines, as on a terminal.
func Normalize(s string) string {
	var cur style
	return sgr.ReplaceAllStringFunc(s, func(seq string) string {
		cur = apply(cur, sgr.FindStringSubmatch(seq)[1])
		out := "\x1b[0m"
		if cur.fg != "" {
			out += "\x1b[" + cur.fg + "m"
		}
		if cur.bg != "" {
			out += "\x1b[" + cur.bg + "m"
		}
		return out
	})
}

// apply is st after the SGR parameters params.
func apply(st style, params string) style {
	if params == "" {
		return style{}
	}
	ps := strings.FieldsFunc(params, func(r rune) bool { return r == ';' || r == ':' })
	num := func(i int) int {
		if i >= len(ps) {
			return -1
		}
		n, err := strconv.Atoi(ps[i])
		if err != nil {
			return -1
		}
		return n
	}
	for i := 0; i < len(ps); i++ {
		switch n := num(i); {
		case n == 0:
			st = style{}
		case n == 38 || n == 48:
			var c string
			switch num(i + 1) {
			case 5:
				c = fmt.Sprintf("%d;5;%d", n, num(i+2))
				i += 2
			case 2:
				c = fmt.Sprintf("%d;2;%d;%d;%d", n, num(i+2), num(i+3), num(i+4))
				i += 4
			default:
				i = len(ps) // malformed: ignore the rest
				continue
			}
			if n == 38 {
				st.fg = c
			} else {
				st.bg = c
			}
		case n == 39:
			st.fg = ""
		case n == 49:
			st.bg = ""
		case n >= 30 && n <= 37, n >= 90 && n <= 97:
			st.fg = strconv.Itoa(n)
		case n >= 40 && n <= 47:
			st.bg = fmt.Sprintf("48;5;%d", n-40)
		case n >= 100 && n <= 107:
			st.bg = fmt.Sprintf("48;5;%d", n-100+8)
		}
	}
	return st
}
