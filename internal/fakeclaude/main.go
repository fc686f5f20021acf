// Command fakeclaude is a stand-in for `claude setup-token` (Claude Code
// 2.1.x) that tests build and put first on PATH as `claude`. On a pty it
// writes what the real program writes (SPEC §7): Ink-style output with
// colour codes, cursor jumps between words, a hidden cursor, bracketed
// paste and focus reporting, terminal queries, an OSC 8 authorisation URL, a
// rounded input box with masked echo, and on success a FAKE token
// hard-wrapped into rows of (columns − 1) characters, redrawn on resize. It
// ignores ctrl+c (which only clears the input) and exits 0 on SIGINT, 143 on
// SIGTERM, 129 on SIGHUP and 0 when the pty closes.
//
// Environment:
//
//	FAKECLAUDE_MODE        ok (default), slow, browser, badcode, exit1,
//	                       crash, hang, notoken (see modes below)
//	FAKECLAUDE_TOKEN       the token to print (default DefaultToken)
//	FAKECLAUDE_FAST        "1": short delays, for tests
//	FAKECLAUDE_STARTUP     delay before the URL appears (default 500ms)
//	FAKECLAUDE_SPINNER     how long "Finishing sign-in…" shows (default 300ms)
//	FAKECLAUDE_EXIT_DELAY  time on the success screen before exiting (850ms)
//	FAKECLAUDE_CODE_FILE   if set, each submitted code is appended to it
//
// Modes: ok waits for a code and succeeds; slow is ok with every write
// dribbled in 1–13 byte pieces (split inside escape sequences and the token);
// browser succeeds after "Opening browser to sign in…" with nothing typed;
// badcode answers every code with an OAuth error and "Press Enter to retry"
// and never exits by itself; exit1 fails the exchange and exits 1; crash
// dies with a Go panic (exit 2) in the middle of printing the token; hang
// spins "Finishing sign-in…" forever after the code and ignores SIGINT;
// notoken exits 0 without printing a token.
package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// DefaultToken is printed when FAKECLAUDE_TOKEN is not set: the real shape
// and length, obviously fake.
const DefaultToken = "sk-ant-oat01-FAKEfakeSetupTokenForTestsOnly_notARealCredential-0123456789abcdefghijKLMNOPQRSTuvwxyz_FAKE-0AA"

const version = "2.1.331"

// colours and sequences the real program uses
const (
	fgOrange = "\x1b[38;5;174m"
	fgGrey   = "\x1b[38;5;246m"
	fgBlue   = "\x1b[38;5;153m"
	fgGreen  = "\x1b[38;5;114m"
	fgYellow = "\x1b[38;5;220m"
	fgWhite  = "\x1b[38;5;231m"
	fgRed    = "\x1b[38;5;211m"
	fgReset  = "\x1b[39m"
	bold     = "\x1b[1m"
	boldOff  = "\x1b[22m"

	startSeq    = "\x1b7\x1b[r\x1b8\x1b[?25h\x1b[?25l\x1b[?2004h\x1b[?2031h\x1b[?1004h"
	queries1    = "\x1b]11;?\x07\x1b[c"
	queries2    = "\x1b[>0q\x1b[?u\x1b]7501;?\x07\x1b[c"
	exitSeq     = "\x1b[?25h\x1b[?1004l\x1b[>4m\x1b[<u\x1b[?2031l\x1b[?2004l\x1b(B\x0f\x1b[?1016l\x1b[?1006l\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[?7h\x1b[?25h\x1b7\x1b[r\x1b8\x1b[?25h\x1b[?25h"
	ellipsis    = "…"
	spinnerChar = "·✢✳✶✻✽"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	switch {
	case len(args) == 1 && (args[0] == "--version" || args[0] == "-v"):
		fmt.Println(version + " (Claude Code)")
		return 0
	case len(args) != 1 || args[0] != "setup-token":
		fmt.Fprintln(os.Stderr, "fake claude: only `claude setup-token` and `claude --version` are supported")
		return 1
	}
	a := newApp()
	return a.main()
}

type state int

const (
	stBrowser state = iota
	stPrompt
	stSpinner
	stSuccess
	stError
)

type keyKind int

const (
	keyText keyKind = iota
	keyEnter
	keyBackspace
	keyCtrlC
	keyEOF
)

type key struct {
	kind keyKind
	text string
}

type app struct {
	mode     string
	token    string
	codeFile string
	startup  time.Duration
	spinner  time.Duration
	exitWait time.Duration

	cols, rows int
	saved      *unix.Termios
	slow       bool
	chunk      int

	st        state
	code      []rune
	urlID     string
	url       string
	bodyLines int
	frame     int
}

func newApp() *app {
	a := &app{
		mode:     envOr("FAKECLAUDE_MODE", "ok"),
		token:    envOr("FAKECLAUDE_TOKEN", DefaultToken),
		codeFile: os.Getenv("FAKECLAUDE_CODE_FILE"),
		startup:  500 * time.Millisecond,
		spinner:  300 * time.Millisecond,
		exitWait: 850 * time.Millisecond,
	}
	if os.Getenv("FAKECLAUDE_FAST") == "1" {
		a.startup, a.spinner, a.exitWait = 20*time.Millisecond, 60*time.Millisecond, 150*time.Millisecond
	}
	a.startup = envDuration("FAKECLAUDE_STARTUP", a.startup)
	a.spinner = envDuration("FAKECLAUDE_SPINNER", a.spinner)
	a.exitWait = envDuration("FAKECLAUDE_EXIT_DELAY", a.exitWait)
	a.slow = a.mode == "slow"
	a.readSize()
	a.newURL()
	return a
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func envDuration(k string, def time.Duration) time.Duration {
	if v := os.Getenv(k); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func (a *app) main() int {
	switch a.mode {
	case "ok", "slow", "browser", "badcode", "exit1", "crash", "hang", "notoken":
	default:
		fmt.Fprintf(os.Stderr, "fake claude: unknown FAKECLAUDE_MODE %q\n", a.mode)
		return 1
	}
	a.enterRaw()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGWINCH)
	keys := make(chan key, 64)
	go readKeys(keys)

	a.write(startSeq + strings.Join(a.header(), "\r\n") + "\r\n")
	var timer <-chan time.Time // the next scheduled step
	var tick <-chan time.Time  // spinner frames
	if a.mode == "browser" {
		a.st = stBrowser
		a.drawBody(a.para("Opening browser to sign in"+ellipsis, "", "", 1, 1))
		timer = time.After(a.startup + 3*a.spinner)
	} else {
		time.Sleep(a.startup)
		a.write(queries1)
		a.st = stPrompt
		a.drawBody(a.promptBody())
		a.write(queries2)
	}
	var ticker *time.Ticker
	startSpinner := func() {
		a.st, a.frame = stSpinner, 0
		a.drawBody(a.spinnerBody())
		ticker = time.NewTicker(100 * time.Millisecond)
		tick = ticker.C
		if a.mode != "hang" {
			timer = time.After(a.spinner)
		}
	}
	stopSpinner := func() {
		if ticker != nil {
			ticker.Stop()
			ticker, tick = nil, nil
		}
	}

	for {
		select {
		case sig := <-sigs:
			switch sig {
			case syscall.SIGWINCH:
				a.readSize()
				if a.st == stSuccess {
					a.redrawAll()
				} else {
					a.drawBody(a.body())
				}
			case syscall.SIGINT:
				if a.mode != "hang" {
					return a.exit(0)
				}
			case syscall.SIGTERM:
				return a.exit(143)
			case syscall.SIGHUP:
				return a.exit(129)
			}
		case k := <-keys:
			switch k.kind {
			case keyEOF:
				return a.exit(0)
			case keyCtrlC: // never exits: clears the input
				if a.st == stPrompt {
					a.code = a.code[:0]
					a.drawInput()
				}
			case keyText:
				if a.st == stPrompt {
					a.code = append(a.code, []rune(k.text)...)
					a.drawInput()
				}
			case keyBackspace:
				if a.st == stPrompt && len(a.code) > 0 {
					a.code = a.code[:len(a.code)-1]
					a.drawInput()
				}
			case keyEnter:
				switch {
				case a.st == stPrompt && len(a.code) > 0:
					a.recordCode()
					startSpinner()
				case a.st == stError: // retry with a new URL
					a.code = a.code[:0]
					a.newURL()
					a.st = stPrompt
					a.drawBody(a.promptBody())
				}
			}
		case <-tick:
			a.frame++
			a.drawBody(a.spinnerBody())
		case <-timer:
			timer = nil
			switch a.st {
			case stBrowser:
				a.st = stSuccess
				a.drawBody(a.successBody())
				timer = time.After(a.exitWait)
			case stSpinner:
				stopSpinner()
				switch a.mode {
				case "ok", "slow":
					a.st = stSuccess
					a.drawBody(a.successBody())
					timer = time.After(a.exitWait)
				case "badcode":
					a.st = stError
					a.drawBody(a.errorBody())
				case "exit1":
					a.drawBody(a.para("OAuth error: Request failed with status code 400 (fake claude, exit1 mode)", fgRed, fgReset, 1, 1))
					return a.exit(1)
				case "notoken":
					a.drawBody(a.para("Signed in. (fake claude, notoken mode: no token is printed)", fgGrey, fgReset, 1, 1))
					return a.exit(0)
				case "crash":
					a.crash()
				}
			case stSuccess:
				return a.exit(0)
			}
		}
	}
}

// crash prints the success screen up to the middle of the first token row
// and dies the way a Go program does (exit status 2).
func (a *app) crash() {
	lines := a.successBody()
	var b strings.Builder
	b.WriteString(a.erase())
	for _, l := range lines {
		if strings.Contains(l, fgYellow) {
			break
		}
		b.WriteString(l + "\r\n")
	}
	half := min(len(a.token)/2, a.cols/2)
	b.WriteString("\x1b[2G" + fgYellow + a.token[:half])
	a.write(b.String())
	panic("fake claude: crash mode")
}

func (a *app) recordCode() {
	if a.codeFile == "" {
		return
	}
	f, err := os.OpenFile(a.codeFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintln(f, string(a.code))
}

func (a *app) exit(code int) int {
	a.write(exitSeq)
	a.leaveRaw()
	return code
}

// ---- terminal

// enterRaw sets the raw mode Node's setRawMode sets (libuv): no echo, no
// line editing, no signals from keys, but output post-processing stays on,
// so a "\r\n" written reaches the terminal as "\r\r\n" like the real one.
func (a *app) enterRaw() {
	t, err := unix.IoctlGetTermios(0, unix.TCGETS)
	if err != nil {
		return
	}
	saved := *t
	a.saved = &saved
	t.Iflag &^= unix.BRKINT | unix.ICRNL | unix.INPCK | unix.ISTRIP | unix.IXON
	t.Oflag |= unix.OPOST | unix.ONLCR
	t.Cflag |= unix.CS8
	t.Lflag &^= unix.ECHO | unix.ICANON | unix.IEXTEN | unix.ISIG
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	_ = unix.IoctlSetTermios(0, unix.TCSETS, t)
}

func (a *app) leaveRaw() {
	if a.saved != nil {
		_ = unix.IoctlSetTermios(0, unix.TCSETS, a.saved)
	}
}

func (a *app) readSize() {
	a.cols, a.rows = 80, 24
	if ws, err := unix.IoctlGetWinsize(1, unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
		a.cols, a.rows = int(ws.Col), int(ws.Row)
	}
	a.cols = max(a.cols, 20)
}

// write sends s to the terminal: at once, or in slow mode in pieces of 1–13
// bytes with pauses, so that reads split escape sequences and the token.
func (a *app) write(s string) {
	if !a.slow {
		_, _ = os.Stdout.WriteString(s)
		return
	}
	sizes := [...]int{1, 3, 7, 2, 11, 5, 13, 4}
	for len(s) > 0 {
		n := min(sizes[a.chunk%len(sizes)], len(s))
		a.chunk++
		_, _ = os.Stdout.WriteString(s[:n])
		s = s[n:]
		time.Sleep(100 * time.Microsecond)
	}
}

// readKeys turns raw keyboard bytes into keys, skipping the terminal's
// answers to queries and other escape sequences; a bracketed paste is text.
func readKeys(keys chan<- key) {
	buf := make([]byte, 1024)
	var pending []byte
	for {
		n, err := os.Stdin.Read(buf)
		pending = append(pending, buf[:n]...)
		pending = parseKeys(pending, keys)
		if err != nil {
			keys <- key{kind: keyEOF}
			return
		}
	}
}

// parseKeys emits the keys in b and returns an unfinished tail.
func parseKeys(b []byte, keys chan<- key) []byte {
	for len(b) > 0 {
		c := b[0]
		switch {
		case c == '\r':
			keys <- key{kind: keyEnter}
			b = b[1:]
		case c == 0x03:
			keys <- key{kind: keyCtrlC}
			b = b[1:]
		case c == 0x7f || c == 0x08:
			keys <- key{kind: keyBackspace}
			b = b[1:]
		case c == 0x1b:
			n := escLen(b)
			if n == 0 {
				return b // incomplete: wait for more
			}
			if strings.HasPrefix(string(b[:n]), "\x1b[200~") { // bracketed paste
				end := strings.Index(string(b), "\x1b[201~")
				if end < 0 {
					return b
				}
				text := strings.Map(func(r rune) rune {
					if r < 0x20 {
						return -1
					}
					return r
				}, string(b[n:end]))
				if text != "" {
					keys <- key{kind: keyText, text: text}
				}
				b = b[end+6:]
				continue
			}
			b = b[n:]
		case c < 0x20: // \n does not submit; other controls do nothing
			b = b[1:]
		default:
			r, size := utf8.DecodeRune(b)
			if r == utf8.RuneError && !utf8.FullRune(b) {
				return b
			}
			keys <- key{kind: keyText, text: string(r)}
			b = b[size:]
		}
	}
	return b
}

// escLen is the length of the escape sequence at the start of b, or 0 if
// it is not complete yet.
func escLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '[':
		for i := 2; i < len(b); i++ {
			if b[i] >= 0x40 && b[i] <= 0x7e {
				return i + 1
			}
		}
		return 0
	case ']', 'P', '_', '^':
		for i := 2; i < len(b); i++ {
			if b[i] == 0x07 {
				return i + 1
			}
			if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '\\' {
				return i + 2
			}
		}
		return 0
	case 'O':
		if len(b) < 3 {
			return 0
		}
		return 3
	default:
		return 2
	}
}

// ---- drawing (Ink style: words placed with cursor jumps, not spaces)

// seg is a run of words in one style (on, undone by off).
type seg struct {
	text, on, off string
}

// para word-wraps text into the columns indent+1..cols and renders each
// line with a column jump before every word (Ink writes gaps as cursor
// moves, not spaces); later lines start at hang+1.
func (a *app) para(text, on, off string, indent, hang int) []string {
	return a.paraSegs([]seg{{text, on, off}}, indent, hang)
}

// paraSegs is para for text in several styles. A style starts after the
// jump to its first word on each line and is undone at the line's end.
func (a *app) paraSegs(segs []seg, indent, hang int) []string {
	var lines []string
	var b strings.Builder
	col := 0 // next free column (1-based); 0 = nothing on this line yet
	start := indent
	var cur *seg // style in force on this line
	flush := func() {
		if col > 0 {
			if cur != nil && cur.on != "" {
				b.WriteString(cur.off)
			}
			lines = append(lines, b.String())
			b.Reset()
			col, cur = 0, nil
		}
	}
	for i := range segs {
		sg := &segs[i]
		for _, w := range strings.Fields(sg.text) {
			wl := utf8.RuneCountInString(w)
			if col > 0 && col+wl-1 > a.cols {
				flush()
				start = hang
			}
			if col == 0 {
				if start > 0 {
					b.WriteString(jump(start + 1))
				}
				col = start + 1
			} else {
				b.WriteString(jump(col))
			}
			if cur != sg {
				if sg.on == "" && cur != nil && cur.on != "" {
					b.WriteString(cur.off)
				}
				b.WriteString(sg.on)
				cur = sg
			}
			b.WriteString(w)
			col += wl + 1
		}
	}
	flush()
	return lines
}

func jump(col int) string { return "\x1b[" + strconv.Itoa(col) + "G" }

func (a *app) header() []string {
	lines := a.paraSegs([]seg{{"Welcome to Claude Code", fgOrange, fgReset}, {"v" + version, fgGrey, fgReset}}, 0, 0)
	lines = append(lines, "")
	lines = append(lines, a.para("This will guide you through long-lived (1-year) auth token setup for your Claude account. Claude subscription required.", bold, boldOff, 1, 1)...)
	return append(lines, "")
}

func (a *app) newURL() {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	r := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = chars[rand.IntN(len(chars))]
		}
		return string(b)
	}
	a.urlID = strings.ToLower(r(6))
	a.url = "https://claude.ai/oauth/authorize?code=true&client_id=fake-client&response_type=code" +
		"&redirect_uri=https%3A%2F%2Fconsole.anthropic.com%2Foauth%2Fcode%2Fcallback&scope=user%3Ainference" +
		"&code_challenge=" + r(43) + "&code_challenge_method=S256&state=" + r(43)
}

func (a *app) promptBody() []string {
	lines := a.paraSegs([]seg{{"Browser didn't open? Use the URL below to sign in", "", ""}, {"(c to copy)", fgGrey, fgReset}}, 1, 1)
	lines = append(lines, "")
	for u := a.url; len(u) > 0; {
		n := min(a.cols, len(u))
		lines = append(lines, "\x1b]8;id="+a.urlID+";"+a.url+"\x07"+fgGrey+u[:n]+fgReset+"\x1b]8;;\x07")
		u = u[n:]
	}
	lines = append(lines, "")
	lines = append(lines, a.para("Paste code here if prompted", "", "", 1, 1)...)
	inner := a.cols - 3
	lines = append(lines,
		jump(2)+fgBlue+"╭"+strings.Repeat("─", inner)+"╮"+fgReset,
		a.inputRow(),
		jump(2)+fgBlue+"╰"+strings.Repeat("─", inner)+"╯"+fgReset,
	)
	return lines
}

// inputRow is the middle row of the input box, drawn in full.
func (a *app) inputRow() string {
	return jump(2) + fgBlue + "│" + jump(4) + fgReset + a.masked() + "\x1b[7m " + jump(a.cols) + "\x1b[27m" + fgBlue + "│" + fgReset
}

// drawInput rewrites only the input row (two rows above the cursor), as
// Ink writes only what changed; spaces wipe what a shorter input left.
func (a *app) drawInput() {
	masked := a.masked()
	pad := max(a.cols-5-utf8.RuneCountInString(masked), 0)
	a.write("\x1b[2A\r" + jump(4) + masked + "\x1b[7m \x1b[27m" + strings.Repeat(" ", pad) + "\x1b[2B\r")
}

// masked shows all but the last 6 characters of the code as '*'.
func (a *app) masked() string {
	n := len(a.code)
	if n > a.cols-6 { // keep the box intact: show the tail
		n = a.cols - 6
	}
	code := a.code[len(a.code)-n:]
	hidden := max(len(code)-6, 0)
	return strings.Repeat("*", hidden) + string(code[hidden:])
}

func (a *app) spinnerBody() []string {
	frames := []rune(spinnerChar)
	f := string(frames[a.frame%len(frames)])
	return []string{jump(2) + fgWhite + f + fgReset + " Finishing sign-in" + ellipsis}
}

func (a *app) errorBody() []string {
	lines := a.para("OAuth error: Invalid code. Please make sure the full code was copied (fake claude, badcode mode)", fgRed, fgReset, 1, 1)
	lines = append(lines, "")
	return append(lines, a.para("Press Enter to retry.", "", "", 1, 1)...)
}

// successBody is the success screen, the token hard-wrapped into rows of
// (columns − 1) characters from column 2, each row with its own colour.
func (a *app) successBody() []string {
	lines := a.para("✔ Long-lived authentication token created", fgGreen, fgReset, 1, 3)
	lines = append(lines, "")
	lines = append(lines, a.para("Your OAuth token (valid for 1 year):", "", "", 1, 1)...)
	lines = append(lines, "")
	w := a.cols - 1
	for t := a.token; len(t) > 0; {
		n := min(w, len(t))
		lines = append(lines, jump(2)+fgYellow+t[:n]+fgReset)
		t = t[n:]
	}
	lines = append(lines, "")
	lines = append(lines, a.para("Store this token securely. You won't be able to see it again.", fgGrey, fgReset, 1, 1)...)
	lines = append(lines, "")
	lines = append(lines, a.para("Use this token by setting: export CLAUDE_CODE_OAUTH_TOKEN=<token>", fgGrey, fgReset, 1, 1)...)
	lines = append(lines, "")
	lines = append(lines, a.para("You can revoke it later at https://claude.ai/settings/claude-code", fgGrey, fgReset, 1, 1)...)
	return append(lines, "")
}

func (a *app) body() []string {
	switch a.st {
	case stPrompt:
		return a.promptBody()
	case stSpinner:
		return a.spinnerBody()
	case stError:
		return a.errorBody()
	case stSuccess:
		return a.successBody()
	default:
		return a.para("Opening browser to sign in"+ellipsis, "", "", 1, 1)
	}
}

// erase removes the dynamic part drawn last, as Ink's log-update does.
func (a *app) erase() string {
	if a.bodyLines == 0 {
		return ""
	}
	var b strings.Builder
	n := a.bodyLines + 1
	for i := range n {
		b.WriteString("\x1b[2K")
		if i < n-1 {
			b.WriteString("\x1b[1A")
		}
	}
	b.WriteString("\x1b[G")
	return b.String()
}

func (a *app) drawBody(lines []string) {
	a.write(a.erase() + strings.Join(lines, "\r\n") + "\r\n")
	a.bodyLines = len(lines)
}

// redrawAll clears the screen and draws everything again at the new size,
// as the real program does on a resize during the success screen.
func (a *app) redrawAll() {
	var b strings.Builder
	b.WriteString("\x1b[H")
	for range a.rows {
		b.WriteString("\x1b[2K\x1b[1B")
	}
	b.WriteString("\x1b[H")
	b.WriteString(strings.Join(a.header(), "\r\n") + "\r\n")
	a.bodyLines = 0
	lines := a.body()
	b.WriteString(strings.Join(lines, "\r\n") + "\r\n")
	a.bodyLines = len(lines)
	a.write(b.String())
}
