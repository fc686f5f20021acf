// Package termbg asks a terminal for its background colour (xterm's OSC 11
// query) the way a command-line program can afford to: only when the caller
// asks, never at package initialisation, with a deadline of Timeout, and
// with a cursor-position request (DSR) sent after it as a sentinel, so that
// a terminal that answers DSR but not OSC 11 (most do) costs one round trip
// instead of the whole deadline.
//
// The answer chooses between the light and dark shades of moltbot's
// palette; when there is none, callers assume a dark background, as
// lipgloss does. The package imports no Charm code: it replaces the query
// that bubbletea v1's package init made through termenv, whose wait is a
// 5 s constant (see internal/third_party/bubbletea/PATCHES.md).
package termbg

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"time"
)

// Timeout is how long Ask waits for the terminal: a terminal answers in a
// round trip (well under 300 ms over ssh from another continent), and one
// that answers nothing at all (a pty nobody reads, as under `script`,
// `expect` or `docker run -t` in CI) costs no more than this.
const Timeout = 300 * time.Millisecond

// The query: OSC 11 ("what is your background colour?"), then DSR 6 ("where
// is the cursor?"). Terminals answer in order, so the cursor report ends
// the wait whether or not the colour came first.
const query = "\x1b]11;?\x1b\\" + "\x1b[6n"

// ErrNoAnswer means the terminal did not report its cursor within the
// deadline: nothing answers on the other side.
var ErrNoAnswer = errors.New("the terminal did not answer")

// ErrNoColour means the terminal answered the cursor request but not (or
// not readably) the colour request: it does not support OSC 11.
var ErrNoColour = errors.New("the terminal does not report its background colour")

// Color is a terminal colour with 16-bit channels, as OSC 11 reports it.
type Color struct{ R, G, B uint16 }

// Dark reports whether c is a dark background: HSL lightness below one
// half, the rule termenv and lipgloss apply, so moltbot picks the same
// shades lipgloss would have.
func (c Color) Dark() bool {
	hi := max(c.R, c.G, c.B)
	lo := min(c.R, c.G, c.B)
	return uint32(hi)+uint32(lo) < 0xffff
}

// Ask asks the terminal that out writes to for its background colour and
// reports it, or false when it was not asked or did not tell. getenv is the
// environment of the command.
//
// It asks only when out is a terminal, the process is in the terminal's
// foreground (a background job that touched the terminal's modes would be
// stopped), the answer can be read (out itself when it is open for reading,
// else /dev/tty when that is the same terminal), and the terminal is one
// that may be asked (see mayAsk). It waits at most Timeout.
func Ask(out *os.File, getenv func(string) string) (Color, bool) {
	if out == nil || !mayAsk(getenv) {
		return Color{}, false
	}
	raw, err := out.SyscallConn() // the fd, without making out blocking as Fd() would
	if err != nil {
		return Color{}, false
	}
	var (
		c  Color
		ok bool
	)
	_ = raw.Control(func(fd uintptr) {
		ttyFD, done := answerFD(int(fd))
		if ttyFD < 0 {
			return
		}
		defer done()
		if !foreground(ttyFD) {
			return
		}
		var err error
		c, err = Query(ttyFD, Timeout)
		ok = err == nil
	})
	return c, ok
}

// mayAsk applies the rules that do not need the terminal: TERM=dumb is a
// terminal that interprets no escape sequence (it would print the query),
// and GNU screen (TERM=screen… outside tmux) is attached to any number of
// terminals, so termenv never asks it and neither does moltbot. tmux is
// asked (termenv does not): tmux 3.3a answers OSC 11 itself with the pane's
// background when it knows it and the cursor request always, so at worst it
// costs one round trip and says nothing.
func mayAsk(getenv func(string) string) bool {
	term := getenv("TERM")
	switch {
	case strings.HasPrefix(term, "dumb"):
		return false
	case strings.HasPrefix(term, "tmux"):
		return true
	case strings.HasPrefix(term, "screen"):
		return getenv("TMUX") != ""
	}
	return true
}

// parseReply looks through what the terminal sent for the answers to the
// query. done is true once the cursor report has arrived (everything the
// terminal will say has been said); c and ok are the colour, when an OSC 11
// answer came before it and could be read. Anything else (keys typed
// meanwhile) is skipped.
func parseReply(b []byte) (c Color, ok, done bool) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, 0x1b)
		if i < 0 {
			return c, ok, false
		}
		b = b[i:]
		switch {
		case bytes.HasPrefix(b, []byte("\x1b]")):
			body, rest, complete := cutOSC(b[2:])
			if !complete {
				return c, ok, false
			}
			if v, found := strings.CutPrefix(string(body), "11;"); found {
				c, ok = parseColor(v)
			}
			b = rest
		case bytes.HasPrefix(b, []byte("\x1b[")):
			n, complete, isCPR := cutCPR(b[2:])
			if !complete {
				return c, ok, false
			}
			if isCPR {
				return c, ok, true
			}
			b = b[2+n:]
		default:
			b = b[1:]
		}
	}
	return c, ok, false
}

// cutOSC splits an OSC string's body from what follows its terminator
// (BEL or ST, ESC \).
func cutOSC(b []byte) (body, rest []byte, complete bool) {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case 0x07:
			return b[:i], b[i+1:], true
		case 0x1b:
			if i+1 == len(b) {
				return nil, nil, false
			}
			if b[i+1] == '\\' {
				return b[:i], b[i+2:], true
			}
			return b[:i], b[i:], true // unterminated: let the next sequence start
		}
	}
	return nil, nil, false
}

// cutCPR measures a CSI sequence after "ESC [": its length, whether it is
// complete, and whether it is a cursor position report (digits ; digits R).
func cutCPR(b []byte) (n int, complete, isCPR bool) {
	for i := 0; i < len(b); i++ {
		if b[i] >= 0x40 && b[i] <= 0x7e { // the final byte
			p := string(b[:i])
			row, col, semi := strings.Cut(p, ";")
			return i + 1, true, b[i] == 'R' && semi && digits(row) && digits(col)
		}
	}
	return 0, false, false
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseColor reads an X11 colour specification as terminals report it:
// "rgb:R/G/B" (or "rgba:R/G/B/A") with 1 to 4 hex digits per channel, or
// the legacy "#RGB", "#RRGGBB", "#RRRGGGBBB", "#RRRRGGGGBBBB".
func parseColor(s string) (Color, bool) {
	var parts []string
	switch {
	case strings.HasPrefix(s, "rgb:"):
		parts = strings.Split(s[len("rgb:"):], "/")
		if len(parts) != 3 {
			return Color{}, false
		}
	case strings.HasPrefix(s, "rgba:"):
		parts = strings.Split(s[len("rgba:"):], "/")
		if len(parts) != 4 {
			return Color{}, false
		}
		parts = parts[:3]
	case strings.HasPrefix(s, "#") && (len(s)-1)%3 == 0 && len(s) > 1 && len(s) <= 13:
		n := (len(s) - 1) / 3
		parts = []string{s[1 : 1+n], s[1+n : 1+2*n], s[1+2*n:]}
	default:
		return Color{}, false
	}
	var ch [3]uint16
	for i, p := range parts {
		v, ok := channel(p)
		if !ok {
			return Color{}, false
		}
		ch[i] = v
	}
	return Color{ch[0], ch[1], ch[2]}, true
}

// channel scales 1 to 4 hex digits to 16 bits ("f" and "ff" are 0xffff).
func channel(h string) (uint16, bool) {
	if len(h) < 1 || len(h) > 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(h, 16, 16)
	if err != nil {
		return 0, false
	}
	top := uint64(1)<<(4*len(h)) - 1
	return uint16(v * 0xffff / top), true
}
