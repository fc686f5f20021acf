package ptyrun

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleToken is the meaningless random stand-in in testdata/*.raw.
const sampleToken = "sk-ant-oat01-GQqMJIWgd-9HRaXlD5kahaGmWYxe5p3dNLe4uLplEB_9cFSR5MXgyHJmcWsL-kXT0nYIWtUcxm_zL3KHOqZrmnZM6agjwAA"

var samples = []struct {
	file string
	want string // "" = no token
}{
	{"success-80x24.raw", sampleToken},
	{"success-40x30.raw", sampleToken},
	{"success-80x24-resize-during-success.raw", sampleToken},
	{"start-80x24-waiting-for-code.raw", ""},
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scan feeds chunks to a new scanner, closes it and returns it.
func scan(chunks ...[]byte) *Scanner {
	s := NewScanner()
	for _, c := range chunks {
		n, err := s.Write(c)
		if n != len(c) || err != nil {
			panic(fmt.Sprintf("Write(%d bytes) = %d, %v", len(c), n, err))
		}
	}
	_ = s.Close()
	return s
}

// splitAt cuts b at the given increasing offsets.
func splitAt(b []byte, cuts ...int) [][]byte {
	var out [][]byte
	prev := 0
	for _, c := range cuts {
		out = append(out, b[prev:c])
		prev = c
	}
	return append(out, b[prev:])
}

// randomSplit cuts b into random chunks (many tiny ones, some large).
func randomSplit(rng *rand.Rand, b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n := 1 + rng.Intn(8)
		if rng.Intn(4) == 0 {
			n = 1 + rng.Intn(200)
		}
		if n > len(b) {
			n = len(b)
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

func checkScan(t *testing.T, s *Scanner, want string, label string) {
	t.Helper()
	got, ok := s.Token()
	if want == "" {
		if ok {
			t.Fatalf("%s: found a token of %d chars, want none", label, len(got))
		}
		return
	}
	if !ok || got != want {
		t.Fatalf("%s: Token() = %q, %v (reason %v); want the %d-char token", label, got, ok, s.Reason(), len(want))
	}
	if s.Reason() != Found || s.Err() != nil {
		t.Fatalf("%s: Reason() = %v, Err() = %v with a token found", label, s.Reason(), s.Err())
	}
}

func TestScannerSamplesWhole(t *testing.T) {
	for _, sm := range samples {
		t.Run(sm.file, func(t *testing.T) {
			s := scan(readSample(t, sm.file))
			checkScan(t, s, sm.want, "whole")
			if sm.want == "" && s.Reason() != NoToken {
				t.Fatalf("Reason() = %v, want %v", s.Reason(), NoToken)
			}
		})
	}
}

func TestScannerSamplesEveryTwoWaySplit(t *testing.T) {
	for _, sm := range samples {
		t.Run(sm.file, func(t *testing.T) {
			b := readSample(t, sm.file)
			for i := 0; i <= len(b); i++ {
				checkScan(t, scan(splitAt(b, i)...), sm.want, fmt.Sprintf("split at %d", i))
			}
		})
	}
}

func TestScannerSamplesRandomSplits(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, sm := range samples {
		t.Run(sm.file, func(t *testing.T) {
			b := readSample(t, sm.file)
			// byte by byte
			var bytewise [][]byte
			for i := range b {
				bytewise = append(bytewise, b[i:i+1])
			}
			checkScan(t, scan(bytewise...), sm.want, "byte by byte")
			for i := 0; i < 300; i++ {
				checkScan(t, scan(randomSplit(rng, b)...), sm.want, fmt.Sprintf("random split #%d", i))
			}
		})
	}
}

// TestScannerSamplesTruncated cuts each success sample at every point
// inside or just after the token rows: whatever is returned must be the
// whole token, never a part of it.
func TestScannerSamplesTruncated(t *testing.T) {
	for _, sm := range samples[:3] {
		t.Run(sm.file, func(t *testing.T) {
			b := readSample(t, sm.file)
			for i := 0; i <= len(b); i++ {
				s := scan(b[:i])
				if got, ok := s.Token(); ok && got != sampleToken {
					t.Fatalf("cut at %d: returned a %d-char partial token", i, len(got))
				}
			}
		})
	}
}

// fakeToken makes a token-shaped string of length n (FAKE inside, AA at the
// end) from seed.
func fakeToken(n int, seed int64) string {
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	rng := rand.New(rand.NewSource(seed))
	var b strings.Builder
	b.WriteString(TokenPrefix + "FAKE")
	for b.Len() < n-2 {
		b.WriteByte(chars[rng.Intn(len(chars))])
	}
	b.WriteString("AA")
	return b.String()[:n]
}

// inkRows renders tok the way the real program does: hard-wrapped into rows
// of width-1 characters from column 2, each row with its own colour codes and
// a \r\r\n line end, then a blank row.
func inkRows(tok string, width int) string {
	var b strings.Builder
	w := width - 1
	for len(tok) > 0 {
		n := min(w, len(tok))
		b.WriteString("\x1b[2G\x1b[38;5;220m" + tok[:n] + "\x1b[39m\r\r\n")
		tok = tok[n:]
	}
	b.WriteString("\r\r\n")
	return b.String()
}

func TestScannerTable(t *testing.T) {
	tok := fakeToken(108, 1)
	tok2 := fakeToken(108, 2)
	short := fakeToken(79, 3)
	tok158 := fakeToken(158, 4) // two full rows at width 80
	const (
		esc = "\x1b"
		red = esc + "[31m"
		rst = esc + "[0m"
	)
	tests := []struct {
		name   string
		in     string
		want   string
		reason Reason
	}{
		{"plain line", "Your token:\r\n" + tok + "\r\n\r\nbye\r\n", tok, Found},
		{"plain line LF only", tok + "\n\n", tok, Found},
		{"wrapped 80", inkRows(tok, 80), tok, Found},
		{"wrapped 40", inkRows(tok, 40), tok, Found},
		{"wrapped 20", inkRows(tok, 20), tok, Found},
		{"one row at 200", inkRows(tok, 200), tok, Found},
		{"rows of equal length end at the blank row", inkRows(tok158, 80), tok158, Found},
		{"short last row ends it even without a blank row", strings.TrimSuffix(inkRows(tok, 80), "\r\r\n") + "Claude\r\n", tok, Found},
		{"followed by text on its row", "token " + tok + " (keep it safe)\r\n", tok, Found},
		{"followed by a period", tok + ".\r\n", tok, Found},
		{"export line", "export CLAUDE_CODE_OAUTH_TOKEN=" + tok + "\r\n$ \r\n", tok, Found},
		{"colour changes inside the token", tok[:20] + red + tok[20:50] + rst + esc + "[1m" + tok[50:] + esc + "[22m\r\n\r\n", tok, Found},
		{"OSC 8 hyperlink around the token", esc + "]8;id=x;https://example.com/" + tok2 + "\x07" + tok + esc + "]8;;" + esc + "\\\r\n\r\n", tok, Found},
		{"OSC split token rows", esc + "[2G" + tok[:79] + esc + "]0;title\x07\r\r\n" + esc + "[2G" + tok[79:] + "\r\r\n\r\r\n", tok, Found},
		{"redraw: last whole token wins", inkRows(tok, 80) + esc + "[H" + esc + "[2K" + inkRows(tok2, 40), tok2, Found},
		{"redraw at another width, same token", inkRows(tok, 80) + esc + "[H" + inkRows(tok, 60), tok, Found},
		{"later cut-off token does not replace a whole one", inkRows(tok, 80) + esc + "[2G" + tok2[:60], tok, Found},
		{"down moves break rows", esc + "[2G" + tok[:79] + esc + "[1B\r" + esc + "[2G" + tok[79:] + esc + "[1B\r" + esc + "[1B", tok, Found},
		{"CAN aborts an unterminated OSC", esc + "]0;title\x18" + tok + "\r\n\r\n", tok, Found},
		{"ESC inside CSI restarts", esc + "[12" + esc + "[31m" + tok + "\r\n\r\n", tok, Found},
		{"charset and save/restore sequences", esc + "(B" + esc + "7" + tok + esc + "(0\r\n\r\n" + esc + "8", tok, Found},
		{"DCS and APC bodies are invisible", esc + "P1$r" + tok2 + esc + "\\" + esc + "_G" + tok2 + esc + "\\" + tok + "\r\n\r\n", tok, Found},

		{"nothing", "hello\r\nworld\r\n", "", NoToken},
		{"token only inside an OSC", esc + "]8;;" + tok + "\x07link" + esc + "]8;;\x07\r\n\r\n", "", NoToken},
		{"unterminated OSC hides the rest", esc + "]0;title" + tok + "\r\n\r\n", "", NoToken},
		{"API key is not a setup token", "sk-ant-api03-" + tok[13:] + "\r\n\r\n", "", NoToken},
		{"too short", short + "\r\n\r\n", "", TooShort},
		{"first row of a wrapped token then other text", esc + "[2G" + tok[:79] + "\r\r\n" + esc + "[2GStore this token\r\r\n", "", TooShort},
		{"continuation with a gap is not joined", esc + "[2G" + tok[:79] + "\r\r\n" + esc + "[2G" + tok[79:90] + esc + "[20G" + tok[90:] + "\r\r\n\r\r\n", "", TooShort},
		{"cursor jump inside the token splits it", tok[:50] + esc + "[60G" + tok[50:] + "\r\n\r\n", "", TooShort},
		{"ends at EOF without a row end", tok, "", Unfinished},
		{"ends at EOF after one full row", esc + "[2G" + tok[:79] + esc + "[39m\r\r\n", "", Unfinished},
		{"cut mid-row at EOF", esc + "[2G" + tok[:79] + "\r\r\n" + esc + "[2G" + tok[79:100], "", Unfinished},
		{"single row at EOF", inkRows(tok, 200)[:len(inkRows(tok, 200))-3], "", Unfinished},
		{"cursor up right after the token", tok + esc + "[1A\r\n\r\n", "", Unfinished},
		{"cursor home before the next row", esc + "[2G" + tok[:79] + "\r\r\n" + esc + "[H" + tok[79:] + "\r\n\r\n", "", Unfinished},
		{"too long", TokenPrefix + strings.Repeat("a", 2000) + "\r\n\r\n", "", TooLong},
		{"too long over rows", inkRows(TokenPrefix+strings.Repeat("b", 1200), 80), "", TooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Whole, and byte by byte: the result must not depend on chunking.
			whole := scan([]byte(tt.in))
			var bytewise [][]byte
			for i := 0; i < len(tt.in); i++ {
				bytewise = append(bytewise, []byte(tt.in[i:i+1]))
			}
			for _, s := range []*Scanner{whole, scan(bytewise...)} {
				checkScan(t, s, tt.want, tt.name)
				if s.Reason() != tt.reason {
					t.Fatalf("Reason() = %v, want %v", s.Reason(), tt.reason)
				}
				err := s.Err()
				if tt.reason == Found {
					continue
				}
				var se *ScanError
				if !errors.As(err, &se) || se.Reason != tt.reason {
					t.Fatalf("Err() = %v, want a *ScanError with %v", err, tt.reason)
				}
				for _, secret := range []string{tok[13:40], tok2[13:40], short[13:40]} {
					if strings.Contains(err.Error(), secret) {
						t.Fatalf("error text %q quotes the token", err)
					}
				}
			}
		})
	}
}

func TestScanErrorText(t *testing.T) {
	s := scan([]byte(fakeToken(79, 9) + "\r\n\r\n"))
	if got := s.Err().Error(); !strings.Contains(got, "only 79 characters") || !strings.Contains(got, "cut off") {
		t.Fatalf("TooShort text = %q", got)
	}
	s = scan([]byte("nothing here\r\n"))
	if got := s.Err().Error(); !strings.Contains(got, "no setup token") {
		t.Fatalf("NoToken text = %q", got)
	}
	s = scan([]byte(fakeToken(100, 9)))
	if got := s.Err().Error(); !strings.Contains(got, "stopped while the token was still being printed") {
		t.Fatalf("Unfinished text = %q", got)
	}
}

func TestScannerWritesAfterCloseIgnored(t *testing.T) {
	s := scan([]byte("nothing\r\n"))
	tok := fakeToken(108, 5)
	if n, err := s.Write([]byte(tok + "\r\n\r\n")); n != len(tok)+4 || err != nil {
		t.Fatalf("Write after Close = %d, %v", n, err)
	}
	if _, ok := s.Token(); ok {
		t.Fatal("a write after Close produced a token")
	}
}

func TestScannerWipe(t *testing.T) {
	s := NewScanner()
	tok := fakeToken(108, 6)
	_, _ = s.Write([]byte(inkRows(tok, 80)))
	if _, ok := s.Token(); !ok {
		t.Fatal("no token before Wipe")
	}
	best := s.best[:cap(s.best)]
	s.Wipe()
	if _, ok := s.Token(); ok || s.Reason() != NoToken {
		t.Fatalf("after Wipe: Reason() = %v", s.Reason())
	}
	if i := bytes.IndexFunc(best, func(r rune) bool { return r != 0 }); i >= 0 {
		t.Fatalf("Wipe left token bytes in memory at %d", i)
	}
	// Still usable.
	_, _ = s.Write([]byte(inkRows(tok, 40)))
	checkScan(t, s, tok, "after Wipe")
}

// noiseSafe turns arbitrary bytes into noise that cannot itself contain a
// setup token: without '-', TokenPrefix cannot be formed even once escape
// sequences are stripped.
func noiseSafe(b []byte) []byte {
	out := bytes.ReplaceAll(b, []byte("-"), []byte("."))
	return out
}

// chunks splits b using the fuzzer's split bytes as chunk lengths.
func chunksFrom(b []byte, splits []byte) [][]byte {
	var out [][]byte
	for i := 0; len(b) > 0; i++ {
		n := len(b)
		if len(splits) > 0 {
			n = int(splits[i%len(splits)])%64 + 1
		}
		n = min(n, len(b))
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

func FuzzScanner(f *testing.F) {
	for _, sm := range samples {
		b, err := os.ReadFile(filepath.Join("testdata", sm.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, []byte{1, 7, 3}, uint8(60), int64(1))
		f.Add(b[len(b)/3:], []byte{200}, uint8(0), int64(2))
	}
	f.Add([]byte("\x1b]8;;http://x\x07sk-ant-oat01-\x1b[1;2"), []byte{2}, uint8(180), int64(3))
	f.Add([]byte("\x1bP\x1b[31m\x1b\\\x1b(\x18text\r\n"), []byte{}, uint8(20), int64(4))
	f.Add([]byte("sk-ant-oat01-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"), []byte{5, 0, 9}, uint8(100), int64(5))
	f.Fuzz(func(t *testing.T, data, splits []byte, width uint8, seed int64) {
		// 1. Any output, any chunking: no panic, and the same answer as
		//    when fed whole.
		whole := scan(data)
		chunked := scan(chunksFrom(data, splits)...)
		wt, wok := whole.Token()
		ct, cok := chunked.Token()
		if wt != ct || wok != cok || whole.Reason() != chunked.Reason() {
			t.Fatalf("chunking changed the result: whole %v %v, chunked %v %v", wok, whole.Reason(), cok, chunked.Reason())
		}
		if wok && (!strings.HasPrefix(wt, TokenPrefix) || len(wt) < MinTokenLen || len(wt) > MaxTokenLen) {
			t.Fatalf("returned an invalid token of %d chars", len(wt))
		}

		// 2. A token wrapped at any width 20..200 inside noise, split
		//    anyhow, is found exactly.
		w := 20 + int(width)%181
		tok := fakeToken(MinTokenLen+int(uint64(seed)%120), seed)
		half := len(data) / 2
		var in []byte
		in = append(in, noiseSafe(data[:half])...)
		in = append(in, "\x18\r\n"...) // CAN ends any sequence the noise left open
		in = append(in, inkRows(tok, w)...)
		in = append(in, noiseSafe(data[half:])...)
		s := scan(chunksFrom(in, splits)...)
		if got, ok := s.Token(); !ok || got != tok {
			t.Fatalf("width %d: Token() = %q, %v (reason %v), want %q", w, got, ok, s.Reason(), tok)
		}
	})
}

// transcript builds a large realistic output: the recorded sessions, with
// many redraw frames of ordinary coloured text between them.
func transcript(size int) []byte {
	var b bytes.Buffer
	rng := rand.New(rand.NewSource(7))
	words := strings.Fields("Paste code here if prompted Browser didn't open? Use the URL below to sign in (c to copy) Long-lived authentication token created Store this token securely.")
	files := make([][]byte, 0, len(samples))
	for _, sm := range samples {
		raw, err := os.ReadFile(filepath.Join("testdata", sm.file))
		if err != nil {
			panic(err)
		}
		files = append(files, raw)
	}
	for b.Len() < size {
		b.Write(files[rng.Intn(len(files))])
		for range 20 {
			col := 2
			b.WriteString("\x1b[2G\x1b[38;5;246m")
			for range 8 {
				w := words[rng.Intn(len(words))]
				fmt.Fprintf(&b, "\x1b[%dG%s", col, w)
				col += len(w) + 1
			}
			b.WriteString("\x1b[39m\r\r\n")
		}
		b.WriteString("\x1b]8;id=abc;https://claude.ai/oauth/authorize?code=xyz\x07link\x1b]8;;\x07\r\r\n\x1b[2K\x1b[1A\x1b[2K\x1b[G")
	}
	return b.Bytes()
}

func BenchmarkScanner(b *testing.B) {
	data := transcript(4 << 20)
	const chunk = 4096 // what a pty read returns at most
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := NewScanner()
		for off := 0; off < len(data); off += chunk {
			_, _ = s.Write(data[off:min(off+chunk, len(data))])
		}
		_ = s.Close()
		if tok, ok := s.Token(); !ok || tok != sampleToken {
			b.Fatal("token not found in the transcript")
		}
	}
}
