package termbg

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// fakeTerminal is a pty whose far end plays the terminal: it reads what the
// program sends and, once the whole query has arrived, runs answer with the
// master side to write to (and the program's side, to look at). It returns
// the program's side.
func fakeTerminal(t *testing.T, answer func(master, tty *os.File)) *os.File {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty available: %v", err)
	}
	t.Cleanup(func() {
		_ = tty.Close()
		_ = master.Close()
	})
	go func() {
		var got []byte
		buf := make([]byte, 64)
		for !bytes.Contains(got, []byte(query)) {
			n, err := master.Read(buf)
			if err != nil {
				return
			}
			got = append(got, buf[:n]...)
		}
		answer(master, tty)
		_, _ = master.Read(buf) // keep reading until the test closes it
	}()
	return tty
}

func TestQuery(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answer  string
		split   bool // one byte at a time
		timeout time.Duration
		want    Color
		err     error
	}{
		{name: "dark, ST-terminated", answer: "\x1b]11;rgb:1c1c/1c1c/1c1c\x1b\\\x1b[12;1R", want: Color{0x1c1c, 0x1c1c, 0x1c1c}},
		{name: "light, BEL-terminated, two digits", answer: "\x1b]11;rgb:ff/ff/ff\a\x1b[1;1R", want: Color{0xffff, 0xffff, 0xffff}},
		{name: "keys typed before the answer", answer: "jk\x1b[A\x1b]11;rgb:0000/2b2b/3636\x1b\\\x1b[3;7R", want: Color{0, 0x2b2b, 0x3636}},
		{name: "answer split across reads", answer: "\x1b]11;rgb:fdfd/f6f6/e3e3\x1b\\\x1b[24;80R", split: true, want: Color{0xfdfd, 0xf6f6, 0xe3e3}},
		// The terminal supports DSR only: the cursor report ends the wait at
		// once, long before this deadline.
		{name: "only the cursor report", answer: "\x1b[1;1R", timeout: 10 * time.Second, err: ErrNoColour},
		{name: "nothing", answer: "", err: ErrNoAnswer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tty := fakeTerminal(t, func(m, _ *os.File) {
				if !tc.split {
					_, _ = m.WriteString(tc.answer)
					return
				}
				for i := range len(tc.answer) {
					_, _ = m.WriteString(tc.answer[i : i+1])
					time.Sleep(2 * time.Millisecond)
				}
			})
			timeout := tc.timeout
			if timeout == 0 {
				timeout = Timeout
			}
			start := time.Now()
			c, err := Query(int(tty.Fd()), timeout)
			took := time.Since(start)
			if !errors.Is(err, tc.err) || c != tc.want {
				t.Fatalf("Query = %+v, %v; want %+v, %v", c, err, tc.want, tc.err)
			}
			switch {
			case tc.err == ErrNoAnswer && (took < Timeout || took > 2*time.Second):
				t.Errorf("a terminal that answers nothing took %v; want the %v deadline", took, Timeout)
			case tc.timeout > 0 && took > 5*time.Second:
				t.Errorf("took %v: the cursor report did not end the wait", took)
			}
			t.Logf("answered in %v", took)
		})
	}
}

// While the answer is awaited the terminal neither echoes it nor holds it
// back for a newline; afterwards it is as it was.
func TestQueryRestoresTheTerminal(t *testing.T) {
	during := make(chan uint32, 1)
	tty := fakeTerminal(t, func(m, tty *os.File) {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), ioctlGetTermios)
		if err == nil {
			during <- uint32(tio.Lflag)
		}
		close(during)
		_, _ = m.WriteString("\x1b]11;rgb:0/0/0\x1b\\\x1b[1;1R")
	})
	before, err := unix.IoctlGetTermios(int(tty.Fd()), ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	if before.Lflag&(unix.ECHO|unix.ICANON) != unix.ECHO|unix.ICANON {
		t.Fatalf("a new pty should echo and be line-buffered: lflag %#x", before.Lflag)
	}
	if _, err := Query(int(tty.Fd()), Timeout); err != nil {
		t.Fatal(err)
	}
	if l, ok := <-during; !ok || l&(unix.ECHO|unix.ICANON) != 0 {
		t.Errorf("while waiting: lflag %#x (read %v); want ECHO and ICANON off", l, ok)
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	if *after != *before {
		t.Errorf("terminal modes not restored:\nbefore %+v\nafter  %+v", before, after)
	}
}

// Ask asks only a terminal it may ask: what reaches the terminal is
// nothing at all otherwise.
func TestAskLeavesAloneWhatItMustNotAsk(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty available: %v", err)
	}
	defer master.Close()
	defer tty.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	for _, tc := range []struct {
		name   string
		out    *os.File
		getenv func(string) string
	}{
		{"TERM=dumb", tty, env("TERM", "dumb")},
		{"GNU screen", tty, env("TERM", "screen-256color")},
		// A pty that is not this process's controlling terminal (so not its
		// foreground either): asking it would be asking someone else's.
		{"not the foreground", tty, env("TERM", "xterm-256color")},
		{"a pipe", pw, env("TERM", "xterm-256color")},
		{"nil", nil, env("TERM", "xterm-256color")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			if c, ok := Ask(tc.out, tc.getenv); ok {
				t.Errorf("Ask = %+v, true; want no answer", c)
			}
			if took := time.Since(start); took > Timeout {
				t.Errorf("took %v: it waited for an answer", took)
			}
		})
	}
	// Nothing was written to either.
	for name, f := range map[string]*os.File{"the terminal": master, "the pipe": pr} {
		if sent, err := readable(int(f.Fd()), time.Now().Add(50*time.Millisecond)); sent || err != nil {
			t.Errorf("%s was sent something (%v)", name, err)
		}
	}
}

func TestMayAsk(t *testing.T) {
	for _, tc := range []struct {
		term, tmux string
		want       bool
	}{
		{"xterm-256color", "", true},
		{"", "", true}, // the caller decides whether colour is on at all
		{"dumb", "", false},
		{"screen", "", false},
		{"screen-256color", "/tmp/tmux-0/default,1,0", true}, // tmux's default TERM
		{"tmux-256color", "", true},
		{"linux", "", true}, // answers the cursor report: one round trip
	} {
		got := mayAsk(func(k string) string {
			return map[string]string{"TERM": tc.term, "TMUX": tc.tmux}[k]
		})
		if got != tc.want {
			t.Errorf("TERM=%q TMUX=%q: mayAsk = %v, want %v", tc.term, tc.tmux, got, tc.want)
		}
	}
}

func TestParseColor(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Color
		ok   bool
	}{
		{"rgb:ffff/ffff/ffff", Color{0xffff, 0xffff, 0xffff}, true},
		{"rgb:1e1e/1e1e/2e2e", Color{0x1e1e, 0x1e1e, 0x2e2e}, true},
		{"rgb:ff/80/00", Color{0xffff, 0x8080, 0}, true},
		{"rgb:fff/888/000", Color{0xffff, 0x8888, 0}, true},
		{"rgb:f/8/0", Color{0xffff, 0x8888, 0}, true},
		{"rgba:0000/0000/0000/e665", Color{0, 0, 0}, true}, // rxvt-unicode with transparency
		{"#ffffff", Color{0xffff, 0xffff, 0xffff}, true},
		{"#102030", Color{0x1010, 0x2020, 0x3030}, true},
		{"rgb:ffff/ffff", Color{}, false},
		{"rgb:fffff/0/0", Color{}, false},
		{"rgb:gg/00/00", Color{}, false},
		{"rgb://", Color{}, false},
		{"?", Color{}, false},
		{"#12345", Color{}, false},
		{"", Color{}, false},
	} {
		got, ok := parseColor(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseColor(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseReply(t *testing.T) {
	for _, tc := range []struct {
		in       string
		ok, done bool
	}{
		{"", false, false},
		{"\x1b]11;rgb:0/0/0", false, false},      // colour not terminated yet
		{"\x1b]11;rgb:0/0/0\x1b", false, false},  // ST half there
		{"\x1b]11;rgb:0/0/0\x1b\\", true, false}, // colour, cursor report to come
		{"\x1b]11;rgb:0/0/0\x1b\\\x1b[1", true, false},
		{"\x1b]11;rgb:0/0/0\x1b\\\x1b[1;1R", true, true},
		{"\x1b[1;1R", false, true},
		{"\x1b[A\x1b[1;5R", false, true},              // an arrow key, then the report
		{"\x1b[R", false, false},                      // not a cursor report
		{"\x1b]10;rgb:f/f/f\a\x1b[2;2R", false, true}, // foreground, not background
		{"\x1b]11;?\x1b\\\x1b[6n", false, false},      // our own query echoed back
	} {
		_, ok, done := parseReply([]byte(tc.in))
		if ok != tc.ok || done != tc.done {
			t.Errorf("parseReply(%q): colour %v, done %v; want %v, %v", tc.in, ok, done, tc.ok, tc.done)
		}
	}
}

func TestDark(t *testing.T) {
	for _, tc := range []struct {
		c    Color
		dark bool
	}{
		{Color{0, 0, 0}, true},
		{Color{0x1c1c, 0x1c1c, 0x1c1c}, true},
		{Color{0x0000, 0x2b2b, 0x3636}, true},  // Solarized dark
		{Color{0xfdfd, 0xf6f6, 0xe3e3}, false}, // Solarized light
		{Color{0xffff, 0xffff, 0xffff}, false},
		{Color{0x7fff, 0x7fff, 0x7fff}, true},
		{Color{0x8000, 0x8000, 0x8000}, false},
		{Color{0xffff, 0, 0}, false}, // pure red: lightness one half, as termenv says
	} {
		if got := tc.c.Dark(); got != tc.dark {
			t.Errorf("%+v.Dark() = %v, want %v", tc.c, got, tc.dark)
		}
	}
	if !strings.Contains(query, "\x1b]11;?") || !strings.HasSuffix(query, "\x1b[6n") {
		t.Fatal("the query must ask OSC 11 first and DSR last")
	}
}
